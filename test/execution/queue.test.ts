import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Job, Queue } from "bullmq";
import { QueueExecutor } from "../../src/execution/queue.ts";
import { trialJobId } from "../../src/execution/queue-protocol.ts";
import { bullConnection, redisOptionsFromUrl, resolveRedisUrl } from "../../src/execution/queue-redis.ts";
import { type QueueWorker, startQueueWorker } from "../../src/execution/queue-worker.ts";
import { randomSampler } from "../../src/samplers/random.ts";
import { createStudy } from "../../src/study/study.ts";
import { freePort, obliterateQueue, QUEUE_OBJECTIVES, sleep, uniqueQueue } from "./queue-helpers.ts";

const SPACE = { x: { type: "float" as const, low: -2, high: 2 } };
const objective = (exportName: string) => ({ kind: "module" as const, path: QUEUE_OBJECTIVES, exportName });

/** A study on its own queue with one in-process worker (threads); everything is closed and obliterated at the end. */
async function withQueue(
  tag: string,
  body: (ctx: { queueName: string; worker: QueueWorker; lines: string[]; executor(maxRetries?: number): QueueExecutor }) => Promise<void>,
  workerConcurrency = 2,
): Promise<void> {
  const queueName = uniqueQueue(tag);
  const lines: string[] = [];
  const executors: QueueExecutor[] = [];
  const worker = await startQueueWorker({ queueName, concurrency: workerConcurrency, heartbeatMs: 200, log: (line) => lines.push(line) });
  try {
    await body({
      queueName,
      worker,
      lines,
      executor: (maxRetries = 0) => {
        const executor = new QueueExecutor({ queueName, maxRetries, pollIntervalMs: 200, log: (line) => lines.push(line) });
        executors.push(executor);
        return executor;
      },
    });
  } finally {
    for (const executor of executors) await executor.close();
    await worker.close();
    await obliterateQueue(queueName);
  }
}

test("trials run on a worker: values, reports and user attributes come back, and the queue is left empty", {
  timeout: 30_000,
}, async () => {
  process.env.HF_SLEEP_MS = "50";
  await withQueue("basic", async ({ queueName, worker, executor }) => {
    const queue = executor();
    const study = createStudy({ name: "basic", space: SPACE, sampler: randomSampler({ seed: 3 }) });
    await study.optimize(objective("sleepy"), { nTrials: 6, concurrency: 3, executor: queue });
    const trials = study.trials;
    assert.deepEqual(
      trials.map((trial) => trial.number),
      [0, 1, 2, 3, 4, 5],
    );
    for (const trial of trials) {
      const x = trial.params.x as number;
      assert.equal(trial.state, "COMPLETE");
      assert.equal(trial.value, (x - 0.5) ** 2);
      assert.deepEqual(trial.intermediateValues, { 0: x, 1: x / 2 });
      assert.equal(trial.userAttrs.pid, process.pid);
    }
    const live = await queue.liveWorkers();
    assert.deepEqual(
      live.map((info) => [info.id, info.concurrency]),
      [[worker.id, 2]],
    );
    const bull = new Queue(queueName, { connection: bullConnection(redisOptionsFromUrl(resolveRedisUrl())) });
    const counts = await bull.getJobCounts("waiting", "active", "completed", "failed", "delayed");
    await bull.close();
    assert.deepEqual(counts, { waiting: 0, active: 0, completed: 0, failed: 0, delayed: 0 });
  });
});

test("an objective that throws is retried maxRetries times, then the trial is FAIL with the last reason", { timeout: 30_000 }, async () => {
  const marks = mkdtempSync(join(tmpdir(), "hyperforce-marks-"));
  process.env.HF_MARKS = marks;
  try {
    await withQueue("retry", async ({ executor, lines }) => {
      const failing = createStudy({ name: "failing", space: SPACE, sampler: randomSampler({ seed: 1 }) });
      await failing.optimize(objective("alwaysFails"), { nTrials: 2, concurrency: 2, executor: executor(2) });
      assert.deepEqual(
        failing.trials.map((trial) => [trial.state, trial.failReason, trial.userAttrs.tried]),
        [
          ["FAIL", "boom on trial 0", true],
          ["FAIL", "boom on trial 1", true],
        ],
      );
      for (const number of [0, 1]) {
        const attempts = lines.filter((line) => line.includes(`trial ${number} of study "failing" failed (attempt`));
        assert.equal(attempts.length, 3, `three attempts of trial ${number}:\n${lines.join("\n")}`);
      }

      const flaky = createStudy({ name: "flaky", space: SPACE, sampler: randomSampler({ seed: 1 }) });
      await flaky.optimize(objective("failsOnce"), { nTrials: 2, concurrency: 2, executor: executor(1) });
      assert.deepEqual(
        flaky.trials.map((trial) => trial.state),
        ["COMPLETE", "COMPLETE"],
      );
      assert.deepEqual(
        flaky.trials.map((trial) => trial.value),
        flaky.trials.map((trial) => trial.params.x),
      );
    });
  } finally {
    rmSync(marks, { recursive: true, force: true });
  }
});

