/**
 * A Parzen estimator as in Optuna's TPE: a mixture with one component per observation plus one prior
 * component, each component a product over parameters of
 * - a truncated normal on the internal scale (log for log parameters) for numbers; a number with a
 *   step (every int, a stepped float) widens its range by half a step and scores a value by the
 *   mass of its cell [x - step/2, x + step/2], and samples are rounded back onto the grid;
 * - a smoothed categorical for choices (the observed choice plus priorWeight / kernels on all).
 * Bandwidths follow Optuna: univariate, each kernel spans the larger gap to its sorted neighbours
 * (the prior's mean and the range ends count as neighbours), clipped to [range / min(100, kernels + 1),
 * range]; multivariate, one bandwidth 0.2 * n^(-1/(d + 4)) * range. The prior kernel is centred with
 * sigma = range.
 * Observations are numbers on the user's scale, or choice indices for categoricals.
 */

import type { Rng } from "../../nn/rng.ts";
import { choiceAt } from "../../space/discrete.ts";
import type { Distribution, SearchSpace } from "../../space/types.ts";
import { logGaussMass, logStandardTruncnormPdf, sampleStandardTruncnorm } from "./truncnorm.ts";

export interface ParzenOptions {
  priorWeight: number;
  considerMagicClip: boolean;
  considerEndpoints: boolean;
  multivariate: boolean;
  /** Weights of the observations in the order given (oldest first); length n. */
  weights: (n: number) => number[];
}

interface NumericKernels {
  kind: "numeric";
  distribution: Extract<Distribution, { type: "int" | "float" }>;
  mus: Float64Array;
  sigmas: Float64Array;
  /** 0 for a continuous float. */
  step: number;
  log: boolean;
  /** The sampling range on the internal scale (widened by half a step for discrete numbers). */
  low: number;
  high: number;
}

interface CategoricalKernels {
  kind: "categorical";
  /** One probability row per component. */
  rows: Float64Array[];
}

type Kernels = NumericKernels | CategoricalKernels;

export class ParzenEstimator {
  private readonly names: string[];
  private readonly kernels: Kernels[];
  private readonly logWeights: Float64Array;
  private readonly weights: Float64Array;

  constructor(observations: Record<string, readonly number[]>, space: SearchSpace, options: ParzenOptions) {
    if (!(options.priorWeight > 0) || !Number.isFinite(options.priorWeight)) {
      throw new Error(`tpe sampler: priorWeight must be a positive number, got ${options.priorWeight}`);
    }
    this.names = Object.keys(space);
    const n = this.names.length === 0 ? 0 : observations[this.names[0]].length;
    const raw = n === 0 ? [] : checkedWeights(options.weights(n), n);
    const weights = new Float64Array(n + 1);
    raw.forEach((w, i) => (weights[i] = w));
    weights[n] = n === 0 ? 1 : options.priorWeight;
    const total = weights.reduce((sum, w) => sum + w, 0);
    this.weights = weights.map((w) => w / total);
    this.logWeights = this.weights.map((w) => Math.log(w));
    this.kernels = this.names.map((name) => {
      const distribution = space[name];
      const values = observations[name];
      if (values.length !== n) throw new Error(`tpe sampler: parameter "${name}" has ${values.length} observations, expected ${n}`);
      return distribution.type === "categorical"
        ? categoricalKernels(values, distribution.choices.length, options.priorWeight)
        : numericKernels(values, distribution, options, this.names.length);
    });
  }

  /** `size` draws, per parameter: numbers on the user's scale (on the step grid), or choice indices. */
  sample(rng: Rng, size: number): Record<string, number[]> {
    const out: Record<string, number[]> = {};
    for (const name of this.names) out[name] = [];
    for (let s = 0; s < size; s++) {
      const component = rng.categorical(this.weights);
      this.kernels.forEach((k, i) => {
        out[this.names[i]].push(k.kind === "categorical" ? rng.categorical(k.rows[component]) : sampleNumeric(rng, k, component));
      });
    }
    return out;
  }

  /** The mixture's log density (log mass for discrete parameters) at each sample. */
  logPdf(samples: Record<string, readonly number[]>): number[] {
    const size = this.names.length === 0 ? 0 : samples[this.names[0]].length;
    const result: number[] = [];
    const perComponent = new Float64Array(this.weights.length);
    for (let s = 0; s < size; s++) {
      perComponent.set(this.logWeights);
      this.kernels.forEach((k, i) => {
        const x = samples[this.names[i]][s];
        for (let c = 0; c < perComponent.length; c++) perComponent[c] += logKernel(k, c, x);
      });
      result.push(logSumExp(perComponent));
    }
    return result;
  }
}

function checkedWeights(weights: number[], n: number): number[] {
  const w = weights.slice(0, n);
  if (w.length !== n) throw new Error(`tpe sampler: the weights function returned ${w.length} weights for ${n} observations`);
  if (w.some((x) => !Number.isFinite(x) || x < 0))
    throw new Error(`tpe sampler: the weights function must return finite non-negative weights, got [${w.join(", ")}]`);
  if (w.reduce((a, b) => a + b, 0) <= 0) throw new Error("tpe sampler: the weights function returned only zeros");
  return w;
}

