// Shared by the reinforce and ppo sampler tests: how much of a trained policy's probability lies on
// the best configurations of a table.
import { Rng } from "../../src/nn/rng.ts";
import { createPolicy, loadPolicyWeights } from "../../src/rl/checkpoint.ts";
import type { PolicySampler } from "../../src/samplers/reinforce.ts";
import { tableIndex, type Table } from "../../bench/rl-table.ts";

/** Share of 1000 draws of the policy (from random states) that land in the table's best 1%. */
export function massOnBestPercent(sampler: PolicySampler, table: Table): number {
  const exported = sampler.exportPolicy();
  const policy = createPolicy(exported.shape.sizes, { policy: exported.shape.kind, cell: exported.shape.cell, hidden: exported.shape.hidden as [number, number] }, new Rng(0));
  loadPolicyWeights(policy, exported);
  const cut = Array.from(table.values).sort((a, b) => a - b)[Math.ceil(table.values.length / 100) - 1];
  const rng = new Rng(99);
  let hits = 0;
  for (let k = 0; k < 1000; k++) {
    const state = table.sizes.map((s) => rng.int(s));
    const { action } = policy.sample(state, rng);
    if (table.values[tableIndex(table.sizes, action)] <= cut) hits++;
  }
  return hits / 1000;
}