test("a worker refuses a job it cannot run: the trial fails at once with the worker's reason", { timeout: 30_000 }, async () => {
  await withQueue("refuse", async ({ queueName, worker, executor, lines }) => {
    const study = createStudy({ name: "refused", space: SPACE, sampler: randomSampler({ seed: 1 }) });
    const missing = "/nonexistent/hyperforce/objective.js";
    await study.optimize({ kind: "module", path: missing }, { nTrials: 1, executor: executor(3) });
    const [trial] = study.trials;
    assert.equal(trial.state, "FAIL");
    assert.equal(
      trial.failReason,
      `worker ${worker.id} cannot run trial 0 of study "refused": module objective "${missing}": file not found: ${missing} ` +
        "(module objectives need the file at the same path on every worker machine)",
    );
    assert.equal(lines.filter((line) => line.includes("refused trial 0")).length, 1, "refused once, not retried");

    // A job from a newer controller with a kind this worker does not know.
    const bull = new Queue(queueName, { connection: bullConnection(redisOptionsFromUrl(resolveRedisUrl())) });
    try {
      const data = { study: "future", trialNumber: 0, params: {}, distributions: {}, objective: { kind: "nope" }, controller: "test" };
      await bull.add("trial", data, { jobId: trialJobId("future", 0), attempts: 3 });
      let job: Job | undefined;
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        job = await Job.fromId(bull, trialJobId("future", 0));
        if (job?.failedReason) break;
        await sleep(50);
      }
      assert.match(
        job?.failedReason ?? "",
        /^worker .* cannot run trial 0 of study "future": unknown objective kind "nope"; known kinds: module, task/,
      );
      assert.equal(job?.attemptsMade, 1);
    } finally {
      await bull.close();
    }
  });
});

