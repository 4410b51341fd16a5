import assert from "node:assert/strict";
import { test } from "node:test";
import { Rng } from "../../src/nn/rng.ts";
import { PolicyAgent } from "../../src/rl/agent.ts";
import { HpoEnvironment } from "../../src/rl/env.ts";
import { MlpPolicy } from "../../src/rl/mlp-policy.ts";
import { indicesOf, paramsOf, policySpace } from "../../src/rl/policy-space.ts";
import { Reinforce } from "../../src/rl/reinforce.ts";

function agent(sizes: number[], options: Partial<{ batchSize: number; tmax: number; cache: boolean }> = {}) {
  const policy = new MlpPolicy(sizes, new Rng(1), { hidden: [8, 4] });
  const learner = new Reinforce(policy, {
    learningRate: 0.01,
    gamma: 0.99,
    baseline: "batch-mean",
    standardize: true,
    movingAverageRate: 0.1,
    entropy: 0,
    entropyDecay: 1,
  });
  return new PolicyAgent(sizes, learner, new Rng(2), {
    batchSize: 2,
    tmax: 1,
    cache: true,
    ...options,
  });
}

test("with the cache, known and busy configurations are never proposed; every proposal is the policy's until none is left", () => {
  const a = agent([2, 2]);
  const proposed = new Set<string>();
  for (let trial = 0; trial < 3; trial++) {
    const { indices, source } = a.propose(trial);
    assert.equal(source, "policy");
    const key = Array.from(indices).join(",");
    assert.ok(!proposed.has(key), `trial ${trial} repeated ${key} (${source})`);
    proposed.add(key);
  }
  for (let trial = 0; trial < 3; trial++) a.observe(trial, Array.from([...proposed][trial].split(","), Number), -trial);
  const last = a.propose(3);
  assert.equal(last.source, "policy");
  assert.ok(!proposed.has(Array.from(last.indices).join(",")));
  assert.equal(a.evaluatedConfigurations, 3);
  a.observe(3, last.indices, -3);
  assert.equal(a.propose(4).source, "repeat-fallback", "all four configurations taken");
});

test("without the cache, every draw is a trial (repeats allowed)", () => {
  const a = agent([1, 1], { cache: false });
  for (let trial = 0; trial < 4; trial++) {
    assert.deepEqual(Array.from(a.propose(trial).indices), [0, 0]);
    a.observe(trial, [0, 0], 1);
  }
  assert.equal(a.diagnostics().length, 2, "two batches of two trajectories");
});

test("with the cache no draw is a known configuration, so no step comes from the cache", () => {
  const a = agent([1, 2]);
  const first = a.propose(0);
  a.observe(0, first.indices, -1);
  const second = a.propose(1);
  assert.notDeepEqual(Array.from(second.indices), Array.from(first.indices));
  a.observe(1, second.indices, -2);
  assert.deepEqual(
    a.diagnostics().map((d) => [d.cachedSteps, d.policyDraws, d.fallbackDraws]),
    [[0, 2, 0]],
  );
});

test("a trial that ran other values than proposed is learned with what ran", () => {
  const a = agent([3, 3], { cache: false, batchSize: 1 });
  const { indices } = a.propose(0);
  const ran = [(indices[0] + 1) % 3, indices[1]];
  a.observe(0, ran, 1);
  assert.equal(a.diagnostics().length, 1);
  assert.equal(a.getState().live.trajectories.length, 0);
});

test("agent options are checked; a trial cannot be proposed twice", () => {
  assert.throws(() => agent([2], { batchSize: 0 }), /batchSize must be a positive integer, got 0/);
  assert.throws(() => agent([2], { tmax: 1.5 }), /tmax must be a positive integer, got 1.5/);
  const a = agent([2, 2]);
  a.propose(0);
  assert.throws(() => a.propose(0), /trial 0 already has a proposal/);
  assert.throws(() => a.observe(0, [0, 0], Number.NaN), /reward must be finite or null \(failed\)/);
});

test("the environment: random state at reset, reward is minus the value when minimizing, episodes of tmax steps", () => {
  const env = new HpoEnvironment([3, 4], (a) => a[0] + 10 * a[1], "minimize", 2, new Rng(3));
  const state = env.reset();
  assert.equal(state.length, 2);
  const step1 = env.step(Int32Array.from([1, 2]));
  assert.deepEqual(step1, { reward: -21, value: 21, state: Int32Array.from([1, 2]), done: false });
  const step2 = env.step(Int32Array.from([0, 1]));
  assert.equal(step2.done, true);
  assert.throws(() => env.step(Int32Array.from([0, 0])), /the episode is over: call reset\(\)/);
  const max = new HpoEnvironment([2], (a) => a[0], "maximize", 1, new Rng(3));
  max.reset();
  assert.equal(max.step(Int32Array.from([1])).reward, 1);
});

test("policy space: discrete choices per parameter, levels for continuous ones, indices round-trip", () => {
  const space = policySpace(
    {
      lr: { type: "float", low: 1e-4, high: 1e-1, log: true },
      units: { type: "int", low: 2, high: 8, step: 2 },
      act: { type: "categorical", choices: ["relu", "tanh"] },
    },
    { lr: 4 },
  );
  assert.deepEqual(space.sizes, [4, 4, 2]);
  const params = paramsOf(space, [3, 1, 0]);
  assert.deepEqual(params, { lr: 0.1, units: 4, act: "relu" });
  assert.deepEqual(Array.from(indicesOf(space, params)!), [3, 1, 0]);
  assert.equal(indicesOf(space, { lr: 0.5, units: 4, act: "relu" }), undefined);
  assert.throws(
    () => policySpace({ a: { type: "categorical", choices: [1] } }, { b: 3 }),
    /levels names the parameter "b", which is not in the search space/,
  );
  assert.throws(() => policySpace({}), /need a declared search space with at least one parameter/);
  assert.throws(() => policySpace({ n: { type: "int", low: 0, high: 100000 } }), /parameter "n" has 100001 choices, more than 4096/);
});
