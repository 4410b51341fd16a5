/**
 * The standard normal's distribution function and the error functions, accurate to about 1e-15
 * relative in both tails: an everywhere-positive series below 2, a continued fraction above (no
 * cancellation), and log Phi computed in log space so far tails (|x| of 10 or 40) stay finite.
 */
const SQRT2 = Math.SQRT2;
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
