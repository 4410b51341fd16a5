/**
 * The standard normal's tails and the truncated normal, computed in log space so that far tails
 * (|x| of 10 or 40) stay finite and accurate: log Phi, the log of the mass between two points,
 * the inverse CDF from a log probability, sampling by inversion and the log density.
 * Everything works on standardised bounds a < b (in units of sigma around mu).
 */
import { logNdtr, ndtr } from "../../nn/normal.ts";
import type { Rng } from "../../nn/rng.ts";

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** log(1 - e^d) for d <= 0. */
function log1mexp(d: number): number {
  return d > -Math.LN2 ? Math.log(-Math.expm1(d)) : Math.log1p(-Math.exp(d));
}

function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const top = Math.max(a, b);
  return top + Math.log1p(Math.exp(-Math.abs(a - b)));
}

/** log(Phi(b) - Phi(a)) for a <= b, working in whichever tail keeps precision. */
export function logGaussMass(a: number, b: number): number {
  if (b <= 0) return logNdtr(b) + log1mexp(logNdtr(a) - logNdtr(b));
  if (a >= 0) return logGaussMass(-b, -a);
  // The interval straddles 0: the mass is 1 minus both (small-ish) tails.
  return Math.log1p(-ndtr(a) - ndtr(-b));
}

/**
 * logGaussMass(a, b) from the log tails at both ends computed beforehand (lowerX = log Phi(x) where
 * x <= 0, upperX = log Phi(-x) where x >= 0): the same number, for a row of adjacent cells that share
 * their edges.
 */
export function logCellMass(a: number, b: number, lowerA: number, lowerB: number, upperA: number, upperB: number): number {
  if (b <= 0) return lowerB + log1mexp(lowerA - lowerB);
  if (a >= 0) return upperA + log1mexp(upperB - upperA);
  return Math.log1p(-ndtr(a) - ndtr(-b));
}

/** Phi^{-1}(e^y) for y <= 0: a rational first guess refined by Newton on log Phi (concave, so it converges monotonically). */
export function ndtriExp(y: number): number {
  if (Number.isNaN(y) || y > 0) return NaN;
  if (y === 0) return Infinity;
  if (y === -Infinity) return -Infinity;
  if (y > -Math.LN2) return -ndtriExp(log1mexp(y));
  // Abramowitz & Stegun 26.2.23 (error < 5e-4) as the starting point.
  const t = Math.sqrt(-2 * y);
  let x = -(t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t));
  for (let i = 0; i < 50; i++) {
    const logCdf = logNdtr(x);
    const slope = Math.exp(-0.5 * x * x - LOG_SQRT_2PI - logCdf);
    const step = (logCdf - y) / slope;
    x -= step;
    if (Math.abs(step) <= 1e-15 * Math.max(1, Math.abs(x))) break;
  }
  return x;
}

/** Phi^{-1}(p). */
export function ndtri(p: number): number {
  if (p < 0 || p > 1 || Number.isNaN(p)) return NaN;
  if (p > 0.5) return -ndtriExp(Math.log1p(-p));
  return ndtriExp(Math.log(p));
}

/** A draw from the standard normal truncated to [a, b], by inverting the CDF with one uniform. */
export function sampleStandardTruncnorm(rng: Rng, a: number, b: number): number {
  if (!(a < b)) return a;
  // Work in the lower tail where log Phi is precise.
  if (a >= 0) return -sampleStandardTruncnorm(rng, -b, -a);
  const u = rng.uniform();
  const logP = logAddExp(logNdtr(a), Math.log(u) + logGaussMass(a, b));
  const x = ndtriExp(Math.min(0, logP));
  return Math.min(b, Math.max(a, x));
}

/** log density of the standard normal truncated to [a, b] at x (-Infinity outside). */
export function logStandardTruncnormPdf(x: number, a: number, b: number): number {
  if (x < a || x > b) return -Infinity;
  return -0.5 * x * x - LOG_SQRT_2PI - logGaussMass(a, b);
}
