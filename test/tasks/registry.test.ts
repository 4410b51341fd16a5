// The Task interface and its registry: the built-in tasks by name, and a new task plugging in by
// registering a family, with no change to studies or samplers.

import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { buildTable } from "../../src/experiments/table-build.ts";
import { taskObjective } from "../../src/objectives/task-objective.ts";
import { randomSampler } from "../../src/samplers/random.ts";
import { createStudy } from "../../src/study/study.ts";
import { classificationAccuracy } from "../../src/tasks/accuracy.ts";
import { evaluatePaperTask } from "../../src/tasks/paper-task.ts";
import {
  canonicalTaskReference,
  findTaskFamily,
  namedTaskNames,
  openTask,
  openTaskSync,
  registerTaskFamily,
  sameTask,
  taskUsages,
} from "../../src/tasks/registry.ts";
import type { Task } from "../../src/tasks/task.ts";

process.env.HYPERFORCE_DATA_DIR ??= new URL("../../../shared/data", import.meta.url).pathname;

test("the built-in tasks are found by the names the command line uses; a bad name says what is known", () => {
  assert.deepEqual(namedTaskNames(), ["wine", "letter", "fashion"]);
  assert.deepEqual(taskUsages(), ["wine", "letter", "fashion", "csv:FILE", "table:FILE"]);
  assert.deepEqual(findTaskFamily("csv:data/x.csv").argument, "data/x.csv");
  assert.throws(() => findTaskFamily("iris"), { message: 'unknown task "iris"; known tasks: wine, letter, fashion' });
  assert.throws(() => findTaskFamily("wine:x"), { message: 'unknown task "wine:x"; known tasks: wine, letter, fashion' });
  assert.throws(() => findTaskFamily("csv"), { message: "the task csv is spelled csv:FILE" });
  assert.throws(() => findTaskFamily("csv:"), { message: '--task csv:<file> needs the file after "csv:", as in csv:FILE' });
  assert.throws(() => openTaskSync({ name: "wine", options: { target: "x" } }), { message: "the task wine takes no options, got target" });
  assert.throws(() => registerTaskFamily({ name: "wine", takesArgument: false, usage: "wine", open: () => assert.fail() }), {
    message: 'a task family named "wine" is already registered',
  });
});

test("references compare by content, whatever the order of their options", () => {
  const a = { name: "csv:d.csv", options: { target: "y", exclude: ["id"] } };
  const b = { name: "csv:d.csv", options: { exclude: ["id"], target: "y" } };
  assert.ok(sameTask(a, b));
  assert.ok(!sameTask(a, { name: "csv:d.csv", options: { target: "y" } }));
  assert.deepEqual(canonicalTaskReference({ name: "wine", options: {} }), "wine");
  assert.equal(JSON.stringify(canonicalTaskReference(a)), JSON.stringify({ name: "csv:d.csv", options: { exclude: ["id"], target: "y" } }));
});

test("the wine task evaluates exactly as the paper task does, with its seed; letter records accuracy", async () => {
  const wine = await openTask("wine", { splitSeed: 2, epochs: 2 });
  assert.equal(wine.kind, "regression");
  assert.deepEqual(Object.keys(wine.defaultSpace()), ["learning_rate", "weight_decay", "batch_size", "hidden_units"]);
  const params = { learning_rate: 1e-3, weight_decay: 1e-4, batch_size: 64, hidden_units: 10 };
  const result = wine.evaluate(params, 7);
  const direct = await evaluatePaperTask(
    "wine",
    { learningRate: 1e-3, weightDecay: 1e-4, batchSize: 64, hidden: 10, epochs: 2 },
    { seed: 7, splitSeed: 2 },
  );
  assert.deepEqual([result.validationLoss, result.testLoss, result.epochsRun, result.seed], [direct.validationLoss, direct.testLoss, 2, 7]);
  assert.equal(result.validationAccuracy, undefined);
  assert.throws(() => wine.evaluate({ ...params, batch_size: 0 }, 1), { message: "batch_size must be an integer >= 1, got 0" });

  const letter = await openTask("letter", { epochs: 1 });
  const run = letter.evaluate({ learning_rate: 1e-2, weight_decay: 0, batch_size: 256, hidden_units: 20 }, 1);
  assert.ok(run.validationAccuracy! > 1 / 26 && run.validationAccuracy! < 1, `validation accuracy ${run.validationAccuracy}`);
  assert.ok(run.testAccuracy! > 1 / 26 && run.testAccuracy! < 1, `test accuracy ${run.testAccuracy}`);
  const diverged = letter.evaluate({ learning_rate: 1e30, weight_decay: 0, batch_size: 256, hidden_units: 20 }, 1);
  assert.equal(diverged.diverged, true);
  assert.equal(diverged.validationAccuracy, undefined, "a diverged run has no accuracy");
});

