import assert from "node:assert/strict";
import { test } from "node:test";
import { loadDataset } from "../../src/tasks/datasets.ts";
import {
  evaluatePaperTask,
  evaluatePaperTaskSync,
  type PaperTaskName,
  paperTaskSplit,
  paperTaskSplitSync,
} from "../../src/tasks/paper-task.ts";
import { splitDataset } from "../../src/tasks/split.ts";
import { trainAndEvaluate } from "../../src/tasks/train.ts";
import type { MlpConfig } from "../../src/tasks/types.ts";

const CONFIG: MlpConfig = { learningRate: 1e-3, weightDecay: 1e-4, batchSize: 64, hidden: 20 };

function withoutTime<T extends { seconds: number }>(result: T): Omit<T, "seconds"> {
  const { seconds: _seconds, ...rest } = result;
  return rest;
}

test("wine: one evaluation gives finite losses, 15 epochs, and repeats exactly with the same seeds", async () => {
  const first = await evaluatePaperTask("wine", CONFIG, { seed: 1 });
  assert.equal(first.diverged, false);
  assert.equal(first.epochsRun, 15);
  assert.ok(Number.isFinite(first.validationLoss) && first.validationLoss > 0);
  assert.ok(Number.isFinite(first.testLoss) && first.testLoss > 0);
  assert.ok(first.seconds >= 0);
  const again = await evaluatePaperTask("wine", CONFIG, { seed: 1, splitSeed: 0 });
  assert.deepEqual(withoutTime(again), withoutTime(first));
  const otherSeed = await evaluatePaperTask("wine", CONFIG, { seed: 2 });
  assert.notEqual(otherSeed.validationLoss, first.validationLoss);
  const otherSplit = await evaluatePaperTask("wine", CONFIG, { seed: 1, splitSeed: 5 });
  assert.notEqual(otherSplit.validationLoss, first.validationLoss);
});

test("it is the trainer run on the split of the loaded dataset (split seed default 0)", async () => {
  const expected = trainAndEvaluate(splitDataset(await loadDataset("wine"), 0), CONFIG, 7);
  const actual = await evaluatePaperTask("wine", CONFIG, { seed: 7 });
  assert.deepEqual(withoutTime(actual), withoutTime(expected));
});

test("the split is computed once per task and split seed", async () => {
  const split = await paperTaskSplit("wine", 0);
  assert.equal(await paperTaskSplit("wine"), split);
  assert.equal(paperTaskSplitSync("wine", 0), split);
  assert.notEqual(await paperTaskSplit("wine", 1), split);
  assert.deepEqual([split.train.n, split.validation.n, split.test.n], [1119, 159, 321]);
});

test("the synchronous variant gives the same numbers", async () => {
  const config: MlpConfig = { ...CONFIG, batchSize: 512, epochs: 3 };
  const asynchronous = await evaluatePaperTask("letter", config, { seed: 4, splitSeed: 2 });
  const synchronous = evaluatePaperTaskSync("letter", config, { seed: 4, splitSeed: 2 });
  assert.deepEqual(withoutTime(synchronous), withoutTime(asynchronous));
  assert.equal(synchronous.epochsRun, 3);
  // 26 classes: a barely trained model is near ln 26 = 3.26 nats, and far from it only by learning.
  assert.ok(synchronous.validationLoss > 0.5 && synchronous.validationLoss < 3.6, `${synchronous.validationLoss}`);
});

test("learning rate 0.3 with batch size 8 on wine trains or is reported as diverged, never throws", async () => {
  const result = await evaluatePaperTask("wine", { learningRate: 0.3, weightDecay: 1e-4, batchSize: 8, hidden: 20 }, { seed: 1 });
  if (result.diverged) {
    assert.equal(result.validationLoss, Infinity);
    assert.ok(result.epochsRun <= 15);
  } else {
    assert.ok(Number.isFinite(result.validationLoss));
    assert.equal(result.epochsRun, 15);
  }
});

test("an unknown task is rejected with the known ones", async () => {
  await assert.rejects(evaluatePaperTask("iris" as PaperTaskName, CONFIG, { seed: 1 }), /unknown task "iris"; known tasks: wine, letter/);
  assert.throws(() => evaluatePaperTaskSync("iris" as PaperTaskName, CONFIG, { seed: 1 }), /unknown task "iris"/);
});
