/**
 * A GP posterior over every configuration of a finite space (the candidates), for fixed kernel
 * hyperparameters, grown one observation at a time: with L the Cholesky factor of the observations'
 * K = σ² M(X, X) + noise I, it keeps V = L⁻¹ K(X, C) row by row and Σ_i V_ij² per candidate, so one more
 * observation costs O(n N) (one row of L and one of V) instead of the O(n² N) of predicting afresh.
 * Mean_j = V_jᵀ L⁻¹ y and variance_j = σ² − Σ_i V_ij². The kernel is the GP sampler's (src/samplers/gp).
 */
import type { KernelHyperparameters } from "./gp/fit.ts";
import { matern52, weightedSquaredDistance } from "./gp/kernel.ts";

export class FiniteGpPosterior {
  /** Rows of V, one per observation, each over the candidates. */
  private readonly rows: Float64Array[] = [];
  /** Rows of L: row i has i + 1 entries. */
  private readonly lower: Float64Array[] = [];
  /** The candidate each observation is at. */
  private readonly observed: number[] = [];
  private readonly explained: Float64Array;
  private readonly kernelRow: Float64Array;

  /** `candidates`: count × d coordinates, row-major (categorical coordinates hold choice indices). */
  constructor(
    readonly candidates: Float64Array,
    readonly count: number,
    readonly d: number,
    readonly categorical: Uint8Array,
    readonly hyperparameters: KernelHyperparameters,
  ) {
    this.explained = new Float64Array(count);
    this.kernelRow = new Float64Array(count);
  }

  /** The number of observations conditioned on. */
  get size(): number {
    return this.observed.length;
  }

  /** The candidate of observation i. */
  candidateOf(i: number): number {
    return this.observed[i];
  }

  /** Conditions on one more observation, at candidate `candidate` (its value comes with predict). */
  add(candidate: number): void {
    const { candidates, count, d, categorical, kernelRow, rows, lower, observed } = this;
    const { lambda, signalVariance, noiseVariance } = this.hyperparameters;
    for (let j = 0; j < count; j++) {
      kernelRow[j] = signalVariance * matern52(weightedSquaredDistance(candidates, candidate, candidates, j, d, lambda, categorical));
    }
    const n = observed.length;
    const l = new Float64Array(n + 1);
    let squares = 0;
    for (let i = 0; i < n; i++) {
      let sum = kernelRow[observed[i]];
      const row = lower[i];
      for (let m = 0; m < i; m++) sum -= row[m] * l[m];
      l[i] = sum / row[i];
      squares += l[i] * l[i];
    }
    // The floor keeps a repeated point (or rounding) from a zero pivot; it acts as a little extra noise there.
    const diagonal = Math.max(signalVariance + noiseVariance - squares, 1e-9 * signalVariance);
    l[n] = Math.sqrt(diagonal);
    const v = Float64Array.from(kernelRow);
    for (let i = 0; i < n; i++) {
      const li = l[i];
      if (li === 0) continue;
      const previous = rows[i];
      for (let j = 0; j < count; j++) v[j] -= li * previous[j];
    }
    const inverse = 1 / l[n];
    for (let j = 0; j < count; j++) {
      v[j] *= inverse;
      this.explained[j] += v[j] * v[j];
    }
    lower.push(l);
    rows.push(v);
    observed.push(candidate);
  }

  /** The posterior mean and variance of every candidate, given the observations' values (in the order added). */
  predict(y: ArrayLike<number>, mean: Float64Array, variance: Float64Array): void {
    const n = this.observed.length;
    if (y.length !== n) throw new Error(`predict needs ${n} values, one per observation; got ${y.length}`);
    const w = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let sum = y[i];
      const row = this.lower[i];
      for (let m = 0; m < i; m++) sum -= row[m] * w[m];
      w[i] = sum / row[i];
    }
    mean.fill(0);
    for (let i = 0; i < n; i++) {
      const wi = w[i];
      const row = this.rows[i];
      for (let j = 0; j < this.count; j++) mean[j] += wi * row[j];
    }
    const signal = this.hyperparameters.signalVariance;
    for (let j = 0; j < this.count; j++) variance[j] = Math.max(signal - this.explained[j], 1e-12 * signal);
  }
}
