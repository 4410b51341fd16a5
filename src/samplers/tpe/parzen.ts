/**
 * A Parzen estimator as in Optuna's TPE: a mixture with one component per observation plus one prior
 * component, each component a product over parameters of
 * - a truncated normal on the internal scale (log for log parameters) for numbers; a number with a
 *   step (every int, a stepped float) widens its range by half a step and scores a value by the
 *   mass of its cell [x - step/2, x + step/2], and samples are rounded back onto the grid;
 * - a smoothed categorical for categorical choices (the observed choice plus priorWeight / kernels on all);
 * - for ordered numeric choices, the stepped kernel on the choice index (indexRange below).
 * One component draws every parameter at once, so a mixture over several parameters models them
 * jointly (multivariate TPE). Bandwidths, per parameter (bandwidth.ts): each kernel spans the larger
 * gap to its sorted neighbours, clipped to [range / min(100, kernels + 1), range]; or Scott's rule
 * 0.2 * n^(-1/(d + 4)) * range. The prior kernel is centred with sigma = range.
 * Observations are numbers on the user's scale, or choice indices for categorical and ordered choices.
 *
 * Everything is held in Float64Arrays with the per-component constants (log normalisers) computed
 * once, so scoring a candidate costs a multiply-add per component and parameter.
 */

import { logNdtr } from "../../nn/normal.ts";
import type { Rng } from "../../nn/rng.ts";
import { choiceAt } from "../../space/discrete.ts";
import { isOrderedChoices, type OrderedChoicesDistribution, type RangeDistribution, type SearchSpace } from "../../space/types.ts";
import { type Bandwidth, bandwidths } from "./bandwidth.ts";
import { logCellMass, logGaussMass, sampleStandardTruncnorm } from "./truncnorm.ts";

export type { Bandwidth } from "./bandwidth.ts";

export interface ParzenOptions {
  priorWeight: number;
  considerMagicClip: boolean;
  considerEndpoints: boolean;
  bandwidth: Bandwidth;
  /** Weights of the observations in the order given (oldest first); length n. */
  weights: (n: number) => number[];
}

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

interface NumericKernels {
  kind: "numeric";
  distribution: RangeDistribution;
  mus: Float64Array;
  sigmas: Float64Array;
  /** Continuous: -log(sigma sqrt(2 pi)) - log(mass inside the range); stepped: log(mass inside the range). */
  logNorms: Float64Array;
  /** 0 for a continuous float. */
  step: number;
  log: boolean;
  /** The sampling range on the internal scale (widened by half a step for discrete numbers). */
  low: number;
  high: number;
}

interface CategoricalKernels {
  kind: "categorical";
  nChoices: number;
  /** log probabilities, one row of nChoices per component (a single row when there are no observations). */
  logRows: Float64Array;
  rows: Float64Array;
  nRows: number;
}

type Kernels = NumericKernels | CategoricalKernels;

export type Samples = Record<string, ArrayLike<number>>;

export class ParzenEstimator {
  private readonly names: string[];
  private readonly kernels: Kernels[];
  private readonly logWeights: Float64Array;
  private readonly weights: Float64Array;

