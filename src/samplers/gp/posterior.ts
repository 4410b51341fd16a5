/**
 * The GP posterior at new points, for fixed hyperparameters: K = σ² M(X, X) + noise I is factored
 * once; then each query costs one kernel row and one triangular solve, into preallocated buffers.
 */
import { choleskyWithJitter, solveLower, solveUpperTransposed } from "./cholesky.ts";
import type { KernelHyperparameters, TrainingData } from "./fit.ts";
import { matern52, weightedSquaredDistance } from "./kernel.ts";

export class GpPosterior {
  private readonly l: Float64Array;
  private readonly alpha: Float64Array;
  private readonly kernelRow: Float64Array;
  private readonly solved: Float64Array;
  /** Written by predict(): the posterior mean and variance of the latent function. */
  mean = 0;
  variance = 0;

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
    choleskyWithJitter(k, n, this.l);
    this.alpha = new Float64Array(n);
    solveLower(this.l, n, y, this.alpha);
    solveUpperTransposed(this.l, n, this.alpha, this.alpha);
    this.kernelRow = new Float64Array(n);
    this.solved = new Float64Array(n);
  }

  /** Sets `mean` and `variance` at row `row` of `points` (d columns); allocates nothing. */
  predict(points: Float64Array, row: number): void {
    const { n, d, x, categorical } = this.data;
    const { lambda, signalVariance } = this.hyperparameters;
    const { kernelRow, solved, alpha, l } = this;
    let mean = 0;
    for (let i = 0; i < n; i++) {
      const value = signalVariance * matern52(weightedSquaredDistance(points, row, x, i, d, lambda, categorical));
      kernelRow[i] = value;
      mean += value * alpha[i];
    }
    solveLower(l, n, kernelRow, solved);
    let explained = 0;
    for (let i = 0; i < n; i++) explained += solved[i] * solved[i];
    this.mean = mean;
    this.variance = Math.max(signalVariance - explained, 1e-12 * signalVariance);
  }
}
