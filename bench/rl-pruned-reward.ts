/**
 * What a REINFORCE policy should learn from a PRUNED trial, measured with pruning replayed on a
 * learning-curve table (src/experiments/pruner-bench.ts): "last-value", the reward of the value at
 * its last reported step (the sampler as it is), against "worst", the worst reward seen so far, as a
 * FAIL trial gets (the same sampler shown PRUNED trials without their reports or value). Seeds are
 * settings seeds (0-19 by default), never the reported 100-149.
 *
 *   node --import tsx bench/rl-pruned-reward.ts --table tables/wine.csv.gz --pruner asha --sampler reinforce-mlp \
 *     --repeats 20 --budgets 100,200 --out bench/results/rl-pruned-reward.json
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname } from "node:path";
import { type PrunedStudyTrace, prunedPoint, runPrunedStudy, summarizePruned } from "../src/experiments/pruner-bench.ts";
import { mannWhitneyU } from "../src/experiments/statistics.ts";
import { samplerFromLabel } from "../src/samplers/index.ts";
import type { Sampler, StudyView } from "../src/samplers/sampler.ts";
import { loadTable } from "../src/tasks/table.ts";
import type { FrozenTrial } from "../src/trial/types.ts";
import { integerFlag } from "./flags.ts";

function textFlag(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? fallback : process.argv[at + 1];
}

/** The study as a sampler that learns nothing from pruned trials sees it: PRUNED trials without reports or value. */
function withoutPrunedValues(study: StudyView): StudyView {
  const hide = (trial: FrozenTrial): FrozenTrial =>
    trial.state === "PRUNED" ? { ...trial, value: undefined, intermediateValues: {} } : trial;
  return { direction: study.direction, trials: () => study.trials().map(hide) };
}

/** The sampler with every StudyView it is given replaced by withoutPrunedValues. */
function learningAsFailures(sampler: Sampler): Sampler {
  return {
    name: sampler.name,
    needsFullSpace: sampler.needsFullSpace,
    sampleRelative: (study, number, space) => sampler.sampleRelative(withoutPrunedValues(study), number, space),
    sampleIndependent: (study, number, name, distribution) =>
      sampler.sampleIndependent(withoutPrunedValues(study), number, name, distribution),
    afterTrial: (study, trial) => sampler.afterTrial?.(withoutPrunedValues(study), trial),
    isExhausted: (study, space) => sampler.isExhausted?.(withoutPrunedValues(study), space) ?? false,
  };
}

const tablePath = textFlag("table", "tables/wine.csv.gz");
const pruner = textFlag("pruner", "asha");
const label = textFlag("sampler", "reinforce-mlp");
const firstSeed = Number(textFlag("first-seed", "0"));
const repeats = integerFlag("repeats", 20);
const budgets = textFlag("budgets", "100,200").split(",").map(Number);
const out = textFlag("out", "bench/results/rl-pruned-reward.json");
if (firstSeed + repeats > 100 && firstSeed < 150) throw new Error("seeds 100-149 are the reported seeds: choose on others");

const table = loadTable(tablePath);
const started = performance.now();
const load = [loadavg()[0]];
const traces: PrunedStudyTrace[] = [];
const variants: Record<string, (seed: number) => Sampler> = {
  "last-value": (seed) => samplerFromLabel(label, seed),
  worst: (seed) => learningAsFailures(samplerFromLabel(label, seed)),
};
for (let seed = firstSeed; seed < firstSeed + repeats; seed++) {
  for (const [variant, make] of Object.entries(variants)) {
    const trace = await runPrunedStudy(table, label, { name: pruner }, seed, Math.max(...budgets), "paper", make);
    traces.push({ ...trace, pruner: variant });
  }
  console.error(`seed ${seed} done, ${((performance.now() - started) / 1000).toFixed(0)} s`);
}
load.push(loadavg()[0]);
const cells = summarizePruned(table, traces, budgets);
const comparisons = budgets.map((budget) => {
  const regretsOf = (variant: string) =>
    traces.filter((t) => t.pruner === variant).map((trace) => prunedPoint(table, trace, budget).regret);
  const last = regretsOf("last-value");
  const worst = regretsOf("worst");
  const lower = last.filter((regret, i) => regret < worst[i]).length;
  return {
    budget,
    lastValueLowerOnSeeds: lower,
    ties: last.filter((regret, i) => regret === worst[i]).length,
    ...mannWhitneyU(last, worst),
  };
});
for (const cell of cells) {
  console.log(
    `${cell.pruner} @${cell.budget}: median regret ${cell.medianRegret.toFixed(4)} ` +
      `[${cell.regretQ1.toFixed(4)}, ${cell.regretQ3.toFixed(4)}], epochs ${cell.medianEpochs}`,
  );
}
console.log(JSON.stringify(comparisons));
mkdirSync(dirname(out), { recursive: true });
const command = `node --import tsx bench/rl-pruned-reward.ts ${process.argv.slice(2).join(" ")}`;
writeFileSync(
  out,
  JSON.stringify({
    command,
    table: tablePath,
    pruner,
    sampler: label,
    firstSeed,
    repeats,
    budgets,
    loadAverage: load,
    wallSeconds: (performance.now() - started) / 1000,
    cells,
    comparisons,
    traces,
  }) + "\n",
);
