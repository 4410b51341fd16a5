import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { STALE_RUNNING_REASON } from "../../src/study/attrs.ts";
import { createStudy, loadStudy } from "../../src/study/study.ts";
import type { FrozenTrial } from "../../src/trial/types.ts";

const CHILD = fileURLToPath(new URL("./fixtures/journal-study.ts", import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function runChild(path: string) {
  return spawn(process.execPath, ["--import", "tsx", CHILD, path], { stdio: ["ignore", "ignore", "pipe"] });
}

function readTrials(path: string): FrozenTrial[] {
  try {
    const study = loadStudy({ name: "crash", storage: path, failStaleRunning: false });
    const trials = study.trials;
    study.close();
    return trials;
  } catch {
    return []; // the child has not created the study yet
  }
}

test("a study killed with SIGKILL resumes: finished trials kept, RUNNING ones failed, target reached", { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "hyperforce-crash-"));
  const path = join(dir, "study.jsonl");
  try {
    const child = runChild(path);
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on("exit", (code, signal) => resolve(signal ?? code)));
    let before: FrozenTrial[] = [];
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      before = readTrials(path);
      // Kill while a trial is in progress (each takes 150 ms, the poll is every 20 ms).
      if (before.filter((trial) => trial.state === "COMPLETE").length >= 4 && before.some((trial) => trial.state === "RUNNING")) break;
      await sleep(20);
    }
    child.kill("SIGKILL");
    assert.equal(await exited, "SIGKILL", `the child was still running when killed (stderr: ${stderr})`);
    before = readTrials(path);
    const finished = before.filter((trial) => trial.state === "COMPLETE");
    const running = before.filter((trial) => trial.state === "RUNNING");
    assert.ok(finished.length >= 4 && finished.length < 12, `killed after ${finished.length} finished trials`);
    assert.equal(running.length, 1, "the trial in progress was left RUNNING");

    const resumed = runChild(path);
    const code = await new Promise((resolve) => resumed.on("exit", (exitCode) => resolve(exitCode)));
    assert.equal(code, 0);

    const after = createStudy({ name: "crash", storage: path, loadIfExists: true });
    const trials = after.trials;
    after.close();
    assert.equal(trials.length, 12);
    assert.ok(trials.every((trial) => trial.state === "COMPLETE" || trial.state === "FAIL"));
    for (const trial of finished) {
      assert.equal(trials[trial.number].state, "COMPLETE");
      assert.equal(trials[trial.number].value, trial.value);
      assert.deepEqual(trials[trial.number].params, trial.params);
    }
    for (const trial of running) {
      assert.equal(trials[trial.number].state, "FAIL");
      assert.equal(trials[trial.number].failReason, STALE_RUNNING_REASON);
    }
    assert.equal(trials.filter((trial) => trial.state === "COMPLETE").length, 12 - running.length);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
