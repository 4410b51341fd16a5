// Blocked single-precision matrix products on raw linear memory (WebAssembly SIMD), shared by the
// convolutional network's kernels. Every matrix is row-major with its own row stride in floats, so a
// caller can hand in overlapping rows (a convolution's sliding window) as an ordinary matrix.
// Register tiles of 4 rows x 8 columns keep 8 accumulators in registers; the remainders use 1 row
// and 4 columns. N (columns) must be a multiple of 4 in every function.

/** C[M][N] += A[M][K] B[K][N]. */
export function gemmNN(m: i32, n: i32, k: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32): void {
  const aRow = <usize>lda << 2;
  const bRow = <usize>ldb << 2;
  const cRow = <usize>ldc << 2;
  let i = 0;
  for (; i + 3 < m; i += 4) {
    const a0 = a + <usize>i * aRow;
    const c0 = c + <usize>i * cRow;
    let j = 0;
    for (; j + 7 < n; j += 8) nn4x8(a0, aRow, b + (<usize>j << 2), bRow, c0 + (<usize>j << 2), cRow, k);
    for (; j < n; j += 4) nn4x4(a0, aRow, b + (<usize>j << 2), bRow, c0 + (<usize>j << 2), cRow, k);
  }
  for (; i < m; i++) {
    const a0 = a + <usize>i * aRow;
    const c0 = c + <usize>i * cRow;
    for (let j = 0; j < n; j += 4) {
      const jo = <usize>j << 2;
      let acc = v128.load(c0 + jo);
      let bp = b + jo;
      for (let q = 0; q < k; q++) {
        acc = f32x4.add(acc, f32x4.mul(f32x4.splat(load<f32>(a0 + (<usize>q << 2))), v128.load(bp)));
        bp += bRow;
      }
      v128.store(c0 + jo, acc);
    }
  }
}

// @ts-ignore: decorator
@inline
function nn4x8(a0: usize, aRow: usize, b: usize, bRow: usize, c0: usize, cRow: usize, k: i32): void {
  const a1 = a0 + aRow;
  const a2 = a1 + aRow;
  const a3 = a2 + aRow;
  const c1 = c0 + cRow;
  const c2 = c1 + cRow;
  const c3 = c2 + cRow;
  let s00 = v128.load(c0);
  let s01 = v128.load(c0, 16);
  let s10 = v128.load(c1);
  let s11 = v128.load(c1, 16);
  let s20 = v128.load(c2);
  let s21 = v128.load(c2, 16);
  let s30 = v128.load(c3);
  let s31 = v128.load(c3, 16);
  let bp = b;
  let off: usize = 0;
  for (let q = 0; q < k; q++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    const x0 = f32x4.splat(load<f32>(a0 + off));
    const x1 = f32x4.splat(load<f32>(a1 + off));
    const x2 = f32x4.splat(load<f32>(a2 + off));
    const x3 = f32x4.splat(load<f32>(a3 + off));
    s00 = f32x4.add(s00, f32x4.mul(x0, b0));
    s01 = f32x4.add(s01, f32x4.mul(x0, b1));
    s10 = f32x4.add(s10, f32x4.mul(x1, b0));
    s11 = f32x4.add(s11, f32x4.mul(x1, b1));
    s20 = f32x4.add(s20, f32x4.mul(x2, b0));
    s21 = f32x4.add(s21, f32x4.mul(x2, b1));
    s30 = f32x4.add(s30, f32x4.mul(x3, b0));
    s31 = f32x4.add(s31, f32x4.mul(x3, b1));
    bp += bRow;
    off += 4;
  }
  v128.store(c0, s00);
  v128.store(c0, s01, 16);
  v128.store(c1, s10);
  v128.store(c1, s11, 16);
  v128.store(c2, s20);
  v128.store(c2, s21, 16);
  v128.store(c3, s30);
  v128.store(c3, s31, 16);
}

// @ts-ignore: decorator
@inline
function nn4x4(a0: usize, aRow: usize, b: usize, bRow: usize, c0: usize, cRow: usize, k: i32): void {
  const a1 = a0 + aRow;
  const a2 = a1 + aRow;
  const a3 = a2 + aRow;
  const c1 = c0 + cRow;
  const c2 = c1 + cRow;
  const c3 = c2 + cRow;
  let s0 = v128.load(c0);
  let s1 = v128.load(c1);
  let s2 = v128.load(c2);
  let s3 = v128.load(c3);
  let bp = b;
  let off: usize = 0;
  for (let q = 0; q < k; q++) {
    const b0 = v128.load(bp);
    s0 = f32x4.add(s0, f32x4.mul(f32x4.splat(load<f32>(a0 + off)), b0));
    s1 = f32x4.add(s1, f32x4.mul(f32x4.splat(load<f32>(a1 + off)), b0));
    s2 = f32x4.add(s2, f32x4.mul(f32x4.splat(load<f32>(a2 + off)), b0));
    s3 = f32x4.add(s3, f32x4.mul(f32x4.splat(load<f32>(a3 + off)), b0));
    bp += bRow;
    off += 4;
  }
  v128.store(c0, s0);
  v128.store(c1, s1);
  v128.store(c2, s2);
  v128.store(c3, s3);
}

