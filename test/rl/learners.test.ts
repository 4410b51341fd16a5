import assert from "node:assert/strict";
import { test } from "node:test";
import { compareGradients, finiteDifferenceGradient } from "../../src/nn/gradcheck.ts";
import { Rng } from "../../src/nn/rng.ts";
import { MlpPolicy } from "../../src/rl/mlp-policy.ts";
import { Ppo } from "../../src/rl/ppo.ts";
import { Reinforce, type ReinforceOptions } from "../../src/rl/reinforce.ts";
import { RnnPolicy } from "../../src/rl/rnn-policy.ts";
import { AdvantageEstimator, discountedReturns, type Trajectory } from "../../src/rl/trajectory.ts";
import { REINFORCE_PRESETS } from "../../src/samplers/reinforce.ts";

const SIZES = [3, 4, 2];

function step(state: number[], action: number[], reward: number, logProb = 0) {
  return { state: Int32Array.from(state), action: Int32Array.from(action), reward, logProb };
}

/** Three trajectories of two steps (tmax 2: each state is the previous action). */
function batch(): Trajectory[] {
  return [
    [step([0, 0, 0], [1, 2, 1], -0.5), step([1, 2, 1], [2, 3, 0], -0.2)],
    [step([2, 1, 1], [0, 0, 1], -0.9), step([0, 0, 1], [1, 1, 1], -0.4)],
    [step([1, 3, 0], [2, 2, 0], -0.1), step([2, 2, 0], [0, 3, 1], -0.7)],
  ];
}

test("discounted returns: G_t = r_t + gamma G_{t+1}", () => {
  assert.deepEqual(discountedReturns([1, 2, 3], 0.5), [2.75, 3.5, 3]);
  assert.deepEqual(discountedReturns([4], 0.99), [4]);
});

test("advantages: none, batch mean, moving average, standardised", () => {
  const returns = [1, 2, 3, 6];
  assert.deepEqual(new AdvantageEstimator({ baseline: "none", standardize: false, movingAverageRate: 0.1 }).compute(returns), returns);
  assert.deepEqual(
    new AdvantageEstimator({ baseline: "batch-mean", standardize: false, movingAverageRate: 0.1 }).compute(returns),
    [-2, -1, 0, 3],
  );
  const standardised = new AdvantageEstimator({ baseline: "batch-mean", standardize: true, movingAverageRate: 0.1 }).compute(returns);
  assert.ok(Math.abs(standardised.reduce((a, b) => a + b, 0)) < 1e-12);
  assert.ok(Math.abs(standardised.reduce((a, b) => a + b * b, 0) / 4 - 1) < 1e-12);
  const moving = new AdvantageEstimator({ baseline: "moving-average", standardize: false, movingAverageRate: 0.5 });
  assert.deepEqual(moving.compute(returns), [-2, -1, 0, 3]); // the first batch's mean starts the average (3)
  assert.deepEqual(moving.compute([5, 5]), [2, 2]); // baseline 3, then the average moves to 4
  assert.deepEqual(moving.getState(), { average: 4 });
  // All returns equal: nothing to standardise by, advantages are 0.
  assert.deepEqual(new AdvantageEstimator({ baseline: "batch-mean", standardize: true, movingAverageRate: 0.1 }).compute([2, 2]), [0, 0]);
  assert.throws(
    () => new AdvantageEstimator({ baseline: "median" as never, standardize: false, movingAverageRate: 0.1 }),
    /unknown baseline "median"/,
  );
});

function paperOptions(): ReinforceOptions {
  const p = REINFORCE_PRESETS.paper;
  return {
    learningRate: p.learningRate,
    gamma: p.gamma,
    baseline: p.baseline,
    standardize: p.standardize,
    movingAverageRate: p.movingAverageRate,
    entropy: p.entropy,
    entropyDecay: p.entropyDecay,
  };
}

test("paper preset: no baseline, no standardisation, no entropy, no cache, batch 16, lr 1e-3", () => {
  const p = REINFORCE_PRESETS.paper;
  assert.deepEqual(
    [p.baseline, p.standardize, p.entropy, p.cache, p.batchSize, p.learningRate, p.gamma, p.tmax],
    ["none", false, 0, false, 16, 1e-3, 0.99, 1],
  );
});

for (const [name, make] of [
  ["mlp", () => new MlpPolicy(SIZES, new Rng(4), { hidden: [10, 6] })],
  ["rnn gru", () => new RnnPolicy(SIZES, new Rng(4), { cell: "gru", hidden: [6, 5] })],
] as const) {
  test(`${name}: the paper's update is the gradient of -(1/N) sum_i sum_t G_t log pi(a_t|s_t), then one Adam step`, () => {
    const policy = make();
    const before = policy.params.map((p) => Float32Array.from(p));
    const trajectories = batch();
    // The hand formula, evaluated through log-probabilities only, differentiated numerically.
    const handLoss = () => {
      let loss = 0;
      for (const t of trajectories) {
        const g = [t[0].reward + 0.99 * t[1].reward, t[1].reward];
        t.forEach((s, k) => (loss -= (g[k] * policy.evaluate(s.state, s.action).logProb) / trajectories.length));
      }
      return loss;
    };
    const numeric = policy.params.map((p) => finiteDifferenceGradient(handLoss, p, 1e-3));
    new Reinforce(policy, paperOptions()).update(trajectories);
    policy.grads.forEach((g, t) => {
      const { maxRelativeError } = compareGradients(g, numeric[t], 1e-4);
      assert.ok(maxRelativeError < 1e-3, `array ${t}: relative error ${maxRelativeError}`);
    });
    // Adam's first step with bias correction: theta -= lr * g / (|g| + eps).
    policy.params.forEach((p, t) => {
      p.forEach((value, i) => {
        const g = policy.grads[t][i];
        const expected = Math.fround(before[t][i] - (1e-3 * g) / (Math.abs(g) + 1e-8));
        assert.ok(Math.abs(value - expected) < 1e-6, `array ${t}[${i}]: ${value} vs ${expected}`);
      });
    });
  });
}

