// Wall time of a study on the built-in tasks (random sampler, paper space) inline and on 1 and 2
// worker threads. Everything is warmed before the clock starts (datasets loaded, threads started: a
// pool is started once per study and reused). Runs alternate 1 and 2 threads, `--repeats` times, and report medians:
// the machine is shared, so single timings are noisy.
// Run: HYPERFORCE_DATA_DIR=/work/shared/data node --import tsx bench/parallel.ts [--trials 200] [--repeats 3] [--letter-trials 8]
// Writes bench/results/parallel.json.
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg } from "node:os";
import { Worker } from "node:worker_threads";
import { ThreadPoolExecutor } from "../src/execution/thread-pool.ts";
import type { TaskObjectiveSpec } from "../src/objectives/spec.ts";
import { randomSampler } from "../src/samplers/random.ts";
import { paperSpace } from "../src/space/presets.ts";
import { createStudy } from "../src/study/study.ts";

function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} needs an integer >= 0, got ${process.argv[at + 1]}`);
  return value;
}

process.env.HYPERFORCE_DATA_DIR ??= new URL("../../shared/data", import.meta.url).pathname;
const wineTrials = flag("trials", 200);
const repeats = Math.max(1, flag("repeats", 3));
const letterTrials = flag("letter-trials", 8);

interface Timing {
  seconds: number;
  /** CPU seconds this process got during the run (all threads): cpuSeconds / seconds = cores actually obtained. */
  cpuSeconds: number;
  values: (number | null)[];
  complete: number;
  failed: number;
}

/** One study of `trials` trials; threads = 0 means inline. */
async function timeStudy(spec: TaskObjectiveSpec, trials: number, threads: number): Promise<Timing> {
  const executor = threads === 0 ? undefined : new ThreadPoolExecutor({ size: threads });
  // Warm up outside the clock: dataset load and split, trainer compilation (in each thread for a pool).
  const warm = createStudy({ seed: 1, space: paperSpace(), sampler: randomSampler({ seed: 1 }) });
  await warm.optimize({ ...spec, epochs: 1 }, { nTrials: Math.max(1, threads * 2), executor });
  const study = createStudy({ seed: 42, space: paperSpace(), sampler: randomSampler({ seed: 42 }) });
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  await study.optimize(spec, { nTrials: trials, executor });
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  await executor?.close();
  const all = study.trials;
  return {
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    values: all.map((trial) => trial.value ?? null),
    complete: all.filter((trial) => trial.state === "COMPLETE").length,
    failed: all.filter((trial) => trial.state === "FAIL").length,
  };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const round = (value: number) => Number(value.toFixed(3));

async function compare(label: string, spec: TaskObjectiveSpec, trials: number) {
  const seconds: Record<"inline" | "threads1" | "threads2", number[]> = { inline: [], threads1: [], threads2: [] };
  const coresObtained: Record<keyof typeof seconds, number[]> = { inline: [], threads1: [], threads2: [] };
  let reference: string | undefined;
  let sameValues = true;
  let counts = { complete: 0, failed: 0 };
  for (let repeat = 0; repeat < repeats; repeat++) {
    // Alternate the order so a burst of load elsewhere does not always hit the same configuration.
    const order: Array<[keyof typeof seconds, number]> =
      repeat % 2 === 0
        ? [
            ["inline", 0],
            ["threads1", 1],
            ["threads2", 2],
          ]
        : [
            ["threads2", 2],
            ["threads1", 1],
            ["inline", 0],
          ];
    for (const [key, threads] of order) {
      const timing = await timeStudy(spec, trials, threads);
      seconds[key].push(round(timing.seconds));
      coresObtained[key].push(round(timing.cpuSeconds / timing.seconds));
      const values = JSON.stringify(timing.values);
      reference ??= values;
      sameValues &&= values === reference;
      counts = { complete: timing.complete, failed: timing.failed };
      console.log(`${label} ${key}: ${timing.seconds.toFixed(3)} s, ${(timing.cpuSeconds / timing.seconds).toFixed(2)} cores obtained`);
    }
  }
  const medians = {
    inline: round(median(seconds.inline)),
    threads1: round(median(seconds.threads1)),
    threads2: round(median(seconds.threads2)),
  };
  const result = {
    task: spec.task,
    epochs: spec.epochs ?? 15,
    trials,
    ...counts,
    seconds,
    medianSeconds: medians,
    /**
     * CPU time / wall time of the process per run: near 2 with 2 threads on an idle 2-core machine;
     * near 1 or below means the machine had no second core to give.
     */
    coresObtained,
    speedupTwoThreadsOverOne: round(medians.threads1 / medians.threads2),
    speedupTwoThreadsOverInline: round(medians.inline / medians.threads2),
    perRepeatSpeedupTwoOverOne: seconds.threads1.map((one, i) => round(one / seconds.threads2[i])),
    sameValuesInEveryRun: sameValues,
  };
  console.log(
    `${label}: median 1 thread ${medians.threads1} s, 2 threads ${medians.threads2} s ` +
      `-> ${result.speedupTwoThreadsOverOne}x; inline ${medians.inline} s`,
  );
  return result;
}

/**
 * How much parallel CPU the machine gives right now: the same busy loop in 1 thread, then in 2
 * threads at once. capacity = 2 x (time alone) / (time of two at once): near 2 on an idle 2-core
 * machine, near 1 when other work leaves only one core's worth. The speedups above cannot exceed it.
 */
async function parallelCapacity(): Promise<{ oneThreadSeconds: number; twoThreadsSeconds: number; capacity: number }> {
  const spin = () =>
    new Promise<void>((resolve, reject) => {
      const worker = new Worker(
        "let x = 0; for (let i = 0; i < 2e8; i++) x += i % 7; require('node:worker_threads').parentPort.postMessage(x);",
        { eval: true },
      );
      worker.once("message", () => void worker.terminate().then(() => resolve()));
      worker.once("error", reject);
    });
  let start = performance.now();
  await spin();
  const one = (performance.now() - start) / 1000;
  start = performance.now();
  await Promise.all([spin(), spin()]);
  const two = (performance.now() - start) / 1000;
  return { oneThreadSeconds: round(one), twoThreadsSeconds: round(two), capacity: round((2 * one) / two) };
}

const loadBefore = loadavg()[0];
const capacityBefore = await parallelCapacity();
console.log(
  `parallel capacity before: ${capacityBefore.capacity} ` +
    `(1 thread ${capacityBefore.oneThreadSeconds} s, 2 at once ${capacityBefore.twoThreadsSeconds} s)`,
);
const wine = await compare("wine", { kind: "task", task: "wine", splitSeed: 0 }, wineTrials);
const letter = letterTrials > 0 ? await compare("letter", { kind: "task", task: "letter", splitSeed: 0 }, letterTrials) : undefined;
const capacityAfter = await parallelCapacity();
console.log(`parallel capacity after: ${capacityAfter.capacity}`);
const result = {
  benchmark: "parallel",
  command: `node --import tsx bench/parallel.ts --trials ${wineTrials} --repeats ${repeats} --letter-trials ${letterTrials}`,
  date: new Date().toISOString(),
  node: process.version,
  cpus: availableParallelism(),
  cpuModel: cpus()[0]?.model ?? "unknown",
  loadAverage1mBefore: round(loadBefore),
  loadAverage1mAfter: round(loadavg()[0]),
  /** The busy-loop calibration (see parallelCapacity): the most a 2-thread run could gain at the time. */
  parallelCapacityBefore: capacityBefore,
  parallelCapacityAfter: capacityAfter,
  sampler: "random (seed 42)",
  space: "paper",
  threadPool: "ThreadPoolExecutor, queueDepth 2, default concurrency (threads x 2)",
  wine,
  ...(letter !== undefined ? { letter } : {}),
};
mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
writeFileSync(new URL("./results/parallel.json", import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
