/**
 * Warm-starting the default RL sampler from a policy meta-trained on the other tables, leave one out
 * (issue 12's last lever): for each held-out table, one policy (the default's shape: mlp, plain heads)
 * learns by REINFORCE alone for --pretrain-trials trials on each of the other tables in turn; then the
 * default `reinforce` (surrogate in the loop) runs on the held-out table from that policy
 * (`initialPolicy`) and from scratch, seed for seed. Prints and writes the median regret per budget and
 * the one-sided Mann-Whitney p-values of "lower" and "higher" than from scratch.
 *   node --import tsx bench/rl-meta.ts --tables wine,letter,diabetes,digits --seeds 0-24 \
 *     --budgets 25,50,100 --pretrain-trials 300 [--held-out wine,letter] --out bench/results/rl-meta.json
 * Choose on seeds 0-49; seeds 100-149 are the report's.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { benchTable, pointsOf, quantile, runBenchStudy } from "../src/experiments/sampler-bench.ts";
import { mannWhitneyU } from "../src/experiments/statistics.ts";
import type { ExportedPolicy } from "../src/rl/checkpoint.ts";
import type { PolicySampler } from "../src/samplers/policy-sampler.ts";
import { reinforceSampler } from "../src/samplers/reinforce.ts";

const { values: flags } = parseArgs({
  options: {
    tables: { type: "string", default: "wine,letter,diabetes,digits" },
    /** The tables to hold out in turn (default: every table); the others of --tables train the policy. */
    "held-out": { type: "string" },
    seeds: { type: "string", default: "0-24" },
    budgets: { type: "string", default: "25,50,100" },
    "pretrain-trials": { type: "string", default: "300" },
    out: { type: "string", default: "bench/results/rl-meta.json" },
  },
});
const names = flags.tables.split(",");
const [first, last] = flags.seeds.split("-").map(Number);
const seeds = Array.from({ length: last - first + 1 }, (_, i) => first + i);
const budgets = flags.budgets.split(",").map(Number);
const pretrainTrials = Number(flags["pretrain-trials"]);
const pathOf = (name: string) => `tables/${name}.csv.gz`;

/** A policy trained by plain REINFORCE on each table in turn (the default's shape, so it loads into it). */
async function metaTrained(tables: string[]): Promise<ExportedPolicy> {
  let policy: ExportedPolicy | undefined;
  for (const [k, name] of tables.entries()) {
    let sampler: PolicySampler | undefined;
    const make = (seed: number) => {
      sampler = reinforceSampler({ seed, surrogate: "none", ordinalWidth: 0, initialPolicy: policy });
      return sampler;
    };
    await runBenchStudy(pathOf(name), "pretrain", 1000 + k, pretrainTrials, make);
    policy = sampler!.exportPolicy();
  }
  return policy!;
}

async function regrets(table: string, initialPolicy: ExportedPolicy | undefined): Promise<number[][]> {
  const loaded = benchTable(pathOf(table));
  const perBudget: number[][] = budgets.map(() => []);
  for (const seed of seeds) {
    const trace = await runBenchStudy(pathOf(table), "reinforce", seed, Math.max(...budgets), (s) =>
      reinforceSampler({ seed: s, initialPolicy }),
    );
    pointsOf(loaded, trace, budgets).forEach((point, b) => perBudget[b].push(point.regret ?? Infinity));
  }
  return perBudget;
}

const rows: unknown[] = [];
for (const heldOut of (flags["held-out"] ?? flags.tables).split(",")) {
  const others = names.filter((name) => name !== heldOut);
  const policy = await metaTrained(others);
  const warm = await regrets(heldOut, policy);
  const scratch = await regrets(heldOut, undefined);
  const cells = budgets.map((budget, b) => {
    const test = mannWhitneyU(warm[b], scratch[b]);
    return { budget, warm: quantile(warm[b], 0.5), scratch: quantile(scratch[b], 0.5), pLower: test.pLower, pHigher: test.pHigher };
  });
  rows.push({ heldOut, trainedOn: others, cells, warm, scratch });
  const text = cells.map(
    (c) => `${c.budget}: ${c.warm.toFixed(4)} vs ${c.scratch.toFixed(4)} (p< ${c.pLower.toFixed(3)}, p> ${c.pHigher.toFixed(3)})`,
  );
  console.log(`${heldOut} (trained on ${others.join(", ")}): ${text.join(" | ")}`);
}
mkdirSync(dirname(flags.out), { recursive: true });
writeFileSync(flags.out, `${JSON.stringify({ command: process.argv.slice(1).join(" "), seeds, budgets, pretrainTrials, rows })}\n`);
