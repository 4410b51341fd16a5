/**
 * The Matern 5/2 kernel with one length scale per input dimension (automatic relevance determination)
 * and a signal variance. Distances are weighted by inverse squared length scales λ_d = 1 / ℓ_d²:
 * r² = Σ_d λ_d δ_d², where δ_d is the coordinate difference for a numeric dimension and, for a
 * categorical one, 0 when the two choices are equal and 1 otherwise (a Hamming-type distance).
 */

const SQRT5 = Math.sqrt(5);

/** Matern 5/2 correlation at squared distance r2: (1 + √5 r + 5/3 r²) e^{-√5 r}. */
export function matern52(r2: number): number {
  const r = Math.sqrt(r2);
  return (1 + SQRT5 * r + (5 / 3) * r2) * Math.exp(-SQRT5 * r);
}

/** d matern52 / d(r²) = -(5/6)(1 + √5 r) e^{-√5 r}; finite at r = 0. */
export function matern52SlopeInR2(r2: number): number {
  const r = Math.sqrt(r2);
  return -(5 / 6) * (1 + SQRT5 * r) * Math.exp(-SQRT5 * r);
}

/** The per-dimension difference term δ_d² between coordinates a and b. */
export function dimensionGap(a: number, b: number, categorical: boolean): number {
  if (categorical) return a === b ? 0 : 1;
  const difference = a - b;
  return difference * difference;
}

/**
 * r² between row i of `x` and row j of `y` (both row-major with d columns) under weights `lambda`.
 */
export function weightedSquaredDistance(
  x: Float64Array,
  i: number,
  y: Float64Array,
  j: number,
  d: number,
  lambda: Float64Array,
  categorical: Uint8Array,
): number {
  let r2 = 0;
  const xi = i * d;
  const yj = j * d;
  for (let k = 0; k < d; k++) r2 += lambda[k] * dimensionGap(x[xi + k], y[yj + k], categorical[k] === 1);
  return r2;
}