test("a worker without the dataset refuses built-in task trials, saying where to put it", { timeout: 30_000 }, async () => {
  const empty = mkdtempSync(join(tmpdir(), "hyperforce-no-data-"));
  const saved = { data: process.env.HYPERFORCE_DATA_DIR, cache: process.env.XDG_CACHE_HOME, base: process.env.HYPERFORCE_DATASET_URL_BASE };
  process.env.HYPERFORCE_DATA_DIR = empty;
  process.env.XDG_CACHE_HOME = empty;
  process.env.HYPERFORCE_DATASET_URL_BASE = `http://127.0.0.1:${await freePort()}`;
  try {
    await withQueue("no-data", async ({ worker, executor }) => {
      const space = {
        learning_rate: { type: "float" as const, low: 0.001, high: 0.01 },
        weight_decay: { type: "float" as const, low: 0, high: 0.001 },
        batch_size: { type: "categorical" as const, choices: [512] },
        hidden_units: { type: "categorical" as const, choices: [8] },
      };
      const study = createStudy({ name: "no-data", space, sampler: randomSampler({ seed: 1 }) });
      await study.optimize({ kind: "task", task: "wine", epochs: 1 }, { nTrials: 1, executor: executor(2) });
      const [trial] = study.trials;
      assert.equal(trial.state, "FAIL");
      assert.match(
        trial.failReason ?? "",
        new RegExp(
          `^worker ${worker.id} cannot run trial 0 of study "no-data": winequality-red\\.csv was not found at .*${empty}.*` +
            "\\(built-in tasks need their dataset on every worker machine: set HYPERFORCE_DATA_DIR to the folder holding it\\)$",
        ),
      );
    });
  } finally {
    for (const [key, value] of [
      ["HYPERFORCE_DATA_DIR", saved.data],
      ["XDG_CACHE_HOME", saved.cache],
      ["HYPERFORCE_DATASET_URL_BASE", saved.base],
    ] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    rmSync(empty, { recursive: true, force: true });
  }
});

test("a pruned trial comes back PRUNED; NaN and -Infinity come back as such (FAIL, not retried)", { timeout: 30_000 }, async () => {
  await withQueue("pruned", async ({ executor, lines }) => {
    const study = createStudy({ name: "pruned", space: SPACE, sampler: randomSampler({ seed: 1 }) });
    await study.optimize(objective("pruned"), { nTrials: 1, executor: executor(2) });
    assert.deepEqual(
      study.trials.map((trial) => [trial.state, trial.intermediateValues]),
      [["PRUNED", { 0: 1 }]],
    );
    const odd = createStudy({ name: "not-finite", space: SPACE, sampler: randomSampler({ seed: 1 }) });
    await odd.optimize(objective("notFinite"), { nTrials: 2, concurrency: 2, executor: executor(2) });
    assert.deepEqual(
      odd.trials.map((trial) => [trial.state, trial.failReason, trial.intermediateValues[0]]),
      [
        ["FAIL", "objective returned NaN", Number.POSITIVE_INFINITY],
        ["FAIL", "objective returned -Infinity", Number.POSITIVE_INFINITY],
      ],
    );
    assert.equal(lines.filter((line) => line.includes('of study "not-finite" started')).length, 2, "one attempt per trial");
  });
});

test("check() refuses function objectives and studies without a declared space", () => {
  const executor = new QueueExecutor({ queueName: uniqueQueue("check") });
  assert.throws(
    () => executor.check(() => 1, SPACE),
    /^Error: the queue executor sends trials to worker processes \(hyperforce worker\), which cannot receive a function/,
  );
  assert.throws(() => executor.check(objective("noop"), undefined), /needs the study's search space declared up front/);
  assert.throws(() => executor.check({ kind: "nope" } as never, SPACE), /unknown objective kind "nope"/);
  assert.throws(() => new QueueExecutor({ maxRetries: -1 }), /maxRetries must be an integer >= 0, got -1/);
  assert.throws(() => new QueueExecutor({ queueName: "a:b" }), /the queue name cannot contain ":", got "a:b"/);
});

test("jobs a stopped controller left waiting are removed before the study's first trial", { timeout: 30_000 }, async () => {
  const queueName = uniqueQueue("leftover");
  const bull = new Queue(queueName, { connection: bullConnection(redisOptionsFromUrl(resolveRedisUrl())) });
  const executor = new QueueExecutor({ queueName, pollIntervalMs: 200, log: () => undefined });
  let worker: QueueWorker | undefined;
  try {
    const stale = {
      study: "left",
      trialNumber: 7,
      params: { x: 0 },
      distributions: SPACE,
      objective: objective("noop"),
      controller: "dead",
    };
    await bull.add("trial", stale, { jobId: trialJobId("left", 7) });
    await bull.add("trial", { ...stale, trialNumber: 0 }, { jobId: trialJobId("left", 0) });
    const study = createStudy({ name: "left", space: SPACE, sampler: randomSampler({ seed: 5 }) });
    const optimizing = study.optimize(objective("noop"), { nTrials: 1, executor });
    // The worker starts after the controller has enqueued its trial (and cleaned up), as after a restart.
    while ([undefined, "dead"].includes((await Job.fromId(bull, trialJobId("left", 0)))?.data.controller)) await sleep(20);
    worker = await startQueueWorker({ queueName, log: () => undefined, heartbeatMs: 200 });
    await optimizing;
    // Trial 0 ran with this study's parameters, not the leftover's x = 0.
    const [trial] = study.trials;
    assert.equal(trial.state, "COMPLETE");
    assert.equal(trial.value, trial.params.x);
    assert.notEqual(trial.value, 0);
    assert.equal(await Job.fromId(bull, trialJobId("left", 7)), undefined);
  } finally {
    await executor.close();
    await worker?.close();
    await bull.close();
    await obliterateQueue(queueName);
  }
});

test("an unreachable Redis fails the trial with a clear reason", { timeout: 30_000 }, async () => {
  const port = await freePort();
  const executor = new QueueExecutor({ redis: `redis://127.0.0.1:${port}`, queueName: uniqueQueue("down"), log: () => undefined });
  const study = createStudy({ name: "down", space: SPACE });
  await study.optimize(objective("noop"), { nTrials: 1, executor });
  await executor.close();
  assert.match(study.trials[0].failReason ?? "", new RegExp(`^cannot reach Redis at redis://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
});
