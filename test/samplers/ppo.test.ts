import assert from "node:assert/strict";
import { test } from "node:test";
import { runOnTable, syntheticPaperTable, TableStudy } from "../../bench/rl-table.ts";
import { PPO_DEFAULTS, PPO_UPDATE_DEFAULTS, ppoSampler } from "../../src/samplers/ppo.ts";
import { policyMass } from "./rl-helpers.ts";

const TABLE = syntheticPaperTable(7, 0);

// PPO's own learning, without the surrogate that plans each draw by default.
test("ppo (mlp) alone concentrates its probability on the table's best region, over 3 seeds", () => {
  const bestPercent: number[] = [];
  for (const seed of [1, 2, 3]) {
    const sampler = ppoSampler({ seed, surrogate: "none" });
    const { bestSoFar } = runOnTable(sampler, TABLE, 300);
    const mass = policyMass(sampler, TABLE);
    // A uniform policy puts 5% of its draws in the best 5%, and has a regret ratio of 1.
    assert.ok(mass.bestFivePercent >= 0.15, `seed ${seed}: ${(mass.bestFivePercent * 100).toFixed(1)}% of the draws in the best 5%`);
    assert.ok(mass.regretRatio <= 0.6, `seed ${seed}: regret ratio ${mass.regretRatio.toFixed(2)}`);
    assert.ok(bestSoFar[299] - TABLE.values[TABLE.best] < 0.03, `seed ${seed}: regret ${bestSoFar[299] - TABLE.values[TABLE.best]}`);
    bestPercent.push(mass.bestPercent);
  }
  const median = bestPercent.sort((a, b) => a - b)[1];
  assert.ok(median >= 0.1, `median share of draws in the best 1%: ${median} (uniform: 0.01)`);
});

test("ppo with the rnn policy learns too: its probability on the best region rises well above uniform", () => {
  const sampler = ppoSampler({ seed: 2, policy: "rnn", cell: "elman" });
  runOnTable(sampler, TABLE, 300);
  const mass = policyMass(sampler, TABLE);
  assert.ok(mass.bestFivePercent >= 0.15, `${(mass.bestFivePercent * 100).toFixed(1)}% in the best 5%`);
});

test("ppo: a sampler restored from saveState mid-batch proposes the same next trials", () => {
  const table = syntheticPaperTable(3);
  const whole = ppoSampler({ seed: 9 });
  const first = runOnTable(whole, table, 40); // 2 batches of 16 and 8 trials of the third
  const restored = ppoSampler({ seed: 9 });
  restored.loadState(JSON.parse(JSON.stringify(whole.saveState())));
  const copy = new TableStudy();
  copy.list.push(...first.study.list.map((t) => structuredClone(t)));
  const a = runOnTable(whole, table, 40, first.study)
    .study.list.slice(40)
    .map((t) => t.params);
  const b = runOnTable(restored, table, 40, copy)
    .study.list.slice(40)
    .map((t) => t.params);
  assert.deepEqual(b, a);
  assert.equal(whole.diagnostics().length, 5);
  assert.deepEqual(restored.diagnostics(), whole.diagnostics());
});

test("ppo settings: clip 0.2, several epochs of minibatches, standardised advantages, cache; options are checked", () => {
  assert.deepEqual(PPO_UPDATE_DEFAULTS, { clip: 0.2, epochs: 4, minibatchSize: 8 });
  assert.equal(PPO_DEFAULTS.standardize, true);
  assert.equal(PPO_DEFAULTS.cache, true);
  assert.equal(ppoSampler().name, "ppo");
  assert.throws(() => ppoSampler({ clip: 1.5 }), /clip must be in \(0, 1\), got 1.5/);
  assert.throws(() => ppoSampler({ minibatchSize: 0 }), /minibatchSize must be a positive integer, got 0/);
  assert.throws(() => ppoSampler({ epoch: 3 } as never), /ppo sampler: unknown option "epoch"/);
  assert.throws(() => ppoSampler().loadState({ sampler: "reinforce", version: 1, agent: {} }), /not a ppo sampler state/);
});
