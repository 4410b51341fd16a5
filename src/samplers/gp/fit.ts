/**
 * Kernel hyperparameters by maximum a posteriori: the log marginal likelihood of the standardised
 * observations plus log priors, maximised with L-BFGS from several starting points, with the
 * analytic gradient ½ tr((ααᵀ − K⁻¹) ∂K/∂θ).
 *
 * The hyperparameters live in one unconstrained vector θ of length d + 2:
 *   θ[k] = log λ_k (inverse squared length scale of dimension k),
 *   θ[d] = log σ² (signal variance), θ[d + 1] = log(noise − MIN_NOISE).
 * The priors (see PRIOR, logPrior) are written as functions of θ. Both the length scales and the signal
 * variance get priors with exponential walls, not just quadratic ones in log space: on a smooth bowl the
 * likelihood alone keeps raising the signal variance and the length scales together (the kernel imitates a
 * polynomial), which makes K numerically singular and the fit slow; the walls stop that ridge.
 */
import { choleskyWithJitter, inverseFromCholesky, logDeterminant, solveLower, solveUpperTransposed } from "./cholesky.ts";
import { dimensionGap, matern52, matern52SlopeInR2 } from "./kernel.ts";
import { minimizeLbfgs } from "./lbfgs.ts";

/** Noise variance floor (in standardised output units), so K stays well conditioned. */
export const MIN_NOISE = 1e-6;

/**
 * log p(λ) = −(small / λ + large λ): a wall against length scales far beyond the unit cube (λ → 0) and a
 * softer one against very short ones; most likely at λ = √(small / large) (ℓ ≈ 0.56).
 * log p(σ²) = shape log σ² − rate σ² (a gamma density, most likely at σ² = 2).
 * log(noise − MIN_NOISE) ~ normal(log 1e-4, 3).
 */
export const PRIOR = {
  inverseSquaredLengthScale: { small: 0.1, large: 0.01 },
  signalVariance: { shape: 0.5, rate: 0.25 },
  logNoise: { mean: Math.log(1e-4), sd: 3 },
} as const;

/** log p(θ) up to a constant; writes −∂ log p / ∂θ into grad (the gradient of the negative log prior). */
export function logPrior(theta: Float64Array, d: number, grad?: Float64Array): number {
  const { small, large } = PRIOR.inverseSquaredLengthScale;
  let sum = 0;
  for (let c = 0; c < d; c++) {
    const lambda = Math.exp(theta[c]);
    sum -= small / lambda + large * lambda;
    if (grad !== undefined) grad[c] = -(small / lambda - large * lambda);
  }
  const { shape, rate } = PRIOR.signalVariance;
  const signal = Math.exp(theta[d]);
  sum += shape * theta[d] - rate * signal;
  if (grad !== undefined) grad[d] = -(shape - rate * signal);
  const z = (theta[d + 1] - PRIOR.logNoise.mean) / PRIOR.logNoise.sd;
  sum -= 0.5 * z * z;
  if (grad !== undefined) grad[d + 1] = z / PRIOR.logNoise.sd;
  return sum;
}

/** Standardised observations at points in the unit cube (categorical coordinates hold choice indices). */
export interface TrainingData {
  /** n × d, row-major. */
  x: Float64Array;
  y: Float64Array;
  n: number;
  d: number;
  /** 1 where dimension k is categorical. */
  categorical: Uint8Array;
}

export interface KernelHyperparameters {
  lambda: Float64Array;
  signalVariance: number;
  noiseVariance: number;
}

export function hyperparametersOf(theta: Float64Array, d: number): KernelHyperparameters {
  const lambda = new Float64Array(d);
  for (let k = 0; k < d; k++) lambda[k] = Math.exp(theta[k]);
  return { lambda, signalVariance: Math.exp(theta[d]), noiseVariance: MIN_NOISE + Math.exp(theta[d + 1]) };
}

/** The starting point every fit tries: where each prior is largest. */
export function defaultTheta(d: number): Float64Array {
  const theta = new Float64Array(d + 2);
  theta.fill(0.5 * Math.log(PRIOR.inverseSquaredLengthScale.small / PRIOR.inverseSquaredLengthScale.large), 0, d);
  theta[d] = Math.log(PRIOR.signalVariance.shape / PRIOR.signalVariance.rate);
  theta[d + 1] = PRIOR.logNoise.mean;
  return theta;
}

/**
 * Evaluates the negative log posterior −(log p(y | θ) + log p(θ)) and its gradient, reusing buffers
 * sized for one data set.
 */
