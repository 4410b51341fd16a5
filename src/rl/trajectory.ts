/**
 * Trajectories of the HPO environment and what both policy-gradient updates compute from them:
 * discounted returns, advantages (with an optional baseline and standardisation), and the
 * per-update statistics kept as diagnostics.
 */

export interface Step {
  /** The previous configuration's indices. */
  state: Int32Array;
  /** The configuration chosen: one index per parameter. */
  action: Int32Array;
  /** log pi(action | state) under the policy that drew it (PPO's old log-probability). */
  logProb: number;
  reward: number;
  /**
   * The configurations excluded when the action was drawn (sampling without replacement, see
   * without-replacement.ts), each once: pi is then the policy restricted to the others. None: the full policy.
   */
  seen?: readonly Int32Array[];
  /** An edit (see edits.ts): pi is the policy restricted to these configurations; `seen` is then unused. */
  allowed?: readonly Int32Array[];
}

export type Trajectory = Step[];

/** G_t = sum over t' >= t of gamma^(t'-t) r_t'. */
export function discountedReturns(rewards: readonly number[], gamma: number): number[] {
  const returns = new Array<number>(rewards.length);
  let running = 0;
  for (let t = rewards.length - 1; t >= 0; t--) {
    running = rewards[t] + gamma * running;
    returns[t] = running;
  }
  return returns;
}

/**
 * - "none": the advantage is the return itself (the paper).
 * - "batch-mean": minus the mean return of the batch's steps.
 * - "moving-average": minus an exponential moving average of past batches' mean returns (the first
 *   batch initialises it), updated after each batch.
 * `standardize` then divides by the batch's standard deviation of returns (no division when it is 0).
 */
export type BaselineKind = "none" | "batch-mean" | "moving-average";

export interface AdvantageOptions {
  baseline: BaselineKind;
  standardize: boolean;
  /** Weight of the newest batch in the moving average. */
  movingAverageRate: number;
  /** Risk-seeking share in (0, 1] (see LearningOptions); absent: 1. */
  riskSeeking?: number;
}

export class AdvantageEstimator {
  private average: number | undefined;

  constructor(private readonly options: AdvantageOptions) {
    if (!["none", "batch-mean", "moving-average"].includes(options.baseline)) {
      throw new Error(`unknown baseline "${options.baseline}": use "none", "batch-mean" or "moving-average"`);
    }
    if (!(options.movingAverageRate > 0 && options.movingAverageRate <= 1)) {
      throw new Error(`movingAverageRate must be in (0, 1], got ${options.movingAverageRate}`);
    }
    const share = options.riskSeeking;
    if (share !== undefined && !(share > 0 && share <= 1)) throw new Error(`riskSeeking must be in (0, 1], got ${share}`);
  }

  /** Advantages for a flat list of returns (every step of the batch). */
  compute(returns: readonly number[]): number[] {
    const n = returns.length;
    const mean = returns.reduce((a, b) => a + b, 0) / n;
    let offset = 0;
    if (this.options.baseline === "batch-mean") offset = mean;
    else if (this.options.baseline === "moving-average") {
      offset = this.average ?? mean;
      const rate = this.options.movingAverageRate;
      this.average = this.average === undefined ? mean : (1 - rate) * this.average + rate * mean;
    }
    let scale = 1;
    if (this.options.standardize) {
      const variance = returns.reduce((a, g) => a + (g - mean) * (g - mean), 0) / n;
      if (variance > 0) scale = 1 / Math.sqrt(variance);
    }
    const share = this.options.riskSeeking ?? 1;
    if (share < 1) {
      // The (1 - share) quantile, as the lower of the two order statistics around it.
      const threshold = returns.slice().sort((a, b) => a - b)[Math.floor((1 - share) * (n - 1))];
      return returns.map((g) => (g > threshold ? (g - threshold) * scale : 0));
    }
    return returns.map((g) => (g - offset) * scale);
  }

  getState(): { average: number | null } {
    return { average: this.average ?? null };
  }

  setState(state: { average: number | null }): void {
    this.average = state.average ?? undefined;
  }
}

/** Flattens a batch: the steps in order and their discounted returns. */
export function flattenBatch(batch: readonly Trajectory[], gamma: number): { steps: Step[]; returns: number[] } {
  const steps: Step[] = [];
  const returns: number[] = [];
  for (const trajectory of batch) {
    const g = discountedReturns(
      trajectory.map((s) => s.reward),
      gamma,
    );
    trajectory.forEach((step, t) => {
      steps.push(step);
      returns.push(g[t]);
    });
  }
  if (steps.length === 0) throw new Error("a policy update needs at least one step");
  return { steps, returns };
}

/** What one update reports (kept per update as diagnostics). */
export interface UpdateStatistics {
  meanReward: number;
  maxReward: number;
  /** Mean over the batch's states of each head's entropy (nats), before the update. */
  headEntropy: number[];
  /** Mean over the batch's states of the probability of each head's most likely choice. */
  topProbability: number[];
  /** The most likely choice of each head, averaged over the batch's states. */
  topChoice: number[];
  entropyCoefficient: number;
}

/** Accumulates the per-head statistics of policy evaluations over a batch. */
export class HeadStatistics {
  private readonly entropy: number[];
  private readonly top: number[];
  private readonly meanProbabilities: Float64Array[];
  private count = 0;

  constructor(sizes: readonly number[]) {
    this.entropy = sizes.map(() => 0);
    this.top = sizes.map(() => 0);
    this.meanProbabilities = sizes.map((s) => new Float64Array(s));
  }

  add(headEntropies: readonly number[], probabilities: readonly Float64Array[]): void {
    this.count++;
    probabilities.forEach((p, i) => {
      this.entropy[i] += headEntropies[i];
      let max = 0;
      for (let j = 0; j < p.length; j++) {
        if (p[j] > max) max = p[j];
        this.meanProbabilities[i][j] += p[j];
      }
      this.top[i] += max;
    });
  }

  finish(rewards: readonly number[], entropyCoefficient: number): UpdateStatistics {
    const n = Math.max(1, this.count);
    return {
      meanReward: rewards.reduce((a, b) => a + b, 0) / rewards.length,
      maxReward: rewards.reduce((a, b) => Math.max(a, b), -Infinity),
      headEntropy: this.entropy.map((e) => e / n),
      topProbability: this.top.map((t) => t / n),
      topChoice: this.meanProbabilities.map((p) => p.indexOf(Math.max(...p))),
      entropyCoefficient,
    };
  }
}

/** Entropy-bonus coefficient after `updates` updates: initial * decay^updates. */
export function entropyCoefficient(initial: number, decay: number, updates: number): number {
  return initial * decay ** updates;
}

export function checkLearningOptions(options: { learningRate: number; gamma: number; entropy: number; entropyDecay: number }): void {
  if (!(options.learningRate > 0 && Number.isFinite(options.learningRate))) {
    throw new Error(`learningRate must be a positive number, got ${options.learningRate}`);
  }
  if (!(options.gamma >= 0 && options.gamma <= 1)) throw new Error(`gamma must be in [0, 1], got ${options.gamma}`);
  if (!(options.entropy >= 0 && Number.isFinite(options.entropy)))
    throw new Error(`entropy must be a non-negative number, got ${options.entropy}`);
  if (!(options.entropyDecay > 0 && options.entropyDecay <= 1)) {
    throw new Error(`entropyDecay must be in (0, 1], got ${options.entropyDecay}`);
  }
}
