/**
 * What REINFORCE and PPO share: the Adam optimiser over the policy's parameters, the advantage
 * estimator (returns minus a baseline, optionally standardised), the entropy coefficient's schedule,
 * the update count, and the state saved with the study.
 */
import { Adam, type AdamState } from "../nn/adam.ts";
import type { Policy } from "./policy.ts";
import {
  AdvantageEstimator,
  type BaselineKind,
  checkLearningOptions,
  entropyCoefficient,
  flattenBatch,
  HeadStatistics,
  type Trajectory,
  type UpdateStatistics,
} from "./trajectory.ts";

export interface LearningOptions {
  learningRate: number;
  gamma: number;
  baseline: BaselineKind;
  standardize: boolean;
  movingAverageRate: number;
  /** Initial entropy-bonus coefficient (0: none). */
  entropy: number;
  /** The coefficient is multiplied by this after every update (1: constant). */
  entropyDecay: number;
  /**
   * Risk-seeking policy gradient (Petersen et al. 2021): only the steps whose return is in the batch's
   * top `riskSeeking` share learn, with the return at that quantile as the baseline. Absent or 1: every step.
   */
  riskSeeking?: number;
}

export interface LearnerState {
  updates: number;
  adam: AdamState;
  advantage: { average: number | null };
}

/** What the agent needs of an update rule (REINFORCE or PPO). */
export interface Learner {
  readonly policy: Policy;
  update(batch: readonly Trajectory[]): UpdateStatistics;
  /** One maximum-likelihood step of the full policy on these (state, configuration) pairs (see elite.ts). */
  imitate(steps: readonly { state: ArrayLike<number>; action: ArrayLike<number> }[]): void;
  getState(): LearnerState;
  setState(state: LearnerState): void;
}

/** One batch made ready for an update: its steps, their advantages, this update's entropy coefficient. */
export interface PreparedBatch {
  steps: ReturnType<typeof flattenBatch>["steps"];
  advantages: ArrayLike<number>;
  beta: number;
  statistics: HeadStatistics;
}

export abstract class PolicyLearner implements Learner {
  protected readonly adam: Adam;
  private readonly advantages: AdvantageEstimator;
  protected updates = 0;

  constructor(
    readonly policy: Policy,
    protected readonly learning: LearningOptions,
  ) {
    checkLearningOptions(learning);
    this.adam = new Adam(policy.params, { lr: learning.learningRate });
    this.advantages = new AdvantageEstimator(learning);
  }

  abstract update(batch: readonly Trajectory[]): UpdateStatistics;

  protected prepare(batch: readonly Trajectory[]): PreparedBatch {
    const { steps, returns } = flattenBatch(batch, this.learning.gamma);
    return {
      steps,
      advantages: this.advantages.compute(returns),
      beta: entropyCoefficient(this.learning.entropy, this.learning.entropyDecay, this.updates),
      statistics: new HeadStatistics(this.policy.sizes),
    };
  }

  imitate(steps: readonly { state: ArrayLike<number>; action: ArrayLike<number> }[]): void {
    if (steps.length === 0) return;
    this.policy.zeroGrads();
    for (const step of steps) {
      this.policy.evaluate(step.state, step.action);
      this.policy.backward(-1 / steps.length, 0);
    }
    this.adam.step(this.policy.grads);
  }

  getState(): LearnerState {
    return { updates: this.updates, adam: this.adam.getState(), advantage: this.advantages.getState() };
  }

  setState(state: LearnerState): void {
    this.updates = state.updates;
    this.adam.setState(state.adam);
    this.advantages.setState(state.advantage);
  }
}