export class MarginalLikelihood {
  private readonly pairCount: number;
  /** δ² per pair (i > j, in row order) and dimension. */
  private readonly gaps: Float64Array;
  private readonly r2: Float64Array;
  private readonly k: Float64Array;
  private readonly l: Float64Array;
  private readonly inverse: Float64Array;
  private readonly work: Float64Array;
  private readonly alpha: Float64Array;
  private readonly lambda: Float64Array;

  constructor(readonly data: TrainingData) {
    const { n, d, x, categorical } = data;
    this.pairCount = (n * (n - 1)) / 2;
    this.gaps = new Float64Array(this.pairCount * d);
    let p = 0;
    for (let i = 1; i < n; i++) {
      for (let j = 0; j < i; j++, p++) {
        for (let c = 0; c < d; c++) this.gaps[p * d + c] = dimensionGap(x[i * d + c], x[j * d + c], categorical[c] === 1);
      }
    }
    this.r2 = new Float64Array(this.pairCount);
    this.k = new Float64Array(n * n);
    this.l = new Float64Array(n * n);
    this.inverse = new Float64Array(n * n);
    this.work = new Float64Array(n * n);
    this.alpha = new Float64Array(n);
    this.lambda = new Float64Array(d);
  }

  /** −log posterior at θ; writes its gradient into `grad` when given. Infinity if K cannot be factored. */
  negativeLogPosterior(theta: Float64Array, grad?: Float64Array): number {
    const { n, d, y } = this.data;
    const { gaps, r2, k, l, alpha, lambda } = this;
    for (let c = 0; c < d; c++) lambda[c] = Math.exp(theta[c]);
    const signal = Math.exp(theta[d]);
    const extraNoise = Math.exp(theta[d + 1]);
    let p = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++, p++) {
        let sum = 0;
        for (let c = 0; c < d; c++) sum += lambda[c] * gaps[p * d + c];
        r2[p] = sum;
        k[i * n + j] = signal * matern52(sum);
      }
      k[i * n + i] = signal + MIN_NOISE + extraNoise;
    }
    try {
      choleskyWithJitter(k, n, l);
    } catch {
      return Infinity;
    }
    solveLower(l, n, y, alpha);
    let fit = 0;
    for (let i = 0; i < n; i++) fit += alpha[i] * alpha[i];
    solveUpperTransposed(l, n, alpha, alpha);
    const logLikelihood = -0.5 * fit - 0.5 * logDeterminant(l, n) - 0.5 * n * Math.log(2 * Math.PI);
    const prior = logPrior(theta, d, grad);
    if (grad !== undefined) this.addLikelihoodGradient(grad, signal, extraNoise);
    return -(logLikelihood + prior);
  }

  /** grad −= ∂ log p(y | θ) / ∂θ, with W = ααᵀ − K⁻¹ (symmetric, so off-diagonal pairs count twice). */
  private addLikelihoodGradient(grad: Float64Array, signal: number, extraNoise: number): void {
    const { n, d } = this.data;
    const { gaps, r2, l, alpha, lambda, inverse, work } = this;
    inverseFromCholesky(l, n, inverse, work);
    let signalSum = 0;
    let noiseSum = 0;
    for (let i = 0; i < n; i++) {
      const w = alpha[i] * alpha[i] - inverse[i * n + i];
      signalSum += 0.5 * w * signal;
      noiseSum += 0.5 * w * extraNoise;
    }
    let p = 0;
    for (let i = 1; i < n; i++) {
      for (let j = 0; j < i; j++, p++) {
        const w = alpha[i] * alpha[j] - inverse[i * n + j];
        signalSum += w * signal * matern52(r2[p]);
        const slope = w * signal * matern52SlopeInR2(r2[p]);
        for (let c = 0; c < d; c++) grad[c] -= slope * lambda[c] * gaps[p * d + c];
      }
    }
    grad[d] -= signalSum;
    grad[d + 1] -= noiseSum;
  }
}

/**
 * The θ with the lowest negative log posterior over L-BFGS runs from each start (the caller passes
 * the prior means, the previous fit and any random starts). Falls back to the first start if none
 * can be evaluated.
 */
export function fitHyperparameters(data: TrainingData, starts: readonly Float64Array[], maxIterations = 60): Float64Array {
  const objective = new MarginalLikelihood(data);
  let best: { theta: Float64Array; value: number } = { theta: Float64Array.from(starts[0]), value: Infinity };
  for (const start of starts) {
    // Changes of a thousandth in the log posterior (a likelihood ratio of 1.001) are not worth an O(n³) step.
    const result = minimizeLbfgs((theta, grad) => objective.negativeLogPosterior(theta, grad), start, {
      maxIterations,
      gradientTolerance: 1e-3,
      valueTolerance: 1e-3,
      firstStep: 0.1,
    });
    if (result.value < best.value) best = { theta: result.x, value: result.value };
  }
  return best.theta;
}