/** C[M][N] += A[K][M]^T B[K][N]: sums of outer products over K (weight gradients). */
export function gemmTN(m: i32, n: i32, k: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32): void {
  const aRow = <usize>lda << 2;
  const bRow = <usize>ldb << 2;
  const cRow = <usize>ldc << 2;
  let i = 0;
  for (; i + 3 < m; i += 4) {
    const ai = a + (<usize>i << 2);
    const c0 = c + <usize>i * cRow;
    let j = 0;
    for (; j + 7 < n; j += 8) tn4x8(ai, aRow, b + (<usize>j << 2), bRow, c0 + (<usize>j << 2), cRow, k);
    for (; j < n; j += 4) tn4x4(ai, aRow, b + (<usize>j << 2), bRow, c0 + (<usize>j << 2), cRow, k);
  }
  for (; i < m; i++) {
    const ai = a + (<usize>i << 2);
    const c0 = c + <usize>i * cRow;
    let j = 0;
    for (; j + 7 < n; j += 8) {
      const jo = <usize>j << 2;
      let s0 = v128.load(c0 + jo);
      let s1 = v128.load(c0 + jo, 16);
      let ap = ai;
      let bp = b + jo;
      for (let q = 0; q < k; q++) {
        const x = f32x4.splat(load<f32>(ap));
        s0 = f32x4.add(s0, f32x4.mul(x, v128.load(bp)));
        s1 = f32x4.add(s1, f32x4.mul(x, v128.load(bp, 16)));
        ap += aRow;
        bp += bRow;
      }
      v128.store(c0 + jo, s0);
      v128.store(c0 + jo, s1, 16);
    }
    for (; j < n; j += 4) {
      const jo = <usize>j << 2;
      let s0 = v128.load(c0 + jo);
      let ap = ai;
      let bp = b + jo;
      for (let q = 0; q < k; q++) {
        s0 = f32x4.add(s0, f32x4.mul(f32x4.splat(load<f32>(ap)), v128.load(bp)));
        ap += aRow;
        bp += bRow;
      }
      v128.store(c0 + jo, s0);
    }
  }
}

// @ts-ignore: decorator
@inline
function tn4x8(ai: usize, aRow: usize, b: usize, bRow: usize, c0: usize, cRow: usize, k: i32): void {
  const c1 = c0 + cRow;
  const c2 = c1 + cRow;
  const c3 = c2 + cRow;
  let s00 = v128.load(c0);
  let s01 = v128.load(c0, 16);
  let s10 = v128.load(c1);
  let s11 = v128.load(c1, 16);
  let s20 = v128.load(c2);
  let s21 = v128.load(c2, 16);
  let s30 = v128.load(c3);
  let s31 = v128.load(c3, 16);
  let ap = ai;
  let bp = b;
  for (let q = 0; q < k; q++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    const x0 = f32x4.splat(load<f32>(ap));
    const x1 = f32x4.splat(load<f32>(ap, 4));
    const x2 = f32x4.splat(load<f32>(ap, 8));
    const x3 = f32x4.splat(load<f32>(ap, 12));
    s00 = f32x4.add(s00, f32x4.mul(x0, b0));
    s01 = f32x4.add(s01, f32x4.mul(x0, b1));
    s10 = f32x4.add(s10, f32x4.mul(x1, b0));
    s11 = f32x4.add(s11, f32x4.mul(x1, b1));
    s20 = f32x4.add(s20, f32x4.mul(x2, b0));
    s21 = f32x4.add(s21, f32x4.mul(x2, b1));
    s30 = f32x4.add(s30, f32x4.mul(x3, b0));
    s31 = f32x4.add(s31, f32x4.mul(x3, b1));
    ap += aRow;
    bp += bRow;
  }
  v128.store(c0, s00);
  v128.store(c0, s01, 16);
  v128.store(c1, s10);
  v128.store(c1, s11, 16);
  v128.store(c2, s20);
  v128.store(c2, s21, 16);
  v128.store(c3, s30);
  v128.store(c3, s31, 16);
}

// @ts-ignore: decorator
@inline
function tn4x4(ai: usize, aRow: usize, b: usize, bRow: usize, c0: usize, cRow: usize, k: i32): void {
  const c1 = c0 + cRow;
  const c2 = c1 + cRow;
  const c3 = c2 + cRow;
  let s0 = v128.load(c0);
  let s1 = v128.load(c1);
  let s2 = v128.load(c2);
  let s3 = v128.load(c3);
  let ap = ai;
  let bp = b;
  for (let q = 0; q < k; q++) {
    const b0 = v128.load(bp);
    s0 = f32x4.add(s0, f32x4.mul(f32x4.splat(load<f32>(ap)), b0));
    s1 = f32x4.add(s1, f32x4.mul(f32x4.splat(load<f32>(ap, 4)), b0));
    s2 = f32x4.add(s2, f32x4.mul(f32x4.splat(load<f32>(ap, 8)), b0));
    s3 = f32x4.add(s3, f32x4.mul(f32x4.splat(load<f32>(ap, 12)), b0));
    ap += aRow;
    bp += bRow;
  }
  v128.store(c0, s0);
  v128.store(c1, s1);
  v128.store(c2, s2);
  v128.store(c3, s3);
}

