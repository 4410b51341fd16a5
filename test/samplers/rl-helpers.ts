// Shared by the reinforce and ppo sampler tests: where a trained policy's probability lies on a table.

import { type Table, tableIndex } from "../../bench/rl-table.ts";
import { Rng } from "../../src/nn/rng.ts";
import { createPolicy, loadPolicyWeights } from "../../src/rl/checkpoint.ts";
import type { PolicySampler } from "../../src/samplers/policy-sampler.ts";

export interface PolicyMass {
  /** Share of draws in the table's best 1% (a uniform policy: 1%). */
  bestPercent: number;
  /** Share of draws in the best 5% (uniform: 5%). */
  bestFivePercent: number;
  /** Mean value of the draws minus the table's minimum, over the same for a uniform policy. */
  regretRatio: number;
}

/** Draws 1000 configurations from the sampler's policy (from random states) and scores them. */
export function policyMass(sampler: PolicySampler, table: Table): PolicyMass {
  const exported = sampler.exportPolicy();
  const policy = createPolicy(
    exported.shape.sizes,
    {
      policy: exported.shape.kind,
      cell: exported.shape.cell,
      hidden: exported.shape.hidden as [number, number],
      ordinal: exported.shape.ordinal,
    },
    new Rng(0),
  );
  loadPolicyWeights(policy, exported);
  const sorted = Array.from(table.values).sort((a, b) => a - b);
  const cut1 = sorted[Math.ceil(sorted.length / 100) - 1];
  const cut5 = sorted[Math.ceil(sorted.length / 20) - 1];
  const min = sorted[0];
  const uniformRegret = sorted.reduce((a, v) => a + v - min, 0) / sorted.length;
  const rng = new Rng(99);
  let one = 0;
  let five = 0;
  let regret = 0;
  for (let k = 0; k < 1000; k++) {
    const state = table.sizes.map((s) => rng.int(s));
    const { action } = policy.sample(state, rng);
    const value = table.values[tableIndex(table.sizes, action)];
    if (value <= cut1) one++;
    if (value <= cut5) five++;
    regret += value - min;
  }
  return { bestPercent: one / 1000, bestFivePercent: five / 1000, regretRatio: regret / 1000 / uniformRegret };
}
