import assert from "node:assert/strict";
import { test } from "node:test";
import { denseBackward, denseForward, denseReluForward } from "../../src/nn/dense.ts";
import { meanSquaredError } from "../../src/nn/losses.ts";
import { relu, reluBackward } from "../../src/nn/relu.ts";

// W = [[1, 2], [3, -4], [0.5, 0], [-1, 1], [2, 2]] ([5 outputs][2 inputs]), b = [0, 1, -1, 0.5, 0]:
// five outputs exercise both the four-at-a-time loop and its remainder.
const shape = { inputs: 2, outputs: 5 };
const W = new Float32Array([1, 2, 3, -4, 0.5, 0, -1, 1, 2, 2]);
const b = new Float32Array([0, 1, -1, 0.5, 0]);
const x = new Float32Array([1, 1, 2, -1]); // rows [1, 1] and [2, -1]

test("dense forward in PyTorch's [out][in] layout, with and without the fused ReLU", () => {
  const out = new Float32Array(10);
  denseForward(shape, x, 2, W, b, out);
  assert.deepEqual(Array.from(out), [3, 0, -0.5, 0.5, 4, 0, 11, 0, -2.5, 2]);
  denseReluForward(shape, x, 2, W, b, out);
  assert.deepEqual(Array.from(out), [3, 0, 0, 0.5, 4, 0, 11, 0, 0, 2]);
  const nan = new Float32Array(10);
  denseReluForward(shape, new Float32Array([Number.NaN, 0, 0, 0]), 2, W, b, nan);
  assert.ok(Number.isNaN(nan[0]), "a NaN input must survive the ReLU so divergence is seen");
});

test("dense backward: weight, bias and input gradients worked by hand (5 rows: blocks of 4 plus one)", () => {
  const s = { inputs: 2, outputs: 1 };
  const w = new Float32Array([2, -1]);
  const xs = new Float32Array([1, 0, 0, 1, 1, 1, 2, 0, -1, 3]);
  const gradOut = new Float32Array([1, 2, 0, -1, 0.5]);
  const gw = new Float32Array(2).fill(99);
  const gb = new Float32Array(1).fill(99);
  const gi = new Float32Array(10);
  denseBackward(s, xs, 5, w, gradOut, gw, gb, gi);
  // gw = sum_r g_r x_r = [1*1 + 0 + 0 + -1*2 + 0.5*-1, 0 + 2*1 + 0 + 0 + 0.5*3] = [-1.5, 3.5]
  assert.deepEqual(Array.from(gw), [-1.5, 3.5]);
  assert.deepEqual(Array.from(gb), [2.5]);
  assert.deepEqual(Array.from(gi), [2, -1, 4, -2, 0, 0, -2, 1, 1, -0.5]);
});

test("relu clamps negatives; its backward zeroes the gradient where the activation is not positive", () => {
  const v = new Float32Array([-1, 0, 2, Number.NaN]);
  relu(v, 4);
  assert.deepEqual(Array.from(v.subarray(0, 3)), [0, 0, 2]);
  assert.ok(Number.isNaN(v[3]));
  const g = new Float32Array([5, 5, 5, 5]);
  reluBackward(new Float32Array([0, -3, 1, 0.5]), g, 4);
  assert.deepEqual(Array.from(g), [0, 0, 5, 5]);
});

test("mean squared error and its gradient, by hand", () => {
  const grad = new Float32Array(2);
  const loss = meanSquaredError(new Float32Array([1, 3]), new Float32Array([0, 1]), 2, grad);
  assert.equal(loss, 2.5); // (1 + 4) / 2
  assert.deepEqual(Array.from(grad), [1, 2]); // 2 (p - t) / 2
});
