/**
 * REINFORCE (Williams 1992), as the paper states it:
 *   loss = -(1/N) sum_i sum_t [ log pi(a_t | s_t) * A_t + beta * H(pi(. | s_t)) ]
 * over a batch of N trajectories (pi restricted to the configurations not seen when a_t was drawn, when
 * the cache excluded some: its log-probability's gradient includes the normaliser's, see
 * without-replacement.ts), with A_t the discounted return G_t (gamma 0.99) minus an optional
 * baseline, optionally standardised, and beta an entropy bonus that decays per update; one Adam
 * step per batch.
 */

import { allowedBackward } from "./edits.ts";
import { type LearningOptions, PolicyLearner } from "./learner.ts";
import type { Trajectory, UpdateStatistics } from "./trajectory.ts";
import { restrictedBackward, trieOf, unseenMass } from "./without-replacement.ts";

export type ReinforceOptions = LearningOptions;
export type { Learner, LearnerState } from "./learner.ts";

export class Reinforce extends PolicyLearner {
  update(batch: readonly Trajectory[]): UpdateStatistics {
    const { steps, advantages, beta, statistics } = this.prepare(batch);
    const n = batch.length;
    this.policy.zeroGrads();
    steps.forEach((step, k) => {
      if (step.allowed !== undefined) {
        const e = allowedBackward(this.policy, step.state, step.action, step.allowed, -advantages[k] / n, -beta / n);
        statistics.add(e.headEntropies, e.probabilities);
        return;
      }
      const seen = step.seen ?? [];
      const unseen = seen.length === 0 ? 1 : unseenMass(this.policy, step.state, trieOf(this.policy.sizes, seen));
      const e = restrictedBackward(this.policy, step.state, step.action, seen, unseen, -advantages[k] / n, -beta / n);
      statistics.add(e.headEntropies, e.probabilities);
    });
    this.adam.step(this.policy.grads);
    this.updates++;
    return statistics.finish(
      steps.map((s) => s.reward),
      beta,
    );
  }
}
