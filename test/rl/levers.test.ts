// The off-policy and reward levers of the RL samplers: the elite queue, risk-seeking advantages, rank rewards.
import assert from "node:assert/strict";
import { test } from "node:test";
import { runOnTable, syntheticPaperTable, TableStudy } from "../../bench/rl-table.ts";
import { Rng } from "../../src/nn/rng.ts";
import { PolicyAgent } from "../../src/rl/agent.ts";
import { EliteQueue } from "../../src/rl/elite.ts";
import { MlpPolicy } from "../../src/rl/mlp-policy.ts";
import { Reinforce } from "../../src/rl/reinforce.ts";
import { AdvantageEstimator } from "../../src/rl/trajectory.ts";
import { reinforceSampler } from "../../src/samplers/reinforce.ts";

const learning = {
  learningRate: 0.01,
  gamma: 0.99,
  baseline: "batch-mean" as const,
  standardize: false,
  movingAverageRate: 0.1,
  entropy: 0,
  entropyDecay: 1,
};

test("the elite queue keeps the best configurations once each, the earlier one ahead on ties", () => {
  const queue = new EliteQueue({ size: 3, steps: 1 });
  const step = (a: number, reward: number) => ({ state: [0], action: [a], reward });
  queue.add([step(1, -5), step(2, -1), step(3, -3)]);
  queue.add([step(4, -1), step(2, 0), step(5, -9)]);
  assert.deepEqual(
    queue.best.map((m) => [m.action[0], m.reward]),
    [
      [2, -1],
      [4, -1],
      [3, -3],
    ],
  );
  const copy = new EliteQueue({ size: 3, steps: 1 });
  copy.load(queue.save());
  assert.deepEqual(copy.best, queue.best);
  assert.throws(() => new EliteQueue({ size: 0, steps: 1 }), { message: "elite size must be a positive integer, got 0" });
});

test("imitation steps raise the policy's probability of the elite configurations", () => {
  const policy = new MlpPolicy([4, 3], new Rng(1), { hidden: [8, 4] });
  const learner = new Reinforce(policy, { ...learning, learningRate: 0.05 });
  const elite = [
    { state: [0, 0], action: [3, 1] },
    { state: [1, 2], action: [3, 2] },
  ];
  const before = elite.map((e) => policy.evaluate(e.state, e.action).logProb);
  for (let k = 0; k < 10; k++) learner.imitate(elite);
  const after = elite.map((e) => policy.evaluate(e.state, e.action).logProb);
  after.forEach((logProb, i) => assert.ok(logProb > before[i] + 0.5, `${logProb} vs ${before[i]}`));
});

test("risk-seeking advantages: only returns above the batch's quantile learn, measured from it", () => {
  const estimator = new AdvantageEstimator({ baseline: "batch-mean", standardize: false, movingAverageRate: 0.1, riskSeeking: 0.5 });
  assert.deepEqual(estimator.compute([1, 2, 3, 6]), [0, 0, 1, 4]);
  const standardised = new AdvantageEstimator({ baseline: "none", standardize: true, movingAverageRate: 0.1, riskSeeking: 0.25 });
  assert.deepEqual(standardised.compute([0, 2, 0, 2]), [0, 0, 0, 0]);
  assert.throws(() => new AdvantageEstimator({ baseline: "none", standardize: true, movingAverageRate: 0.1, riskSeeking: 0 }), {
    message: "riskSeeking must be in (0, 1], got 0",
  });
});

test("rank rewards: the learner sees the share of evaluations each result beats, the raw reward is kept", () => {
  const sizes = [3, 3];
  const agent = new PolicyAgent(sizes, new Reinforce(new MlpPolicy(sizes, new Rng(1), { hidden: [8, 4] }), learning), new Rng(2), {
    batchSize: 2,
    tmax: 1,
    cache: true,
    rankRewards: true,
    snapshotEvery: 100,
  });
  const a = agent.propose(0).indices;
  const b = agent.propose(1).indices;
  agent.observe(0, a, -0.5);
  agent.observe(1, b, -0.2);
  const record = agent.getState().replay["1"];
  assert.deepEqual(
    record.batch.map((t) => [t[0].reward, t[0].rank]),
    [
      [-0.5, 0.25],
      [-0.2, 0.75],
    ],
  );
});

test("with the levers on, a restored sampler (past a snapshot, mid-batch) proposes what the uninterrupted one does", () => {
  const table = syntheticPaperTable(3);
  const options = { seed: 5, eliteSize: 4, eliteSteps: 2, rankRewards: true, riskSeeking: 0.5 };
  const whole = reinforceSampler(options);
  const first = runOnTable(whole, table, 110); // 27 updates of 4: a snapshot at 25, two replayed, 2 trials pending
  const saved = JSON.parse(JSON.stringify(whole.saveState()));
  assert.equal(saved.snapshot.elite.length, 4);
  const restored = reinforceSampler(options);
  restored.loadState(saved);
  const copy = new TableStudy();
  copy.list.push(...first.study.list.map((t) => structuredClone(t)));
  const next = (sampler: typeof whole, study: TableStudy) =>
    runOnTable(sampler, table, 30, study)
      .study.list.slice(110)
      .map((t) => t.params);
  const expected = next(whole, first.study);
  assert.deepEqual(next(restored, copy), expected);
  const withoutElite = runOnTable(reinforceSampler({ ...options, eliteSize: undefined, eliteSteps: undefined }), table, 140);
  assert.notDeepEqual(
    withoutElite.study.list.slice(110).map((t) => t.params),
    expected,
  );
  assert.throws(() => reinforceSampler({ eliteSteps: 2 }), { message: "reinforce sampler: eliteSteps needs eliteSize" });
});
