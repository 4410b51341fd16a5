import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { cnnSpace, spacePreset } from "../../src/space/presets.ts";
import { hasChoices } from "../../src/space/types.ts";
import { fashionDefaultSpace } from "../../src/tasks/fashion-task.ts";

// The `cnn` space and `hyperforce run --task fashion` (with --train-size and a pruner) end to end.
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

function hyperforce(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", "src/cli/run.ts", ...args], { cwd: ROOT, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

test("the cnn preset: seven ordered parameters, values ascending; fixed epochs leave the epochs parameter out", () => {
  const space = spacePreset("cnn");
  assert.deepEqual(Object.keys(space), ["learning_rate", "weight_decay", "batch_size", "c1", "c2", "hidden_units", "epochs"]);
  for (const [name, distribution] of Object.entries(space)) {
    assert.ok(hasChoices(distribution) && distribution.type !== "categorical", `${name} is an ordered choice`);
    const values = distribution.choices as number[];
    assert.deepEqual(
      values,
      values.slice().sort((a, b) => a - b),
      `${name} ascending`,
    );
  }
  assert.deepEqual(fashionDefaultSpace(), cnnSpace());
  const fixed = fashionDefaultSpace(3);
  assert.equal(fixed.epochs, undefined);
  assert.deepEqual(Object.keys(fixed), Object.keys(space).slice(0, 6));
});

test("run --task fashion --train-size 100 --pruner asha: cnn parameters, trials pruned from their epoch reports", async () => {
  const storage = join(mkdtempSync(join(tmpdir(), "hf-fashion-run-")), "s.jsonl");
  const args = ["run", "--task", "fashion", "--train-size", "100", "--pruner", "asha", "--sampler", "random", "--seed", "0"];
  const { code, stdout, stderr } = await hyperforce([...args, "--trials", "5", "--storage", storage, "--json"]);
  assert.equal(code, 0, stderr);
  const result = JSON.parse(stdout.trim().split("\n").pop()!);
  assert.equal(result.trials.finished, 5);
  assert.equal(result.trials.failed, 0);
  assert.equal(result.trials.complete + result.trials.pruned, 5);
  assert.ok(result.trials.pruned >= 1, `pruned ${result.trials.pruned}`);
  const cnn = cnnSpace();
  assert.deepEqual(Object.keys(result.best.params).sort(), Object.keys(cnn).sort());
  for (const [name, value] of Object.entries(result.best.params)) {
    const distribution = cnn[name];
    assert.ok(hasChoices(distribution) && distribution.choices.includes(value as number), `${name} = ${value}`);
  }
});

test("run: --train-size is refused for other tasks and outside [10, 50000]", async () => {
  const wine = await hyperforce(["run", "--task", "wine", "--train-size", "100", "--trials", "1", "--storage", "/dev/null/x"]);
  assert.equal(wine.code, 2);
  assert.match(wine.stderr, /--train-size applies to --task fashion/);
  const tiny = await hyperforce(["run", "--task", "fashion", "--train-size", "5", "--trials", "1", "--storage", "/dev/null/x"]);
  assert.equal(tiny.code, 2);
  assert.match(tiny.stderr, /--train-size/);
});
