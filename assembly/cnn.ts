// WebAssembly SIMD kernels for the Fashion-MNIST CNN: conv3x3(c1, padding 1) -> ReLU -> maxpool 2 ->
// conv3x3(c2, padding 1) -> ReLU -> maxpool 2 -> dense(hidden) -> ReLU -> dense(10), softmax
// cross-entropy, Adam. Everything lives in raw linear memory laid out by `layout`.
//
// Activations are channels-last (NHWC) with channel counts padded to multiples of 4. A convolution is
// three matrix products, one per kernel row ky: the padded input read with a row stride of one pixel
// is a matrix whose row p holds the 3 x channels values that output pixel p sees in kernel row ky
// (rows overlap). Output pixels are computed over the padded width (W + 2 per row, two junk columns
// per row) so that every row of every product has the same stride; junk columns are never read.
// Padded channels, hidden units and classes carry zero weights and gradients and stay zero.
import { adamUpdate } from "./lib/adam";
import { addColumnSums, gemmNN, gemmNT, gemmTN } from "./lib/gemm";

const SIDE: i32 = 28;
const CLASSES: i32 = 10;
const CP: i32 = 12; // classes padded
const TILE: i32 = 16; // images whose dense layers run as one matrix product
const IN_W: i32 = SIDE + 2; // padded input side (30)
const Z1_ROWS: i32 = SIDE * IN_W; // conv1 output pixels over the padded width (840)
const P1_W: i32 = SIDE / 2 + 2; // padded pooled-1 side (16)
const Z2_ROWS: i32 = (SIDE / 2) * P1_W; // conv2 output pixels (224)
const SLACK: i32 = 4; // spare zero pixels after a padded image: the last rows' junk pixels read past it
const POOLED: i32 = 7 * 7;

let c1: i32 = 0;
let c2: i32 = 0;
let hp: i32 = 0;
let features: i32 = 0;
let paramCount: i32 = 0;

let params: usize = 0;
let grads: usize = 0;
let moment1: usize = 0;
let moment2: usize = 0;
// parameter blocks (grads at the same offsets + gradOffset)
let w1: usize = 0; // [3][3][c1]
let b1: usize = 0;
let w2: usize = 0; // [3][3][c1][c2]
let b2: usize = 0;
let w3: usize = 0; // [7*7*c2][hp] (feature (y, x, c) -> hidden)
let b3: usize = 0;
let w4: usize = 0; // [hp][CP] (transposed)
let b4: usize = 0;
let gradOffset: usize = 0;

let xPad: usize = 0; // [TILE][IN_W*IN_W + SLACK]
let z1: usize = 0; // [TILE][Z1_ROWS][c1]
let p1: usize = 0; // [TILE][P1_W*P1_W + SLACK][c1]
let z2: usize = 0; // [TILE][Z2_ROWS][c2]
let feat: usize = 0; // [TILE][features]
let hidden: usize = 0; // [TILE][hp]
let dHidden: usize = 0;
let out: usize = 0; // [TILE][CP]
let dOut: usize = 0;
let dFeat: usize = 0; // [TILE][features]
let dz2Pad: usize = 0; // [P1_W + 1 + Z2_ROWS + P1_W + SLACK][c2]; dz2 = dz2Pad + (P1_W + 1) pixels
let dP1: usize = 0; // [Z2_ROWS][c1]
let dz1: usize = 0; // [Z1_ROWS][c1]
let w2Flip: usize = 0; // [3][3][c2][c1] = w2[2-ky][2-kx][ci][co] transposed: the input-gradient kernel
let labels: usize = 0; // [TILE] i32
let orderBuf: usize = 0;
let lossBuf: usize = 0;
let correct: i32 = 0;

let learningRate: f64 = 0;
let weightDecay: f32 = 0;
let beta1: f64 = 0.9;
let beta2: f64 = 0.999;
let epsilon: f32 = 1e-8;
let adamSteps: i32 = 0;

function align16(p: usize): usize {
  return (p + 15) & ~(<usize>15);
}

// @ts-ignore: decorator
@inline
function bytes(floats: i32): usize {
  return <usize>floats << 2;
}

