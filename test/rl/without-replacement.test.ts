import assert from "node:assert/strict";
import { test } from "node:test";
import { runOnTable, syntheticPaperTable } from "../../bench/rl-table.ts";
import { Rng } from "../../src/nn/rng.ts";
import { MlpPolicy } from "../../src/rl/mlp-policy.ts";
import type { Policy } from "../../src/rl/policy.ts";
import { RnnPolicy } from "../../src/rl/rnn-policy.ts";
import { restrictedBackward, restrictedEvaluate, sampleUnseen, trieOf } from "../../src/rl/without-replacement.ts";
import { reinforceSampler } from "../../src/samplers/reinforce.ts";

const SIZES = [3, 4, 2];
const STATE = [1, 2, 0];

function allConfigurations(sizes: readonly number[]): number[][] {
  let out: number[][] = [[]];
  for (const size of sizes) out = out.flatMap((prefix) => Array.from({ length: size }, (_, c) => [...prefix, c]));
  return out;
}

/** A policy that puts most of its mass on a few configurations (which the test then marks seen). */
function peakedPolicy(kind: "mlp" | "rnn"): Policy {
  const policy =
    kind === "mlp" ? new MlpPolicy(SIZES, new Rng(7), { hidden: [8, 4] }) : new RnnPolicy(SIZES, new Rng(7), { hidden: [6, 4] });
  // Head biases are the last params, one (weight, bias) pair per head: favour choice 0 of every head.
  for (let i = 0; i < SIZES.length; i++) policy.params[policy.params.length - 2 * SIZES.length + 2 * i + 1][0] += 6;
  return policy;
}

function chiSquare(counts: number[], expected: number[]): { statistic: number; dof: number } {
  let statistic = 0;
  let dof = -1;
  counts.forEach((c, i) => {
    if (expected[i] === 0) {
      assert.equal(c, 0, "a seen configuration was drawn");
      return;
    }
    statistic += (c - expected[i]) ** 2 / expected[i];
    dof++;
  });
  return { statistic, dof };
}

/** The sampler before sampling without replacement: draw from the policy until unseen, else after maxDraws a uniform unseen one. */
function oldRejectionDraw(policy: Policy, seen: Set<string>, rng: Rng, configurations: number[][], maxDraws = 200): number[] {
  for (let draw = 0; draw < maxDraws; draw++) {
    const { action } = policy.sample(STATE, rng);
    if (!seen.has(Array.from(action).join(","))) return Array.from(action);
  }
  const unseen = configurations.filter((x) => !seen.has(x.join(",")));
  return unseen[rng.int(unseen.length)];
}

