import assert from "node:assert/strict";
import { test } from "node:test";
import { compareGradients, finiteDifferenceGradient } from "../../src/nn/gradcheck.ts";
import { meanSquaredError, softmaxCrossEntropy } from "../../src/nn/losses.ts";
import { initMlpParameters, type MlpParameters, type MlpShape, MlpTrainer } from "../../src/nn/mlp.ts";
import { Rng } from "../../src/nn/rng.ts";
import { WasmWorkspace } from "../../src/nn/wasm.ts";

// Float32 storage: finite differences take a step of 1e-3 (a larger step makes hidden units cross the
// ReLU kink and breaks the check). The float32 outputs round the loss by ~5e-7, which costs up to
// ~2.5e-4 absolute in the difference quotient, so the check allows 1e-2 relative error with a floor
// of 1e-2 (observed: below 7e-3). Gradients here are 0.01 to 1: a wrong one (a missing factor, a
// transposed matrix, an unmasked ReLU) is off by far more.
const STEP = 1e-3;
const TOLERANCE = 1e-2;
const FLOOR = 1e-2;
const KEYS = ["w1", "b1", "w2", "b2"] as const;

function randomRows(rng: Rng, rows: number, inputs: number, classes: number) {
  const x = Float32Array.from({ length: rows * inputs }, () => rng.normal());
  const y = Float32Array.from({ length: rows }, () => (classes > 0 ? rng.int(classes) : 2 * rng.normal()));
  return { x, y, n: rows };
}

test("MSE gradient matches finite differences", () => {
  const rng = new Rng(11);
  const prediction = Float32Array.from({ length: 7 }, () => rng.normal());
  const target = Float32Array.from({ length: 7 }, () => rng.normal());
  const grad = new Float32Array(7);
  meanSquaredError(prediction, target, 7, grad);
  const numeric = finiteDifferenceGradient(() => meanSquaredError(prediction, target, 7, null), prediction, STEP);
  const result = compareGradients(grad, numeric, FLOOR);
  assert.ok(result.maxRelativeError < TOLERANCE, JSON.stringify(result));
});

test("softmax cross-entropy gradient matches finite differences", () => {
  const rng = new Rng(12);
  const logits = Float32Array.from({ length: 5 * 4 }, () => 3 * rng.normal());
  const labels = Float32Array.from({ length: 5 }, () => rng.int(4));
  const grad = new Float32Array(20);
  softmaxCrossEntropy(logits, labels, 5, 4, grad);
  const numeric = finiteDifferenceGradient(() => softmaxCrossEntropy(logits, labels, 5, 4, null), logits, STEP);
  const result = compareGradients(grad, numeric, FLOOR);
  assert.ok(result.maxRelativeError < TOLERANCE, JSON.stringify(result));
});

test("softmax cross-entropy is stable for huge logits and equals log(k) for equal ones", () => {
  const grad = new Float32Array(3);
  const loss = softmaxCrossEntropy(new Float32Array([1000, 0, -1000]), new Float32Array([1]), 1, 3, grad);
  assert.ok(Math.abs(loss - 1000) < 1e-9, `loss ${loss}`);
  assert.deepEqual(Array.from(grad), [1, -1, 0]);
  const flat = softmaxCrossEntropy(new Float32Array([7, 7, 7, 7]), new Float32Array([2]), 1, 4, null);
  assert.ok(Math.abs(flat - Math.log(4)) < 1e-12);
  assert.throws(
    () => softmaxCrossEntropy(new Float32Array(4), new Float32Array([4]), 1, 4, null),
    /row 0 has label 4, expected an integer in \[0, 3\]/,
  );
});

function checkWholeMlp(
  shape: MlpShape,
  seed: number,
  lossAt: (p: MlpParameters) => number,
  analytic: MlpParameters,
  params: MlpParameters,
): void {
  for (const key of KEYS) {
    const numeric = finiteDifferenceGradient(() => lossAt(params), params[key], STEP);
    const result = compareGradients(analytic[key], numeric, FLOOR);
    assert.ok(result.maxRelativeError < TOLERANCE, `${shape.kind} seed ${seed} ${key}: ${JSON.stringify(result)}`);
  }
}

for (const shape of [
  { kind: "regression", inputs: 5, hidden: 6, outputs: 1 },
  { kind: "classification", inputs: 4, hidden: 7, outputs: 5 },
] as MlpShape[]) {
  test(`whole-MLP gradients (${shape.kind}, TypeScript path) match finite differences`, () => {
    const rng = new Rng(21);
    const rows = randomRows(rng, 12, shape.inputs, shape.kind === "classification" ? shape.outputs : 0);
    const trainer = new MlpTrainer(shape, 12);
    trainer.setParameters(initMlpParameters(shape, rng));
    trainer.lossAndGradient(rows.x, rows.y, 12, true);
    const analytic = {
      w1: trainer.gradients.w1.slice(),
      b1: trainer.gradients.b1.slice(),
      w2: trainer.gradients.w2.slice(),
      b2: trainer.gradients.b2.slice(),
    };
    checkWholeMlp(shape, 21, () => trainer.lossAndGradient(rows.x, rows.y, 12, false), analytic, trainer.parameters);
  });

  // (test/nn/wasm.test.ts checks the wasm gradients over several tiles against the TypeScript ones.)
  // Never skipped: npm test builds build/mlp.wasm first (test/nn/wasm.test.ts fails when it is missing).
  test(`whole-MLP gradients (${shape.kind}, wasm path) match finite differences`, () => {
    const rng = new Rng(22);
    const rows = randomRows(rng, 12, shape.inputs, shape.kind === "classification" ? shape.outputs : 0);
    const workspace = new WasmWorkspace();
    workspace.upload(rows, shape.inputs);
    const engine = workspace.createEngine(shape, 12);
    const params = initMlpParameters(shape, rng);
    engine.setParameters(params);
    engine.lossAndGradient(rows, 12);
    const analytic = engine.getGradients();
    checkWholeMlp(
      shape,
      22,
      (p) => {
        engine.setParameters(p);
        return engine.meanLoss(rows);
      },
      analytic,
      params,
    );
  });
}