  constructor(observations: Samples, space: SearchSpace, options: ParzenOptions) {
    if (!(options.priorWeight > 0) || !Number.isFinite(options.priorWeight)) {
      throw new Error(`tpe sampler: priorWeight must be a positive number, got ${options.priorWeight}`);
    }
    this.names = Object.keys(space);
    const n = this.names.length === 0 ? 0 : observations[this.names[0]].length;
    const raw = n === 0 ? [] : checkedWeights(options.weights(n), n);
    const weights = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) weights[i] = raw[i];
    weights[n] = n === 0 ? 1 : options.priorWeight;
    let total = 0;
    for (const w of weights) total += w;
    this.weights = weights.map((w) => w / total);
    this.logWeights = this.weights.map((w) => Math.log(w));
    this.kernels = this.names.map((name) => {
      const distribution = space[name];
      const values = observations[name];
      if (values.length !== n) throw new Error(`tpe sampler: parameter "${name}" has ${values.length} observations, expected ${n}`);
      if (distribution.type === "categorical") return categoricalKernels(values, distribution.choices.length, options.priorWeight);
      if (isOrderedChoices(distribution))
        return orderedKernels(numericKernels(values, indexRange(distribution), options, this.names.length));
      return numericKernels(values, distribution, options, this.names.length);
    });
  }

  /** `size` draws, per parameter: numbers on the user's scale (on the step grid), or choice indices. */
  sample(rng: Rng, size: number): Record<string, Float64Array> {
    const columns = this.names.map(() => new Float64Array(size));
    for (let s = 0; s < size; s++) {
      const component = rng.categorical(this.weights);
      for (let i = 0; i < this.kernels.length; i++) {
        const k = this.kernels[i];
        columns[i][s] = k.kind === "categorical" ? sampleCategorical(rng, k, component) : sampleNumeric(rng, k, component);
      }
    }
    return Object.fromEntries(this.names.map((name, i) => [name, columns[i]]));
  }

  /** The mixture's log density (log mass for discrete parameters) at each sample. */
  logPdf(samples: Samples): Float64Array {
    const size = this.names.length === 0 ? 0 : samples[this.names[0]].length;
    const result = new Float64Array(size);
    const perComponent = new Float64Array(this.weights.length);
    for (let s = 0; s < size; s++) {
      perComponent.set(this.logWeights);
      let inside = true;
      for (let i = 0; i < this.kernels.length && inside; i++) {
        inside = addLogKernels(this.kernels[i], samples[this.names[i]][s], perComponent);
      }
      result[s] = inside ? logSumExp(perComponent) : -Infinity;
    }
    return result;
  }

  /**
   * logPdf at configurations given by value positions: configuration j takes values[i][at[j d + i]] for
   * parameter i. Each parameter's kernels are scored once per value, so a configuration costs lookups.
   */
  logPdfAt(values: readonly ArrayLike<number>[], at: Int32Array): Float64Array {
    const d = this.kernels.length;
    if (values.length !== d) throw new Error(`tpe sampler: ${d} value lists needed, got ${values.length}`);
    const components = this.weights.length;
    const tables = this.kernels.map((k, i) => kernelTable(k, values[i], components));
    const count = at.length / d;
    const result = new Float64Array(count);
    const perComponent = new Float64Array(components);
    for (let j = 0; j < count; j++) {
      perComponent.set(this.logWeights);
      for (let i = 0; i < d; i++) {
        const m = values[i].length;
        const v = at[j * d + i];
        for (let c = 0; c < components; c++) perComponent[c] += tables[i][c * m + v];
      }
      result[j] = logSumExp(perComponent);
    }
    return result;
  }

  /**
   * logPdf at every point of the grid values[0] x values[1] x ... (one list per parameter, in the
   * estimator's order; the last parameter varies fastest). The parameters are split in two halves, each
   * half's combinations scored per component apart, and the mixture is a weighted product of the two
   * (exp'ed once per component and half-combination): P + Q exps per component instead of P Q.
   */
  logPdfGrid(values: readonly ArrayLike<number>[]): Float64Array {
    const d = this.kernels.length;
    if (values.length !== d) throw new Error(`tpe sampler: ${d} value lists needed, got ${values.length}`);
    const components = this.weights.length;
    const half = Math.floor(d / 2);
    const sizeOf = (lists: readonly ArrayLike<number>[]) => lists.reduce((n, list) => n * list.length, 1);
    if (components * (sizeOf(values.slice(0, half)) + sizeOf(values.slice(half))) > GRID_TABLE_LIMIT) {
      return this.logPdfAt(values, gridPositions(values));
    }
    const front = halfTable(this.kernels.slice(0, half), values.slice(0, half), this.logWeights);
    const back = halfTable(this.kernels.slice(half), values.slice(half), new Float64Array(components));
    const P = front.combinations;
    const Q = back.combinations;
    let top = -Infinity;
    for (let c = 0; c < components; c++) top = Math.max(top, front.peaks[c] + back.peaks[c]);
    const sums = new Float64Array(P * Q);
    for (let c = 0; c < components; c++) {
      const w = Math.exp(front.peaks[c] + back.peaks[c] - top);
      if (!(w > 0)) continue;
      const ea = front.scaled.subarray(c * P, (c + 1) * P);
      const eb = back.scaled.subarray(c * Q, (c + 1) * Q);
      for (let p = 0; p < P; p++) {
        const t = w * ea[p];
        if (t === 0) continue;
        const row = p * Q;
        for (let q = 0; q < Q; q++) sums[row + q] += t * eb[q];
      }
    }
    const result = new Float64Array(P * Q);
    const underflowed: number[] = [];
    for (let j = 0; j < P * Q; j++) {
      if (sums[j] > 0) result[j] = top + Math.log(sums[j]);
      else underflowed.push(j);
    }
    // Where every term underflowed (or the point lies outside a range), score in log space point by point.
    if (underflowed.length > 0) {
      const at = new Int32Array(underflowed.length * d);
      underflowed.forEach((j, k) => gridPosition(values, j, at.subarray(k * d, (k + 1) * d)));
      this.logPdfAt(values, at).forEach((value, k) => (result[underflowed[k]] = value));
    }
    return result;
  }
}

