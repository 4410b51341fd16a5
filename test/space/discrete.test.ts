import assert from "node:assert/strict";
import { test } from "node:test";
import {
  choiceIndex,
  containsValue,
  decodeIndices,
  discreteChoices,
  encodeParams,
  isDiscrete,
  paperCategoricalSpace,
  paperSpace,
  sameDistribution,
  spacePreset,
} from "../../src/space/index.ts";

test("discreteChoices for each kind", () => {
  assert.deepEqual(discreteChoices({ type: "categorical", choices: ["a", 2, null] }), ["a", 2, null]);
  assert.deepEqual(discreteChoices({ type: "int", low: -2, high: 2 }), [-2, -1, 0, 1, 2]);
  assert.deepEqual(discreteChoices({ type: "int", low: 2, high: 20, step: 6 }), [2, 8, 14, 20]);
  assert.deepEqual(discreteChoices({ type: "float", low: 0, high: 1, step: 0.1 }), [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
  assert.deepEqual(discreteChoices({ type: "float", low: 0, high: 1 }, 5), [0, 0.25, 0.5, 0.75, 1]);
  assert.deepEqual(discreteChoices({ type: "float", low: 1e-5, high: 1, log: true }, 6), [1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1]);
  // Log int with levels: geometric levels rounded and deduplicated.
  assert.deepEqual(discreteChoices({ type: "int", low: 1, high: 1000, log: true }, 8), [1, 3, 7, 19, 52, 139, 373, 1000]);
  assert.deepEqual(discreteChoices({ type: "int", low: 1, high: 4, log: true }, 8), [1, 2, 3, 4]);
  // Levels also apply to stepped numbers, snapped onto the step grid.
  assert.deepEqual(discreteChoices({ type: "int", low: 0, high: 100, step: 10 }, 3), [0, 50, 100]);
  assert.deepEqual(discreteChoices({ type: "float", low: 3, high: 3 }, 4), [3]);
  // Levels do not change a categorical.
  assert.deepEqual(discreteChoices({ type: "categorical", choices: [1, 2] }, 7), [1, 2]);
});

test("a continuous float without levels, or bad levels, is a clear error", () => {
  assert.throws(() => discreteChoices({ type: "float", low: 0, high: 1 }), {
    message: "a continuous float distribution [0, 1] has no finite list of values: give levels to discretise it",
  });
  assert.throws(() => discreteChoices({ type: "float", low: 0, high: 1 }, 0), { message: "levels must be an integer >= 1, got 0" });
  assert.throws(() => discreteChoices({ type: "int", low: 0, high: 1 }, 2.5), { message: "levels must be an integer >= 1, got 2.5" });
});

test("isDiscrete and choiceIndex", () => {
  assert.equal(isDiscrete({ type: "float", low: 0, high: 1 }), false);
  assert.equal(isDiscrete({ type: "float", low: 0, high: 1, step: 0.5 }), true);
  assert.equal(isDiscrete({ type: "int", low: 1, high: 100, log: true }), true);
  assert.equal(isDiscrete({ type: "categorical", choices: ["a"] }), true);
  const stepped = { type: "float" as const, low: 0, high: 1, step: 0.1 };
  assert.equal(choiceIndex(stepped, 0.1 * 3), 3);
  assert.equal(choiceIndex(stepped, 0.35), -1);
  // A grid crossing zero: the zero point is exactly 0, and 0 is found.
  const crossing = { type: "float" as const, low: -0.3, high: 0.3, step: 0.1 };
  assert.deepEqual(discreteChoices(crossing), [-0.3, -0.2, -0.1, 0, 0.1, 0.2, 0.3]);
  assert.equal(choiceIndex(crossing, 0), 3);
  assert.equal(choiceIndex(crossing, -0.3 + 3 * 0.1), 3);
  assert.equal(choiceIndex({ type: "float", low: -1, high: 1 }, 1e-17, 3), 1);
  assert.equal(choiceIndex(stepped, 1.1), -1);
  assert.equal(choiceIndex({ type: "int", low: 2, high: 20, step: 2 }, 20), 9);
  assert.equal(choiceIndex({ type: "int", low: 2, high: 20, step: 2 }, 3), -1);
  assert.equal(choiceIndex({ type: "categorical", choices: [1, "1", null] }, "1"), 1);
  assert.equal(choiceIndex({ type: "categorical", choices: [1, "1", null] }, null), 2);
  assert.equal(choiceIndex({ type: "categorical", choices: [1, "1"] }, true), -1);
  assert.equal(choiceIndex({ type: "float", low: 1e-5, high: 1, log: true }, 1e-3, 6), 2);
  assert.equal(choiceIndex({ type: "float", low: 1e-5, high: 1, log: true }, 2e-3, 6), -1);
  assert.equal(choiceIndex({ type: "float", low: 0, high: 1 }, 0.5), -1);
});

test("the paper presets: ordered choices ascending (paper) and the paper's index order as categoricals (paper-categorical)", () => {
  const rates = [1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 3e-5, 3e-4, 3e-3, 3e-2, 3e-1];
  const batches = [8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096];
  const hidden = [2, 4, 6, 8, 10, 12, 14, 16, 18, 20];
  const sorted = [...rates].sort((a, b) => a - b);
  assert.deepEqual(paperSpace(), {
    learning_rate: { type: "float", choices: sorted, log: true },
    weight_decay: { type: "float", choices: sorted, log: true },
    batch_size: { type: "int", choices: batches, log: true },
    hidden_units: { type: "int", choices: hidden },
  });
  assert.deepEqual(paperCategoricalSpace(), {
    learning_rate: { type: "categorical", choices: rates },
    weight_decay: { type: "categorical", choices: rates },
    batch_size: { type: "categorical", choices: batches },
    hidden_units: { type: "categorical", choices: hidden },
  });
  assert.deepEqual(Object.keys(paperSpace()), ["learning_rate", "weight_decay", "batch_size", "hidden_units"]);
  assert.deepEqual(spacePreset("paper"), paperSpace());
  assert.deepEqual(spacePreset("paper-categorical"), paperCategoricalSpace());
  assert.throws(() => spacePreset("papper"), {
    message: 'unknown search space preset "papper"; known presets: paper, paper-categorical, cnn',
  });
  // Each call is a fresh copy: mutating one does not leak into the next.
  (paperSpace().learning_rate as { choices: number[] }).choices.push(5);
  assert.equal((paperSpace().learning_rate as { choices: number[] }).choices.length, 10);
});

test("encode and decode indices over the paper spaces (ascending order, and the paper's index order)", () => {
  const params = { learning_rate: 3e-4, weight_decay: 1e-5, batch_size: 4096, hidden_units: 2 };
  assert.deepEqual(encodeParams(paperSpace(), params), [3, 0, 9, 0]);
  assert.deepEqual(decodeIndices(paperSpace(), [3, 0, 9, 0]), params);
  assert.deepEqual(encodeParams(paperCategoricalSpace(), params), [6, 0, 9, 0]);
  assert.deepEqual(decodeIndices(paperCategoricalSpace(), [6, 0, 9, 0]), params);
  assert.throws(() => encodeParams(paperSpace(), { ...params, batch_size: 100 }), {
    message: 'cannot encode: 100 is not a choice of parameter "batch_size"',
  });
  assert.throws(() => decodeIndices(paperSpace(), [0, 0, 10, 0]), {
    message: 'cannot decode: index 10 is out of range 0..9 for parameter "batch_size"',
  });
});

test("containsValue and sameDistribution", () => {
  assert.equal(containsValue({ type: "float", low: 0, high: 1 }, 1), true);
  assert.equal(containsValue({ type: "float", low: 0, high: 1 }, 1.0001), false);
  assert.equal(containsValue({ type: "float", low: 0, high: 1 }, "0.5"), false);
  assert.equal(containsValue({ type: "float", low: 0, high: 1, step: 0.25 }, 0.75), true);
  assert.equal(containsValue({ type: "float", low: 0, high: 1, step: 0.25 }, 0.7), false);
  assert.equal(containsValue({ type: "int", low: 1, high: 1000, log: true }, 17), true);
  assert.equal(containsValue({ type: "int", low: 1, high: 10 }, 2.5), false);
  assert.equal(containsValue({ type: "categorical", choices: ["a", null] }, null), true);
  assert.equal(sameDistribution({ type: "int", low: 1, high: 5 }, { type: "int", low: 1, high: 5, step: 1, log: false }), true);
  assert.equal(sameDistribution({ type: "float", low: 0, high: 1 }, { type: "float", low: 0, high: 2 }), false);
  assert.equal(sameDistribution({ type: "float", low: 1, high: 2 }, { type: "float", low: 1, high: 2, log: true }), false);
  assert.equal(sameDistribution({ type: "float", low: 0, high: 1 }, { type: "int", low: 0, high: 1 }), false);
  assert.equal(sameDistribution({ type: "categorical", choices: [1, 2] }, { type: "categorical", choices: [2, 1] }), false);
  assert.equal(sameDistribution({ type: "categorical", choices: ["a"] }, { type: "categorical", choices: ["a"] }), true);
});
