import assert from "node:assert/strict";
import { test } from "node:test";
import { compareGradients, finiteDifferenceGradient } from "../../src/nn/gradcheck.ts";
import { Rng } from "../../src/nn/rng.ts";
import { MlpPolicy } from "../../src/rl/mlp-policy.ts";
import type { Policy } from "../../src/rl/policy.ts";
import { RnnPolicy } from "../../src/rl/rnn-policy.ts";

const SIZES = [3, 4, 2, 5];
const STATE = [2, 0, 1, 3];
const ACTION = [1, 3, 0, 4];
/** Ordinal heads on three parameters of four (one plain), of two widths. */
const ORDINAL = [1, 2, 0, 1.5];

function policies(): [string, Policy][] {
  return [
    ["mlp", new MlpPolicy(SIZES, new Rng(1), { hidden: [12, 6] })],
    ["rnn elman", new RnnPolicy(SIZES, new Rng(2), { cell: "elman", hidden: [7, 5] })],
    ["rnn gru", new RnnPolicy(SIZES, new Rng(3), { cell: "gru", hidden: [7, 5] })],
    ["mlp ordinal", new MlpPolicy(SIZES, new Rng(4), { hidden: [12, 6], ordinal: ORDINAL })],
    ["rnn gru ordinal", new RnnPolicy(SIZES, new Rng(5), { cell: "gru", hidden: [7, 5], ordinal: ORDINAL })],
  ];
}

/** Checks the gradient of a * logProb + b * entropy against central differences, every weight. */
function check(policy: Policy, logProbWeight: number, entropyWeight: number): number {
  policy.zeroGrads();
  policy.evaluate(STATE, ACTION);
  policy.backward(logProbWeight, entropyWeight);
  const loss = () => {
    const e = policy.evaluate(STATE, ACTION);
    return logProbWeight * e.logProb + entropyWeight * e.entropy;
  };
  let worst = 0;
  policy.params.forEach((params, t) => {
    const numeric = finiteDifferenceGradient(loss, params, 1e-3);
    const { maxRelativeError } = compareGradients(policy.grads[t], numeric, 1e-4);
    worst = Math.max(worst, maxRelativeError);
  });
  return worst;
}

for (const [name, make] of [
  ["mlp", () => policies()[0][1]],
  ["rnn elman", () => policies()[1][1]],
  ["rnn gru", () => policies()[2][1]],
  ["mlp with ordinal heads", () => policies()[3][1]],
  ["rnn gru with ordinal heads", () => policies()[4][1]],
] as const) {
  test(`${name}: log-prob gradient matches finite differences`, () => {
    const policy = make();
    const error = check(policy, 1, 0);
    assert.ok(error < 2e-4, `max relative error ${error}`);
  });
  test(`${name}: entropy gradient matches finite differences`, () => {
    const policy = make();
    const error = check(policy, 0, 1);
    assert.ok(error < 2e-4, `max relative error ${error}`);
  });
  test(`${name}: gradients accumulate linearly (a logp + b H equals the sum of its parts)`, () => {
    const policy = make();
    policy.zeroGrads();
    policy.evaluate(STATE, ACTION);
    policy.backward(-0.7, 0.3);
    const combined = policy.grads.map((g) => Float64Array.from(g));
    policy.zeroGrads();
    policy.evaluate(STATE, ACTION);
    policy.backward(-0.7, 0);
    policy.evaluate(STATE, ACTION);
    policy.backward(0, 0.3);
    policy.grads.forEach((g, t) => g.forEach((v, i) => assert.ok(Math.abs(v - combined[t][i]) < 1e-6)));
  });
}

test("evaluate: probabilities sum to 1 per head, logProb and entropy agree with them", () => {
  for (const [name, policy] of policies()) {
    const e = policy.evaluate(STATE, ACTION);
    let logProb = 0;
    let entropy = 0;
    e.probabilities.forEach((p, i) => {
      assert.equal(p.length, SIZES[i], name);
      assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-12, name);
      logProb += Math.log(p[ACTION[i]]);
      entropy -= p.reduce((a, q) => a + q * Math.log(q), 0);
    });
    assert.ok(Math.abs(logProb - e.logProb) < 1e-12, name);
    assert.ok(Math.abs(entropy - e.entropy) < 1e-12, name);
  }
});

test("sample returns the log-probability that evaluate gives for the sampled action", () => {
  for (const [name, policy] of policies()) {
    const rng = new Rng(9);
    for (let k = 0; k < 5; k++) {
      const { action, logProb } = policy.sample(STATE, rng);
      assert.ok(Math.abs(policy.evaluate(STATE, action).logProb - logProb) < 1e-12, name);
    }
  }
});

