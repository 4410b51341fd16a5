/**
 * The default RL samplers against random search on the exhaustive tables, for issue 12 item 1
 * (sampling without replacement from the policy): median regret of reinforce-mlp and reinforce-rnn
 * vs random at budgets 25/50/100/300, seeds 100-119 (never used to choose a default), and the share
 * of trials the RL samplers drew from their policy (from their per-update diagnostics, when the code
 * records it).
 *   node --import tsx bench/rl-without-replacement.ts --label after [--tables tables/wine.csv.gz,tables/letter.csv.gz]
 * Merges its numbers under `label` into bench/results/rl-without-replacement.json (so a run of the
 * code before the change, from a copy of that commit, and one after sit side by side).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { runSamplerBench } from "../src/experiments/sampler-bench.ts";
import { tableObjective } from "../src/objectives/table.ts";
import { samplerFromLabel } from "../src/samplers/index.ts";
import { createStudy } from "../src/study/study.ts";
import { loadTable } from "../src/tasks/table.ts";

function argument(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : fallback;
}

const label = argument("--label", "after");
const tables = argument("--tables", "tables/wine.csv.gz,tables/letter.csv.gz").split(",");
const samplers = argument("--samplers", "random,reinforce-mlp,reinforce-rnn").split(",");
const budgets = argument("--budgets", "25,50,100,300").split(",").map(Number);
const firstSeed = Number(argument("--first-seed", "100"));
const repeats = Number(argument("--repeats", "20"));
const shareSeeds = Number(argument("--share-seeds", "3"));
const out = argument("--out", "bench/results/rl-without-replacement.json");

/** Share of trials drawn from the policy, over the updates of a few studies (null when not recorded). */
async function policyShare(table: string, sampler: string): Promise<number | null> {
  let fromPolicy = 0;
  let proposals = 0;
  const largest = Math.max(...budgets);
  for (let seed = firstSeed; seed < firstSeed + shareSeeds; seed++) {
    const opened = loadTable(table);
    const s = samplerFromLabel(sampler, seed) as { diagnostics?: () => Array<Record<string, unknown>> };
    const study = createStudy({ name: "share", space: opened.coveredSpace(), sampler: s as never, seed });
    await study.optimize(tableObjective({ table: opened, seed }), { totalTrials: largest });
    for (const d of s.diagnostics?.() ?? []) {
      if (typeof d.policyDraws !== "number" || typeof d.fallbackDraws !== "number") return null;
      fromPolicy += d.policyDraws;
      proposals += d.policyDraws + d.fallbackDraws;
    }
  }
  return proposals === 0 ? null : fromPolicy / proposals;
}

const results: Record<string, unknown>[] = [];
for (const table of tables) {
  const started = performance.now();
  const result = await runSamplerBench({ table, samplers, budgets, repeats, firstSeed, workers: 0 });
  const cells = result.cells.map((c) => ({
    sampler: c.sampler,
    budget: c.budget,
    medianRegret: c.medianRegret,
    q1: c.regretQ1,
    q3: c.regretQ3,
  }));
  const shares: Record<string, number | null> = {};
  for (const sampler of samplers.filter((s) => s !== "random")) shares[sampler] = await policyShare(table, sampler);
  const seconds: Record<string, number> = {};
  for (const sampler of samplers) {
    seconds[sampler] = Number(
      result.runs
        .filter((r) => r.sampler === sampler)
        .reduce((a, r) => a + r.seconds, 0)
        .toFixed(2),
    );
  }
  results.push({ table, cells, policyShare: shares, studySeconds: seconds, wallSeconds: (performance.now() - started) / 1000 });
  console.log(JSON.stringify(results[results.length - 1]));
}

const all = existsSync(out) ? (JSON.parse(readFileSync(out, "utf8")) as Record<string, unknown>) : {};
all[label] = { command: process.argv.slice(1).join(" "), seeds: `${firstSeed}-${firstSeed + repeats - 1}`, budgets, results };
mkdirSync("bench/results", { recursive: true });
writeFileSync(out, `${JSON.stringify(all, null, 2)}\n`);
