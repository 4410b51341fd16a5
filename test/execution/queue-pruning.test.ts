import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { Queue, QueueEvents } from "bullmq";
import { QueueExecutor } from "../../src/execution/queue.ts";
import type { QueueJobData } from "../../src/execution/queue-protocol.ts";
import { bullConnection, redisOptionsFromUrl, resolveRedisUrl } from "../../src/execution/queue-redis.ts";
import { startQueueWorker } from "../../src/execution/queue-worker.ts";
import { successiveHalvingPruner } from "../../src/pruners/index.ts";
import type { Pruner } from "../../src/pruners/pruner.ts";
import { randomSampler } from "../../src/samplers/random.ts";
import { createStudy, loadStudy } from "../../src/study/study.ts";
import type { FrozenTrial } from "../../src/trial/types.ts";
import { hyperforce } from "../helpers/cli.ts";
import { program } from "../objectives/pruning-program.ts";
import { kill, obliterateQueue, spawnWorker, uniqueQueue } from "./queue-helpers.ts";

const STEPWISE = fileURLToPath(new URL("../../bench/queue-pruning-objective.ts", import.meta.url));
const SPACE = { x: { type: "float" as const, low: -2, high: 2 } };

const steps = (trial: FrozenTrial): number[] =>
  Object.keys(trial.intermediateValues)
    .map(Number)
    .sort((a, b) => a - b);

test("queue workers carry each report to the controller's pruner and its decision back: pruned trials stop there", {
  timeout: 60_000,
}, async () => {
  const queueName = uniqueQueue("pruning");
  const lines: string[] = [];
  const worker = await startQueueWorker({ queueName, concurrency: 2, heartbeatMs: 200, log: (line) => lines.push(line) });
  const executor = new QueueExecutor({ queueName, pollIntervalMs: 200, log: (line) => lines.push(line) });
  try {
    const study = createStudy({
      name: "queue-pruning",
      space: SPACE,
      sampler: randomSampler({ seed: 5 }),
      pruner: successiveHalvingPruner({ minResource: 1, reductionFactor: 2 }),
    });
    await study.optimize({ kind: "module", path: STEPWISE, exportName: "stepwise" }, { nTrials: 30, concurrency: 2, executor });
    const trials = study.trials;
    const pruned = trials.filter((trial) => trial.state === "PRUNED");
    const complete = trials.filter((trial) => trial.state === "COMPLETE");
    assert.equal(pruned.length + complete.length, 30, lines.join("\n"));
    assert.ok(pruned.length >= 10, `${pruned.length} of 30 pruned`);
    assert.ok(complete.length >= 1);
    for (const trial of pruned) {
      const reported = steps(trial);
      const last = reported[reported.length - 1];
      // Every step up to the one judged, asked once each, and nothing after: the worker stopped the objective there.
      assert.deepEqual(
        reported,
        [...Array(last).keys()].map((i) => i + 1),
      );
      assert.ok([1, 2, 4, 8].includes(last), `trial ${trial.number} pruned at step ${last}, which is no rung`);
      assert.equal((trial.userAttrs.prune_ms as number[]).length, last);
      assert.equal(trial.value, trial.intermediateValues[last]);
    }
    for (const trial of complete) assert.deepEqual(steps(trial), [1, 2, 3, 4, 5, 6, 7, 8]);
    const waits = trials.flatMap((trial) => trial.userAttrs.prune_ms as number[]).sort((a, b) => a - b);
    const median = waits[waits.length >> 1];
    console.log(`queue pruning: ${waits.length} reports, median ${median.toFixed(2)} ms from shouldPrune() to the answer`);
  } finally {
    await executor.close();
    await worker.close();
    await obliterateQueue(queueName);
  }
});

test("a worker whose controller never answers lets the trial go on after pruneAnswerTimeoutMs", { timeout: 30_000 }, async () => {
  const queueName = uniqueQueue("no-answer");
  const lines: string[] = [];
  const worker = await startQueueWorker({ queueName, heartbeatMs: 200, pruneAnswerTimeoutMs: 300, log: (line) => lines.push(line) });
  const connection = bullConnection(redisOptionsFromUrl(resolveRedisUrl()));
  const queue = new Queue(queueName, { connection });
  const events = new QueueEvents(queueName, { connection });
  process.env.HF_PRUNING_STEPS = "2";
  try {
    await events.waitUntilReady();
    // A job as a controller that died would have left it: pruning on, nobody to answer.
    const data: QueueJobData = {
      study: "orphan",
      trialNumber: 0,
      params: { x: 0.5 },
      distributions: SPACE,
      objective: { kind: "module", path: STEPWISE, exportName: "stepwise" },
      controller: "gone",
      pruning: true,
    };
    const job = await queue.add("trial", data);
    const started = Date.now();
    const result = await job.waitUntilFinished(events, 20_000);
    assert.deepEqual(result, { value: 0.5 });
    assert.ok(Date.now() - started >= 600, "waited for both answers");
    assert.equal(lines.filter((line) => line.includes("no pruning answer from the controller within 300 ms; it goes on")).length, 2);
  } finally {
    delete process.env.HF_PRUNING_STEPS;
    await events.close();
    await queue.close();
    await worker.close();
    await obliterateQueue(queueName);
  }
});