test("the default preset's update differs from the paper's on the same batch (standardised advantages, entropy)", () => {
  const paper = new MlpPolicy(SIZES, new Rng(4));
  const tuned = new MlpPolicy(SIZES, new Rng(4));
  new Reinforce(paper, paperOptions()).update(batch());
  const d = REINFORCE_PRESETS.default;
  new Reinforce(tuned, {
    learningRate: 1e-3,
    gamma: 0.99,
    baseline: d.baseline,
    standardize: d.standardize,
    movingAverageRate: 0.1,
    entropy: d.entropy,
    entropyDecay: 1,
  }).update(batch());
  assert.notDeepEqual(Array.from(paper.grads[0]), Array.from(tuned.grads[0]));
});

test("entropy bonus: with equal rewards the update only raises entropy, with a decaying coefficient", () => {
  const policy = new MlpPolicy(SIZES, new Rng(8), { hidden: [10, 6] });
  const learner = new Reinforce(policy, {
    learningRate: 0.05,
    gamma: 0.99,
    baseline: "batch-mean",
    standardize: true,
    movingAverageRate: 0.1,
    entropy: 0.5,
    entropyDecay: 0.5,
  });
  const flat: Trajectory[] = [[step([0, 0, 0], [1, 1, 1], 1)], [step([1, 1, 1], [2, 0, 1], 1)]];
  const entropyOf = () => policy.evaluate([0, 0, 0], [0, 0, 0]).entropy;
  const start = entropyOf();
  const first = learner.update(flat);
  const second = learner.update(flat);
  assert.equal(first.entropyCoefficient, 0.5);
  assert.equal(second.entropyCoefficient, 0.25);
  assert.ok(entropyOf() > start, `entropy ${entropyOf()} did not rise from ${start}`);
  assert.deepEqual(first.topChoice.length, 3);
  assert.equal(first.meanReward, 1);
});

test("ppo: a step whose ratio left the clip range in the advantage's direction contributes no gradient", () => {
  const policy = new MlpPolicy(SIZES, new Rng(5), { hidden: [10, 6] });
  const reference = new MlpPolicy(SIZES, new Rng(5), { hidden: [10, 6] });
  const good = step([0, 0, 0], [1, 2, 1], 1);
  const bad = step([1, 1, 1], [2, 0, 0], 0);
  // Old log-probabilities far below the current ones: both ratios are >> 1 + clip.
  good.logProb = policy.evaluate(good.state, good.action).logProb - 3;
  bad.logProb = policy.evaluate(bad.state, bad.action).logProb - 3;
  const ppo = new Ppo(
    policy,
    {
      learningRate: 0.01,
      gamma: 0.99,
      baseline: "batch-mean",
      standardize: true,
      movingAverageRate: 0.1,
      entropy: 0,
      entropyDecay: 1,
      clip: 0.2,
      epochs: 1,
      minibatchSize: 2,
    },
    new Rng(1),
  );
  ppo.update([[good], [bad]]);
  // Advantages are +1 (good: clipped, no gradient) and -1 (bad: ratio > 1 - clip, gradient -A * ratio * dlogp / 2).
  const e = reference.evaluate(bad.state, bad.action);
  reference.backward((1 * Math.exp(e.logProb - bad.logProb)) / 2, 0);
  policy.grads.forEach((g, t) =>
    g.forEach((v, i) => assert.ok(Math.abs(v - reference.grads[t][i]) < 1e-5 * Math.max(1, Math.abs(v)), `array ${t}[${i}]`)),
  );
});

test("learning options are checked", () => {
  const policy = new MlpPolicy(SIZES, new Rng(1));
  const base = paperOptions();
  assert.throws(() => new Reinforce(policy, { ...base, learningRate: 0 }), /learningRate must be a positive number, got 0/);
  assert.throws(() => new Reinforce(policy, { ...base, gamma: 1.5 }), /gamma must be in \[0, 1\], got 1.5/);
  assert.throws(() => new Reinforce(policy, { ...base, entropyDecay: 0 }), /entropyDecay must be in \(0, 1\], got 0/);
  assert.throws(
    () => new Ppo(policy, { ...base, clip: 0.2, epochs: 0, minibatchSize: 4 }, new Rng(1)),
    /epochs must be a positive integer, got 0/,
  );
  assert.throws(() => new Reinforce(policy, base).update([]), /a policy update needs at least one step/);
});