/** Largest half-tables logPdfGrid builds (entries over both halves); beyond it, it scores point by point. */
const GRID_TABLE_LIMIT = 1 << 22;

/** The value positions of every point of a grid, the last parameter fastest. */
function gridPositions(values: readonly ArrayLike<number>[]): Int32Array {
  const d = values.length;
  const count = values.reduce((n, list) => n * list.length, 1);
  const at = new Int32Array(count * d);
  for (let j = 0; j < count; j++) gridPosition(values, j, at.subarray(j * d, (j + 1) * d));
  return at;
}

/** The value positions of point j of a grid, into `into`. */
function gridPosition(values: readonly ArrayLike<number>[], j: number, into: Int32Array): void {
  let rest = j;
  for (let i = values.length - 1; i >= 0; i--) {
    into[i] = rest % values[i].length;
    rest = Math.floor(rest / values[i].length);
  }
}

/** Each component's log kernel at each value: [c * values.length + v], −Infinity outside the range. */
function kernelTable(k: Kernels, values: ArrayLike<number>, components: number): Float64Array {
  const m = values.length;
  const table = new Float64Array(components * m);
  const column = new Float64Array(components);
  for (let v = 0; v < m; v++) {
    column.fill(0);
    const inside = addLogKernels(k, values[v], column);
    for (let c = 0; c < components; c++) table[c * m + v] = inside ? column[c] : -Infinity;
  }
  return table;
}

/**
 * For the combinations of some parameters' values (the last fastest): per component c, the largest
 * log term peaks[c] (start[c] plus the parameters' log kernels) and every combination's term as
 * exp(term - peaks[c]), in scaled[c * combinations + p].
 */
function halfTable(kernels: readonly Kernels[], values: readonly ArrayLike<number>[], start: Float64Array) {
  const components = start.length;
  let logs = Float64Array.from(start);
  let combinations = 1;
  kernels.forEach((k, i) => {
    const m = values[i].length;
    const own = kernelTable(k, values[i], components);
    const next = new Float64Array(components * combinations * m);
    for (let c = 0; c < components; c++)
      for (let p = 0; p < combinations; p++)
        for (let v = 0; v < m; v++) next[(c * combinations + p) * m + v] = logs[c * combinations + p] + own[c * m + v];
    logs = next;
    combinations *= m;
  });
  const peaks = new Float64Array(components);
  const scaled = new Float64Array(components * combinations);
  for (let c = 0; c < components; c++) {
    let peak = -Infinity;
    for (let p = 0; p < combinations; p++) peak = Math.max(peak, logs[c * combinations + p]);
    peaks[c] = peak;
    if (peak === -Infinity) continue;
    for (let p = 0; p < combinations; p++) scaled[c * combinations + p] = Math.exp(logs[c * combinations + p] - peak);
  }
  return { combinations, peaks, scaled };
}

function checkedWeights(weights: number[], n: number): number[] {
  const w = weights.slice(0, n);
  if (w.length !== n) throw new Error(`tpe sampler: the weights function returned ${w.length} weights for ${n} observations`);
  if (w.some((x) => !Number.isFinite(x) || x < 0))
    throw new Error(`tpe sampler: the weights function must return finite non-negative weights, got [${w.join(", ")}]`);
  if (w.reduce((a, b) => a + b, 0) <= 0) throw new Error("tpe sampler: the weights function returned only zeros");
  return w;
}

function categoricalKernels(indices: ArrayLike<number>, nChoices: number, priorWeight: number): CategoricalKernels {
  const n = indices.length;
  const nRows = n === 0 ? 1 : n + 1;
  const rows = new Float64Array(nRows * nChoices);
  if (n === 0) rows.fill(1 / nChoices);
  else {
    rows.fill(priorWeight / nRows);
    for (let i = 0; i < n; i++) rows[i * nChoices + indices[i]] += 1;
    for (let r = 0; r < nRows; r++) {
      let sum = 0;
      for (let j = 0; j < nChoices; j++) sum += rows[r * nChoices + j];
      for (let j = 0; j < nChoices; j++) rows[r * nChoices + j] /= sum;
    }
  }
  return { kind: "categorical", nChoices, rows, logRows: rows.map(Math.log), nRows };
}

function numericKernels(
  values: ArrayLike<number>,
  distribution: RangeDistribution,
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
  const n = values.length;
  const mus = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) mus[i] = log ? Math.log(values[i]) : values[i];
  mus[n] = 0.5 * (low + high);
  const sigmas = bandwidths(mus, low, high, options, dimensions);
  const logNorms = new Float64Array(n + 1);
  for (let c = 0; c <= n; c++) {
    const mass = logGaussMass((low - mus[c]) / sigmas[c], (high - mus[c]) / sigmas[c]);
    logNorms[c] = step === 0 ? -Math.log(sigmas[c]) - LOG_SQRT_2PI - mass : mass;
  }
  return { kind: "numeric", distribution, mus, sigmas, logNorms, step, log, low, high };
}

