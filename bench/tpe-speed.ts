// Milliseconds per trial of TPE at 1000 no-op trials (the objective only sums its 5 float parameters, suggested
// define-by-run, study in memory), as Optuna's figure in issue 13 (Optuna 5.0 on this machine: 7.7 ms per trial).
// Each configuration runs --runs times alternately; the median run is reported, in wall time and in this process's
// CPU time (user + system, less sensitive to other work on a shared machine).
// Run: node --import tsx bench/tpe-speed.ts [--trials 1000] [--runs 3]
// Writes bench/results/tpe-speed.json.
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { type TpeSamplerOptions, tpeSampler } from "../src/samplers/tpe.ts";
import { createStudy } from "../src/study/study.ts";
import type { Trial } from "../src/trial/types.ts";
import { integerFlag } from "./flags.ts";

const nTrials = integerFlag("trials", 1000);
const runs = integerFlag("runs", 3);

const configurations: Record<string, TpeSamplerOptions> = {
  default: {},
  independent: { multivariate: false },
};

function objective(trial: Trial): number {
  let sum = 0;
  for (let k = 0; k < 5; k++) sum += trial.suggestFloat(`x${k}`, -10, 10);
  return sum;
}

async function msPerTrial(options: TpeSamplerOptions, seed: number): Promise<{ wall: number; cpu: number }> {
  const study = createStudy({ sampler: tpeSampler({ ...options, seed }) });
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  await study.optimize(objective, { nTrials });
  const cpu = process.cpuUsage(cpuBefore);
  return { wall: (performance.now() - started) / nTrials, cpu: (cpu.user + cpu.system) / 1000 / nTrials };
}

function median(values: number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const measured: Record<string, Array<{ wall: number; cpu: number }>> = Object.fromEntries(
  Object.keys(configurations).map((label) => [label, []]),
);
const loadBefore = loadavg()[0];
for (let run = 0; run < runs; run++) {
  for (const [label, options] of Object.entries(configurations)) measured[label].push(await msPerTrial(options, run));
}
const round = (x: number) => Math.round(x * 1000) / 1000;
const results = Object.fromEntries(
  Object.entries(measured).map(([label, ms]) => [
    label,
    {
      medianMsPerTrial: round(median(ms.map((m) => m.wall))),
      medianCpuMsPerTrial: round(median(ms.map((m) => m.cpu))),
      msPerTrial: ms.map((m) => round(m.wall)),
      cpuMsPerTrial: ms.map((m) => round(m.cpu)),
    },
  ]),
);
for (const [label, r] of Object.entries(results)) {
  console.log(
    `${label.padEnd(12)} ${r.medianMsPerTrial.toFixed(2)} ms per trial, ${r.medianCpuMsPerTrial.toFixed(2)} ms CPU ` +
      `(${nTrials} trials, median of ${runs} runs)`,
  );
}
mkdirSync("bench/results", { recursive: true });
writeFileSync(
  "bench/results/tpe-speed.json",
  JSON.stringify(
    {
      what: "TPE ms per trial: 1000 no-op trials, 5 float parameters suggested define-by-run, in memory; Optuna 5.0 here: 7.7",
      nTrials,
      runs,
      cores: availableParallelism(),
      loadAverageBefore: loadBefore,
      loadAverageAfter: loadavg()[0],
      results,
    },
    null,
    2,
  ) + "\n",
);