test("a command objective on a queue worker is told to stop on stdin when the controller's pruner says so", {
  timeout: 60_000,
}, async () => {
  const queueName = uniqueQueue("command-pruning");
  const worker = await startQueueWorker({ queueName, heartbeatMs: 200, log: () => undefined });
  const executor = new QueueExecutor({ queueName, pollIntervalMs: 200, log: () => undefined });
  const marker = join(mkdtempSync(join(tmpdir(), "hyperforce-queue-command-")), "ended.txt");
  try {
    const atStep3: Pruner = { name: "step3", prune: (_study, trial) => Object.keys(trial.intermediateValues).length >= 3 };
    const study = createStudy({ name: "queue-command", space: SPACE, pruner: atStep3, sampler: randomSampler({ seed: 1 }) });
    const started = Date.now();
    await study.optimize({ kind: "command", command: ["python3", "-c", program(true, marker)], space: SPACE }, { nTrials: 1, executor });
    const seconds = (Date.now() - started) / 1000;
    const [trial] = study.trials;
    assert.equal(trial.state, "PRUNED");
    assert.equal(readFileSync(marker, "utf8"), "stdin");
    assert.ok(seconds < 8, `${seconds} s (the program runs 10 s when not stopped)`);
    assert.deepEqual(steps(trial).slice(0, 3), [1, 2, 3]);
  } finally {
    await executor.close();
    await worker.close();
    await obliterateQueue(queueName);
  }
});

test("hyperforce run --executor queue --pruner asha: PRUNED trials with their intermediate values stored, and the study resumes", {
  timeout: 180_000,
}, async () => {
  const queue = uniqueQueue("run-pruning");
  const worker = spawnWorker(queue);
  try {
    await worker.waitFor(/taking trials/, 90_000);
    const storage = join(mkdtempSync(join(tmpdir(), "hyperforce-queue-pruning-")), "p.jsonl");
    const run = (trials: number) =>
      hyperforce([
        ...["run", "--task", "table:tables/wine.csv.gz", "--sampler", "random", "--trials", String(trials), "--seed", "3"],
        ...["--pruner", "asha", "--executor", "queue", "--queue", queue, "--workers", "2", "--study", "wine-asha"],
        ...["--storage", storage, "--json", "--no-progress"],
      ]);
    const first = await run(20);
    assert.equal(first.code, 0, first.stderr);
    const before = loadStudy({ name: "wine-asha", storage });
    const earlier = before.trials;
    before.close();
    assert.equal(earlier.length, 20);
    const pruned = earlier.filter((trial) => trial.state === "PRUNED");
    assert.ok(pruned.length >= 8, `${pruned.length} of 20 pruned`);
    for (const trial of pruned) {
      const reported = steps(trial);
      assert.ok(reported.length >= 1 && reported.length < 15, `trial ${trial.number} reported ${reported.length} epochs`);
      assert.equal(trial.value, trial.intermediateValues[reported[reported.length - 1]]);
    }
    for (const trial of earlier.filter((t) => t.state === "COMPLETE")) assert.equal(steps(trial).length, 15);

    const second = await run(30);
    assert.equal(second.code, 0, second.stderr);
    const after = loadStudy({ name: "wine-asha", storage });
    const trials = after.trials;
    after.close();
    assert.equal(trials.length, 30);
    assert.deepEqual(
      trials.slice(0, 20).map((trial) => [trial.state, trial.params, trial.intermediateValues]),
      earlier.map((trial) => [trial.state, trial.params, trial.intermediateValues]),
    );
    assert.ok(trials.slice(20).some((trial) => trial.state === "PRUNED"));
    const ran = worker.output().match(/trial \d+ of study "wine-asha" (finished|pruned)/g) ?? [];
    assert.equal(ran.length, 30, worker.output());
  } finally {
    kill(worker.child, "SIGTERM");
    await obliterateQueue(queue);
  }
});
