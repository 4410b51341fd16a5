import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));

function runTune(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ["--import", "tsx", "examples/tfjs/tune.ts", ...args], {
      cwd: root,
      env: { ...process.env, ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", fail);
    child.on("close", (code) => done({ code, stdout, stderr }));
  });
}

const noData = !process.env.HYPERFORCE_DATA_DIR && "HYPERFORCE_DATA_DIR is not set";

test("the TensorFlow.js example tunes its model with a tiny budget, the same numbers in another process and in a worker thread", {
  skip: noData,
}, async () => {
  const [first, threaded] = await Promise.all([
    runTune(["--trials", "2", "--seed", "5"]),
    runTune(["--trials", "1", "--seed", "5", "--threads", "1"]),
  ]);
  assert.equal(first.code, 0, first.stderr);
  const lines = first.stdout.trim().split("\n");
  assert.equal(lines.length, 3);
  assert.match(lines[0], /^trial 0: \d\.\d{4} \{"learning_rate":[\d.e-]+,"units":\d+,"batch_size":(32|64|128),"epochs":[2-8]\}$/);
  assert.match(lines[1], /^trial 1: /);
  const summary = JSON.parse(lines[2]) as { bestValue: number; trials: number; bestParams: Record<string, number> };
  assert.equal(summary.trials, 2);
  // The validation MSE of a z-scored target: below 1.0 means better than predicting the mean.
  assert.ok(summary.bestValue > 0 && summary.bestValue < 0.9, `best value ${summary.bestValue}`);
  assert.deepEqual(Object.keys(summary.bestParams), ["learning_rate", "units", "batch_size", "epochs"]);
  // Another process, the objective loaded from its spec in a worker thread: the same trial gives the same number.
  assert.equal(threaded.code, 0, threaded.stderr);
  assert.equal(threaded.stdout.split("\n")[0], lines[0]);
});

test("the example refuses a bad budget or missing data with a one-line message", async () => {
  const run = await runTune(["--trials", "0"]);
  assert.equal(run.code, 1);
  assert.equal(run.stderr.trim(), 'tune.ts: --trials must be an integer >= 1, got "0"');
  const missing = await runTune(["--trials", "1"], { WINE_CSV: "/no/such/wine.csv" });
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr.trim(), "tune.ts: the wine data file is not there: /no/such/wine.csv");
});
