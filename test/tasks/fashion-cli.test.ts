import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

// `hyperforce evaluate --task fashion` end to end, from the TypeScript sources.
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

function hyperforce(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", "src/cli/run.ts", ...args], { cwd: ROOT, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

const FLAGS = ["--lr", "3e-3", "--weight-decay", "0", "--batch-size", "16", "--hidden", "32", "--seed", "1", "--epochs", "1"];

test("evaluate --task fashion --train-size 200 trains the CNN and prints its accuracy", async () => {
  const { code, stdout, stderr } = await hyperforce(["evaluate", "--task", "fashion", "--train-size", "200", ...FLAGS, "--json"]);
  assert.equal(code, 0, stderr);
  const result = JSON.parse(stdout);
  assert.deepEqual(result.taskOptions, { trainSize: 200 });
  assert.equal(result.epochsRun, 1);
  assert.equal(result.diverged, false);
  assert.ok(result.testAccuracy > 0.2 && result.testAccuracy <= 1, `test accuracy ${result.testAccuracy}`);
});

test("--train-size is refused for other tasks and outside [10, 50000]", async () => {
  const wine = await hyperforce(["evaluate", "--task", "wine", "--train-size", "200", ...FLAGS]);
  assert.equal(wine.code, 2);
  assert.match(wine.stderr, /--train-size applies to --task fashion/);
  const tiny = await hyperforce(["evaluate", "--task", "fashion", "--train-size", "5", ...FLAGS]);
  assert.equal(tiny.code, 2);
  assert.match(tiny.stderr, /--train-size must be an integer in \[10, 50000\], got "5"/);
});
