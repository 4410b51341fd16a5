// Edits around the incumbent: draws among its unseen neighbours, their log-probability's gradient, the agent's edit trials.
import assert from "node:assert/strict";
import { test } from "node:test";
import { runOnTable, syntheticPaperTable } from "../../bench/rl-table.ts";
import { Rng } from "../../src/nn/rng.ts";
import { allowedBackward, allowedLogProb, neighbours, sampleAllowed } from "../../src/rl/edits.ts";
import { MlpPolicy } from "../../src/rl/mlp-policy.ts";
import type { Policy } from "../../src/rl/policy.ts";
import { RnnPolicy } from "../../src/rl/rnn-policy.ts";
import { reinforceSampler } from "../../src/samplers/reinforce.ts";

const SIZES = [3, 4, 2];
const STATE = [1, 2, 0];

test("neighbours change exactly one parameter, each value once", () => {
  const n = neighbours(SIZES, STATE).map((y) => Array.from(y));
  assert.equal(n.length, 2 + 3 + 1);
  assert.deepEqual(n[0], [0, 2, 0]);
  assert.deepEqual(n[5], [1, 2, 1]);
  for (const y of n) assert.equal(y.filter((v, i) => v !== STATE[i]).length, 1);
});

for (const kind of ["mlp", "rnn"] as const) {
  const make = (): Policy =>
    kind === "mlp" ? new MlpPolicy(SIZES, new Rng(7), { hidden: [8, 4] }) : new RnnPolicy(SIZES, new Rng(7), { hidden: [6, 4] });

  test(`${kind}: draws among the allowed neighbours follow q renormalised over them`, () => {
    const policy = make();
    const allowed = neighbours(SIZES, STATE).filter((y) => y[1] !== 0);
    const q = allowed.map((y) => Math.exp(policy.evaluate(STATE, y).logProb));
    const z = q.reduce((a, b) => a + b, 0);
    const counts = allowed.map(() => 0);
    const rng = new Rng(1);
    const draws = 20000;
    for (let d = 0; d < draws; d++) {
      const { action, logProb } = sampleAllowed(policy, STATE, allowed, rng);
      const k = allowed.findIndex((y) => y.join() === action.join());
      assert.ok(Math.abs(logProb - Math.log(q[k] / z)) < 1e-9);
      counts[k]++;
    }
    const chi = counts.reduce((a, c, k) => a + (c - (draws * q[k]) / z) ** 2 / ((draws * q[k]) / z), 0);
    assert.ok(chi < 20.5, `chi-square ${chi} on ${allowed.length - 1} degrees of freedom`); // p 0.001 at 5 dof
  });

  test(`${kind}: the gradient of log pi_A(a), normaliser included, matches finite differences`, () => {
    const policy = make();
    const allowed = neighbours(SIZES, STATE);
    const action = allowed[3];
    policy.zeroGrads();
    allowedBackward(policy, STATE, action, allowed, 1, 0);
    const rng = new Rng(3);
    let worst = 0;
    for (let t = 0; t < policy.params.length; t++) {
      for (let k = 0; k < 4; k++) {
        const j = rng.int(policy.params[t].length);
        const original = policy.params[t][j];
        const h = 1e-3;
        policy.params[t][j] = original + h;
        const plus = allowedLogProb(policy, STATE, action, allowed);
        policy.params[t][j] = original - h;
        const minus = allowedLogProb(policy, STATE, action, allowed);
        policy.params[t][j] = original;
        const numeric = (plus - minus) / (Math.fround(original + h) - Math.fround(original - h));
        const analytic = policy.grads[t][j];
        worst = Math.max(worst, Math.abs(numeric - analytic) / Math.max(1e-3, Math.abs(numeric) + Math.abs(analytic)));
      }
    }
    assert.ok(worst < 2e-3, `largest relative difference ${worst}`);
  });
}

test("with edits, some trials change one parameter of the best configuration so far; none repeats; resume is exact", () => {
  const table = syntheticPaperTable(4);
  const options = { seed: 3, edits: 0.5 };
  const whole = reinforceSampler(options);
  const run = runOnTable(whole, table, 120);
  const keys = run.study.list.map((t) => JSON.stringify(t.params));
  assert.equal(new Set(keys).size, keys.length);
  let edits = 0;
  let best = run.study.list[0];
  for (const trial of run.study.list.slice(1)) {
    const changed = Object.keys(trial.params).filter((name) => trial.params[name] !== best.params[name]).length;
    if (changed === 1) edits++;
    if (trial.value! < best.value!) best = trial;
  }
  assert.ok(edits > 40 && edits < 90, `${edits} one-parameter edits of the incumbent in 119 trials`);
  const saved = JSON.parse(JSON.stringify(whole.saveState()));
  const restored = reinforceSampler(options);
  restored.loadState(saved);
  const copy = { ...run.study, list: run.study.list.map((t) => structuredClone(t)) };
  const next = (sampler: typeof whole, study: typeof run.study) =>
    runOnTable(sampler, table, 20, study)
      .study.list.slice(120)
      .map((t) => t.params);
  assert.deepEqual(next(restored, Object.assign(Object.create(Object.getPrototypeOf(run.study)), copy)), next(whole, run.study));
  assert.throws(
    () => reinforceSampler({ edits: 0.5, tmax: 2 }).sampleRelative({ direction: "minimize", trials: () => [] }, 0, table.space),
    {
      message: "edits need tmax 1, got tmax 2",
    },
  );
});
