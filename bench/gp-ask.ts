// Milliseconds per ask of the GP sampler once a study holds 100 and 300 completed trials, through the real
// Study (in memory): 5 float parameters, a sphere objective. Each ask after the first warm-starts the kernel
// fit from the previous one, as in a running study, so the first (cold) ask is reported apart.
// Run: node --import tsx bench/gp-ask.ts [--asks 5] [--seed 1]
// Writes bench/results/gp-ask.json.
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { Rng } from "../src/nn/rng.ts";
import { gpSampler } from "../src/samplers/gp/sampler.ts";
import type { Params, SearchSpace } from "../src/space/types.ts";
import { createStudy } from "../src/study/study.ts";
import { integerFlag } from "./flags.ts";

const asks = integerFlag("asks", 5);
const seed = integerFlag("seed", 1);
const space: SearchSpace = Object.fromEntries([0, 1, 2, 3, 4].map((k) => [`x${k}`, { type: "float", low: -5, high: 5 }]));
const sphere = (params: Params) => Object.values(params).reduce((sum: number, value) => sum + (value as number) ** 2, 0);

function median(values: number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const results: Record<string, { coldMs: number; warmMs: number[]; medianWarmMs: number }> = {};
for (const trials of [100, 300]) {
  const study = createStudy({ space, sampler: gpSampler({ seed }) });
  const rng = new Rng(seed);
  // The history: random points told directly (enqueued), so only the measured asks run the GP.
  for (let i = 0; i < trials; i++) {
    const params = Object.fromEntries(Object.keys(space).map((name) => [name, rng.uniformIn(-5, 5)]));
    study.enqueueTrial(params);
    const trial = study.ask();
    study.tell(trial, sphere(trial.params as Params));
  }
  const times: number[] = [];
  for (let i = 0; i <= asks; i++) {
    const started = performance.now();
    const trial = study.ask();
    times.push(performance.now() - started);
    study.tell(trial, sphere(trial.params as Params));
  }
  const [coldMs, ...warmMs] = times.map((ms) => Math.round(ms));
  results[String(trials)] = { coldMs, warmMs, medianWarmMs: median(warmMs) };
  console.log(`${trials} trials: first ask ${coldMs} ms, then median ${median(warmMs)} ms (${warmMs.join(", ")})`);
}
const machine = { cores: availableParallelism(), loadAverage1m: Number(loadavg()[0].toFixed(2)), node: process.version };
mkdirSync("bench/results", { recursive: true });
writeFileSync("bench/results/gp-ask.json", JSON.stringify({ parameters: 5, asks, seed, machine, results }, null, 2) + "\n");
