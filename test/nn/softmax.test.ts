import assert from "node:assert/strict";
import { test } from "node:test";
import { softmaxLogitGradient, softmaxWithEntropy } from "../../src/nn/softmax.ts";

test("softmaxWithEntropy: probabilities, log-probabilities and entropy, stable for large logits", () => {
  const logits = Float64Array.from([1000, 1001, 999]);
  const probs = new Float64Array(3);
  const logProbs = new Float64Array(3);
  const entropy = softmaxWithEntropy(logits, probs, logProbs);
  const e = [Math.exp(-1), 1, Math.exp(-2)];
  const total = e[0] + e[1] + e[2];
  e.forEach((v, j) => assert.ok(Math.abs(probs[j] - v / total) < 1e-15));
  probs.forEach((p, j) => assert.ok(Math.abs(Math.log(p) - logProbs[j]) < 1e-12));
  assert.ok(Math.abs(entropy + probs.reduce((a, p, j) => a + p * logProbs[j], 0)) < 1e-15);
  assert.ok(Math.abs(softmaxWithEntropy(new Float64Array(4), new Float64Array(4), new Float64Array(4)) - Math.log(4)) < 1e-15);
});

test("softmaxLogitGradient matches central differences of a log p[c] + b H", () => {
  const logits = Float64Array.from([0.3, -1.2, 0.8, 0.1]);
  const value = (z: Float64Array) => {
    const p = new Float64Array(4);
    const lp = new Float64Array(4);
    const h = softmaxWithEntropy(z, p, lp);
    return -0.7 * lp[2] + 0.4 * h;
  };
  const probs = new Float64Array(4);
  const logProbs = new Float64Array(4);
  const entropy = softmaxWithEntropy(logits, probs, logProbs);
  const grad = new Float64Array(4);
  softmaxLogitGradient(probs, logProbs, entropy, 2, -0.7, 0.4, grad);
  for (let j = 0; j < 4; j++) {
    const up = Float64Array.from(logits);
    const down = Float64Array.from(logits);
    up[j] += 1e-6;
    down[j] -= 1e-6;
    assert.ok(Math.abs((value(up) - value(down)) / 2e-6 - grad[j]) < 1e-8, `logit ${j}`);
  }
});
