/**
 * A surrogate in the loop of a policy sampler (after MetaBO, Volpp et al. 2020, and Hyp-RL, Jomaa et al.
 * 2019: the policy trains on far more simulated reward than the real trials give). Before each trial a GP
 * (the GP sampler's kernel, fitted to every completed trial) scores every configuration of the finite
 * space with an acquisition a(x) (log expected improvement, or an upper confidence bound), and the
 * policy takes `steps` Adam steps on the exact gradient, under the factorised mlp policy, of
 *   J(π) = E_{x ~ π_S}[a(x) / T] + H(π_S)  =  −KL(π_S ‖ p_T) + const,   p_T(x) ∝ exp(a(x) / T) on unseen x,
 * where π_S is the policy restricted to the configurations no trial holds (what the trial is drawn
 * from, src/rl/without-replacement.ts). So the policy approaches the Boltzmann distribution of the
 * acquisition at temperature T (at T = 1 with log EI: proportional to EI), and its entropy is what explores.
 * Each step is taken at a random state (the mlp's input, the previous configuration), so what is learned
 * holds whatever state the trial's trajectory has.
 *
 * The steps start from the sampler's own policy (which keeps learning from the real rewards by
 * REINFORCE) and the trial is drawn from the trained copy; then the sampler's weights are put back. So
 * the weights a trial is drawn from are a function of the sampler's policy, the completed trials and
 * the saved kernel fit: a resumed study draws the same trials, and the saved state grows by the kernel
 * fit alone (d + 2 numbers), not by weights per trial.
 *
 * With the acquisition "ei+tpe" the target is instead ½ p_EI + ½ p_TPE over the unseen configurations:
 * p_EI the Boltzmann distribution of log EI above, p_TPE that of TPE's log l(x) − log g(x)
 * (./policy-surrogate-tpe.ts), each normalised on its own (logMixture below), so neither scale dominates.
 * With "ei+tpe-adaptive" it is w p_EI + (1 − w) p_TPE, w following which of the two has been ranking
 * this study's good trials higher (./policy-surrogate-mixture.ts).
 */
import { Adam } from "../nn/adam.ts";
import { Rng } from "../nn/rng.ts";
import type { Policy } from "../rl/policy.ts";
import { configurationCount, configurationKey, indicesOf, type PolicySpace } from "../rl/policy-space.ts";
import type { Direction, FrozenTrial } from "../trial/types.ts";
import { logExpectedImprovement } from "./gp/acquisition.ts";
import { dimensionOf, encodeValue } from "./gp/encoding.ts";
import { defaultTheta, fitHyperparameters, hyperparametersOf, type TrainingData } from "./gp/fit.ts";
import { FiniteGpPosterior } from "./policy-surrogate-gp.ts";
import { type MixtureState, MixtureWeight } from "./policy-surrogate-mixture.ts";
import { tpeRatio } from "./policy-surrogate-tpe.ts";

export const SURROGATE_ACQUISITIONS = ["ei", "ucb", "ei+tpe", "ei+tpe-adaptive"] as const;
export type SurrogateAcquisition = (typeof SURROGATE_ACQUISITIONS)[number];

export interface SurrogateSettings {
  acquisition: SurrogateAcquisition;
  /** Policy-gradient steps against the acquisition before each trial. */
  steps: number;
  /** T of the Boltzmann target exp(a / T). */
  temperature: number;
  learningRate: number;
  /** Completed trials before the surrogate is used (the policy alone draws the trials before). */
  startupTrials: number;
  /**
   * Completed trials between two fits of the kernel's hyperparameters, at least (see REFIT_GROWTH); in between,
   * the posterior grows with fixed ones.
   */
  refitEvery: number;
}

/**
 * Chosen on the letter table, seeds 0-11, 100 trials (bench/rl-surrogate.ts): median regret at 100 trials
 * 0.0070 at T 0.1 and 0.0064 at T 0.3 against 0.0212 at T 1 (20 steps) and 0.0229 (50 steps); UCB (κ 2, T 0.2) 0.0134.
 * These are ppo's defaults; reinforce's start after 5 trials instead (src/samplers/reinforce.ts).
 */
