// Distributed trials on this machine: trials per second on the wine task with 1, 2 and 4 worker
// processes (and with an objective that only sleeps, where CPU is not the limit), and what the queue
// costs per trial with a no-op objective. Writes bench/results/queue.json.
//
//   HYPERFORCE_DATA_DIR=/work/shared/data node --import tsx bench/queue.ts [--trials 40] [--epochs 200] [--out bench/results/queue.json]
//
// Needs Redis (REDIS_URL, else redis://127.0.0.1:6379). Each worker process runs one trial at a time
// (`hyperforce worker --concurrency 1`, started here as `bench/queue.ts --worker <queue>`).
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg } from "node:os";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Queue } from "bullmq";
import { InlineExecutor } from "../src/execution/inline.ts";
import { QueueExecutor } from "../src/execution/queue.ts";
import { bullConnection, maskRedisUrl, redisOptionsFromUrl, resolveRedisUrl } from "../src/execution/queue-redis.ts";
import { startQueueWorker } from "../src/execution/queue-worker.ts";
import type { ObjectiveSpec } from "../src/objectives/spec.ts";
import { randomSampler } from "../src/samplers/random.ts";
import type { SearchSpace } from "../src/space/types.ts";
import { createStudy } from "../src/study/study.ts";

const SELF = fileURLToPath(import.meta.url);
const NOOP_MODULE = resolve(dirname(SELF), "../test/execution/fixtures/queue-objectives.ts");

function flag(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at >= 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1] : fallback;
}

if (process.argv[2] === "--worker") {
  // A worker process of the bench: runs until SIGTERM.
  const worker = await startQueueWorker({ queueName: process.argv[3], concurrency: 1, log: () => undefined });
  process.stdout.write("ready\n");
  process.on("SIGTERM", () => void worker.close().then(() => process.exit(0)));
} else {
  await main();
}

function startWorkers(queueName: string, count: number): Promise<ChildProcess[]> {
  return Promise.all(
    Array.from({ length: count }, () => {
      const child = spawn(process.execPath, ["--import", "tsx", SELF, "--worker", queueName], { stdio: ["ignore", "pipe", "inherit"] });
      return new Promise<ChildProcess>((ready, failed) => {
        child.stdout!.on("data", (chunk) => {
          if (String(chunk).includes("ready")) ready(child);
        });
        child.on("exit", (code) => failed(new Error(`a bench worker exited with code ${code}`)));
      });
    }),
  );
}

async function stopWorkers(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((done) => {
          child.removeAllListeners("exit");
          child.on("exit", () => done());
          child.kill("SIGTERM");
        }),
    ),
  );
}

async function obliterate(queueName: string): Promise<void> {
  const queue = new Queue(queueName, { connection: bullConnection(redisOptionsFromUrl(resolveRedisUrl())) });
  await queue.obliterate({ force: true });
  await queue.close();
}

interface RunResult {
  trials: number;
  seconds: number;
  trialsPerSecond: number;
  msPerTrial: number;
  complete: number;
}