/** C[M][N] = A[M][K] B[N][K]^T (overwrites C); K must be a multiple of 4 as well. */
export function gemmNT(m: i32, n: i32, k: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32): void {
  const aRow = <usize>lda << 2;
  const bRow = <usize>ldb << 2;
  const cRow = <usize>ldc << 2;
  const zero = f32x4.splat(0);
  const kBytes = <usize>k << 2;
  let i = 0;
  for (; i + 1 < m; i += 2) {
    const a0 = a + <usize>i * aRow;
    const a1 = a0 + aRow;
    const c0 = c + <usize>i * cRow;
    for (let j = 0; j < n; j += 4) {
      const b0 = b + <usize>j * bRow;
      const b1 = b0 + bRow;
      const b2 = b1 + bRow;
      const b3 = b2 + bRow;
      let s00 = zero, s01 = zero, s02 = zero, s03 = zero;
      let s10 = zero, s11 = zero, s12 = zero, s13 = zero;
      for (let o: usize = 0; o < kBytes; o += 16) {
        const x0 = v128.load(a0 + o);
        const x1 = v128.load(a1 + o);
        const w0 = v128.load(b0 + o);
        const w1 = v128.load(b1 + o);
        const w2 = v128.load(b2 + o);
        const w3 = v128.load(b3 + o);
        s00 = f32x4.add(s00, f32x4.mul(x0, w0));
        s01 = f32x4.add(s01, f32x4.mul(x0, w1));
        s02 = f32x4.add(s02, f32x4.mul(x0, w2));
        s03 = f32x4.add(s03, f32x4.mul(x0, w3));
        s10 = f32x4.add(s10, f32x4.mul(x1, w0));
        s11 = f32x4.add(s11, f32x4.mul(x1, w1));
        s12 = f32x4.add(s12, f32x4.mul(x1, w2));
        s13 = f32x4.add(s13, f32x4.mul(x1, w3));
      }
      v128.store(c0 + (<usize>j << 2), sum4(s00, s01, s02, s03));
      v128.store(c0 + cRow + (<usize>j << 2), sum4(s10, s11, s12, s13));
    }
  }
  for (; i < m; i++) {
    const a0 = a + <usize>i * aRow;
    const c0 = c + <usize>i * cRow;
    for (let j = 0; j < n; j += 4) {
      const b0 = b + <usize>j * bRow;
      let s0 = zero, s1 = zero, s2 = zero, s3 = zero;
      for (let o: usize = 0; o < kBytes; o += 16) {
        const x0 = v128.load(a0 + o);
        s0 = f32x4.add(s0, f32x4.mul(x0, v128.load(b0 + o)));
        s1 = f32x4.add(s1, f32x4.mul(x0, v128.load(b0 + bRow + o)));
        s2 = f32x4.add(s2, f32x4.mul(x0, v128.load(b0 + 2 * bRow + o)));
        s3 = f32x4.add(s3, f32x4.mul(x0, v128.load(b0 + 3 * bRow + o)));
      }
      v128.store(c0 + (<usize>j << 2), sum4(s0, s1, s2, s3));
    }
  }
}

// [sum of a0's lanes, sum of a1's, sum of a2's, sum of a3's]
// @ts-ignore: decorator
@inline
export function sum4(a0: v128, a1: v128, a2: v128, a3: v128): v128 {
  const t0 = f32x4.add(v128.shuffle<f32>(a0, a1, 0, 4, 1, 5), v128.shuffle<f32>(a0, a1, 2, 6, 3, 7));
  const t1 = f32x4.add(v128.shuffle<f32>(a2, a3, 0, 4, 1, 5), v128.shuffle<f32>(a2, a3, 2, 6, 3, 7));
  return f32x4.add(v128.shuffle<f32>(t0, t1, 0, 1, 4, 5), v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
}

/** out[N] += sum over the M rows of A[M][N] (bias gradients). */
export function addColumnSums(m: i32, n: i32, a: usize, lda: i32, out: usize): void {
  const aRow = <usize>lda << 2;
  for (let j = 0; j < n; j += 4) {
    const jo = <usize>j << 2;
    let acc = v128.load(out + jo);
    let p = a + jo;
    for (let i = 0; i < m; i++) {
      acc = f32x4.add(acc, v128.load(p));
      p += aRow;
    }
    v128.store(out + jo, acc);
  }
}
