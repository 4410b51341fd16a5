import assert from "node:assert/strict";
import { test } from "node:test";
import { denseForward, denseInputGradient, denseParamGradients } from "../../src/nn/dense.ts";
import { oneHotDenseBackward, oneHotDenseForward } from "../../src/nn/one-hot-dense.ts";
import { Rng } from "../../src/nn/rng.ts";

const shape = { inputs: 6, outputs: 3 };

function weights(): { weight: Float32Array; bias: Float32Array } {
  const rng = new Rng(4);
  return { weight: new Float32Array(18).map(() => rng.uniformIn(-1, 1)), bias: new Float32Array(3).map(() => rng.uniformIn(-1, 1)) };
}

test("oneHotDenseForward equals a dense layer on the materialised one-hot input", () => {
  const { weight, bias } = weights();
  const sparse = new Float64Array(3);
  oneHotDenseForward(shape, [1, 4], weight, bias, sparse);
  const dense = new Float64Array(3);
  denseForward(shape, Float64Array.from([0, 1, 0, 0, 1, 0]), 1, weight, bias, dense);
  assert.deepEqual(Array.from(sparse), Array.from(dense));
});

test("oneHotDenseBackward adds the output gradient to the bias and the active columns only", () => {
  const gradWeight = new Float32Array(18).fill(1);
  const gradBias = new Float32Array(3).fill(1);
  oneHotDenseBackward(shape, [0, 5], Float64Array.from([0.5, -2, 3]), gradWeight, gradBias);
  assert.deepEqual(Array.from(gradBias), [1.5, -1, 4]);
  assert.deepEqual(Array.from(gradWeight.subarray(6, 12)), [-1, 1, 1, 1, 1, -1]);
});

test("denseParamGradients and denseInputGradient accumulate when asked, and overwrite otherwise", () => {
  const { weight } = weights();
  const x = Float64Array.from([1, 2, 3, 4, 5, 6]);
  const gradOut = Float64Array.from([0.5, -1, 2]);
  const once = { w: new Float64Array(18), b: new Float64Array(3), x: new Float64Array(6) };
  denseParamGradients(shape, x, 1, gradOut, once.w, once.b, false);
  denseInputGradient(shape, 1, weight, gradOut, once.x, false);
  const twice = { w: Float64Array.from(once.w), b: Float64Array.from(once.b), x: Float64Array.from(once.x) };
  denseParamGradients(shape, x, 1, gradOut, twice.w, twice.b, true);
  denseInputGradient(shape, 1, weight, gradOut, twice.x, true);
  twice.w.forEach((v, i) => assert.equal(v, 2 * once.w[i]));
  twice.b.forEach((v, i) => assert.equal(v, 2 * once.b[i]));
  twice.x.forEach((v, i) => assert.ok(Math.abs(v - 2 * once.x[i]) < 1e-12));
  denseParamGradients(shape, x, 1, gradOut, twice.w, twice.b, false);
  assert.deepEqual(Array.from(twice.w), Array.from(once.w));
});