async function runStudy(
  executor: QueueExecutor | InlineExecutor,
  objective: ObjectiveSpec,
  space: SearchSpace,
  trials: number,
  concurrency: number,
): Promise<RunResult> {
  const study = createStudy({ space, sampler: randomSampler({ seed: 1 }), seed: 1 });
  const started = performance.now();
  await study.optimize(objective, { nTrials: trials, concurrency, executor });
  const seconds = (performance.now() - started) / 1000;
  const complete = study.trials.filter((trial) => trial.state === "COMPLETE").length;
  if (complete !== trials)
    throw new Error(`only ${complete} of ${trials} trials completed: ${study.trials.find((trial) => trial.state === "FAIL")?.failReason}`);
  return {
    trials,
    seconds: round(seconds),
    trialsPerSecond: round(trials / seconds),
    msPerTrial: round((seconds * 1000) / trials),
    complete,
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

async function main(): Promise<void> {
  const trials = Number(flag("--trials", "40"));
  const epochs = Number(flag("--epochs", "200"));
  const noopTrials = Number(flag("--noop-trials", "200"));
  const out = flag("--out", "bench/results/queue.json");
  const wine: ObjectiveSpec = { kind: "task", task: "wine", epochs };
  const wineSpace: SearchSpace = {
    learning_rate: { type: "float", low: 0.001, high: 0.05, log: true },
    weight_decay: { type: "float", low: 0, high: 0.001 },
    batch_size: { type: "categorical", choices: [128] },
    hidden_units: { type: "categorical", choices: [64] },
  };
  const noop: ObjectiveSpec = { kind: "module", path: NOOP_MODULE, exportName: "noop" };
  const noopSpace: SearchSpace = { x: { type: "float", low: -2, high: 2 } };
  const startLoad = loadavg()[0];

  /**
   * Trials per second with 1, 2 and 4 worker processes, two trials per worker in flight
   * (a worker never waits for the controller's round trip).
   */
  const scale = async (label: string, objective: ObjectiveSpec, space: SearchSpace) => {
    const rows: Array<{ workers: number; concurrency: number } & RunResult> = [];
    for (const workers of [1, 2, 4]) {
      const queueName = `hf-bench-${randomUUID().slice(0, 8)}`;
      const children = await startWorkers(queueName, workers);
      const executor = new QueueExecutor({ queueName, log: (line) => process.stderr.write(`${line}\n`) });
      try {
        const concurrency = 2 * workers;
        await runStudy(executor, objective, space, 2 * workers, concurrency); // warm-up: threads, datasets, objective loaded
        const result = await runStudy(executor, objective, space, trials, concurrency);
        rows.push({ workers, concurrency, ...result });
        process.stderr.write(`${label}, ${workers} worker process(es): ${result.trialsPerSecond} trials/s\n`);
      } finally {
        await executor.close();
        await stopWorkers(children);
        await obliterate(queueName);
      }
    }
    return rows.map((row) => ({ ...row, speedup: round(row.trialsPerSecond / rows[0].trialsPerSecond) }));
  };
  const scaling = await scale("wine", wine, wineSpace);
  // The same with an objective that sleeps 100 ms and computes nothing: how the queue spreads trials when CPU is not the limit.
  process.env.HF_SLEEP_MS = "100";
  const sleeping = await scale("sleep 100 ms", { kind: "module", path: NOOP_MODULE, exportName: "sleepy" }, noopSpace);

  const overhead: Record<string, RunResult & { concurrency: number }> = {};
  {
    const queueName = `hf-bench-${randomUUID().slice(0, 8)}`;
    const children = await startWorkers(queueName, 1);
    const executor = new QueueExecutor({ queueName, log: (line) => process.stderr.write(`${line}\n`) });
    try {
      await runStudy(executor, noop, noopSpace, 10, 1);
      overhead.queueSequential = { concurrency: 1, ...(await runStudy(executor, noop, noopSpace, noopTrials, 1)) };
      overhead.queuePipelined = { concurrency: 8, ...(await runStudy(executor, noop, noopSpace, noopTrials, 8)) };
    } finally {
      await executor.close();
      await stopWorkers(children);
      await obliterate(queueName);
    }
    const inline = new InlineExecutor();
    await runStudy(inline, noop, noopSpace, 10, 1);
    overhead.inlineSequential = { concurrency: 1, ...(await runStudy(inline, noop, noopSpace, noopTrials, 1)) };
  }

  const result = {
    what:
      "distributed trials through BullMQ/Redis: wine-task throughput by worker processes (one trial at a time each), " +
      "and the queue's cost per no-op trial",
    command: `HYPERFORCE_DATA_DIR=... node --import tsx bench/queue.ts --trials ${trials} --epochs ${epochs} --noop-trials ${noopTrials}`,
    machine: {
      cpus: availableParallelism(),
      model: cpus()[0]?.model ?? "unknown",
      loadAverageAtStart: round(startLoad),
      loadAverageAtEnd: round(loadavg()[0]),
    },
    redis: maskRedisUrl(resolveRedisUrl()),
    wine: { trials, epochs, batchSize: 128, hiddenUnits: 64, sampler: "random", scaling },
    sleep100ms: { trials, scaling: sleeping },
    noop: {
      trials: noopTrials,
      ...overhead,
      queueOverheadMsPerTrialSequential: round(overhead.queueSequential.msPerTrial - overhead.inlineSequential.msPerTrial),
      queueOverheadMsPerTrialPipelined: round(overhead.queuePipelined.msPerTrial - overhead.inlineSequential.msPerTrial),
    },
    date: new Date().toISOString(),
  };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
