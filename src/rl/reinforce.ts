/**
 * REINFORCE (Williams 1992), as the paper states it:
 *   loss = -(1/N) sum_i sum_t [ log pi(a_t | s_t) * A_t + beta * H(pi(. | s_t)) ]
 * over a batch of N trajectories, with A_t the discounted return G_t (gamma 0.99) minus an optional
 * baseline, optionally standardised, and beta an entropy bonus that decays per update; one Adam
 * step per batch.
 */
import { type LearningOptions, PolicyLearner } from "./learner.ts";
import type { Trajectory, UpdateStatistics } from "./trajectory.ts";

export type ReinforceOptions = LearningOptions;
export type { Learner, LearnerState } from "./learner.ts";

export class Reinforce extends PolicyLearner {
  update(batch: readonly Trajectory[]): UpdateStatistics {
    const { steps, advantages, beta, statistics } = this.prepare(batch);
    const n = batch.length;
    this.policy.zeroGrads();
    steps.forEach((step, k) => {
      const e = this.policy.evaluate(step.state, step.action);
      statistics.add(e.headEntropies, e.probabilities);
      this.policy.backward(-advantages[k] / n, -beta / n);
    });
    this.adam.step(this.policy.grads);
    this.updates++;
    return statistics.finish(
      steps.map((s) => s.reward),
      beta,
    );
  }
}
