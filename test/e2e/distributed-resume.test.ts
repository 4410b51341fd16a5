import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { startQueueWorker } from "../../src/execution/queue-worker.ts";
import { STALE_RUNNING_REASON } from "../../src/study/attrs.ts";
import { loadStudy } from "../../src/study/study.ts";
import type { FrozenTrial } from "../../src/trial/types.ts";
import { kill, obliterateQueue, QUEUE_OBJECTIVES, ROOT, sleep, uniqueQueue } from "../execution/queue-helpers.ts";

const CONTROLLER = fileURLToPath(new URL("./fixtures/distributed-controller.ts", import.meta.url));

function readTrials(journal: string): FrozenTrial[] {
  if (!existsSync(journal)) return [];
  try {
    const study = loadStudy({ name: "resumed", storage: journal, failStaleRunning: false });
    const trials = study.trials;
    study.close();
    return trials;
  } catch {
    return []; // the controller has not created the study yet
  }
}

/** How many times each trial number started running on a worker. */
function runCounts(runsLog: string): Map<number, number> {
  const counts = new Map<number, number>();
  if (!existsSync(runsLog)) return counts;
  for (const line of readFileSync(runsLog, "utf8").trim().split("\n")) {
    if (line === "") continue;
    const number = Number(line.split(" ")[0]);
    counts.set(number, (counts.get(number) ?? 0) + 1);
  }
  return counts;
}

test("a controller SIGKILLed mid-study resumes from its journal: no finished trial lost or run again", { timeout: 90_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "hyperforce-resume-"));
  const journal = join(dir, "study.jsonl");
  const runsLog = join(dir, "runs.log");
  const queue = uniqueQueue("resume");
  process.env.HF_RUNS_LOG = runsLog;
  process.env.HF_SLEEP_MS = "300";
  const worker = await startQueueWorker({
    queueName: queue,
    concurrency: 2,
    lockDurationMs: 1500,
    stalledIntervalMs: 500,
    heartbeatMs: 200,
    log: () => undefined,
  });
  const config = {
    journal,
    study: "resumed",
    queue,
    totalTrials: 16,
    // One more trial in flight than the worker runs: one job waits in the queue when the controller dies.
    concurrency: 3,
    objective: { kind: "module", path: QUEUE_OBJECTIVES, exportName: "sleepy" },
    space: { x: { type: "float", low: -2, high: 2 } },
  };
  const startController = () => {
    const child = spawn(process.execPath, ["--import", "tsx", CONTROLLER, JSON.stringify(config)], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout!.on("data", (chunk) => (output += chunk));
    child.stderr!.on("data", (chunk) => (output += chunk));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on("exit", (code, signal) => resolve({ code, signal })),
    );
    return { child, exited, output: () => output };
  };
  let first: ReturnType<typeof startController> | undefined;
  let second: ReturnType<typeof startController> | undefined;
  try {
    first = startController();
    let before: FrozenTrial[] = [];
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      before = readTrials(journal);
      if (before.filter((trial) => trial.state === "COMPLETE").length >= 5 && before.some((trial) => trial.state === "RUNNING")) break;
      await sleep(20);
    }
    kill(first.child, "SIGKILL");
    assert.equal((await first.exited).signal, "SIGKILL", `the controller ended before the kill:\n${first.output()}`);
    before = readTrials(journal);
    const finishedBefore = before.filter((trial) => trial.state === "COMPLETE");
    const runningBefore = before.filter((trial) => trial.state === "RUNNING");
    assert.ok(finishedBefore.length >= 5 && finishedBefore.length < 16, `killed after ${finishedBefore.length} finished trials`);
    assert.ok(runningBefore.length >= 1, "trials were in flight at the kill");

    second = startController();
    const resumed = await second.exited;
    assert.deepEqual(resumed, { code: 0, signal: null }, `the resumed controller failed:\n${second.output()}`);

    const after = readTrials(journal);
    assert.deepEqual(
      after.map((trial) => trial.number),
      Array.from({ length: 16 }, (_, i) => i),
    );
    // Finished trials are kept as they were.
    for (const trial of finishedBefore) {
      const now = after[trial.number];
      assert.deepEqual(
        [now.state, now.value, now.params, now.intermediateValues],
        [trial.state, trial.value, trial.params, trial.intermediateValues],
      );
    }
    // Trials in flight at the kill are FAIL; every other trial is COMPLETE.
    for (const trial of after) {
      if (runningBefore.some((running) => running.number === trial.number)) {
        assert.deepEqual([trial.state, trial.failReason], ["FAIL", STALE_RUNNING_REASON]);
      } else assert.equal(trial.state, "COMPLETE", `trial ${trial.number}: ${trial.failReason}`);
    }
    // No trial ran twice: each COMPLETE one ran exactly once, the abandoned ones at most once.
    await worker.close();
    const counts = runCounts(runsLog);
    for (const trial of after) {
      const runs = counts.get(trial.number) ?? 0;
      if (trial.state === "COMPLETE") assert.equal(runs, 1, `trial ${trial.number} ran ${runs} times`);
      else assert.ok(runs <= 1, `abandoned trial ${trial.number} ran ${runs} times`);
    }
  } finally {
    if (first !== undefined) kill(first.child);
    if (second !== undefined) kill(second.child);
    await worker.close();
    await obliterateQueue(queue);
    rmSync(dir, { recursive: true, force: true });
  }
});
