import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { kill, obliterateQueue, spawnWorker, uniqueQueue } from "../execution/queue-helpers.ts";
import { hyperforce } from "../helpers/cli.ts";

test("hyperforce run --executor queue sends the trials to a hyperforce worker process", { timeout: 180_000 }, async () => {
  const queue = uniqueQueue("run-cli");
  const worker = spawnWorker(queue, ["--id", "cli-worker"]);
  try {
    await worker.waitFor(/taking trials/, 90_000);
    const storage = join(mkdtempSync(join(tmpdir(), "hyperforce-run-queue-")), "q.jsonl");
    const outcome = await hyperforce([
      "run",
      "--task",
      "wine",
      "--epochs",
      "2",
      "--sampler",
      "random",
      "--trials",
      "6",
      "--workers",
      "2",
      "--executor",
      "queue",
      "--queue",
      queue,
      "--storage",
      storage,
      "--json",
      "--no-progress",
    ]);
    assert.equal(outcome.code, 0, outcome.stderr);
    const summary = JSON.parse(outcome.stdout);
    assert.equal(summary.trials.complete, 6);
    assert.ok(typeof summary.best.testLoss === "number");
    const ran = worker.output().match(/trial \d+ of study "[^"]*" finished/g) ?? [];
    assert.equal(ran.length, 6, `the worker ran every trial:\n${worker.output()}`);
  } finally {
    kill(worker.child, "SIGTERM");
    await obliterateQueue(queue);
  }
});

test("queue flags without the queue executor are usage errors", async () => {
  const outcome = await hyperforce(["run", "--task", "wine", "--queue", "q"]);
  assert.equal(outcome.code, 2);
  assert.match(outcome.stderr, /--queue applies to --executor queue/);
});
