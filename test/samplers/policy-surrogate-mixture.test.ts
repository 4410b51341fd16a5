// The weight of the surrogate "ei+tpe-adaptive" (src/samplers/policy-surrogate-mixture.ts): even without
// evidence, towards the model that ranks the good trials higher, within its floor; trials that have not
// finished wait, trials that did not complete are dropped; the saved state round-trips or is refused.

import assert from "node:assert/strict";
import { test } from "node:test";
import { MixtureWeight } from "../../src/samplers/policy-surrogate-mixture.ts";
import type { FrozenTrial, TrialState } from "../../src/trial/types.ts";

const trial = (number: number, state: TrialState, value?: number): FrozenTrial => ({
  number,
  state,
  value,
  params: {},
  distributions: {},
  intermediateValues: {},
  userAttrs: {},
  systemAttrs: {},
});

/** 40 completed trials, every other one good (value 0, threshold 0.5); δ of the good ones `good`, of the bad ones `bad`. */
function weighed(good: (i: number) => number, bad: (i: number) => number): number {
  const mixture = new MixtureWeight();
  const trials: FrozenTrial[] = [];
  for (let i = 0; i < 40; i++) {
    const isGood = i % 2 === 0;
    mixture.record(i, [isGood ? good(i) : bad(i), 0.5]);
    trials.push(trial(i, "COMPLETE", isGood ? 0 : 1));
  }
  mixture.account(trials, "minimize");
  return mixture.weight();
}

test("the weight is even without evidence and goes to the model that ranks the good trials higher, within [0.05, 0.95]", () => {
  assert.equal(new MixtureWeight().weight(), 0.5);
  const jitter = (i: number) => ((i * 7919) % 13) / 100;
  assert.equal(
    weighed(
      (i) => 0.3 + jitter(i),
      (i) => -0.3 + jitter(i),
    ),
    0.95,
    "EI ranks the good trials higher",
  );
  assert.equal(
    weighed(
      (i) => -0.3 + jitter(i),
      (i) => 0.3 + jitter(i),
    ),
    0.05,
    "TPE ranks them higher",
  );
  assert.equal(
    weighed(
      (i) => (i % 4 === 0 ? 0.2 : -0.2),
      (i) => (i % 4 === 1 ? 0.2 : -0.2),
    ),
    0.5,
    "no difference",
  );
  const slight = weighed(
    (i) => 0.005 + jitter(i),
    (i) => jitter(i),
  );
  assert.ok(slight > 0.5 && slight < 0.95, `a small difference gives a weight between: ${slight}`);
});

test("running trials wait, trials that did not complete are dropped, a maximised value is good above the threshold", () => {
  const mixture = new MixtureWeight();
  mixture.record(0, [0.5, -1]);
  mixture.record(1, [0.5, -1]);
  mixture.record(2, [0.5, -1]);
  mixture.record(3, [0.5, -1]);
  mixture.account([trial(0, "RUNNING"), trial(1, "FAIL"), trial(2, "COMPLETE", 3), trial(3, "COMPLETE", 0.5)], "maximize");
  const state = mixture.getState();
  assert.deepEqual(Object.keys(state.pending), ["0"]);
  assert.deepEqual(state.good, [1, 0.5, 0.25], "value 3 is good: −3 is at or below −1");
  assert.deepEqual(state.bad, [1, 0.5, 0.25], "value 0.5 is not");
});

test("the saved state round-trips; a malformed one is refused with what it must hold", () => {
  const mixture = new MixtureWeight();
  for (let i = 0; i < 6; i++) mixture.record(i, [i / 10, 0]);
  mixture.account(
    [0, 1, 2, 3, 4].map((i) => trial(i, "COMPLETE", i % 2 === 0 ? -1 : 1)),
    "minimize",
  );
  const saved = JSON.parse(JSON.stringify(mixture.getState()));
  const restored = new MixtureWeight();
  restored.setState(saved);
  assert.deepEqual(restored.getState(), mixture.getState());
  assert.equal(restored.weight(), mixture.weight());
  assert.throws(() => restored.setState({ ...saved, good: [1, 2] }), /must hold good and bad \(3 numbers each\)/);
  assert.throws(() => restored.setState({ ...saved, pending: { x: [0, 0] } }), /pending \(trial number → \[δ, threshold\]\)/);
});