test("rnn is autoregressive: parameter 2's distribution changes with parameter 1's choice; mlp's does not", () => {
  for (const cell of ["elman", "gru"] as const) {
    const policy = new RnnPolicy([10, 10, 10, 10], new Rng(5), { cell });
    const state = [0, 0, 0, 0];
    const a = policy.evaluate(state, [0, 0, 0, 0]).probabilities;
    const b = policy.evaluate(state, [7, 0, 0, 0]).probabilities;
    assert.deepEqual(Array.from(a[0]), Array.from(b[0]), `${cell}: the first head has nothing to condition on`);
    const shift = a[1].reduce((max, p, j) => Math.max(max, Math.abs(p - b[1][j])), 0);
    assert.ok(shift > 1e-3, `${cell}: parameter 2's distribution moved by only ${shift}`);
  }
  const mlp = new MlpPolicy([10, 10, 10, 10], new Rng(5));
  const a = mlp.evaluate([0, 0, 0, 0], [0, 0, 0, 0]).probabilities;
  const b = mlp.evaluate([0, 0, 0, 0], [7, 0, 0, 0]).probabilities;
  assert.deepEqual(Array.from(a[1]), Array.from(b[1]));
});

test("the state matters: a different previous configuration gives different distributions", () => {
  for (const [name, policy] of policies()) {
    const a = policy.evaluate([0, 0, 0, 0], ACTION).probabilities[0];
    const b = policy.evaluate([2, 3, 1, 4], ACTION).probabilities[0];
    assert.notDeepEqual(Array.from(a), Array.from(b), name);
  }
});

test("paper sizes by default; weights are deterministic from the seed", () => {
  const mlp = new MlpPolicy([10, 10, 10, 10], new Rng(1));
  assert.deepEqual(mlp.shape(), { kind: "mlp", sizes: [10, 10, 10, 10], hidden: [64, 16] });
  assert.equal(mlp.params[0].length, 64 * 40);
  const rnn = new RnnPolicy([10, 10, 10, 10], new Rng(1), { cell: "elman" });
  assert.deepEqual(rnn.shape(), { kind: "rnn", cell: "elman", sizes: [10, 10, 10, 10], hidden: [16, 8] });
  const again = new MlpPolicy([10, 10, 10, 10], new Rng(1));
  assert.deepEqual(Array.from(again.params[0]), Array.from(mlp.params[0]));
  // PyTorch's default bound for the first layer: 1/sqrt(40).
  const bound = 1 / Math.sqrt(40);
  assert.ok(mlp.params[0].every((w) => Math.abs(w) <= bound));
});

test("bad inputs are rejected with specific messages", () => {
  const policy = new MlpPolicy([3, 4], new Rng(1));
  assert.throws(() => policy.evaluate([0, 4], [0, 0]), /state index 4 for parameter 1 is outside 0..3/);
  assert.throws(() => policy.evaluate([0, 0], [0]), /action has 1 indices, the policy has 2 parameters/);
  assert.throws(() => new MlpPolicy([3, 0], new Rng(1)), /parameter 1 needs a positive integer number of choices, got 0/);
  assert.throws(() => new RnnPolicy([3], new Rng(1), { cell: "lstm" as never }), /unknown recurrent cell "lstm"/);
  assert.throws(() => new RnnPolicy([3], new Rng(1)).backward(1, 0), /needs an evaluate\(\) first/);
});

test("ordinal heads: one gradient step toward a choice raises its neighbours more than far choices; plain heads do not", () => {
  const gains = (ordinal: number[]) => {
    const policy = new MlpPolicy([10], new Rng(7), { hidden: [8, 4], ordinal });
    const before = policy.evaluate([0], [5]).probabilities[0];
    policy.zeroGrads();
    policy.evaluate([0], [5]);
    policy.backward(1, 0);
    // One plain gradient-ascent step on log p(choice 5).
    policy.params.forEach((params, t) => params.forEach((_, i) => (params[i] += 0.05 * policy.grads[t][i])));
    const after = policy.evaluate([0], [5]).probabilities[0];
    return Array.from(after, (p, j) => Math.log(p / before[j]));
  };
  const ordinal = gains([2]);
  const plain = gains([0]);
  assert.ok(
    ordinal[4] > ordinal[0] + 0.01 && ordinal[6] > ordinal[9] + 0.01,
    `ordinal log-ratio gains ${ordinal.map((g) => g.toFixed(3))}`,
  );
  const spread = (g: number[]) => Math.abs(g[4] - g[0]) + Math.abs(g[6] - g[9]);
  assert.ok(spread(ordinal) > 5 * spread(plain), `neighbour gain ${spread(ordinal)} vs plain ${spread(plain)}`);
  assert.deepEqual(new MlpPolicy([10, 3], new Rng(1), { ordinal: [2, 0] }).shape().ordinal, [2, 0]);
  assert.equal(new MlpPolicy([10, 3], new Rng(1), { ordinal: [0, 0] }).shape().ordinal, undefined);
  assert.throws(() => new MlpPolicy([3], new Rng(1), { ordinal: [-1] }), /ordinal width 0 must be a finite number >= 0, got -1/);
  assert.throws(() => new MlpPolicy([3], new Rng(1), { ordinal: [1, 1] }), /ordinal has 2 widths, the policy has 1 parameters/);
});
