/**
 * The best evaluations found so far, reused off-policy (priority-queue training, Abolafia et al. 2018):
 * after each policy-gradient update the learner takes `steps` maximum-likelihood steps on the `size`
 * best (state, configuration) pairs of every batch learned so far, raising the full policy's
 * probability of them. With sampling without replacement those configurations are never drawn again,
 * so the mass moves to their unseen neighbours under the policy (for the mlp, combinations of the
 * values the best configurations use).
 *
 * The queue is filled only from learned batches, so a saved state rebuilds it by replaying them
 * after the snapshot, which holds the queue as it was then.
 */

export interface EliteStep {
  state: number[];
  action: number[];
  /** The raw reward (minus the loss when minimizing): what ranks the queue. */
  reward: number;
}

export interface EliteOptions {
  /** Configurations kept. */
  size: number;
  /** Maximum-likelihood steps on them after each update. */
  steps: number;
}

export class EliteQueue {
  private members: EliteStep[] = [];

  constructor(readonly options: EliteOptions) {
    for (const [name, value] of Object.entries(options)) {
      if (!Number.isInteger(value) || value < 1) throw new Error(`elite ${name} must be a positive integer, got ${value}`);
    }
  }

  /** Adds a learned batch's steps; keeps the best `size` (ties: the earlier one stays ahead). */
  add(steps: readonly EliteStep[]): void {
    const keys = new Set(this.members.map((m) => m.action.join(",")));
    for (const step of steps) {
      const key = step.action.join(",");
      if (keys.has(key)) continue;
      keys.add(key);
      this.members.push({ state: step.state.slice(), action: step.action.slice(), reward: step.reward });
    }
    this.members = this.members
      .map((m, i) => ({ m, i }))
      .sort((a, b) => b.m.reward - a.m.reward || a.i - b.i)
      .slice(0, this.options.size)
      .map(({ m }) => m);
  }

  get best(): readonly EliteStep[] {
    return this.members;
  }

  save(): EliteStep[] {
    return this.members.map((m) => ({ state: m.state.slice(), action: m.action.slice(), reward: m.reward }));
  }

  load(saved: readonly EliteStep[] | undefined): void {
    this.members = [];
    if (saved !== undefined) this.add(saved);
  }
}