export const SURROGATE_DEFAULTS: SurrogateSettings = {
  acquisition: "ei",
  steps: 20,
  temperature: 0.1,
  learningRate: 0.05,
  startupTrials: 10,
  refitEvery: 10,
};

/** The surrogate options of a policy sampler (see SURROGATE_FIELDS in ./options.ts). */
export interface SurrogateOptions {
  surrogate?: "none" | SurrogateAcquisition;
  surrogateSteps?: number;
  surrogateTemperature?: number;
  surrogateLearningRate?: number;
  surrogateStartupTrials?: number;
  surrogateRefitEvery?: number;
}

const SURROGATE_OPTION_NAMES = [
  "surrogate",
  "surrogateSteps",
  "surrogateTemperature",
  "surrogateLearningRate",
  "surrogateStartupTrials",
  "surrogateRefitEvery",
] as const;

/** A policy sampler's options split into the surrogate's and the rest. */
export function splitSurrogateOptions<T extends SurrogateOptions>(
  options: T,
): { surrogate: SurrogateOptions; rest: Omit<T, keyof SurrogateOptions> } {
  const rest = { ...options } as Record<string, unknown>;
  const surrogate: Record<string, unknown> = {};
  for (const name of SURROGATE_OPTION_NAMES) {
    surrogate[name] = rest[name];
    delete rest[name];
  }
  return { surrogate: surrogate as SurrogateOptions, rest: rest as Omit<T, keyof SurrogateOptions> };
}

/**
 * The surrogate a policy sampler plans with, or undefined for none: `byDefault` when the options name
 * no kind, and the sampler's `defaults` under the options given. It needs the mlp policy (its gradient is
 * exact over independent heads).
 */
export function surrogatePlanning(
  sampler: string,
  options: SurrogateOptions,
  byDefault: "ei" | "ei+tpe-adaptive" | "none",
  policy: string,
  defaults: SurrogateSettings,
): SurrogateSettings | undefined {
  const planning = surrogateSettingsOf(sampler, { ...options, surrogate: options.surrogate ?? byDefault }, defaults);
  if (planning !== undefined && policy !== "mlp") {
    throw new Error(`${sampler} sampler: surrogate needs policy "mlp" (its gradient is exact over independent heads), got "${policy}"`);
  }
  return planning;
}

/** "a", "b" or "c". */
function quotedList(names: readonly string[]): string {
  const quoted = names.map((name) => `"${name}"`);
  return `${quoted.slice(0, -1).join(", ")} or ${quoted[quoted.length - 1]}`;
}

/** The resolved surrogate settings, or undefined when the options ask for none. */
function surrogateSettingsOf(sampler: string, options: SurrogateOptions, defaults: SurrogateSettings): SurrogateSettings | undefined {
  const given = {
    steps: options.surrogateSteps,
    temperature: options.surrogateTemperature,
    learningRate: options.surrogateLearningRate,
    startupTrials: options.surrogateStartupTrials,
    refitEvery: options.surrogateRefitEvery,
  };
  if (options.surrogate === undefined || options.surrogate === "none") {
    const stray = Object.entries(options).find(([name, value]) => name !== "surrogate" && value !== undefined);
    if (stray !== undefined)
      throw new Error(`${sampler} sampler: surrogate options need surrogate ${quotedList(SURROGATE_ACQUISITIONS)} (got ${stray[0]} alone)`);
    return undefined;
  }
  const defined = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined));
  return { ...defaults, ...defined, acquisition: options.surrogate };
}

/**
 * The saved part: the last kernel fit and how many completed trials it was fitted on; for "ei+tpe-adaptive",
 * the mixture's evidence (absent in a state saved by another surrogate: the weight then starts even).
 */
export interface SurrogateState {
  theta: number[] | null;
  fittedOn: number;
  mixture?: MixtureState;
}

/** Largest space the surrogate enumerates (it scores and differentiates over every configuration). */
export const SURROGATE_CONFIGURATION_LIMIT = 100_000;
/** On a larger space, this many random configurations (fixed by the seed) plus the trials' stand in for the space. */
const SAMPLED_CONFIGURATIONS = 4096;
/**
 * The kernel is refitted once the completed trials have grown by refitEvery and by this share since the
 * last fit: a fit costs O(n³) per L-BFGS step, and one more point moves the optimum little.
 */
