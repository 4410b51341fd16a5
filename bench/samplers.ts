// Best value after N trials for TPE (the default multivariate one, the independent one, and with 4 trials at a time
// with and without the constant liar), the GP sampler and random search, over many seeds, on a 2-D quadratic, Branin
// and a 4-parameter discrete toy over the paper's space. Uses the real Study.
// Run: node --import tsx bench/samplers.ts [--trials 60] [--seeds 20] [--only tpe,gp]
// Writes bench/results/samplers.json (with --only, the other rows are kept from the file as it was).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { gpSampler } from "../src/samplers/gp/sampler.ts";
import { randomSampler } from "../src/samplers/random.ts";
import type { Sampler } from "../src/samplers/sampler.ts";
import { tpeSampler } from "../src/samplers/tpe.ts";
import type { Params } from "../src/space/types.ts";
import { createStudy } from "../src/study/study.ts";
import { integerFlag } from "./flags.ts";
import { problems } from "./problems.ts";

const nTrials = integerFlag("trials", 60);
const nSeeds = integerFlag("seeds", 20);

// Each row: its sampler, and how many trials run at once (the objective then yields between trials, so they overlap).
const samplers: Record<string, { make: (seed: number) => Sampler; concurrency?: number }> = {
  random: { make: (seed) => randomSampler({ seed }) },
  // TPE's defaults (multivariate, Optuna 5's neighbour bandwidths, constant liar off) were chosen on seeds 100-159.
  tpe: { make: (seed) => tpeSampler({ seed }) },
  "tpe-independent": { make: (seed) => tpeSampler({ seed, multivariate: false }) },
  "tpe-4-at-once": { make: (seed) => tpeSampler({ seed }), concurrency: 4 },
  "tpe-4-at-once-liar": { make: (seed) => tpeSampler({ seed, constantLiar: true }), concurrency: 4 },
  // GP defaults were tuned on seeds 100-109; the seeds reported here are 0..nSeeds-1.
  gp: { make: (seed) => gpSampler({ seed }) },
};
const only = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1].split(",") : undefined;
const isChosen = (label: string) => only === undefined || only.some((prefix) => label === prefix || label.startsWith(`${prefix}-`));

function median(values: number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

type Row = { median: number; mean: number; best: number[]; seconds: number; concurrency?: number };
const previous: Record<string, Record<string, Row>> = only !== undefined && existsSync("bench/results/samplers.json")
  ? JSON.parse(readFileSync("bench/results/samplers.json", "utf8")).results
  : {};
const results: Record<string, Record<string, Row>> = {};
const yieldThen = (value: number) => new Promise<number>((resolve) => setImmediate(() => resolve(value)));
for (const problem of problems) {
  results[problem.name] = {};
  for (const [label, { make, concurrency }] of Object.entries(samplers)) {
    if (!isChosen(label)) {
      if (previous[problem.name]?.[label] !== undefined) results[problem.name][label] = previous[problem.name][label];
      continue;
    }
    const best: number[] = [];
    const started = performance.now();
    for (let seed = 0; seed < nSeeds; seed++) {
      const study = createStudy({ space: problem.space, sampler: make(seed) });
      if (concurrency === undefined) await study.optimize((trial) => problem.f(trial.params as Params), { nTrials });
      else await study.optimize((trial) => yieldThen(problem.f(trial.params as Params)), { nTrials, concurrency });
      best.push(study.bestValue - problem.optimum);
    }
    const seconds = (performance.now() - started) / 1000;
    const mean = best.reduce((a, b) => a + b, 0) / best.length;
    results[problem.name][label] = { median: median(best), mean, best, seconds, ...(concurrency === undefined ? {} : { concurrency }) };
    console.log(
      `${problem.name.padEnd(10)} ${label.padEnd(19)} median regret ${median(best).toPrecision(3).padStart(9)}  (${seconds.toFixed(1)} s)`,
    );
  }
}
mkdirSync("bench/results", { recursive: true });
writeFileSync("bench/results/samplers.json", JSON.stringify({ nTrials, nSeeds, results }, null, 2) + "\n");
