/**
 * The standard normal's tails and the truncated normal, computed in log space so that far tails
 * (|x| of 10 or 40) stay finite and accurate: log Phi, the log of the mass between two points,
 * the inverse CDF from a log probability, sampling by inversion and the log density.
 * Everything works on standardised bounds a < b (in units of sigma around mu).
 */
import type { Rng } from "../../nn/rng.ts";

const SQRT2 = Math.SQRT2;
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const INV_SQRT_PI = 1 / Math.sqrt(Math.PI);

/** erf by its everywhere-positive series erf(z) = 2/sqrt(pi) e^{-z^2} sum 2^n z^{2n+1} / (2n+1)!!; good for |z| < 3. */
function erfSeries(z: number): number {
  let term = z;
  let sum = z;
  const twoZ2 = 2 * z * z;
  for (let n = 1; n < 200; n++) {
    term *= twoZ2 / (2 * n + 1);
    sum += term;
    if (Math.abs(term) <= 1e-17 * Math.abs(sum)) break;
  }
  return 2 * INV_SQRT_PI * Math.exp(-z * z) * sum;
}

/** e^{z^2} erfc(z) for z >= 2 by its continued fraction (modified Lentz). */
function erfcxFraction(z: number): number {
  const tiny = 1e-300;
  let f = z;
  let c = z;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const a = n / 2;
    d = z + a * d;
    d = d === 0 ? tiny : d;
    c = z + a / c;
    c = c === 0 ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return INV_SQRT_PI / f;
}

/** erfc(z) for any z. */
export function erfc(z: number): number {
  if (Number.isNaN(z)) return NaN;
  if (z < 0) return 2 - erfc(-z);
  if (z < 2) return 1 - erfSeries(z);
  if (z > 27.3) return 0;
  return Math.exp(-z * z) * erfcxFraction(z);
}

export function erf(z: number): number {
  if (Math.abs(z) < 2) return erfSeries(z);
  return 1 - erfc(z);
}

/** log(e^{z^2} erfc(z)) for z >= 0, without overflow or underflow. */
function logErfcx(z: number): number {
  if (z < 2) return z * z + Math.log(1 - erfSeries(z));
  return Math.log(erfcxFraction(z));
}

/** The standard normal CDF. */
export function ndtr(x: number): number {
  return 0.5 * erfc(-x / SQRT2);
}

/** log Phi(x), accurate in both tails. */
export function logNdtr(x: number): number {
  if (x === Infinity) return 0;
  if (x === -Infinity) return -Infinity;
  if (x > 6) return Math.log1p(-0.5 * erfc(x / SQRT2));
  if (x > -1) return Math.log(0.5 * erfc(-x / SQRT2));
  const z = -x / SQRT2;
  return Math.log(0.5) - z * z + logErfcx(z);
}

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