const REFIT_GROWTH = 0.5;
/** From this many completed trials a fit starts from the previous one alone (as the GP sampler does from 100). */
const WARM_ONLY_FROM = 50;
/** The exploration weight of the upper confidence bound, −(mean − κ sd), in standardised units. */
const UCB_KAPPA = 2;

/** The configurations the surrogate scores: their head columns and their coordinates in the GP's input space. */
interface Candidates {
  count: number;
  /** indices[j d + i]: configuration j's choice index of parameter i. */
  indices: Int32Array;
  /** of[j d + i]: the column of configuration j's choice of parameter i among all heads' choices (width in all). */
  columns: { of: Int32Array; width: number };
  coordinates: Float64Array;
  categorical: Uint8Array;
  d: number;
  /** The candidate of a configuration (undefined: not a candidate). */
  positionOf(indices: ArrayLike<number>): number | undefined;
}

function candidatesOf(space: PolicySpace, configurations: readonly ArrayLike<number>[], positionOf: Candidates["positionOf"]): Candidates {
  const d = space.sizes.length;
  const dimensions = space.names.map((name, i) => dimensionOf(name, space.distributions[i]));
  const values = space.choices.map((choices, i) => choices.map((value) => encodeValue(dimensions[i], value)));
  const offsets = space.sizes.map((_, i) => space.sizes.slice(0, i).reduce((a, b) => a + b, 0));
  const count = configurations.length;
  const indices = new Int32Array(count * d);
  const of = new Int32Array(count * d);
  const coordinates = new Float64Array(count * d);
  configurations.forEach((x, j) => {
    for (let i = 0; i < d; i++) {
      indices[j * d + i] = x[i];
      of[j * d + i] = offsets[i] + x[i];
      coordinates[j * d + i] = values[i][x[i]];
    }
  });
  const categorical = Uint8Array.from(dimensions, (dimension) => (dimension.kind === "categorical" ? 1 : 0));
  const width = space.sizes.reduce((a, b) => a + b, 0);
  return { count, indices, columns: { of, width }, coordinates, categorical, d, positionOf };
}

/** Every configuration, last parameter fastest, and its position by mixed radix. */
function enumerated(space: PolicySpace): Candidates {
  const total = configurationCount(space);
  const d = space.sizes.length;
  const radix = space.sizes.map((_, i) => space.sizes.slice(i + 1).reduce((a, b) => a * b, 1));
  const all: Int32Array[] = [];
  for (let position = 0; position < total; position++)
    all.push(Int32Array.from(radix, (r, i) => Math.floor(position / r) % space.sizes[i]));
  return candidatesOf(space, all, (indices) => {
    let position = 0;
    for (let i = 0; i < d; i++) position += indices[i] * radix[i];
    return position;
  });
}

/** Distinct configurations drawn uniformly (a fixed sample for a space too large to enumerate). */
function sampled(space: PolicySpace, rng: Rng, count: number): Int32Array[] {
  const keys = new Set<string>();
  const drawn: Int32Array[] = [];
  for (let attempt = 0; drawn.length < count && attempt < 4 * count; attempt++) {
    const x = Int32Array.from(space.sizes, (size) => rng.int(size));
    const key = configurationKey(x);
    if (keys.has(key)) continue;
    keys.add(key);
    drawn.push(x);
  }
  return drawn;
}

export class SurrogatePlanner {
  /** The whole space, when it is small enough to enumerate. */
  private readonly whole: Candidates | undefined;
  /** Else the fixed random sample that, with the trials' configurations, stands in for it. */
  private readonly sample: Int32Array[] | undefined;
  private theta: Float64Array | undefined;
  private fittedOn = 0;
  private posterior: FiniteGpPosterior | undefined;
  private readonly seedWord: number;
  private readonly mixture: MixtureWeight | undefined;

