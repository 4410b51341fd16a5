import assert from "node:assert/strict";
import { test } from "node:test";
import type { AgentState } from "../../src/rl/agent.ts";
import { learnedValue } from "../../src/samplers/policy-sampler.ts";
import { reinforceSampler } from "../../src/samplers/reinforce.ts";
import { paperSpace } from "../../src/space/presets.ts";
import { createStudy } from "../../src/study/study.ts";
import { TrialPruned } from "../../src/trial/pruned.ts";
import type { FrozenTrial, Trial } from "../../src/trial/types.ts";

const frozen = (state: FrozenTrial["state"], intermediateValues: Record<number, number>, value?: number): FrozenTrial => ({
  number: 0,
  state,
  params: {},
  distributions: {},
  intermediateValues,
  userAttrs: {},
  systemAttrs: {},
  ...(value !== undefined ? { value } : {}),
});

test("learnedValue: a PRUNED trial's value at its last reported step; a FAIL trial or one without reports has none", () => {
  assert.equal(learnedValue(frozen("COMPLETE", { 1: 2 }, 0.5)), 0.5);
  assert.equal(learnedValue(frozen("PRUNED", { 1: 0.9, 10: 0.4, 2: 0.7 })), 0.4);
  assert.equal(learnedValue(frozen("PRUNED", {})), undefined);
  assert.equal(learnedValue(frozen("PRUNED", { 3: Number.POSITIVE_INFINITY })), undefined);
  assert.equal(learnedValue(frozen("FAIL", { 1: 0.3 })), undefined);
  assert.equal(learnedValue(frozen("COMPLETE", {}, Number.NaN)), undefined);
});

test("reinforce learns a pruned trial with reward minus its last intermediate value, a failed one with none (worst, later)", async () => {
  // A batch larger than the study: nothing is learned yet, so the steps keep the rewards as observed.
  const sampler = reinforceSampler({ seed: 4, policy: "mlp", surrogate: "none", batchSize: 50 });
  const study = createStudy({ space: paperSpace(), sampler, seed: 4 });
  const objective = (trial: Trial): number => {
    if (trial.number === 2) throw new Error("diverged");
    trial.report(1, 0.9 + trial.number);
    trial.report(2, 0.6 + trial.number);
    if (trial.number % 2 === 1) throw new TrialPruned("stopped at step 2");
    return 0.25 + trial.number;
  };
  await study.optimize(objective, { nTrials: 4 });
  assert.deepEqual(
    study.trials.map((trial) => trial.state),
    ["COMPLETE", "PRUNED", "FAIL", "PRUNED"],
  );
  sampler.afterTrial?.({ direction: "minimize", trials: () => study.trials }, study.trials[3]);
  const state = sampler.saveState() as AgentState;
  const rewards = new Map(state.live.trajectories.flatMap((t) => t.steps.map((step) => [step.trial, step.reward] as const)));
  assert.equal(rewards.get(0), -0.25);
  assert.equal(rewards.get(1), -1.6);
  assert.equal(rewards.get(2), null);
  assert.equal(rewards.get(3), -3.6);
  study.close();
});
