// Milliseconds per ask of the GP sampler once a study holds 100 and 300 completed trials, through the real
// Study (in memory), on two spaces: 5 float parameters (a sphere; candidates and coordinate search) and the
// paper's 10^4 configurations (a smooth bowl over the indices; every configuration scored). Each ask after the
// first reuses the previous kernel fit, as in a running study, so the first (cold) ask is reported apart.
// Wall and CPU time are both given: on a loaded machine the CPU time of this process is the steadier.
// Run: node --import tsx bench/gp-ask.ts [--asks 5] [--seed 1] [--out bench/results/gp-ask.json]
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { dirname } from "node:path";
import { Rng } from "../src/nn/rng.ts";
import { gpSampler } from "../src/samplers/gp/sampler.ts";
import { paperSpace } from "../src/space/presets.ts";
import type { Params, SearchSpace } from "../src/space/types.ts";
import { createStudy } from "../src/study/study.ts";
import { integerFlag } from "./flags.ts";

const asks = integerFlag("asks", 5);
const seed = integerFlag("seed", 1);
const out = process.argv.includes("--out") ? process.argv[process.argv.indexOf("--out") + 1] : "bench/results/gp-ask.json";

interface Problem {
  space: SearchSpace;
  draw: (rng: Rng) => Params;
  f: (params: Params) => number;
}
const floats: SearchSpace = Object.fromEntries([0, 1, 2, 3, 4].map((k) => [`x${k}`, { type: "float", low: -5, high: 5 }]));
const paper = paperSpace();
const choicesOf = (name: string) => (paper[name] as { choices: number[] }).choices;
const problems: Record<string, Problem> = {
  floats: {
    space: floats,
    draw: (rng) => Object.fromEntries(Object.keys(floats).map((name) => [name, rng.uniformIn(-5, 5)])),
    f: (params) => Object.values(params).reduce((sum: number, value) => sum + (value as number) ** 2, 0),
  },
  paper: {
    space: paper,
    draw: (rng) => Object.fromEntries(Object.keys(paper).map((name) => [name, choicesOf(name)[rng.int(10)]])),
    f: (params) => Object.keys(paper).reduce((sum, name) => sum + (choicesOf(name).indexOf(params[name] as number) - 4) ** 2, 0),
  },
};

function median(values: number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

type Timing = { coldMs: number; warmMs: number[]; medianWarmMs: number; coldCpuMs: number; medianWarmCpuMs: number };
const results: Record<string, Record<string, Timing>> = {};
for (const [name, problem] of Object.entries(problems)) {
  results[name] = {};
  for (const trials of [100, 300]) {
    const study = createStudy({ space: problem.space, sampler: gpSampler({ seed }) });
    const rng = new Rng(seed);
    // The history: random points told directly (enqueued), so only the measured asks run the GP.
    for (let i = 0; i < trials; i++) {
      study.enqueueTrial(problem.draw(rng));
      const trial = study.ask();
      study.tell(trial, problem.f(trial.params as Params));
    }
    const wall: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i <= asks; i++) {
      const started = performance.now();
      const startedCpu = process.cpuUsage();
      const trial = study.ask();
      const used = process.cpuUsage(startedCpu);
      wall.push(Math.round(performance.now() - started));
      cpu.push(Math.round((used.user + used.system) / 1000));
      study.tell(trial, problem.f(trial.params as Params));
    }
    const [coldMs, ...warmMs] = wall;
    const [coldCpuMs, ...warmCpuMs] = cpu;
    results[name][String(trials)] = { coldMs, warmMs, medianWarmMs: median(warmMs), coldCpuMs, medianWarmCpuMs: median(warmCpuMs) };
    console.log(
      `${name}, ${trials} trials: first ask ${coldMs} ms (cpu ${coldCpuMs}), then median ${median(warmMs)} ms (cpu ${median(warmCpuMs)})`,
    );
  }
}
const machine = { cores: availableParallelism(), loadAverage1m: Number(loadavg()[0].toFixed(2)), node: process.version };
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify({ asks, seed, machine, results }, null, 2) + "\n");
