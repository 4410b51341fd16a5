/**
 * What one pruning question costs, seen from the objective: the time from trial.shouldPrune() to its
 * answer, per report, through a `hyperforce worker` process and Redis (the controller here records
 * the report, asks the study's pruner and answers), beside the same question in a worker thread of
 * this process. The pruner never prunes (a median pruner that waits for 10^6 complete trials), so
 * every trial asks after every one of its steps. Writes bench/results/queue-pruning.json.
 *
 *   node --import tsx bench/queue-pruning.ts [--trials 30] [--steps 10] [--out bench/results/queue-pruning.json]
 *
 * Needs Redis (REDIS_URL, else redis://127.0.0.1:6379). One worker process runs one trial at a time.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import type { Executor } from "../src/execution/executor.ts";
import { QueueExecutor } from "../src/execution/queue.ts";
import { startQueueWorker } from "../src/execution/queue-worker.ts";
import { ThreadPoolExecutor } from "../src/execution/thread-pool.ts";
import { medianPruner } from "../src/pruners/index.ts";
import { randomSampler } from "../src/samplers/random.ts";
import { createStudy } from "../src/study/study.ts";
import { integerFlag } from "./flags.ts";

const SELF = fileURLToPath(import.meta.url);
const OBJECTIVE = {
  kind: "module" as const,
  path: fileURLToPath(new URL("./queue-pruning-objective.ts", import.meta.url)),
  exportName: "stepwise",
};

if (process.argv[2] === "--worker") {
  const worker = await startQueueWorker({ queueName: process.argv[3], concurrency: 1, log: () => undefined });
  process.stdout.write("ready\n");
  process.on("SIGTERM", () => void worker.close().then(() => process.exit(0)));
} else {
  await main();
}

function startWorker(queueName: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", SELF, "--worker", queueName], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((ready, failed) => {
    child.stdout!.on("data", (chunk) => {
      if (String(chunk).includes("ready")) ready(child);
    });
    child.on("exit", (code) => failed(new Error(`the bench worker exited with code ${code}`)));
  });
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** The per-question waits (ms) of a study run on the executor, one trial at a time. */
async function questionWaits(executor: Executor, trials: number): Promise<number[]> {
  const study = createStudy({
    name: `queue-pruning-${randomUUID().slice(0, 8)}`,
    space: { x: { type: "float", low: -2, high: 2 } },
    sampler: randomSampler({ seed: 1 }),
    pruner: medianPruner({ startupTrials: 1_000_000 }),
  });
  await study.optimize(OBJECTIVE, { nTrials: trials, concurrency: 1, executor });
  const waits = study.trials.flatMap((trial) => (trial.userAttrs.prune_ms as number[] | undefined) ?? []);
  if (study.trials.some((trial) => trial.state !== "COMPLETE")) throw new Error("a bench trial did not complete");
  return waits.sort((a, b) => a - b);
}

function summary(waits: number[]) {
  return { reports: waits.length, medianMs: quantile(waits, 0.5), p10Ms: quantile(waits, 0.1), p90Ms: quantile(waits, 0.9) };
}

async function main(): Promise<void> {
  const trials = integerFlag("trials", 30);
  const steps = integerFlag("steps", 10);
  const at = process.argv.indexOf("--out");
  const out = at >= 0 ? process.argv[at + 1] : "bench/results/queue-pruning.json";
  process.env.HF_PRUNING_STEPS = String(steps);
  const loadBefore = loadavg()[0];
  const queueName = `bench-queue-pruning-${randomUUID().slice(0, 8)}`;
  const worker = await startWorker(queueName);
  const queue = new QueueExecutor({ queueName });
  let queueWaits: number[];
  try {
    queueWaits = await questionWaits(queue, trials);
  } finally {
    await queue.close();
    worker.kill("SIGTERM");
  }
  const threads = new ThreadPoolExecutor({ size: 1 });
  const threadWaits = await questionWaits(threads, trials);
  await threads.close();
  const result = {
    command: `node --import tsx bench/queue-pruning.ts ${process.argv.slice(2).join(" ")}`.trim(),
    trials,
    steps,
    loadAverage: [loadBefore, loadavg()[0]],
    queue: summary(queueWaits),
    threads: summary(threadWaits),
  };
  console.log(JSON.stringify(result, null, 2));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(result, null, 2) + "\n");
}