test("accuracy counts the rows whose largest output is their class (a tie goes to the first class)", () => {
  const shape = { kind: "classification" as const, inputs: 1, hidden: 1, outputs: 2 };
  const parameters = { w1: Float32Array.of(1), b1: Float32Array.of(0), w2: Float32Array.of(1, -1), b2: Float32Array.of(0, 0) };
  // x = 1 and 2: outputs (x, -x), class 0, right; x = -1: hidden 0, outputs tie, class 0, wrong (label 1).
  const rows = { x: Float32Array.of(1, -1, 2), y: Float32Array.of(0, 1, 0), n: 3 };
  assert.equal(classificationAccuracy(shape, parameters, rows), 2 / 3);
  assert.equal(classificationAccuracy(shape, parameters, { ...rows, y: Float32Array.of(0, 0, 0) }), 1);
});

/** A task of its own space (a float on a log scale and an int), as a new task such as a CNN would be. */
function quadraticTask(settings: { splitSeed?: number }): Task {
  const shift = settings.splitSeed ?? 0;
  return {
    name: "quadratic",
    reference: "quadratic",
    kind: "regression",
    lossName: "a quadratic bowl",
    defaultSpace: () => ({ rate: { type: "float", low: 1e-4, high: 1, log: true }, width: { type: "int", low: 1, high: 9 } }),
    evaluate: (params, seed) => {
      const loss = (Math.log10(params.rate as number) + 2) ** 2 + ((params.width as number) - 5 - shift) ** 2;
      return { validationLoss: loss, testLoss: loss + 1, diverged: false, seed, epochsRun: 1, seconds: 0 };
    },
  };
}

test("a new task plugs in by registering: studies run it by spec or objective, define-by-run from its own space", async () => {
  registerTaskFamily({
    name: "quadratic",
    takesArgument: false,
    usage: "quadratic",
    open: (_argument, _options, settings) => quadraticTask(settings),
  });
  assert.deepEqual(namedTaskNames(), ["wine", "letter", "fashion", "quadratic"]);

  const study = createStudy({ sampler: randomSampler({ seed: 1 }), seed: 4 });
  await study.optimize({ kind: "task", task: "quadratic", splitSeed: 1 }, { nTrials: 30 });
  assert.ok(study.trials.every((trial) => trial.state === "COMPLETE"));
  assert.deepEqual(Object.keys(study.trials[0].distributions), ["rate", "width"]);
  for (const trial of study.trials) {
    const { rate, width } = trial.params as { rate: number; width: number };
    assert.ok(rate >= 1e-4 && rate <= 1 && Number.isInteger(width) && width >= 1 && width <= 9);
    assert.equal(trial.value, (Math.log10(rate) + 2) ** 2 + (width - 6) ** 2);
    assert.equal(trial.userAttrs.test_loss, (trial.value as number) + 1);
  }

  const declared = createStudy({
    space: { rate: { type: "categorical", choices: [0.01] }, width: { type: "categorical", choices: [6] } },
    seed: 4,
  });
  await declared.optimize(taskObjective(openTaskSync("quadratic", { splitSeed: 1 }), { seed: 4 }), { nTrials: 1 });
  assert.equal(declared.trials[0].value, 0);

  // A table covers the paper space only: a task with another space is refused with the reason.
  const out = join(mkdtempSync(join(tmpdir(), "hyperforce-registry-")), "q.csv");
  await assert.rejects(buildTable({ task: "quadratic", out, seeds: 1 }), {
    message:
      "a table covers the paper space (learning_rate, weight_decay, batch_size, hidden_units); " +
      "the task quadratic has no learning_rate, weight_decay, batch_size, hidden_units",
  });
});
