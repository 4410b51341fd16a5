import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { loadStudy } from "../../src/study/study.ts";

const CHILD = fileURLToPath(new URL("./fixtures/interrupted-study.ts", import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test("Ctrl-C stops a study cleanly: running trials finish, none is left RUNNING", { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "hyperforce-interrupt-"));
  const path = join(dir, "study.jsonl");
  try {
    const child = spawn(process.execPath, ["--import", "tsx", CHILD, path], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      try {
        const study = loadStudy({ name: "interrupted", storage: path, failStaleRunning: false });
        const done = study.trials.filter((trial) => trial.state === "COMPLETE").length;
        study.close();
        if (done >= 3) break;
      } catch {
        // not created yet
      }
      await sleep(20);
    }
    child.kill("SIGINT");
    assert.equal(await exited, 0, stderr);
    assert.match(stderr, /stopping on SIGINT/);
    const summary = JSON.parse(stdout.trim()) as { trials: number; states: string[] };
    assert.deepEqual(summary.states, ["COMPLETE"]);
    const study = loadStudy({ name: "interrupted", storage: path, failStaleRunning: false });
    assert.equal(study.trials.length, summary.trials);
    assert.ok(study.trials.every((trial) => trial.state === "COMPLETE"));
    study.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