  constructor(
    readonly space: PolicySpace,
    readonly settings: SurrogateSettings,
    seed: number,
  ) {
    const rng = new Rng(seed);
    this.seedWord = rng.nextUint32();
    this.mixture = settings.acquisition === "ei+tpe-adaptive" ? new MixtureWeight() : undefined;
    if (configurationCount(space) <= SURROGATE_CONFIGURATION_LIMIT) this.whole = enumerated(space);
    else this.sample = sampled(space, rng, SAMPLED_CONFIGURATIONS);
  }

  /** The candidates for a trial: the whole space, or the sample plus the trials' configurations not in it. */
  private candidatesFor(configurations: readonly Int32Array[]): Candidates {
    if (this.whole !== undefined) return this.whole;
    const list = this.sample!.slice();
    const index = new Map(list.map((x, j) => [configurationKey(x), j]));
    for (const x of configurations) {
      const key = configurationKey(x);
      if (!index.has(key)) {
        index.set(key, list.length);
        list.push(x);
      }
    }
    return candidatesOf(this.space, list, (indices) => index.get(configurationKey(indices)));
  }

  /**
   * Trains a copy of `policy` against the surrogate for trial `trialNumber` and returns what `draw` gives
   * when run on it; `policy`'s own weights are restored afterwards.
   */
  withPlannedPolicy<T extends { indices: Int32Array }>(
    policy: Policy,
    trials: readonly FrozenTrial[],
    direction: Direction,
    trialNumber: number,
    draw: () => T,
  ): T {
    const saved = policy.params.map((p) => p.slice());
    try {
      const drawn = this.train(policy, trials, direction, trialNumber);
      const result = draw();
      drawn?.(result.indices);
      return result;
    } finally {
      policy.params.forEach((p, t) => p.set(saved[t]));
      policy.zeroGrads();
    }
  }

  getState(): SurrogateState {
    const state: SurrogateState = { theta: this.theta === undefined ? null : Array.from(this.theta), fittedOn: this.fittedOn };
    if (this.mixture !== undefined) state.mixture = this.mixture.getState();
    return state;
  }

  setState(state: SurrogateState | undefined): void {
    const valid =
      state !== undefined &&
      state !== null &&
      Number.isInteger(state.fittedOn) &&
      (state.theta === null || (Array.isArray(state.theta) && state.theta.length === this.space.sizes.length + 2));
    if (!valid) throw new Error(`the saved surrogate state must hold theta (null or ${this.space.sizes.length + 2} numbers) and fittedOn`);
    if (this.mixture !== undefined && state.mixture !== undefined) this.mixture.setState(state.mixture);
    this.theta = state.theta === null ? undefined : Float64Array.from(state.theta);
    this.fittedOn = state.fittedOn;
    this.posterior = undefined;
  }

  /** Trains the policy for the trial; returns what to do with the configuration drawn, if anything. */
  private train(
    policy: Policy,
    trials: readonly FrozenTrial[],
    direction: Direction,
    trialNumber: number,
  ): ((indices: Int32Array) => void) | undefined {
    const held = trials
      .filter((trial) => trial.number !== trialNumber)
      .map((trial) => ({ trial, indices: indicesOf(this.space, trial.params) }))
      .filter((held): held is { trial: FrozenTrial; indices: Int32Array } => held.indices !== undefined);
    const candidates = this.candidatesFor(held.map((h) => h.indices));
    const completed: { position: number; value: number }[] = [];
    const unseen = new Uint8Array(candidates.count).fill(1);
    for (const { trial, indices } of held) {
      const position = candidates.positionOf(indices)!;
      unseen[position] = 0;
      if (trial.state === "COMPLETE" && typeof trial.value === "number" && Number.isFinite(trial.value)) {
        completed.push({ position, value: direction === "maximize" ? -trial.value : trial.value });
      }
    }
    this.mixture?.account(trials, direction);
    if (completed.length < Math.max(2, this.settings.startupTrials) || !unseen.includes(1)) return undefined;
    const ei = this.acquisition(candidates, completed);
    const mixesTpe = this.settings.acquisition === "ei+tpe" || this.settings.acquisition === "ei+tpe-adaptive";
    if (!mixesTpe) {
      this.ascend(policy, candidates, ei, unseen, trialNumber);
      return undefined;
    }
    const tpe = tpeRatio(this.space, trials, direction, trialNumber, candidates === this.whole ? undefined : candidates.indices);
    const weight = this.mixture?.weight() ?? 0.5;
    this.ascend(
      policy,
      candidates,
      logMixture(normalisedOver(ei, unseen), normalisedOver(tpe.scores, unseen), weight),
      unseen,
      trialNumber,
    );
    const { mixture } = this;
    const threshold = tpe.threshold;
    if (mixture === undefined || threshold === undefined) return undefined;
    return (indices) => {
      const j = candidates.positionOf(indices);
      if (j !== undefined) mixture.record(trialNumber, [shareBelow(ei, unseen, j) - shareBelow(tpe.scores, unseen, j), threshold]);
    };
  }

