/**
 * The GP posterior at new points, for fixed hyperparameters: K = σ² M(X, X) + noise I is factored
 * once; then each query costs one kernel row (O(n d)) and one triangular solve (O(n²)), into
 * preallocated buffers.
 *
 * A query can stop after the kernel row with an upper bound on the variance: conditioning on fewer
 * observations never lowers a GP's variance, so the variance given only the most correlated training
 * point, σ² − k_i² / K_ii, bounds the variance given all of them. Expected improvement grows with the
 * variance, so a point whose bound cannot beat the best score so far needs no solve.
 */
import { choleskyWithJitter, solveLower, solveUpperTransposed } from "./cholesky.ts";
import type { KernelHyperparameters, TrainingData } from "./fit.ts";
import { matern52, weightedSquaredDistance } from "./kernel.ts";

/** Slack on the variance bound, relative to σ², for rounding in the exact variance. */
const BOUND_SLACK = 1e-9;

export class GpPosterior {
  /** The lower Cholesky factor of K (row-major n × n). */
  readonly l: Float64Array;
  /** The jitter the factor needed (0 almost always). */
  readonly jitter: number;
  /** L⁻¹ y: the mean at x is (L⁻¹ k(X, x)) · beta. */
  readonly beta: Float64Array;
  /** K⁻¹ y: the mean at x is k(X, x) · alpha. */
  readonly alpha: Float64Array;
  /** k(x, X) of the last query: written by predictMean(), or by the caller before completeVariance(). */
  readonly kernelRow: Float64Array;
  private readonly solved: Float64Array;
  /** K_ii (with any jitter the factor needed): a one-point posterior divides by it. */
  readonly diagonal: number;
  /** Written by predict() and predictMean(): the posterior mean of the latent function. */
  mean = 0;
  /** Written by predict() and completeVariance(): the posterior variance. */
  variance = 0;
  /** Written by predictMean() and varianceBoundOf(): an upper bound on `variance` at that point. */
  varianceBound = 0;

  constructor(
    readonly data: TrainingData,
    readonly hyperparameters: KernelHyperparameters,
  ) {
    const { n, d, x, y, categorical } = data;
    const { lambda, signalVariance, noiseVariance } = hyperparameters;
    const k = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++) k[i * n + j] = signalVariance * matern52(weightedSquaredDistance(x, i, x, j, d, lambda, categorical));
      k[i * n + i] = signalVariance + noiseVariance;
    }
    this.l = new Float64Array(n * n);
    this.jitter = choleskyWithJitter(k, n, this.l);
    this.diagonal = signalVariance + noiseVariance + this.jitter;
    this.beta = new Float64Array(n);
    solveLower(this.l, n, y, this.beta);
    this.alpha = new Float64Array(n);
    solveUpperTransposed(this.l, n, this.beta, this.alpha);
    this.kernelRow = new Float64Array(n);
    this.solved = new Float64Array(n);
  }

  /** Sets `mean` and `variance` at row `row` of `points` (d columns); allocates nothing. */
  predict(points: Float64Array, row: number): void {
    this.predictMean(points, row);
    this.completeVariance();
  }

  /** Sets `kernelRow`, `mean` and `varianceBound` at row `row` of `points`: O(n d), no solve. */
  predictMean(points: Float64Array, row: number): void {
    const { n, d, x, categorical } = this.data;
    const { lambda, signalVariance } = this.hyperparameters;
    const { kernelRow, alpha } = this;
    let mean = 0;
    let largest = 0;
    for (let i = 0; i < n; i++) {
      const value = signalVariance * matern52(weightedSquaredDistance(points, row, x, i, d, lambda, categorical));
      kernelRow[i] = value;
      mean += value * alpha[i];
      if (value > largest) largest = value;
    }
    this.mean = mean;
    this.varianceBound = this.varianceBoundOf(largest);
  }

  /** The variance bound given the largest covariance with one training point (sets `varianceBound`). */
  varianceBoundOf(largestCovariance: number): number {
    const signalVariance = this.hyperparameters.signalVariance;
    const oneDataPoint = signalVariance - (largestCovariance * largestCovariance) / this.diagonal;
    this.varianceBound = Math.max(oneDataPoint, 1e-12 * signalVariance) + BOUND_SLACK * signalVariance;
    return this.varianceBound;
  }

  /** Sets `variance` from `kernelRow` (one triangular solve). */
  completeVariance(): void {
    const { n } = this.data;
    const { kernelRow, solved, l } = this;
    const signalVariance = this.hyperparameters.signalVariance;
    solveLower(l, n, kernelRow, solved);
    let explained = 0;
    for (let i = 0; i < n; i++) explained += solved[i] * solved[i];
    this.variance = Math.max(signalVariance - explained, 1e-12 * signalVariance);
  }
}
