/**
 * REINFORCE (Williams 1992), as the paper states it:
 *   loss = -(1/N) sum_i sum_t [ log pi(a_t | s_t) * A_t + beta * H(pi(. | s_t)) ]
 * over a batch of N trajectories, with A_t the discounted return G_t (gamma 0.99) minus an optional
 * baseline, optionally standardised, and beta an entropy bonus that decays per update; one Adam
 * step per batch.
 */
import { Adam, type AdamState } from "../nn/adam.ts";
import type { Policy } from "./policy.ts";
import {
  AdvantageEstimator,
  HeadStatistics,
  checkLearningOptions,
  entropyCoefficient,
  flattenBatch,
  type BaselineKind,
  type Trajectory,
  type UpdateStatistics,
} from "./trajectory.ts";

export interface ReinforceOptions {
  learningRate: number;
  gamma: number;
  baseline: BaselineKind;
  standardize: boolean;
  movingAverageRate: number;
  /** Initial entropy-bonus coefficient (0: none). */
  entropy: number;
  /** The coefficient is multiplied by this after every update (1: constant). */
  entropyDecay: number;
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
  getState(): LearnerState;
  setState(state: LearnerState): void;
}

export class Reinforce implements Learner {
  private readonly adam: Adam;
  private readonly advantages: AdvantageEstimator;
  private updates = 0;

  constructor(
    readonly policy: Policy,
    private readonly options: ReinforceOptions,
  ) {
    checkLearningOptions(options);
    this.adam = new Adam(policy.params, { lr: options.learningRate });
    this.advantages = new AdvantageEstimator(options);
  }

  update(batch: readonly Trajectory[]): UpdateStatistics {
    const { steps, returns } = flattenBatch(batch, this.options.gamma);
    const advantages = this.advantages.compute(returns);
    const beta = entropyCoefficient(this.options.entropy, this.options.entropyDecay, this.updates);
    const statistics = new HeadStatistics(this.policy.sizes);
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

  getState(): LearnerState {
    return { updates: this.updates, adam: this.adam.getState(), advantage: this.advantages.getState() };
  }

  setState(state: LearnerState): void {
    this.updates = state.updates;
    this.adam.setState(state.adam);
    this.advantages.setState(state.advantage);
  }
}