function categoricalKernels(indices: readonly number[], nChoices: number, priorWeight: number): CategoricalKernels {
  if (indices.length === 0) return { kind: "categorical", rows: [new Float64Array(nChoices).fill(1 / nChoices)] };
  const nKernels = indices.length + 1;
  const rows = Array.from({ length: nKernels }, () => new Float64Array(nChoices).fill(priorWeight / nKernels));
  indices.forEach((index, i) => (rows[i][index] += 1));
  for (const row of rows) {
    const sum = row.reduce((a, b) => a + b, 0);
    for (let j = 0; j < nChoices; j++) row[j] /= sum;
  }
  return { kind: "categorical", rows };
}

function numericKernels(
  values: readonly number[],
  distribution: Extract<Distribution, { type: "int" | "float" }>,
  options: ParzenOptions,
  dimensions: number,
): NumericKernels {
  const step = distribution.type === "int" ? (distribution.step ?? 1) : (distribution.step ?? 0);
  const log = distribution.log === true;
  let low = distribution.low - step / 2;
  let high = distribution.high + step / 2;
  if (log) {
    low = Math.log(low);
    high = Math.log(high);
  }
  const mus = values.map((v) => (log ? Math.log(v) : v));
  const range = high - low;
  const n = mus.length;
  let sigmas: number[];
  if (options.multivariate) {
    sigmas = mus.map(() => 0.2 * Math.max(n, 1) ** (-1 / (dimensions + 4)) * range);
  } else {
    sigmas = neighbourGaps(mus, low, high, options.considerEndpoints);
  }
  const minSigma = options.considerMagicClip ? range / Math.min(100, n + 2) : 1e-12;
  sigmas = sigmas.map((s) => Math.min(range, Math.max(minSigma, s)));
  return {
    kind: "numeric",
    distribution,
    mus: Float64Array.from([...mus, 0.5 * (low + high)]),
    sigmas: Float64Array.from([...sigmas, range]),
    step,
    log,
    low,
    high,
  };
}

/** Each observation's bandwidth: the larger gap to its neighbours once sorted with the prior mean and the ends. */
function neighbourGaps(mus: number[], low: number, high: number, considerEndpoints: boolean): number[] {
  const withPrior = [...mus, 0.5 * (low + high)];
  const order = withPrior.map((_, i) => i).sort((i, j) => withPrior[i] - withPrior[j] || i - j);
  const sorted = [low, ...order.map((i) => withPrior[i]), high];
  const gaps = order.map((_, r) => Math.max(sorted[r + 1] - sorted[r], sorted[r + 2] - sorted[r + 1]));
  if (!considerEndpoints && sorted.length >= 4) {
    // The outermost kernels ignore their distance to the range ends.
    gaps[0] = sorted[2] - sorted[1];
    gaps[gaps.length - 1] = sorted[sorted.length - 2] - sorted[sorted.length - 3];
  }
  const sigmas = new Array<number>(withPrior.length);
  order.forEach((original, rank) => (sigmas[original] = gaps[rank]));
  return sigmas.slice(0, mus.length);
}

function sampleNumeric(rng: Rng, k: NumericKernels, component: number): number {
  const mu = k.mus[component];
  const sigma = k.sigmas[component];
  const z = sampleStandardTruncnorm(rng, (k.low - mu) / sigma, (k.high - mu) / sigma);
  let value = mu + sigma * z;
  if (k.log) value = Math.exp(value);
  const d = k.distribution;
  if (k.step === 0) return Math.min(d.high, Math.max(d.low, value));
  const last = Math.round((d.high - d.low) / k.step);
  const index = Math.min(last, Math.max(0, Math.round((value - d.low) / k.step)));
  return choiceAt(d, index) as number;
}

function logKernel(k: Kernels, component: number, x: number): number {
  if (k.kind === "categorical") return Math.log(k.rows[Math.min(component, k.rows.length - 1)][x]);
  const mu = k.mus[component];
  const sigma = k.sigmas[component];
  const a = (k.low - mu) / sigma;
  const b = (k.high - mu) / sigma;
  if (k.step === 0) {
    const internal = k.log ? Math.log(x) : x;
    return logStandardTruncnormPdf((internal - mu) / sigma, a, b) - Math.log(sigma);
  }
  const left = k.log ? Math.log(x - k.step / 2) : x - k.step / 2;
  const right = k.log ? Math.log(x + k.step / 2) : x + k.step / 2;
  return logGaussMass((left - mu) / sigma, (right - mu) / sigma) - logGaussMass(a, b);
}

function logSumExp(values: Float64Array): number {
  let top = -Infinity;
  for (const v of values) if (v > top) top = v;
  if (top === -Infinity) return -Infinity;
  let sum = 0;
  for (const v of values) sum += Math.exp(v - top);
  return top + Math.log(sum);
}