  /** a(x) / T of every candidate, from the GP fitted to the completed trials (in trial order). */
  private acquisition(candidates: Candidates, completed: readonly { position: number; value: number }[]): Float64Array {
    const n = completed.length;
    const mean = completed.reduce((sum, c) => sum + c.value, 0) / n;
    const spread = Math.sqrt(completed.reduce((sum, c) => sum + (c.value - mean) ** 2, 0) / n);
    const scale = spread > 0 ? spread : 1;
    const y = Float64Array.from(completed, (c) => (c.value - mean) / scale);
    const posterior = this.posteriorFor(candidates, completed, y);
    const count = candidates.count;
    const means = new Float64Array(count);
    const variances = new Float64Array(count);
    posterior.predict(y, means, variances);
    const best = y.reduce((a, b) => Math.min(a, b), Infinity);
    const { acquisition, temperature } = this.settings;
    const scores = new Float64Array(count);
    for (let j = 0; j < count; j++) {
      const a =
        acquisition !== "ucb" ? logExpectedImprovement(means[j], variances[j], best) : -(means[j] - UCB_KAPPA * Math.sqrt(variances[j]));
      scores[j] = a / temperature;
    }
    return scores;
  }

  /** The posterior over the completed trials: refits the kernel when due, else extends the one it has. */
  private posteriorFor(
    candidates: Candidates,
    completed: readonly { position: number; value: number }[],
    y: Float64Array,
  ): FiniteGpPosterior {
    const n = completed.length;
    const { coordinates, categorical, d } = candidates;
    if (this.theta === undefined || n - this.fittedOn >= Math.max(this.settings.refitEvery, this.fittedOn * REFIT_GROWTH)) {
      const x = new Float64Array(n * d);
      completed.forEach((c, i) => x.set(coordinates.subarray(c.position * d, (c.position + 1) * d), i * d));
      const data: TrainingData = { x, y, n, d, categorical };
      const starts = this.theta === undefined ? [defaultTheta(d)] : n >= WARM_ONLY_FROM ? [this.theta] : [defaultTheta(d), this.theta];
      this.theta = fitHyperparameters(data, starts);
      this.fittedOn = n;
      this.posterior = undefined;
    }
    let posterior = this.posterior;
    const prefix =
      posterior !== undefined &&
      posterior.candidates === coordinates &&
      posterior.size <= n &&
      completed.slice(0, posterior.size).every((c, i) => c.position === posterior!.candidateOf(i));
    if (posterior === undefined || !prefix) {
      posterior = new FiniteGpPosterior(coordinates, candidates.count, d, categorical, hyperparametersOf(this.theta, d));
    }
    for (let i = posterior.size; i < n; i++) posterior.add(completed[i].position);
    this.posterior = posterior;
    return posterior;
  }

