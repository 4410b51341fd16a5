import assert from "node:assert/strict";
import { test } from "node:test";
import { Adam } from "../../src/nn/adam.ts";

// Two steps worked by hand, lr 0.1, weight decay 0.5, defaults beta1 0.9, beta2 0.999, eps 1e-8.
// Parameter a = 1, gradients 2 then -1:
//   step 1: g = 2 + 0.5*1 = 2.5, m = 0.25, v = 0.00625, m_hat = 2.5, sqrt(v_hat) = 2.5, a = 1 - 0.1 = 0.9
//   step 2: g = -1 + 0.5*0.9 = -0.55, m = 0.225 - 0.055 = 0.17, v = 0.00624375 + 0.0003025 = 0.00654625,
//           a = 0.9 - (0.1/0.19) * 0.17 / (sqrt(0.00654625/0.001999) + 1e-8) = 0.85055693...
// Parameter b = -2, gradients 0 then 0.5: only weight decay moves it at step 1 (g = -1).
test("Adam matches a two-step example worked by hand (coupled weight decay, bias correction)", () => {
  const params = new Float32Array([1, -2]);
  const adam = new Adam([params], { lr: 0.1, weightDecay: 0.5 });
  adam.step([new Float32Array([2, 0])]);
  assert.ok(Math.abs(params[0] - 0.9) < 1e-7, `a after step 1: ${params[0]}`);
  assert.ok(Math.abs(params[1] - -1.9) < 1e-7, `b after step 1: ${params[1]}`);
  adam.step([new Float32Array([-1, 0.5])]);
  assert.ok(Math.abs(params[0] - 0.8505569312) < 1e-6, `a after step 2: ${params[0]}`);
  assert.ok(Math.abs(params[1] - -1.8083516466) < 1e-6, `b after step 2: ${params[1]}`);
  const state = adam.getState();
  assert.equal(state.step, 2);
  assert.ok(Math.abs(state.m[0][0] - 0.17) < 1e-7);
  assert.ok(Math.abs(state.v[0][0] - 0.00654625) < 1e-9);
});

test("Adam state round-trips: a restored optimiser takes the same next step", () => {
  const a = new Float32Array([0.3, -0.7, 1.1]);
  const b = new Float32Array([0.3, -0.7, 1.1]);
  const first = new Adam([a], { lr: 0.01, weightDecay: 1e-3 });
  first.step([new Float32Array([0.5, -0.25, 2])]);
  b.set(a);
  const second = new Adam([b], { lr: 0.01, weightDecay: 1e-3 });
  second.setState(JSON.parse(JSON.stringify(first.getState())));
  const g = new Float32Array([-1, 0.1, 0.3]);
  first.step([g]);
  second.step([g]);
  assert.deepEqual(Array.from(b), Array.from(a));
});

test("Adam rejects bad options and mismatched gradients with specific messages", () => {
  const p = new Float32Array(2);
  assert.throws(() => new Adam([p], { lr: -1 }), /Adam: lr must be a finite number in \[0, Infinity\), got -1/);
  assert.throws(() => new Adam([p], { lr: 0.1, beta2: 1 }), /Adam: beta2 must be a finite number in \[0, 1\), got 1/);
  const adam = new Adam([p], { lr: 0.1 });
  assert.throws(() => adam.step([new Float32Array(3)]), /Adam.step: gradient 0 has length 3, its parameter has length 2/);
  assert.throws(() => adam.setState({ step: 1, m: [[0]], v: [[0, 0]] }), /Adam.setState: m\[0\] has length 1, expected 2/);
});
