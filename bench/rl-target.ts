/**
 * The RL issue's target, read off `hyperforce bench` outputs: on each table, the default RL sampler's
 * median regret below random search at every budget >= 25, and no higher than the best of TPE and GP at
 * every budget >= 100, with one-sided Mann-Whitney tests (a repeat without a result counts as the worst).
 *   node --import tsx bench/rl-target.ts --sampler reinforce-mlp --out bench/results/rl-target.json DIR...
 * Each DIR holds a results.json written by `hyperforce bench` (with random, tpe, gp and the sampler).
 * Where the runs record what the search found (bestEvaluatedRegret), a second table sets, per cell not met,
 * the regret of the best configuration each study completed beside the one it reports, for the sampler and
 * the sampler it failed against (random below 100 evaluations or when it is not beaten, else the best of TPE
 * and GP), with the share of studies a lucky seed misled and a one-sided test on what was found.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BenchRun } from "../src/experiments/sampler-bench.ts";
import { mannWhitneyU } from "../src/experiments/statistics.ts";

interface Results {
  table: { path: string };
  budgets: number[];
  firstSeed: number;
  repeats: number;
  runs: BenchRun[];
}

function flag(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : fallback;
}

const sampler = flag("--sampler", "reinforce-mlp");
const out = flag("--out", "bench/results/rl-target.json");
const dirs = process.argv.slice(2).filter((arg, i, all) => !arg.startsWith("--") && !all[i - 1]?.startsWith("--"));

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

interface TargetRow {
  table: string;
  budget: number;
  median: number;
  random: number;
  pLowerThanRandom: number;
  bestOfTpeGp: string;
  bestMedian: number;
  pHigherThanBest: number;
  met: boolean;
  /** What the search found, when the runs record it: medians of bestEvaluatedRegret and the misled shares. */
  found?: { reference: string; median: number; referenceMedian: number; pLower: number; misled: number; referenceMisled: number };
}

/** What the search found in one cell: the median of bestEvaluatedRegret, and the share of runs that report worse. */
function foundIn(runs: BenchRun[], b: number): { values: number[]; misled: number } | undefined {
  const points = runs.map((run) => run.points[b]);
  if (points.length === 0 || !points.every((p) => typeof p?.bestEvaluatedRegret === "number" && p.regret !== null)) return undefined;
  const values = points.map((p) => p.bestEvaluatedRegret!);
  return { values, misled: points.filter((p) => p.bestEvaluatedRegret! < p.regret!).length / points.length };
}

const rows: TargetRow[] = [];
for (const dir of dirs) {
  const results = JSON.parse(readFileSync(join(dir, "results.json"), "utf8")) as Results;
  results.budgets.forEach((budget, b) => {
    const regrets = (label: string) => results.runs.filter((run) => run.sampler === label).map((run) => run.points[b]?.regret ?? Infinity);
    const mine = regrets(sampler);
    const random = regrets("random");
    const bo = ["tpe", "gp"].filter((label) => regrets(label).length > 0);
    const best = bo.reduce((a, c) => (median(regrets(c)) < median(regrets(a)) ? c : a));
    const vsRandom = mannWhitneyU(mine, random);
    const vsBest = mannWhitneyU(mine, regrets(best));
    const belowRandom = median(mine) < median(random) && vsRandom.pLower < 0.05;
    const notAboveBest = budget < 100 || (median(mine) <= median(regrets(best)) && vsBest.pHigher >= 0.05);
    const runsOf = (label: string) => results.runs.filter((run) => run.sampler === label);
    const reference = belowRandom ? best : "random";
    const foundMine = foundIn(runsOf(sampler), b);
    const foundReference = foundIn(runsOf(reference), b);
    const found =
      foundMine === undefined || foundReference === undefined
        ? undefined
        : {
            reference,
            median: median(foundMine.values),
            referenceMedian: median(foundReference.values),
            pLower: mannWhitneyU(foundMine.values, foundReference.values).pLower,
            misled: foundMine.misled,
            referenceMisled: foundReference.misled,
          };
    rows.push({
      found,
      table: results.table.path,
      budget,
      median: median(mine),
      random: median(random),
      pLowerThanRandom: vsRandom.pLower,
      bestOfTpeGp: best,
      bestMedian: median(regrets(best)),
      pHigherThanBest: vsBest.pHigher,
      met: belowRandom && notAboveBest,
    });
  });
}
writeFileSync(
  out,
  `${JSON.stringify({ sampler, command: `node --import tsx bench/rl-target.ts ${process.argv.slice(2).join(" ")}`, rows }, null, 2)}\n`,
);
console.log(`| table | budget | ${sampler} | random (p lower) | best of tpe, gp (p higher) | target met |`);
console.log("| --- | ---: | ---: | ---: | ---: | --- |");
for (const r of rows) {
  const name = r.table.replace(/^.*\//, "").replace(/\.csv(\.gz)?$/, "");
  console.log(
    `| ${name} | ${r.budget} | ${r.median.toFixed(4)} | ${r.random.toFixed(4)} (${r.pLowerThanRandom.toFixed(4)}) | ` +
      `${r.bestOfTpeGp} ${r.bestMedian.toFixed(4)} (${r.budget >= 100 ? r.pHigherThanBest.toFixed(4) : "-"}) | ` +
      `${r.met ? "yes" : "**no**"} |`,
  );
}
const unmet = rows.filter((r) => !r.met && r.found !== undefined);
if (unmet.length > 0) {
  console.log("");
  console.log(`| table | budget | ${sampler}: reports / found (misled) | failed against: reports / found (misled) | found lower: p |`);
  console.log("| --- | ---: | ---: | ---: | ---: |");
  const share = (x: number) => `${Math.round(100 * x)}%`;
  for (const r of unmet) {
    const f = r.found!;
    const name = r.table.replace(/^.*\//, "").replace(/\.csv(\.gz)?$/, "");
    console.log(
      `| ${name} | ${r.budget} | ${r.median.toFixed(4)} / ${f.median.toFixed(4)} (${share(f.misled)}) | ` +
        `${f.reference} ${(f.reference === "random" ? r.random : r.bestMedian).toFixed(4)} / ${f.referenceMedian.toFixed(4)} ` +
        `(${share(f.referenceMisled)}) | ${f.pLower.toFixed(4)} |`,
    );
  }
}
