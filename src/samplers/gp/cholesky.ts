/**
 * Dense symmetric positive-definite linear algebra on row-major Float64Array matrices: a Cholesky
 * factor that adds diagonal jitter only when the matrix is numerically singular, the two triangular
 * solves, and the inverse from the factor (which the marginal-likelihood gradient needs).
 */

/** Smallest jitter tried, relative to the mean diagonal; each retry multiplies it by ten. */
const FIRST_RELATIVE_JITTER = 1e-10;
const LAST_RELATIVE_JITTER = 1e-2;

/**
 * Lower factor L with L Lᵀ = a + jitter I, written into `out` (only its lower triangle is meaningful,
 * the upper is zeroed). Reads only the lower triangle of `a`. Returns false if a pivot is not positive.
 */
export function choleskyInto(a: Float64Array, n: number, out: Float64Array, jitter = 0): boolean {
  for (let i = 0; i < n; i++) {
    const rowI = i * n;
    for (let j = 0; j <= i; j++) {
      const rowJ = j * n;
      let sum = a[rowI + j];
      if (i === j) sum += jitter;
      for (let k = 0; k < j; k++) sum -= out[rowI + k] * out[rowJ + k];
      if (i === j) {
        if (!(sum > 0)) return false;
        out[rowI + i] = Math.sqrt(sum);
      } else {
        out[rowI + j] = sum / out[rowJ + j];
      }
    }
    for (let j = i + 1; j < n; j++) out[rowI + j] = 0;
  }
  return true;
}

/**
 * The Cholesky factor of `a`, retrying with jitter 1e-10, 1e-9, ... 1e-2 times the mean diagonal
 * when `a` is not numerically positive definite. Returns the jitter added (0 when none was needed);
 * throws when even the largest jitter fails (the matrix is not a covariance matrix).
 */
export function choleskyWithJitter(a: Float64Array, n: number, out: Float64Array): number {
  if (choleskyInto(a, n, out)) return 0;
  let meanDiagonal = 0;
  for (let i = 0; i < n; i++) meanDiagonal += a[i * n + i];
  meanDiagonal = Math.abs(meanDiagonal / Math.max(1, n)) || 1;
  for (let relative = FIRST_RELATIVE_JITTER; relative <= LAST_RELATIVE_JITTER * 1.0001; relative *= 10) {
    const jitter = relative * meanDiagonal;
    if (choleskyInto(a, n, out, jitter)) return jitter;
  }
  throw new Error(
    `Cholesky failed: the ${n}x${n} matrix is not positive definite even with jitter ${LAST_RELATIVE_JITTER} x its mean diagonal`,
  );
}

/** Solves L x = b (forward substitution); `out` may be `b`. */
export function solveLower(l: Float64Array, n: number, b: Float64Array, out: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const row = i * n;
    let sum = b[i];
    for (let k = 0; k < i; k++) sum -= l[row + k] * out[k];
    out[i] = sum / l[row + i];
  }
}

/** Solves Lᵀ x = b (back substitution with the transpose of the lower factor); `out` may be `b`. */
export function solveUpperTransposed(l: Float64Array, n: number, b: Float64Array, out: Float64Array): void {
  for (let i = n - 1; i >= 0; i--) {
    let sum = b[i];
    for (let k = i + 1; k < n; k++) sum -= l[k * n + i] * out[k];
    out[i] = sum / l[i * n + i];
  }
}

/** log det(L Lᵀ) = 2 Σ log L_ii. */
export function logDeterminant(l: Float64Array, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.log(l[i * n + i]);
  return 2 * sum;
}

/**
 * (L Lᵀ)⁻¹ into `out` (full symmetric matrix), using `work` (n*n). Costs about n³/2 multiply-adds.
 * work holds L⁻¹ transposed (row j = column j of L⁻¹), so every inner loop reads memory in order.
 */
export function inverseFromCholesky(l: Float64Array, n: number, out: Float64Array, work: Float64Array): void {
  work.fill(0);
  for (let j = 0; j < n; j++) {
    const rowJ = j * n;
    work[rowJ + j] = 1 / l[rowJ + j];
    for (let i = j + 1; i < n; i++) {
      const rowI = i * n;
      let sum = 0;
      for (let k = j; k < i; k++) sum -= l[rowI + k] * work[rowJ + k];
      work[rowJ + i] = sum / l[rowI + i];
    }
  }
  // (L Lᵀ)⁻¹_ij = Σ_k (L⁻¹)_ki (L⁻¹)_kj = Σ_{k >= max(i, j)} work_ik work_jk.
  for (let i = 0; i < n; i++) {
    const rowI = i * n;
    for (let j = 0; j <= i; j++) {
      const rowJ = j * n;
      let sum = 0;
      for (let k = i; k < n; k++) sum += work[rowI + k] * work[rowJ + k];
      out[rowI + j] = sum;
      out[rowJ + i] = sum;
    }
  }
}