export function heapBase(): usize {
  return align16(__heap_base);
}

function layoutParams(base: usize): usize {
  paramCount = 9 * c1 + c1 + 9 * c1 * c2 + c2 + features * hp + hp + hp * CP + CP;
  let p = align16(base);
  params = p; p += bytes(paramCount);
  grads = p; p += bytes(paramCount);
  moment1 = p; p += bytes(paramCount);
  moment2 = p; p += bytes(paramCount);
  gradOffset = grads - params;
  w1 = params;
  b1 = w1 + bytes(9 * c1);
  w2 = b1 + bytes(c1);
  b2 = w2 + bytes(9 * c1 * c2);
  w3 = b2 + bytes(c2);
  b3 = w3 + bytes(features * hp);
  w4 = b3 + bytes(hp);
  b4 = w4 + bytes(hp * CP);
  return p;
}

/** Lays out every buffer from `base` (channel counts already padded to multiples of 4); returns the end. */
export function layout(base: usize, channels1: i32, channels2: i32, hiddenUnits: i32, maxRows: i32): usize {
  c1 = channels1;
  c2 = channels2;
  hp = hiddenUnits;
  features = POOLED * c2;
  let p = layoutParams(base);
  const start = p;
  xPad = p; p = align16(p + bytes(TILE * (IN_W * IN_W + SLACK)));
  z1 = p; p = align16(p + bytes(TILE * Z1_ROWS * c1));
  p1 = p; p = align16(p + bytes(TILE * (P1_W * P1_W + SLACK) * c1));
  z2 = p; p = align16(p + bytes(TILE * Z2_ROWS * c2));
  feat = p; p = align16(p + bytes(TILE * features));
  hidden = p; p = align16(p + bytes(TILE * hp));
  dHidden = p; p = align16(p + bytes(TILE * hp));
  out = p; p = align16(p + bytes(TILE * CP));
  dOut = p; p = align16(p + bytes(TILE * CP));
  dFeat = p; p = align16(p + bytes(TILE * features));
  dz2Pad = p; p = align16(p + bytes((2 * P1_W + 2 + Z2_ROWS + SLACK) * c2));
  dP1 = p; p = align16(p + bytes(Z2_ROWS * c1));
  dz1 = p; p = align16(p + bytes(Z1_ROWS * c1));
  w2Flip = p; p = align16(p + bytes(9 * c1 * c2));
  labels = p; p = align16(p + bytes(TILE));
  scratchStart = start;
  scratchEnd = p;
  orderBuf = p; p = align16(p + bytes(maxRows));
  lossBuf = p; p = align16(p + (<usize>maxRows << 3));
  return p;
}

let scratchStart: usize = 0;
let scratchEnd: usize = 0;

/** Zeroes the activation buffers: their borders and junk columns are never written. Call after `layout`, once memory is grown. */
export function clearBuffers(): void {
  memory.fill(scratchStart, 0, scratchEnd - scratchStart);
}

export function paramsPointer(): usize { return params; }
export function gradsPointer(): usize { return grads; }
export function paramCountPadded(): i32 { return paramCount; }
export function orderPointer(): usize { return orderBuf; }
export function lossPointer(): usize { return lossBuf; }
export function correctCount(): i32 { return correct; }

/** Starts a fresh Adam run: zero moments, step 0. */
export function startAdam(lr: f64, decay: f64, b1_: f64, b2_: f64, eps: f64): void {
  learningRate = lr;
  weightDecay = <f32>decay;
  beta1 = b1_;
  beta2 = b2_;
  epsilon = <f32>eps;
  adamSteps = 0;
  memory.fill(moment1, 0, bytes(paramCount) << 1);
}

// Copies image `row` of x ([n][784]) into the interior of tile slot s's padded input.
function loadImage(x: usize, row: i32, s: i32): void {
  const src = x + bytes(row * SIDE * SIDE);
  const dst = xPad + bytes(s * (IN_W * IN_W + SLACK));
  for (let y = 0; y < SIDE; y++) memory.copy(dst + bytes((y + 1) * IN_W + 1), src + bytes(y * SIDE), bytes(SIDE));
}

