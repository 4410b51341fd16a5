/**
 * Log expected improvement for minimisation, stable far into the tail where EI itself underflows.
 * EI(x) = σ h(z) with z = (best − μ) / σ and h(z) = z Φ(z) + φ(z); we return log σ + log h(z).
 * - z > −3: h directly (no cancellation worth speaking of).
 * - −30 < z ≤ −3: h(z) = φ(z) (1 − t R(t)) with t = −z and the Mills ratio R(t) = Φ(−t) / φ(t) from
 *   its continued fraction; 1 − tR(t) ≈ 1/t² loses about t² ulps, under 1e-12 here.
 * - z ≤ −30: the asymptotic series 1 − tR(t) = 1/t² − 3/t⁴ + 15/t⁶ − ..., summed to 1e-17.
 */
import { erfc } from "../../nn/normal.ts";

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const SQRT1_2 = Math.SQRT1_2;

/** log h(z), h(z) = z Φ(z) + φ(z) = E[max(0, z + N(0,1))]. */
export function logH(z: number): number {
  if (z > -3) {
    const cdf = 0.5 * erfc(-z * SQRT1_2);
    const pdf = INV_SQRT_2PI * Math.exp(-0.5 * z * z);
    return Math.log(z * cdf + pdf);
  }
  const t = -z;
  const logPdf = -0.5 * t * t - LOG_SQRT_2PI;
  if (t < 30) return logPdf + Math.log1p(-t * millsRatio(t));
  const inverseT2 = 1 / (t * t);
  let term = inverseT2;
  let sum = 0;
  for (let k = 1; k < 40; k++) {
    sum += term;
    term *= -(2 * k + 1) * inverseT2;
    if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
  }
  return logPdf + Math.log(sum);
}

/** log EI for minimisation at posterior mean and variance, against the best value seen. */
export function logExpectedImprovement(mean: number, variance: number, best: number): number {
  const sd = Math.sqrt(variance);
  return Math.log(sd) + logH((best - mean) / sd);
}

/** Φ(−t) / φ(t) for t ≥ 3 by the continued fraction 1/(t + 1/(t + 2/(t + 3/(t + ...)))) (modified Lentz). */
export function millsRatio(t: number): number {
  const tiny = 1e-300;
  let f = t;
  let c = t;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    d = t + n * d;
    d = d === 0 ? tiny : 1 / d;
    c = t + n / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return 1 / f;
}
