import assert from "node:assert/strict";
import { test } from "node:test";
import { QueueExecutor } from "../../src/execution/queue.ts";
import { maskRedisUrl, resolveRedisUrl } from "../../src/execution/queue-redis.ts";
import { startQueueWorker } from "../../src/execution/queue-worker.ts";
import { randomSampler } from "../../src/samplers/random.ts";
import { createStudy } from "../../src/study/study.ts";
import { kill, obliterateQueue, QUEUE_OBJECTIVES, sleep, spawnWorker, uniqueQueue } from "../execution/queue-helpers.ts";

test("SIGTERM: the worker takes no new trial, finishes the one it runs and exits 0", { timeout: 180_000 }, async () => {
  const queue = uniqueQueue("sigterm");
  const worker = spawnWorker(queue, ["--id", "w-term"], { HF_SLEEP_MS: "1500" });
  const warnings: string[] = [];
  const executor = new QueueExecutor({ queueName: queue, pollIntervalMs: 200, log: (line) => warnings.push(line) });
  try {
    await worker.waitFor(/taking trials/, 90_000);
    const study = createStudy({ name: "term", space: { x: { type: "float", low: -2, high: 2 } }, sampler: randomSampler({ seed: 4 }) });
    const optimizing = study.optimize(
      { kind: "module", path: QUEUE_OBJECTIVES, exportName: "sleepy" },
      { nTrials: 2, concurrency: 2, executor },
    );
    await worker.waitFor(/trial 0 of study "term" started/, 90_000);
    kill(worker.child, "SIGTERM");
    assert.deepEqual(await worker.exited, { code: 0, signal: null });
    const output = worker.output();
    assert.match(output, /SIGTERM: taking no new trials, finishing 1 running\n[\s\S]*trial 0 of study "term" finished[\s\S]*stopped\n$/);
    assert.ok(!output.includes('trial 1 of study "term" started'), "no new trial after SIGTERM");
    assert.equal((await executor.liveWorkers()).length, 0, "the worker left the registry");
    // Trial 1 waits, and the controller says that no worker is alive.
    const deadline = Date.now() + 10_000;
    while (warnings.length === 0 && Date.now() < deadline) await sleep(50);
    const where = maskRedisUrl(resolveRedisUrl());
    assert.deepEqual(warnings, [
      `queue executor: 1 trial(s) wait on queue "${queue}" at ${where} and no worker is alive; ` +
        `start one with: hyperforce worker --redis ${where} --queue ${queue}`,
    ]);
    // A second worker (in this process) finishes the study.
    const second = await startQueueWorker({ queueName: queue, log: () => undefined });
    await optimizing;
    await second.close();
    assert.deepEqual(
      study.trials.map((trial) => trial.state),
      ["COMPLETE", "COMPLETE"],
    );
  } finally {
    kill(worker.child);
    await executor.close();
    await obliterateQueue(queue);
  }
});