// out[rows][co] = bias + sum over ky of in(ky)[rows][3 ci] w[ky][3 ci][co] (see the header).
function conv3x3(input: usize, inWidth: i32, ci: i32, rows: i32, w: usize, bias: usize, co: i32, output: usize): void {
  if (bias != 0) {
    for (let r = 0; r < rows; r++) memory.copy(output + bytes(r * co), bias, bytes(co));
  } else {
    memory.fill(output, 0, bytes(rows * co));
  }
  for (let ky = 0; ky < 3; ky++) {
    gemmNN(rows, co, 3 * ci, input + bytes(ky * inWidth * ci), ci, w + bytes(ky * 3 * ci * co), co, output, co);
  }
}

// gw[ky][3 ci][co] += in(ky)^T dz: the weight gradient of conv3x3, and gb += column sums of dz.
function conv3x3WeightGrad(input: usize, inWidth: i32, ci: i32, rows: i32, dz: usize, co: i32, gw: usize, gb: usize): void {
  for (let ky = 0; ky < 3; ky++) {
    gemmTN(3 * ci, co, rows, input + bytes(ky * inWidth * ci), ci, dz, co, gw + bytes(ky * 3 * ci * co), co);
  }
  addColumnSums(rows, co, dz, co, gb);
}

// relu(max of each 2x2 window) of z ([side][side+2][c], junk columns ignored) into `pooled`, whose
// pixel (y, x) is at pooled + ((y + offset) * pooledWidth + x + offset) * c.
function poolForward(z: usize, side: i32, c: i32, pooled: usize, pooledWidth: i32, offset: i32): void {
  const zw = side + 2;
  const zero = f32x4.splat(0);
  for (let y = 0; y < side / 2; y++) {
    for (let x = 0; x < side / 2; x++) {
      const a = z + bytes((2 * y * zw + 2 * x) * c);
      const b = a + bytes(zw * c);
      const dst = pooled + bytes(((y + offset) * pooledWidth + x + offset) * c);
      for (let k = 0; k < c; k += 4) {
        const o = bytes(k);
        const top = f32x4.max(v128.load(a + o), v128.load(a + o + bytes(c)));
        const bottom = f32x4.max(v128.load(b + o), v128.load(b + o + bytes(c)));
        v128.store(dst + o, f32x4.max(f32x4.max(top, bottom), zero));
      }
    }
  }
}

// The gradient through pool and ReLU: each window's gradient goes to its first maximum (PyTorch's
// choice) when that maximum is positive; every other pixel of dz gets zero. dPooled pixel (y, x) is
// at dPooled + (y * pooledWidth + x) * c.
function poolBackward(z: usize, side: i32, c: i32, dPooled: usize, pooledWidth: i32, dz: usize): void {
  const zw = side + 2;
  const zero = f32x4.splat(0);
  for (let y = 0; y < side / 2; y++) {
    for (let x = 0; x < side / 2; x++) {
      const offA = bytes((2 * y * zw + 2 * x) * c);
      const offC = offA + bytes(zw * c);
      const g = dPooled + bytes((y * pooledWidth + x) * c);
      for (let k = 0; k < c; k += 4) {
        const o = bytes(k);
        const va = v128.load(z + offA + o);
        const vb = v128.load(z + offA + o + bytes(c));
        const vc = v128.load(z + offC + o);
        const vd = v128.load(z + offC + o + bytes(c));
        const m = f32x4.max(f32x4.max(va, vb), f32x4.max(vc, vd));
        const gv = v128.and(v128.load(g + o), f32x4.gt(m, zero));
        const isA = f32x4.eq(va, m);
        const isB = v128.andnot(f32x4.eq(vb, m), isA);
        const taken = v128.or(isA, isB);
        const isC = v128.andnot(f32x4.eq(vc, m), taken);
        const isD = v128.not(v128.or(taken, isC));
        v128.store(dz + offA + o, v128.and(gv, isA));
        v128.store(dz + offA + o + bytes(c), v128.and(gv, isB));
        v128.store(dz + offC + o, v128.and(gv, isC));
        v128.store(dz + offC + o + bytes(c), v128.and(gv, isD));
      }
    }
  }
}

