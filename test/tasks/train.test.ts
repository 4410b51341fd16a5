import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { wasmAvailable } from "../../src/nn/wasm.ts";
import { loadDatasetSync } from "../../src/tasks/datasets.ts";
import { splitDataset } from "../../src/tasks/split.ts";
import { type TrainerPath, trainAndEvaluate, trainWithOrders } from "../../src/tasks/train.ts";
import type { MlpConfig } from "../../src/tasks/types.ts";

process.env.HYPERFORCE_DATA_DIR ??= fileURLToPath(new URL("../../../shared/data", import.meta.url));
const PATHS: TrainerPath[] = wasmAvailable() ? ["typescript", "wasm"] : ["typescript"];

interface GoldenCase {
  name: string;
  task: "regression" | "classification";
  inputs: number;
  hidden: number;
  outputs: number;
  lr: number;
  weight_decay: number;
  batch_size: number;
  epochs: number;
  X: number[][];
  y: number[];
  init: Record<"W1" | "b1" | "W2" | "b2", number[] | number[][]>;
  epoch_orders: number[][];
  step_losses: number[];
  final: Record<"W1" | "b1" | "W2" | "b2", number[] | number[][]>;
  final_full_data_loss: number;
}

const golden = JSON.parse(readFileSync(new URL("../../../shared/golden/mlp-adam.json", import.meta.url), "utf8")) as {
  cases: GoldenCase[];
};
const flat = (values: number[] | number[][]) => Float32Array.from(values.flat());

// Tolerances. Step losses and the final full-data loss: 1e-4 relative, as the issue asks. Final
// parameters: the golden README's measure |error| / (|param| + 1e-3), at 1e-4 for every case. That is
// tighter than the README's float32 floor for regression-high-lr (5.3e-4) and reachable here because
// the trainers keep sums in registers (wasm) or float64 (TypeScript); observed worst values:
// step losses 7e-7, parameters 8e-6 (regression-high-lr), 1.5e-6 (regression-small), 7e-7 (classification-small).
for (const c of golden.cases) {
  for (const path of PATHS) {
    test(`golden ${c.name} (${c.epochs} epochs, batch ${c.batch_size}, lr ${c.lr}): ${path} path matches PyTorch float64`, () => {
      const result = trainWithOrders({
        shape: { kind: c.task, inputs: c.inputs, hidden: c.hidden, outputs: c.outputs },
        rows: { x: flat(c.X), y: Float32Array.from(c.y), n: c.X.length },
        initial: { w1: flat(c.init.W1), b1: flat(c.init.b1), w2: flat(c.init.W2), b2: flat(c.init.b2) },
        epochOrders: c.epoch_orders,
        learningRate: c.lr,
        weightDecay: c.weight_decay,
        batchSize: c.batch_size,
        path,
      });
      assert.equal(result.diverged, false);
      assert.equal(result.epochsRun, c.epochs);
      assert.equal(result.stepLosses.length, c.step_losses.length);
      c.step_losses.forEach((expected, i) => {
        const error = Math.abs(result.stepLosses[i] - expected) / Math.abs(expected);
        assert.ok(error < 1e-4, `step ${i}: ${result.stepLosses[i]} vs ${expected} (relative error ${error})`);
      });
      for (const [key, mine] of [
        ["W1", result.final.w1],
        ["b1", result.final.b1],
        ["W2", result.final.w2],
        ["b2", result.final.b2],
      ] as const) {
        flat(c.final[key]).forEach((expected, i) => {
          const error = Math.abs(mine[i] - expected) / (Math.abs(expected) + 1e-3);
          assert.ok(error < 1e-4, `${key}[${i}]: ${mine[i]} vs ${expected} (error ${error})`);
        });
      }
      const lossError = Math.abs(result.finalLoss - c.final_full_data_loss) / c.final_full_data_loss;
      assert.ok(lossError < 1e-4, `final full-data loss ${result.finalLoss} vs ${c.final_full_data_loss}`);
    });
  }
}

const wine = splitDataset(loadDatasetSync("wine"), 0);
const paperConfig: MlpConfig = { learningRate: 1e-3, weightDecay: 1e-4, batchSize: 64, hidden: 20 };