for (const kind of ["mlp", "rnn"] as const) {
  const name =
    `${kind}: draws without replacement follow the policy restricted to unseen configurations (chi-square); ` +
    "the old rejection sampler does not";
  test(name, () => {
    const policy = peakedPolicy(kind);
    const configurations = allConfigurations(SIZES);
    const seenList = configurations.filter((x) => x[0] === 0 && (x[1] === 0 || x[2] === 0));
    const seen = new Set(seenList.map((x) => x.join(",")));
    const q = configurations.map((x) => Math.exp(policy.evaluate(STATE, x).logProb));
    const seenMass = q.reduce((a, p, i) => a + (seen.has(configurations[i].join(",")) ? p : 0), 0);
    assert.ok(seenMass > 0.98, `the seen configurations hold ${seenMass} of the mass`);
    const draws = 3000;
    const expected = q.map((p, i) => (seen.has(configurations[i].join(",")) ? 0 : (draws * p) / (1 - seenMass)));
    const index = (x: ArrayLike<number>) => configurations.findIndex((c) => c.join(",") === Array.from(x).join(","));
    const trie = trieOf(SIZES, seenList);
    const rng = new Rng(11);
    const counts = configurations.map(() => 0);
    for (let d = 0; d < draws; d++) {
      const draw = sampleUnseen(policy, STATE, trie, rng)!;
      assert.ok(draw.fromPolicy);
      counts[index(draw.action)]++;
      if (d < 50) {
        const logProb = Math.log(q[index(draw.action)] / (1 - seenMass));
        assert.ok(Math.abs(draw.logProb - logProb) < 1e-9, `logProb ${draw.logProb} vs ${logProb}`);
      }
    }
    // 5% critical values of chi-square: 14.07 for 7, 22.36 for 13 degrees of freedom... use a safe 0.1% bound.
    const critical = (dof: number) => dof + 3.3 * Math.sqrt(2 * dof) + 4;
    const fresh = chiSquare(counts, expected);
    assert.ok(fresh.statistic < critical(fresh.dof), `chi-square ${fresh.statistic} with ${fresh.dof} dof`);
    const oldRng = new Rng(11);
    const oldCounts = configurations.map(() => 0);
    for (let d = 0; d < draws; d++) oldCounts[index(oldRejectionDraw(policy, seen, oldRng, configurations))]++;
    const old = chiSquare(oldCounts, expected);
    assert.ok(old.statistic > 10 * critical(old.dof), `the old sampler's chi-square is only ${old.statistic}`);
  });

  test(`${kind}: the gradient of log pi_S(a), normaliser included, matches finite differences`, () => {
    const policy = peakedPolicy(kind);
    const seen = allConfigurations(SIZES).filter((x) => x[1] === 0 || (x[0] === 1 && x[2] === 1));
    const trie = trieOf(SIZES, seen);
    const action = [2, 3, 0];
    const f = () => restrictedEvaluate(policy, STATE, action, trie).logProb;
    policy.zeroGrads();
    const { unseen } = restrictedEvaluate(policy, STATE, action, trie);
    restrictedBackward(policy, STATE, action, seen, unseen, 1, 0);
    let checked = 0;
    let worst = 0;
    const rng = new Rng(3);
    for (let t = 0; t < policy.params.length; t++) {
      for (let k = 0; k < 4; k++) {
        const j = rng.int(policy.params[t].length);
        const original = policy.params[t][j];
        const h = 1e-3;
        policy.params[t][j] = original + h;
        const plus = f();
        policy.params[t][j] = original - h;
        const minus = f();
        policy.params[t][j] = original;
        const numeric = (plus - minus) / (Math.fround(original + h) - Math.fround(original - h));
        const analytic = policy.grads[t][j];
        worst = Math.max(worst, Math.abs(numeric - analytic) / Math.max(1e-3, Math.abs(numeric) + Math.abs(analytic)));
        checked++;
      }
    }
    assert.ok(checked > 20);
    assert.ok(worst < 2e-3, `largest relative difference ${worst}`);
    // The normaliser's part is not negligible here: without it the gradient differs.
    policy.zeroGrads();
    policy.evaluate(STATE, action);
    policy.backward(1, 0);
    const plain = policy.grads.map((g) => Float64Array.from(g));
    policy.zeroGrads();
    restrictedBackward(policy, STATE, action, seen, unseen, 1, 0);
    const difference = plain.reduce((a, g, t) => a + g.reduce((b, x, j) => b + Math.abs(x - policy.grads[t][j]), 0), 0);
    assert.ok(difference > 1e-2, `normaliser gradient ${difference}`);
  });
}

test("an exhausted space gives no draw; a full subtree is never entered", () => {
  const policy = peakedPolicy("rnn");
  assert.equal(sampleUnseen(policy, STATE, trieOf(SIZES, allConfigurations(SIZES)), new Rng(1)), undefined);
  const zeroTaken = trieOf(
    SIZES,
    allConfigurations(SIZES).filter((x) => x[0] === 0),
  );
  const rng = new Rng(2);
  for (let d = 0; d < 200; d++) assert.notEqual(sampleUnseen(policy, STATE, zeroTaken, rng)!.action[0], 0);
});

for (const policy of ["mlp", "rnn"] as const) {
  test(`${policy}: every trial of a default REINFORCE study is drawn from the policy (diagnostics per update)`, () => {
    const sampler = reinforceSampler({ seed: 3, policy });
    const { study } = runOnTable(sampler, syntheticPaperTable(2), 200);
    const keys = new Set(study.list.map((t) => JSON.stringify(t.params)));
    assert.equal(keys.size, 200, "no configuration twice");
    const diagnostics = sampler.diagnostics();
    assert.equal(diagnostics.length, 50);
    assert.equal(
      diagnostics.reduce((a, d) => a + d.policyDraws, 0),
      200,
    );
    assert.ok(diagnostics.every((d) => d.fallbackDraws === 0 && d.cachedSteps === 0));
  });
}