// Convolutions and pools of tile slot s, up to its features.
function forwardImage(s: i32): void {
  const zs1 = z1 + bytes(s * Z1_ROWS * c1);
  const ps1 = p1 + bytes(s * (P1_W * P1_W + SLACK) * c1);
  const zs2 = z2 + bytes(s * Z2_ROWS * c2);
  conv3x3(xPad + bytes(s * (IN_W * IN_W + SLACK)), IN_W, 1, Z1_ROWS, w1, b1, c1, zs1);
  poolForward(zs1, SIDE, c1, ps1, P1_W, 1);
  conv3x3(ps1, P1_W, c1, Z2_ROWS, w2, b2, c2, zs2);
  poolForward(zs2, SIDE / 2, c2, feat + bytes(s * features), 7, 0);
}

// hidden = relu(feat w3 + b3), out = hidden w4 + b4 for the tile's n images.
function forwardDense(n: i32): void {
  for (let r = 0; r < n; r++) {
    memory.copy(hidden + bytes(r * hp), b3, bytes(hp));
    memory.copy(out + bytes(r * CP), b4, bytes(CP));
  }
  gemmNN(n, hp, features, feat, features, w3, hp, hidden, hp);
  const zero = f32x4.splat(0);
  for (let o: usize = 0; o < bytes(n * hp); o += 16) v128.store(hidden + o, f32x4.max(v128.load(hidden + o), zero));
  gemmNN(n, CP, hp, hidden, hp, w4, CP, out, CP);
}

// Sum of the n rows' cross-entropy; with `withGrad`, dOut = d(mean over `rows`)/d(out). Counts argmax hits in `correct`.
function lossTile(n: i32, withGrad: bool, scale: f32): f64 {
  let total: f64 = 0;
  for (let r = 0; r < n; r++) {
    const o = out + bytes(r * CP);
    const label = load<i32>(labels + bytes(r));
    let top = load<f32>(o);
    let best = 0;
    for (let c = 1; c < CLASSES; c++) {
      const v = load<f32>(o + bytes(c));
      if (v > top) { top = v; best = c; }
    }
    if (best == label) correct++;
    let sum: f32 = 0;
    for (let c = 0; c < CLASSES; c++) sum += Mathf.exp(load<f32>(o + bytes(c)) - top);
    total += <f64>top + Math.log(<f64>sum) - <f64>load<f32>(o + bytes(label));
    if (!withGrad) continue;
    const g = dOut + bytes(r * CP);
    const norm = scale / sum;
    for (let c = 0; c < CLASSES; c++) store<f32>(g + bytes(c), Mathf.exp(load<f32>(o + bytes(c)) - top) * norm);
    store<f32>(g + bytes(label), load<f32>(g + bytes(label)) - scale);
  }
  return total;
}

// Gradients of the dense layers (accumulated) and dFeat for the tile's n images.
function backwardDense(n: i32): void {
  const gw3 = w3 + gradOffset;
  const gw4 = w4 + gradOffset;
  gemmTN(hp, CP, n, hidden, hp, dOut, CP, gw4, CP);
  addColumnSums(n, CP, dOut, CP, b4 + gradOffset);
  gemmNT(n, hp, CP, dOut, CP, w4, CP, dHidden, hp);
  const zero = f32x4.splat(0);
  for (let o: usize = 0; o < bytes(n * hp); o += 16) {
    v128.store(dHidden + o, v128.and(v128.load(dHidden + o), f32x4.gt(v128.load(hidden + o), zero)));
  }
  gemmTN(features, hp, n, feat, features, dHidden, hp, gw3, hp);
  addColumnSums(n, hp, dHidden, hp, b3 + gradOffset);
  gemmNT(n, features, hp, dHidden, hp, w3, hp, dFeat, features);
}