for (const path of PATHS) {
  test(`trainAndEvaluate on wine (${path}): 15 epochs, finite losses, same seed gives the same numbers`, () => {
    const a = trainAndEvaluate(wine, paperConfig, 1, { path });
    const b = trainAndEvaluate(wine, paperConfig, 1, { path });
    const c = trainAndEvaluate(wine, paperConfig, 2, { path });
    assert.equal(a.diverged, false);
    assert.equal(a.epochsRun, 15);
    assert.ok(
      a.validationLoss > 0.2 && a.validationLoss < 1,
      `validation MSE ${a.validationLoss} (z-scored target: 1 = predicting the mean)`,
    );
    assert.ok(Number.isFinite(a.testLoss) && a.seconds > 0);
    assert.deepEqual([b.validationLoss, b.testLoss], [a.validationLoss, a.testLoss]);
    assert.notEqual(c.validationLoss, a.validationLoss);
  });

  test(`learning rate 0.3 at batch size 8 on wine (${path}) trains or reports divergence, never throws`, () => {
    const result = trainAndEvaluate(wine, { learningRate: 0.3, weightDecay: 1e-4, batchSize: 8, hidden: 20 }, 3, { path });
    if (result.diverged) {
      assert.equal(result.validationLoss, Infinity);
      assert.equal(result.testLoss, Infinity);
      assert.ok(result.epochsRun < 15);
    } else {
      assert.ok(Number.isFinite(result.validationLoss) && Number.isFinite(result.testLoss));
      assert.equal(result.epochsRun, 15);
    }
  });

  test(`an exploding learning rate is reported as diverged at once (${path})`, () => {
    const result = trainAndEvaluate(wine, { learningRate: 1e30, weightDecay: 0, batchSize: 8, hidden: 20 }, 1, { path });
    assert.deepEqual(
      { diverged: result.diverged, validationLoss: result.validationLoss, testLoss: result.testLoss, epochsRun: result.epochsRun },
      { diverged: true, validationLoss: Infinity, testLoss: Infinity, epochsRun: 0 },
    );
  });

  test(`a batch size above the training rows is one full-batch step per epoch (${path})`, () => {
    const big = trainAndEvaluate(wine, { ...paperConfig, batchSize: 4096, epochs: 3 }, 5, { path });
    const exact = trainAndEvaluate(wine, { ...paperConfig, batchSize: wine.train.n, epochs: 3 }, 5, { path });
    assert.equal(big.epochsRun, 3);
    assert.deepEqual([big.validationLoss, big.testLoss], [exact.validationLoss, exact.testLoss]);
  });
}

test("the letter task trains with cross-entropy in nats", () => {
  const letter = splitDataset(loadDatasetSync("letter"), 0);
  const result = trainAndEvaluate(letter, { learningRate: 1e-2, weightDecay: 1e-5, batchSize: 512, hidden: 20, epochs: 3 }, 1);
  assert.equal(result.epochsRun, 3);
  // Chance level is ln 26 = 3.26 nats; three epochs at lr 1e-2 get well below it.
  assert.ok(result.validationLoss < 2.5 && result.validationLoss > 0.3, `validation ${result.validationLoss}`);
});

test("bad configurations are rejected with specific messages", () => {
  assert.throws(() => trainAndEvaluate(wine, { ...paperConfig, batchSize: 0 }, 1), /batch size must be a positive integer, got 0/);
  assert.throws(
    () => trainAndEvaluate(wine, { ...paperConfig, learningRate: -1e-3 }, 1),
    /learning rate must be a positive finite number, got -0.001/,
  );
  assert.throws(
    () => trainAndEvaluate(wine, { ...paperConfig, weightDecay: Number.NaN }, 1),
    /weight decay must be a non-negative finite number, got NaN/,
  );
  assert.throws(() => trainAndEvaluate(wine, { ...paperConfig, hidden: 2.5 }, 1), /hidden units must be a positive integer, got 2.5/);
  assert.throws(() => trainAndEvaluate(wine, { ...paperConfig, epochs: 0 }, 1), /epochs must be a positive integer, got 0/);
  assert.throws(
    () =>
      trainWithOrders({
        shape: { kind: "regression", inputs: 1, hidden: 2, outputs: 1 },
        rows: { x: new Float32Array(3), y: new Float32Array(3), n: 3 },
        initial: { w1: new Float32Array(2), b1: new Float32Array(2), w2: new Float32Array(2), b2: new Float32Array(1) },
        epochOrders: [[0, 1, 3]],
        learningRate: 0.1,
        weightDecay: 0,
        batchSize: 2,
      }),
    /epoch 0 order\[2\] = 3 is not a row index in \[0, 3\)/,
  );
});
