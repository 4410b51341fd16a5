import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { ThreadPoolExecutor } from "../../src/execution/thread-pool.ts";
import { trialTrainingSeed } from "../../src/objectives/builtin-task.ts";
import { type ObjectiveSpec, parseObjectiveSpec } from "../../src/objectives/spec.ts";
import type { SearchSpace } from "../../src/space/types.ts";
import { createStudy } from "../../src/study/study.ts";

const programs = fileURLToPath(new URL("../fixtures/programs/", import.meta.url));
const node = process.execPath;
const space: SearchSpace = { x: { type: "float", low: -10, high: 10 } };

test("command and csv specs are checked field by field", () => {
  assert.throws(() => parseObjectiveSpec({ kind: "command", space }), {
    message: 'a "command" objective needs "command": a template string or an array of words',
  });
  assert.throws(() => parseObjectiveSpec({ kind: "command", command: "train {x}" }), {
    message: 'a "command" objective needs "space": the search space whose parameters fill the placeholders',
  });
  assert.throws(() => parseObjectiveSpec({ kind: "command", command: "train", space, trialTimeoutMs: "5s" }), {
    message: '"trialTimeoutMs" of a "command" objective must be a number, got "5s"',
  });
  assert.throws(() => parseObjectiveSpec({ kind: "command", command: "train", space, env: { A: 1 } }), {
    message: '"env" of a "command" objective must map names to strings',
  });
  assert.deepEqual(parseObjectiveSpec({ kind: "command", command: ["a", "{x}"], space, cwd: "/tmp", trialTimeoutMs: 50, extra: 1 }), {
    kind: "command",
    command: ["a", "{x}"],
    space,
    cwd: "/tmp",
    trialTimeoutMs: 50,
  });
  assert.throws(() => parseObjectiveSpec({ kind: "csv", target: "y" }), { message: 'a "csv" objective needs "path": the CSV file' });
  assert.throws(() => parseObjectiveSpec({ kind: "csv", path: "a.csv" }), {
    message: 'a "csv" objective needs "target": the target column\'s name (or 1-based position)',
  });
  assert.throws(() => parseObjectiveSpec({ kind: "csv", path: "a.csv", target: "y", taskKind: "ranking" }), {
    message: '"taskKind" must be "regression" or "classification", got "ranking"',
  });
  assert.throws(() => parseObjectiveSpec({ kind: "csv", path: "a.csv", target: "y", separator: "|" }), {
    message: '"separator" must be one of "," ";" or a tab, got "|"',
  });
  assert.throws(() => parseObjectiveSpec({ kind: "csv", path: "a.csv", target: "y", epochs: 1.5 }), {
    message: '"epochs" must be an integer, got 1.5',
  });
  assert.deepEqual(parseObjectiveSpec({ kind: "csv", path: "a.csv", target: "y", taskKind: "regression", exclude: ["id"], header: true }), {
    kind: "csv",
    path: "a.csv",
    target: "y",
    taskKind: "regression",
    exclude: ["id"],
    header: true,
  });
  assert.throws(() => parseObjectiveSpec({ kind: "shell" }), {
    message: /^unknown objective kind "shell"; known kinds: module, task, command, csv\b/,
  });
});

test("a study runs a command spec with overlapping trials: values, learning curves, FAIL with the stderr tail, logs", async () => {
  const logDir = mkdtempSync(join(tmpdir(), "hyperforce-spec-command-"));
  const spec: ObjectiveSpec = { kind: "command", command: [node, "report.mjs", "--x", "{x}"], space, cwd: programs, logDir };
  const study = createStudy({ space, seed: 4 });
  study.enqueueTrial({ x: 5 });
  study.enqueueTrial({ x: -1 });
  await study.optimize(spec, { nTrials: 4, concurrency: 2 });
  const trials = study.trials;
  assert.deepEqual(
    trials.map((trial) => trial.state),
    ["COMPLETE", "COMPLETE", "COMPLETE", "COMPLETE"],
  );
  assert.equal(trials[0].value, 4);
  assert.equal(trials[1].value, 16);
  assert.deepEqual(trials[1].intermediateValues, { 0: -1, 1: -2, 2: -3 });
  for (const trial of trials) assert.equal(trial.value, ((trial.params.x as number) - 3) ** 2);
  assert.equal(readdirSync(logDir).length, 8);
  // Two programs ran at once.
  assert.ok((trials[1].datetimeStart as number) < (trials[0].datetimeComplete as number));

  const crashing = createStudy({ seed: 4 });
  await crashing.optimize({ kind: "command", command: [node, "crash.mjs"], space: {}, cwd: programs, stderrTailLines: 2 }, { nTrials: 1 });
  assert.equal(crashing.trials[0].state, "FAIL");
  assert.equal(crashing.trials[0].failReason, `${node} exited with code 3\nstderr (last lines):\nstderr line 29\nstderr line 30`);
  assert.equal(crashing.trials[0].userAttrs.stderr_tail, "stderr line 29\nstderr line 30");
});

test("a command spec runs in worker threads too", async () => {
  const executor = new ThreadPoolExecutor({ size: 1 });
  try {
    const study = createStudy({ space, seed: 8 });
    study.enqueueTrial({ x: 4 });
    await study.optimize({ kind: "command", command: `"${node}" report.mjs --x {x}`, space, cwd: programs }, { nTrials: 2, executor });
    assert.deepEqual(
      study.trials.map((trial) => trial.state),
      ["COMPLETE", "COMPLETE"],
    );
    assert.equal(study.trials[0].value, 1);
    assert.deepEqual(study.trials[0].intermediateValues, { 0: 4, 1: 8, 2: 12 });
  } finally {
    await executor.close();
  }
});

test("a csv spec trains on the file with the study's seed", async () => {
  const dir = mkdtempSync(join(tmpdir(), "hyperforce-spec-csv-"));
  const path = join(dir, "line.csv");
  writeFileSync(path, ["x,y", ...Array.from({ length: 40 }, (_, i) => `${i / 4},${(i / 4) * 2 + (i % 3) * 0.1}`)].join("\n"));
  const run = async () => {
    const study = createStudy({ seed: 21 });
    study.enqueueTrial({ learning_rate: 0.01, weight_decay: 1e-5, batch_size: 8, hidden_units: 8 });
    await study.optimize({ kind: "csv", path, target: "y", taskKind: "regression", epochs: 3 }, { nTrials: 1 });
    return study.trials[0];
  };
  const [first, second] = [await run(), await run()];
  assert.equal(first.state, "COMPLETE");
  assert.equal(first.value, second.value);
  assert.equal(first.userAttrs.epochs, 3);
  assert.equal(first.userAttrs.seed, trialTrainingSeed(21, 0));
});