// Gradients of both convolutions (accumulated) for tile slot s, from dFeat.
function backwardImage(s: i32): void {
  const zs1 = z1 + bytes(s * Z1_ROWS * c1);
  const ps1 = p1 + bytes(s * (P1_W * P1_W + SLACK) * c1);
  const zs2 = z2 + bytes(s * Z2_ROWS * c2);
  const dz2 = dz2Pad + bytes((P1_W + 1) * c2);
  poolBackward(zs2, SIDE / 2, c2, dFeat + bytes(s * features), 7, dz2);
  conv3x3WeightGrad(ps1, P1_W, c1, Z2_ROWS, dz2, c2, w2 + gradOffset, b2 + gradOffset);
  conv3x3(dz2Pad, P1_W, c2, Z2_ROWS, w2Flip, 0, c1, dP1);
  poolBackward(zs1, SIDE, c1, dP1, P1_W, dz1);
  conv3x3WeightGrad(xPad + bytes(s * (IN_W * IN_W + SLACK)), IN_W, 1, Z1_ROWS, dz1, c1, w1 + gradOffset, b1 + gradOffset);
}

// w2Flip[ky][kx][co][ci] = w2[2-ky][2-kx][ci][co]: conv3x3 with it maps dz2 (padded) to dP1.
function flipConv2(): void {
  for (let t = 0; t < 9; t++) {
    const src = w2 + bytes((8 - t) * c1 * c2);
    const dst = w2Flip + bytes(t * c1 * c2);
    for (let ci = 0; ci < c1; ci++) {
      for (let co = 0; co < c2; co++) store<f32>(dst + bytes(co * c1 + ci), load<f32>(src + bytes(ci * c2 + co)));
    }
  }
}

// Loss sum of `rows` images; with `withGrad` the grads block holds d(mean loss)/d(params).
// `gather`: images are order[first..first+rows) of x; otherwise the consecutive images from `first`.
function batchLossSum(x: usize, y: usize, rows: i32, gather: bool, first: i32, withGrad: bool): f64 {
  const scale = <f32>(1.0 / <f64>rows);
  if (withGrad) {
    memory.fill(grads, 0, bytes(paramCount));
    flipConv2();
  }
  let total: f64 = 0;
  for (let t = 0; t < rows; t += TILE) {
    const n = min(TILE, rows - t);
    for (let s = 0; s < n; s++) {
      const row = gather ? load<i32>(orderBuf + bytes(first + t + s)) : first + t + s;
      loadImage(x, row, s);
      store<i32>(labels + bytes(s), <i32>load<f32>(y + bytes(row)));
      forwardImage(s);
    }
    forwardDense(n);
    total += lossTile(n, withGrad, scale);
    if (!withGrad) continue;
    backwardDense(n);
    for (let s = 0; s < n; s++) backwardImage(s);
  }
  return total;
}

// One Adam step over every parameter (PyTorch semantics, coupled L2: lib/adam.ts).
function adamStep(): void {
  adamSteps++;
  adamUpdate(params, grads, moment1, moment2, paramCount, adamSteps, learningRate, weightDecay, beta1, beta2, epsilon);
}

/**
 * One epoch over the first `count` entries of the order buffer in minibatches of `batch` images (the
 * last one partial). Writes each step's loss (before its update) to the loss buffer; stops right after
 * a loss that is not finite, without updating; returns the number of losses written.
 */
export function trainEpoch(x: usize, y: usize, count: i32, batch: i32): i32 {
  let steps = 0;
  for (let start = 0; start < count; start += batch) {
    const rows = min(batch, count - start);
    const loss = batchLossSum(x, y, rows, true, start, true) / <f64>rows;
    store<f64>(lossBuf + (<usize>steps << 3), loss);
    steps++;
    if (!isFinite<f64>(loss)) return steps;
    adamStep();
  }
  return steps;
}

/** Mean loss over `count` consecutive images; correctCount() then gives how many were classified right. */
export function meanLoss(x: usize, y: usize, count: i32): f64 {
  correct = 0;
  return batchLossSum(x, y, count, false, 0, false) / <f64>count;
}

/** Mean loss and gradients (into the grads block) of `rows` consecutive images from `first`, no update. */
export function lossAndGradient(x: usize, y: usize, first: i32, rows: i32): f64 {
  return batchLossSum(x, y, rows, false, first, true) / <f64>rows;
}