  /**
   * `steps` Adam steps on −J (see the top of the file), each at a random state; the gradient is exact:
   * ∇J = Σ over unseen x of π_S(x) (f(x) − E f) ∇ log π(x), f = a / T − log π. The heads are independent,
   * so it only needs each choice's total weight W_i(c) = Σ_{x: x_i = c} w(x); as Σ_c W_i(c) = 0, it is
   * passed as one configuration per (head, choice), the other heads at choice 0 (their weights cancel).
   */
  private ascend(policy: Policy, candidates: Candidates, scores: Float64Array, unseen: Uint8Array, trialNumber: number): void {
    if (policy.backwardMixture === undefined) throw new Error("the surrogate needs a policy with independent heads (the mlp)");
    const { columns, d } = candidates;
    const sizes = policy.sizes;
    const open = Int32Array.from(unseen.keys()).filter((j) => unseen[j] === 1);
    const rng = new Rng((Math.imul(trialNumber + 1, 0x9e3779b1) ^ this.seedWord) >>> 0);
    const adam = new Adam(policy.params, { lr: this.settings.learningRate });
    const logQ = new Float64Array(open.length);
    const q = new Float64Array(open.length);
    const logP = new Float64Array(columns.width);
    const perChoice = new Float64Array(columns.width);
    const basis = sizes.flatMap((size, i) => Array.from({ length: size }, (_, c) => Int32Array.from(sizes, (_, k) => (k === i ? c : 0))));
    const state = new Int32Array(d);
    for (let step = 0; step < this.settings.steps; step++) {
      for (let i = 0; i < d; i++) state[i] = rng.int(sizes[i]);
      const heads = policy.evaluate(state, state).probabilities;
      for (let i = 0, b = 0; i < d; i++) for (let c = 0; c < sizes[i]; c++) logP[b++] = Math.log(heads[i][c]);
      let top = -Infinity;
      for (let k = 0; k < open.length; k++) {
        const row = open[k] * d;
        let sum = 0;
        for (let i = 0; i < d; i++) sum += logP[columns.of[row + i]];
        logQ[k] = sum;
        if (sum > top) top = sum;
      }
      let mass = 0;
      let expected = 0;
      for (let k = 0; k < open.length; k++) {
        q[k] = Math.exp(logQ[k] - top);
        mass += q[k];
        expected += q[k] * (scores[open[k]] - logQ[k]);
      }
      expected /= mass;
      perChoice.fill(0);
      for (let k = 0; k < open.length; k++) {
        const row = open[k] * d;
        const w = -(q[k] / mass) * (scores[open[k]] - logQ[k] - expected);
        for (let i = 0; i < d; i++) perChoice[columns.of[row + i]] += w;
      }
      policy.zeroGrads();
      policy.backwardMixture(state, basis, Array.from(perChoice));
      adam.step(policy.grads);
    }
  }
}

/** log p(x) with p ∝ exp(scores) normalised over the unseen configurations. */
export function normalisedOver(scores: Float64Array, unseen: Uint8Array): Float64Array {
  const z = logSumExpOver(scores, unseen);
  return scores.map((x) => x - z);
}

/**
 * log(w p_a(x) + (1 − w) p_b(x)) from log p_a and log p_b: the Boltzmann target of the result (at
 * temperature 1) is the mixture of the two.
 */
export function logMixture(logA: Float64Array, logB: Float64Array, weight: number): Float64Array {
  const wA = Math.log(weight);
  const wB = Math.log(1 - weight);
  return logA.map((x, j) => {
    const u = x + wA;
    const v = logB[j] + wB;
    const top = Math.max(u, v);
    return top === -Infinity ? -Infinity : top + Math.log(Math.exp(u - top) + Math.exp(v - top));
  });
}

function logSumExpOver(values: Float64Array, mask: Uint8Array): number {
  let top = -Infinity;
  for (let j = 0; j < values.length; j++) if (mask[j] === 1 && values[j] > top) top = values[j];
  if (top === -Infinity) return 0;
  let sum = 0;
  for (let j = 0; j < values.length; j++) if (mask[j] === 1) sum += Math.exp(values[j] - top);
  return top + Math.log(sum);
}

/** The share of the unseen configurations that score lower than configuration j. */
function shareBelow(scores: Float64Array, unseen: Uint8Array, j: number): number {
  let lower = 0;
  let open = 0;
  for (let k = 0; k < scores.length; k++) {
    if (unseen[k] === 0) continue;
    open++;
    if (scores[k] < scores[j]) lower++;
  }
  return open === 0 ? 0.5 : lower / open;
}