/**
 * Ordered choices are modelled on their indices 0..n-1 as an int range: each kernel scores a choice by
 * the mass of its cell [k - 1/2, k + 1/2], so neighbouring choices share mass and far ones do not
 * (the categorical kernel gives every other choice the same smoothing). The user's `log` needs no
 * extra transform: the index already is the position in the listed (ascending) order.
 */
function indexRange(distribution: OrderedChoicesDistribution): RangeDistribution {
  return { type: "int", low: 0, high: distribution.choices.length - 1 };
}

/**
 * The stepped kernels over the indices as one table of probabilities per component (the mass of each
 * choice's cell), so scoring a candidate is a lookup as for categoricals: same model, about 6x faster
 * on the paper space than two erf calls per component and candidate.
 */
function orderedKernels(k: NumericKernels): CategoricalKernels {
  const nChoices = k.distribution.high + 1;
  const nRows = k.mus.length;
  const logRows = new Float64Array(nRows * nChoices);
  const edges = new Float64Array(nChoices + 1);
  const lower = new Float64Array(nChoices + 1);
  const upper = new Float64Array(nChoices + 1);
  // Observations sit on the indices, and the multivariate bandwidth is one sigma: many components
  // share their row, computed once.
  const rowOf = new Map<string, number>();
  for (let c = 0; c < nRows; c++) {
    const key = `${k.mus[c]} ${k.sigmas[c]} ${k.logNorms[c]}`;
    const same = rowOf.get(key);
    if (same !== undefined) {
      logRows.copyWithin(c * nChoices, same * nChoices, (same + 1) * nChoices);
      continue;
    }
    rowOf.set(key, c);
    // Cell j is [edge j, edge j + 1]: each edge's log tails are computed once for both of its cells.
    for (let e = 0; e <= nChoices; e++) {
      edges[e] = (e - 0.5 - k.mus[c]) / k.sigmas[c];
      lower[e] = edges[e] <= 0 ? logNdtr(edges[e]) : Number.NaN;
      upper[e] = edges[e] >= 0 ? logNdtr(-edges[e]) : Number.NaN;
    }
    for (let j = 0; j < nChoices; j++) {
      const mass = logCellMass(edges[j], edges[j + 1], lower[j], lower[j + 1], upper[j], upper[j + 1]);
      logRows[c * nChoices + j] = mass - k.logNorms[c];
    }
  }
  return { kind: "categorical", nChoices, rows: logRows.map(Math.exp), logRows, nRows };
}

function sampleCategorical(rng: Rng, k: CategoricalKernels, component: number): number {
  const offset = Math.min(component, k.nRows - 1) * k.nChoices;
  return rng.categorical(k.rows.subarray(offset, offset + k.nChoices));
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

/** Adds each component's log kernel at x to `into`; false when x lies outside the range (density 0). */
function addLogKernels(k: Kernels, x: number, into: Float64Array): boolean {
  const count = into.length;
  if (k.kind === "categorical") {
    for (let c = 0; c < count; c++) into[c] += k.logRows[Math.min(c, k.nRows - 1) * k.nChoices + x];
    return true;
  }
  const { mus, sigmas, logNorms } = k;
  if (k.step === 0) {
    const internal = k.log ? Math.log(x) : x;
    if (!(internal >= k.low && internal <= k.high)) return false;
    for (let c = 0; c < count; c++) {
      const z = (internal - mus[c]) / sigmas[c];
      into[c] += logNorms[c] - 0.5 * z * z;
    }
    return true;
  }
  const left = k.log ? Math.log(x - k.step / 2) : x - k.step / 2;
  const right = k.log ? Math.log(x + k.step / 2) : x + k.step / 2;
  for (let c = 0; c < count; c++) {
    into[c] += logGaussMass((left - mus[c]) / sigmas[c], (right - mus[c]) / sigmas[c]) - logNorms[c];
  }
  return true;
}

function logSumExp(values: Float64Array): number {
  let top = -Infinity;
  for (const v of values) if (v > top) top = v;
  if (top === -Infinity) return -Infinity;
  let sum = 0;
  for (const v of values) {
    // Terms below e^-50 of the largest cannot move the sum of at most a few thousand terms.
    const d = v - top;
    if (d > -50) sum += Math.exp(d);
  }
  return top + Math.log(sum);
}
