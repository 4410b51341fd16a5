import assert from "node:assert/strict";
import { test } from "node:test";
import { initLinear } from "../../src/nn/init.ts";
import { initMlpParameters } from "../../src/nn/mlp.ts";
import { Rng } from "../../src/nn/rng.ts";

test("nn.Linear init: weights and biases stay within +-1/sqrt(fanIn) and fill the range", () => {
  const fanIn = 16;
  const weight = new Float32Array(20 * fanIn);
  const bias = new Float32Array(20);
  initLinear(weight, bias, fanIn, new Rng(5));
  const bound = 1 / Math.sqrt(fanIn);
  for (const v of [...weight, ...bias]) assert.ok(v >= -bound && v <= bound, `value ${v} outside +-${bound}`);
  // 320 uniform draws: the extremes come within 3% of the bound and the mean is within 4 standard errors of 0.
  assert.ok(Math.max(...weight) > 0.97 * bound && Math.min(...weight) < -0.97 * bound);
  const mean = weight.reduce((a, b) => a + b, 0) / weight.length;
  assert.ok(Math.abs(mean) < (4 * bound) / Math.sqrt(3 * weight.length), `mean ${mean}`);
});

test("nn.Linear init draws every weight row-major, then every bias, one uniform each", () => {
  const weight = new Float32Array(3 * 2);
  const bias = new Float32Array(3);
  initLinear(weight, bias, 2, new Rng(9));
  const rng = new Rng(9);
  const bound = 1 / Math.sqrt(2);
  const expected = Array.from({ length: 9 }, () => Math.fround(rng.uniformIn(-bound, bound)));
  assert.deepEqual(Array.from(weight), expected.slice(0, 6));
  assert.deepEqual(Array.from(bias), expected.slice(6));
});

test("MLP init: layer 1 (fan-in = inputs) then layer 2 (fan-in = hidden), from one generator", () => {
  const shape = { kind: "classification" as const, inputs: 4, hidden: 9, outputs: 3 };
  const p = initMlpParameters(shape, new Rng(2));
  const rng = new Rng(2);
  const w1 = new Float32Array(36);
  const b1 = new Float32Array(9);
  const w2 = new Float32Array(27);
  const b2 = new Float32Array(3);
  initLinear(w1, b1, 4, rng);
  initLinear(w2, b2, 9, rng);
  assert.deepEqual([p.w1, p.b1, p.w2, p.b2], [w1, b1, w2, b2]);
  for (const v of [...p.w2, ...p.b2]) assert.ok(Math.abs(v) <= 1 / 3);
  assert.ok(Math.max(...p.w1.map(Math.abs)) > 1 / 3, "layer 1 uses its own, wider bound 1/2");
});

test("init rejects a weight whose size does not match", () => {
  assert.throws(
    () => initLinear(new Float32Array(5), new Float32Array(2), 3, new Rng(1)),
    /initLinear: weight has 5 values, expected 2 x 3/,
  );
});
