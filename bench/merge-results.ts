/**
 * Merges `hyperforce bench` results of the same table, space, seeds and budgets: the runs of each
 * sampler come from the last file that has it, and every summary (medians, ranks, rank tests) is
 * recomputed over the merged runs. A benchmark study depends only on (sampler, seed, table, space), so
 * a sampler re-run after a change of its own replaces its old rows without re-running the others.
 *   node --import tsx bench/merge-results.ts --out DIR FIRST/results.json SECOND/results.json ...
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { compareCells } from "../src/experiments/bench-comparisons.ts";
import { writeBenchOutputs } from "../src/experiments/bench-report.ts";
import { type SamplerBenchResult, summarize } from "../src/experiments/sampler-bench.ts";

const { values, positionals } = parseArgs({ options: { out: { type: "string" } }, allowPositionals: true });
if (values.out === undefined || positionals.length < 2)
  throw new Error("usage: merge-results.ts --out DIR A/results.json B/results.json ...");
const results = positionals.map((path) => ({ path, result: JSON.parse(readFileSync(path, "utf8")) as SamplerBenchResult }));
const first = results[0].result;
for (const { path, result } of results.slice(1)) {
  const same =
    result.table.path === first.table.path &&
    result.space === first.space &&
    result.firstSeed === first.firstSeed &&
    result.repeats === first.repeats &&
    result.budgets.join(",") === first.budgets.join(",");
  if (!same) throw new Error(`${path}: a different table, space, seeds or budgets than ${results[0].path}`);
}
const samplers = [...new Set(results.flatMap(({ result }) => result.samplers))];
const lastWith = (sampler: string) => [...results].reverse().find(({ result }) => result.samplers.includes(sampler))!.result;
const runs = samplers.flatMap((sampler) => lastWith(sampler).runs.filter((run) => run.sampler === sampler));
const cells = summarize(runs, samplers, first.budgets, first.repeats, first.firstSeed);
const merged: SamplerBenchResult = {
  ...first,
  samplers,
  workers: Math.max(...results.map(({ result }) => result.workers)),
  wallSeconds: results.reduce((sum, { result }) => sum + result.wallSeconds, 0),
  cells,
  comparisons: compareCells(runs, cells, samplers, first.budgets),
  runs,
};
for (const path of await writeBenchOutputs(merged, values.out)) console.log(`wrote ${path}`);
