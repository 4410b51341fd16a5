/**
 * PPO with the clipped surrogate (Schulman et al. 2017), on the same policies:
 *   ratio = pi(a|s) / pi_old(a|s),  L = -mean[ min(ratio A, clip(ratio, 1-eps, 1+eps) A) + beta H ]
 * A is the discounted return minus a baseline, standardised over the batch. Each batch is reused for
 * `epochs` passes in shuffled minibatches, one Adam step per minibatch. pi_old is the policy that
 * drew the action (its log-probability is stored with the step), so steps drawn while an earlier
 * batch was being learned are weighted correctly. With the cache, pi is the policy restricted to the
 * configurations not seen when the action was drawn (see without-replacement.ts), old and new alike.
 */
import type { Rng } from "../nn/rng.ts";
import { allowedBackward, allowedLogProb } from "./edits.ts";
import { type LearningOptions, PolicyLearner } from "./learner.ts";
import type { Policy } from "./policy.ts";
import type { Trajectory, UpdateStatistics } from "./trajectory.ts";
import { restrictedBackward, restrictedEvaluate, trieOf } from "./without-replacement.ts";

export interface PpoOptions extends LearningOptions {
  /** The clip range epsilon (0.2). */
  clip: number;
  epochs: number;
  /** Steps per minibatch; the batch's steps are shuffled each epoch. */
  minibatchSize: number;
}

export class Ppo extends PolicyLearner {
  /** `rng` shuffles the minibatches (the agent passes its own, so one seed fixes everything). */
  constructor(
    policy: Policy,
    private readonly options: PpoOptions,
    private readonly rng: Rng,
  ) {
    super(policy, options);
    if (!(options.clip > 0 && options.clip < 1)) throw new Error(`clip must be in (0, 1), got ${options.clip}`);
    if (!Number.isInteger(options.epochs) || options.epochs < 1)
      throw new Error(`epochs must be a positive integer, got ${options.epochs}`);
    if (!Number.isInteger(options.minibatchSize) || options.minibatchSize < 1) {
      throw new Error(`minibatchSize must be a positive integer, got ${options.minibatchSize}`);
    }
  }

  update(batch: readonly Trajectory[]): UpdateStatistics {
    const { steps, advantages, beta, statistics } = this.prepare(batch);
    const tries = steps.map((step) =>
      step.seen === undefined || step.seen.length === 0 ? undefined : trieOf(this.policy.sizes, step.seen),
    );
    for (const step of steps) {
      const e = this.policy.evaluate(step.state, step.action);
      statistics.add(e.headEntropies, e.probabilities);
    }
    const { clip, epochs, minibatchSize } = this.options;
    for (let epoch = 0; epoch < epochs; epoch++) {
      const order = this.rng.permutation(steps.length);
      for (let start = 0; start < steps.length; start += minibatchSize) {
        const end = Math.min(steps.length, start + minibatchSize);
        const m = end - start;
        this.policy.zeroGrads();
        for (let k = start; k < end; k++) {
          const step = steps[order[k]];
          const a = advantages[order[k]];
          if (step.allowed !== undefined) {
            const ratio = Math.exp(allowedLogProb(this.policy, step.state, step.action, step.allowed) - step.logProb);
            const unclipped = a >= 0 ? ratio < 1 + clip : ratio > 1 - clip;
            allowedBackward(this.policy, step.state, step.action, step.allowed, unclipped ? (-a * ratio) / m : 0, -beta / m);
            continue;
          }
          const { logProb, unseen } = restrictedEvaluate(this.policy, step.state, step.action, tries[order[k]]);
          const ratio = Math.exp(logProb - step.logProb);
          // The clipped term's gradient is zero; the unclipped one's is A * ratio * dlogp.
          const unclipped = a >= 0 ? ratio < 1 + clip : ratio > 1 - clip;
          restrictedBackward(this.policy, step.state, step.action, step.seen ?? [], unseen, unclipped ? (-a * ratio) / m : 0, -beta / m);
        }
        this.adam.step(this.policy.grads);
      }
    }
    this.updates++;
    return statistics.finish(
      steps.map((s) => s.reward),
      beta,
    );
  }
}
