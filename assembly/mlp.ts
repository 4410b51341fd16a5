// WebAssembly SIMD kernels for the two-layer MLP trainer (Linear -> ReLU -> Linear, Adam), for one model
// or for several models of the same shape trained together on the same minibatches (a table build's
// configurations that differ only in learning rate and weight decay): each row is gathered once, and
// the first layer of every model is one matrix product (lib/gemm.ts, register-tiled).
// No managed objects: everything lives in raw linear memory laid out by `layout`, so the JS side
// copies data in once and then calls one function per epoch.
//
// Every model's arithmetic is the one-model arithmetic, operation for operation and in the same order
// (sums over inputs, hidden units and rows run in the same sequence, no fused multiply-add), so a model
// trained in a group gets bit-for-bit the numbers it gets alone.
//
// Layout from `base` (every block 16-byte aligned; `hp` = hidden rounded up to a multiple of 4, M models,
// `wide` = M * hp, `second` = outputs * hp + outputs rounded up to 4):
//   params  f32: W1T [inputs][wide] (model m's W1 transposed in columns m*hp..), b1 [wide],
//                then per model W2 [outputs][hp] and b2 [outputs rounded to 4] (`second` floats)
//   grads   f32: same layout as params
//   m, v    f32: Adam moments, same layout
//   xTile   f32 [TILE][inputs]       yTile  f32 [TILE]
//   hidden  f32 [TILE][wide]  (after ReLU)     dHidden f32 [TILE][wide]
//   out     f32 per model [TILE][outputs]      dOut    f32 per model [TILE][outputs]
//   per model: learning rate f64, weight decay f32, alive i32, loss sum f64;  tops f32 [TILE] (softmax)
//   order   i32 [maxRows]                      losses  f64 [maxRows][M]
// With one model this is the layout W1T, b1, W2, b2. Padded hidden units have zero weights, zero bias
// and zero gradient, so they stay exactly zero.

import { adamCorrection2Sqrt, adamSegment, adamStepSize } from "./lib/adam";
import { expf4 } from "./lib/expf";
import { addColumnSums, gemmNN, gemmTN, sum4 } from "./lib/gemm";

let nInputs: i32 = 0;
let nHidden: i32 = 0; // padded
let nOutputs: i32 = 0;
let nModels: i32 = 1;
let wide: i32 = 0;
let secondCount: i32 = 0;
let isClassification: bool = false;

// Rows are processed in tiles of this many so that a tile's activations and gradients stay in cache
// whatever the batch size; gradients accumulate over the tiles of a batch. The bias gradient of the
// second layer and the loss are summed per tile, so this number is part of the arithmetic.
const TILE: i32 = 32;

let params: usize = 0;
let grads: usize = 0;
let moment1: usize = 0;
let moment2: usize = 0;
let paramCount: i32 = 0;
let w1t: usize = 0;
let b1: usize = 0;
let second: usize = 0;
let gw1t: usize = 0;
let gb1: usize = 0;
let gSecond: usize = 0;
let xTile: usize = 0;
let yTile: usize = 0;
let hiddenBuf: usize = 0;
let dHidden: usize = 0;
let outBuf: usize = 0;
let dOut: usize = 0;
let outModelBytes: usize = 0;
let rateBuf: usize = 0;
let decayBuf: usize = 0;
let aliveBuf: usize = 0;
let lossSumBuf: usize = 0;
let topBuf: usize = 0;
let orderBuf: usize = 0;
let lossBuf: usize = 0;

let beta1: f64 = 0.9;
let beta2: f64 = 0.999;
let epsilon: f32 = 1e-8;
let adamSteps: i32 = 0;

function align16(p: usize): usize {
  return (p + 15) & ~(<usize>15);
}

export function heapBase(): usize {
  return align16(__heap_base);
}

/** Lays out every buffer for `models` models from `base`; returns the first byte past the end. */
export function layout(base: usize, inputs: i32, hidden: i32, outputs: i32, classification: bool, maxRows: i32, models: i32): usize {
  nInputs = inputs;
  nHidden = (hidden + 3) & ~3;
  nOutputs = outputs;
  nModels = models;
  wide = models * nHidden;
  isClassification = classification;
  secondCount = outputs * nHidden + ((outputs + 3) & ~3);
  paramCount = (inputs + 1) * wide + models * secondCount;
  const paramBytes = <usize>paramCount << 2;
  let p = align16(base);
  params = p; p += paramBytes;
  grads = p; p += paramBytes;
  moment1 = p; p += paramBytes;
  moment2 = p; p += paramBytes;
  w1t = params;
  b1 = w1t + (<usize>(inputs * wide) << 2);
  second = b1 + (<usize>wide << 2);
  gw1t = grads;
  gb1 = gw1t + (<usize>(inputs * wide) << 2);
  gSecond = gb1 + (<usize>wide << 2);
  xTile = p; p = align16(p + (<usize>(TILE * inputs) << 2));
  yTile = p; p = align16(p + (<usize>TILE << 2));
  hiddenBuf = p; p = align16(p + (<usize>(TILE * wide) << 2));
  dHidden = p; p = align16(p + (<usize>(TILE * wide) << 2));
  // 4 spare floats per model: the second layer stores outputs four at a time.
  outModelBytes = align16(<usize>(TILE * outputs + 4) << 2);
  outBuf = p; p += outModelBytes * <usize>models;
  dOut = p; p += outModelBytes * <usize>models;
  rateBuf = p; p = align16(p + (<usize>models << 3));
  decayBuf = p; p = align16(p + (<usize>models << 2));
  aliveBuf = p; p = align16(p + (<usize>models << 2));
  lossSumBuf = p; p = align16(p + (<usize>models << 3));
  topBuf = p; p = align16(p + (<usize>TILE << 2));
  orderBuf = p; p = align16(p + (<usize>maxRows << 2));
  lossBuf = p; p = align16(p + (<usize>maxRows * <usize>models << 3));
  return p;
}

export function paramsPointer(): usize { return params; }
export function paramCountPadded(): i32 { return paramCount; }
export function orderPointer(): usize { return orderBuf; }
export function lossPointer(): usize { return lossBuf; }
/** Per model: the learning rate (f64) and weight decay (f32) startAdam reads. */
export function ratePointer(): usize { return rateBuf; }
export function decayPointer(): usize { return decayBuf; }
/** Per model i32: 1 while its losses are finite; 0 once one was not (it is updated no more). */
export function alivePointer(): usize { return aliveBuf; }
/** Per model f64: the loss sums meanLosses writes. */
export function lossSumPointer(): usize { return lossSumBuf; }

/** Starts a fresh Adam run for every model (rates and decays from their buffers): zero moments, step 0, all alive. */
export function startAdam(b1_: f64, b2_: f64, eps: f64): void {
  beta1 = b1_;
  beta2 = b2_;
  epsilon = <f32>eps;
  adamSteps = 0;
  memory.fill(moment1, 0, <usize>paramCount << 3);
  for (let m = 0; m < nModels; m++) store<i32>(aliveBuf + (<usize>m << 2), 1);
}

// hidden = relu(x W1^T + b1) for every model at once, out = hidden W2^T + b2 per model, for n <= TILE
// consecutive rows of x.
function forwardTile(x: usize, n: i32): void {
  const wideBytes = <usize>wide << 2;
  for (let r = 0; r < n; r++) memory.copy(hiddenBuf + <usize>r * wideBytes, b1, wideBytes);
  gemmNN(n, wide, nInputs, x, nInputs, w1t, wide, hiddenBuf, wide);
  const zero = f32x4.splat(0);
  const end = hiddenBuf + <usize>n * wideBytes;
  for (let p = hiddenBuf; p < end; p += 16) v128.store(p, f32x4.max(v128.load(p), zero));
  for (let m = 0; m < nModels; m++) {
    const w = second + <usize>m * (<usize>secondCount << 2);
    secondLayerForward(hiddenBuf + (<usize>(m * nHidden) << 2), w, outBuf + <usize>m * outModelBytes, n);
  }
}

// One model's out[r][c] = dot(hidden[r], W2[c]) + b2[c]: the dot product in four lanes along hidden,
// the lanes added as sum4 does for outputs in groups of four and as (0+1)+(2+3) for the rest.
function secondLayerForward(h0: usize, w2: usize, out: usize, n: i32): void {
  const hp = nHidden;
  const k = nOutputs;
  const hStride = <usize>wide << 2;
  const wStride = <usize>hp << 2;
  const oStride = <usize>k << 2;
  const b2 = w2 + (<usize>(k * hp) << 2);
  const zero = f32x4.splat(0);
  let r = 0;
  // Two rows at a time share each weight load.
  for (; r + 1 < n; r += 2) {
    const ha = h0 + <usize>r * hStride;
    const hb = ha + hStride;
    const oa = out + <usize>r * oStride;
    const ob = oa + oStride;
    let c = 0;
    for (; c + 3 < k; c += 4) {
      const w0 = w2 + <usize>c * wStride;
      const w1 = w0 + wStride;
      const w2r = w1 + wStride;
      const w3 = w2r + wStride;
      let a0 = zero, a1 = zero, a2 = zero, a3 = zero;
      let e0 = zero, e1 = zero, e2 = zero, e3 = zero;
      for (let j: usize = 0; j < wStride; j += 16) {
        const hv = v128.load(ha + j);
        const gv = v128.load(hb + j);
        const v0 = v128.load(w0 + j);
        const v1 = v128.load(w1 + j);
        const v2 = v128.load(w2r + j);
        const v3 = v128.load(w3 + j);
        a0 = f32x4.add(a0, f32x4.mul(hv, v0));
        a1 = f32x4.add(a1, f32x4.mul(hv, v1));
        a2 = f32x4.add(a2, f32x4.mul(hv, v2));
        a3 = f32x4.add(a3, f32x4.mul(hv, v3));
        e0 = f32x4.add(e0, f32x4.mul(gv, v0));
        e1 = f32x4.add(e1, f32x4.mul(gv, v1));
        e2 = f32x4.add(e2, f32x4.mul(gv, v2));
        e3 = f32x4.add(e3, f32x4.mul(gv, v3));
      }
      const bias = v128.load(b2 + (<usize>c << 2));
      v128.store(oa + (<usize>c << 2), f32x4.add(sum4(a0, a1, a2, a3), bias));
      v128.store(ob + (<usize>c << 2), f32x4.add(sum4(e0, e1, e2, e3), bias));
    }
    for (; c < k; c++) {
      const wRow = w2 + <usize>c * wStride;
      let acc = zero;
      let acd = zero;
      for (let j: usize = 0; j < wStride; j += 16) {
        const wv = v128.load(wRow + j);
        acc = f32x4.add(acc, f32x4.mul(v128.load(ha + j), wv));
        acd = f32x4.add(acd, f32x4.mul(v128.load(hb + j), wv));
      }
      const bias = load<f32>(b2 + (<usize>c << 2));
      store<f32>(oa + (<usize>c << 2), laneSum(acc) + bias);
      store<f32>(ob + (<usize>c << 2), laneSum(acd) + bias);
    }
  }
  for (; r < n; r++) {
    const h = h0 + <usize>r * hStride;
    const o = out + <usize>r * oStride;
    let c = 0;
    for (; c + 3 < k; c += 4) {
      const w0 = w2 + <usize>c * wStride;
      const w1 = w0 + wStride;
      const w2r = w1 + wStride;
      const w3 = w2r + wStride;
      let a0 = zero, a1 = zero, a2 = zero, a3 = zero;
      for (let j: usize = 0; j < wStride; j += 16) {
        const hv = v128.load(h + j);
        a0 = f32x4.add(a0, f32x4.mul(hv, v128.load(w0 + j)));
        a1 = f32x4.add(a1, f32x4.mul(hv, v128.load(w1 + j)));
        a2 = f32x4.add(a2, f32x4.mul(hv, v128.load(w2r + j)));
        a3 = f32x4.add(a3, f32x4.mul(hv, v128.load(w3 + j)));
      }
      v128.store(o + (<usize>c << 2), f32x4.add(sum4(a0, a1, a2, a3), v128.load(b2 + (<usize>c << 2))));
    }
    for (; c < k; c++) {
      const wRow = w2 + <usize>c * wStride;
      let acc = zero;
      for (let j: usize = 0; j < wStride; j += 16) acc = f32x4.add(acc, f32x4.mul(v128.load(h + j), v128.load(wRow + j)));
      store<f32>(o + (<usize>c << 2), laneSum(acc) + load<f32>(b2 + (<usize>c << 2)));
    }
  }
}

// @ts-ignore: decorator
@inline
function laneSum(a: v128): f32 {
  return (f32x4.extract_lane(a, 0) + f32x4.extract_lane(a, 1)) + (f32x4.extract_lane(a, 2) + f32x4.extract_lane(a, 3));
}

// One model's loss summed over the tile's rows; when `withGrad`, dOut = d(batch mean loss)/d(out), with
// `gradScale` = 2/(batch rows * outputs) for MSE, 1/(batch rows) for cross-entropy.
function lossTile(out: usize, dOutM: usize, y: usize, n: i32, withGrad: bool, gradScale: f32): f64 {
  const k = nOutputs;
  let total: f64 = 0;
  if (!isClassification) {
    for (let r = 0; r < n; r++) {
      const diff = load<f32>(out + (<usize>r << 2)) - load<f32>(y + (<usize>r << 2));
      total += <f64>diff * <f64>diff;
      if (withGrad) store<f32>(dOutM + (<usize>r << 2), diff * gradScale);
    }
    return total;
  }
  const kBytes = <usize>k << 2;
  // e^(out - top) into dOut's rows (scratch when there is no gradient), four at a time.
  for (let r = 0; r < n; r++) {
    const o = out + <usize>r * kBytes;
    const g = dOutM + <usize>r * kBytes;
    const top = rowMax(o, kBytes);
    store<f32>(topBuf + (<usize>r << 2), top);
    const topv = f32x4.splat(top);
    let c: usize = 0;
    for (; c + 16 <= kBytes; c += 16) v128.store(g + c, expf4(f32x4.sub(v128.load(o + c), topv)));
    if (c + 8 <= kBytes) {
      // Two left: both lanes twice in one vector.
      v128.store64_lane(g + c, expf4(f32x4.sub(v128.load64_splat(o + c), topv)), 0);
      c += 8;
    }
    if (c < kBytes) store<f32>(g + c, Mathf.exp(load<f32>(o + c) - f32x4.extract_lane(topv, 0)));
  }
  // Each row's sum in column order, as one add chain per row; four rows' chains interleaved.
  let r = 0;
  for (; r + 3 < n; r += 4) {
    const g = dOutM + <usize>r * kBytes;
    let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0;
    for (let c: usize = 0; c < kBytes; c += 4) {
      s0 += load<f32>(g + c);
      s1 += load<f32>(g + kBytes + c);
      s2 += load<f32>(g + 2 * kBytes + c);
      s3 += load<f32>(g + 3 * kBytes + c);
    }
    total = softmaxRowEnd(out, g, y, r, s0, withGrad, gradScale, total);
    total = softmaxRowEnd(out, g + kBytes, y, r + 1, s1, withGrad, gradScale, total);
    total = softmaxRowEnd(out, g + 2 * kBytes, y, r + 2, s2, withGrad, gradScale, total);
    total = softmaxRowEnd(out, g + 3 * kBytes, y, r + 3, s3, withGrad, gradScale, total);
  }
  for (; r < n; r++) {
    const g = dOutM + <usize>r * kBytes;
    let sum: f32 = 0;
    for (let c: usize = 0; c < kBytes; c += 4) sum += load<f32>(g + c);
    total = softmaxRowEnd(out, g, y, r, sum, withGrad, gradScale, total);
  }
  return total;
}

// The largest of a row's outputs. A maximum is the same in any order, so lanes first, then across them;
// with pmax (a < b ? b : a, one instruction) rather than max, whose NaN and signed-zero rules cost
// several in V8 (max took a fifth to a third of a letter group's time). The two differ only when an
// output is NaN (the row's loss is NaN either way: e^(NaN - top) is NaN) or when the largest is a zero
// of either sign (out - top and top + log(sum) are then the same for both zeros).
// @ts-ignore: decorator
@inline
function rowMax(o: usize, kBytes: usize): f32 {
  let m = v128.load32_splat(o);
  let c: usize = 0;
  for (; c + 16 <= kBytes; c += 16) m = f32x4.pmax(m, v128.load(o + c));
  if (c + 8 <= kBytes) {
    m = f32x4.pmax(m, v128.load64_splat(o + c));
    c += 8;
  }
  if (c < kBytes) m = f32x4.pmax(m, v128.load32_splat(o + c));
  m = f32x4.pmax(m, v128.shuffle<f32>(m, m, 2, 3, 0, 1));
  m = f32x4.pmax(m, v128.shuffle<f32>(m, m, 1, 0, 3, 2));
  return f32x4.extract_lane(m, 0);
}

// A softmax row's end, given its exponentials in g and their sum: adds its cross-entropy to `total`
// (returned) and, with `withGrad`, turns g into d(batch mean loss)/d(out).
// @ts-ignore: decorator
@inline
function softmaxRowEnd(out: usize, g: usize, y: usize, r: i32, sum: f32, withGrad: bool, gradScale: f32, total: f64): f64 {
  const kBytes = <usize>nOutputs << 2;
  const o = out + <usize>r * kBytes;
  const label = <i32>load<f32>(y + (<usize>r << 2));
  const top = load<f32>(topBuf + (<usize>r << 2));
  total += <f64>top + Math.log(<f64>sum) - <f64>load<f32>(o + (<usize>label << 2));
  if (withGrad) {
    const norm = gradScale / sum;
    const normv = f32x4.splat(norm);
    let c: usize = 0;
    for (; c + 16 <= kBytes; c += 16) v128.store(g + c, f32x4.mul(v128.load(g + c), normv));
    for (; c < kBytes; c += 4) store<f32>(g + c, load<f32>(g + c) * norm);
    const at = g + (<usize>label << 2);
    store<f32>(at, load<f32>(at) - gradScale);
  }
  return total;
}

// Adds the tile's contribution to every model's gradients, from dOut, the hidden activations and inputs x.
function backwardTile(x: usize, n: i32): void {
  const hp = nHidden;
  const k = nOutputs;
  const oStride = <usize>k << 2;
  const wideBytes = <usize>wide << 2;
  memory.fill(dHidden, 0, <usize>n * wideBytes);
  for (let m = 0; m < nModels; m++) {
    const g = dOut + <usize>m * outModelBytes;
    const h = hiddenBuf + (<usize>(m * hp) << 2);
    const gw2 = gSecond + <usize>m * (<usize>secondCount << 2);
    const gb2 = gw2 + (<usize>(k * hp) << 2);
    // gb2[c] += (sum over the tile's rows of dOut[r][c]), four outputs per vector, one add chain per lane.
    // A row's last vector may read on into the next row (or the spare floats): those lanes are zeroed,
    // so the padding of gb2 stays zero.
    for (let c = 0; c < k; c += 4) {
      const co = <usize>c << 2;
      let bias = f32x4.splat(0);
      for (let r = 0; r < n; r++) bias = f32x4.add(bias, v128.load(g + <usize>r * oStride + co));
      if (c + 4 > k) bias = v128.and(bias, i32x4.gt_s(i32x4.splat(k - c), i32x4(0, 1, 2, 3)));
      v128.store(gb2 + co, f32x4.add(v128.load(gb2 + co), bias));
    }
    // gW2[c][:] += sum_r dOut[r][c] hidden[r][:]; dHidden[r][:] = sum_c dOut[r][c] W2[c][:] (masked below).
    gemmTN(k, hp, n, g, k, h, wide, gw2, hp);
    gemmNN(n, hp, k, g, k, second + <usize>m * (<usize>secondCount << 2), hp, dHidden + (<usize>(m * hp) << 2), wide);
  }
  const zero = f32x4.splat(0);
  const end = <usize>n * wideBytes;
  for (let o: usize = 0; o < end; o += 16) {
    v128.store(dHidden + o, v128.and(v128.load(dHidden + o), f32x4.gt(v128.load(hiddenBuf + o), zero)));
  }
  // gb1 += sum_r dHidden[r][:]; gW1T[i][:] += sum_r x[r][i] dHidden[r][:], for every model at once.
  addColumnSums(n, wide, dHidden, wide, gb1);
  gemmTN(nInputs, wide, n, x, nInputs, dHidden, wide, gw1t, wide);
}

// Every model's loss sum over `rows` rows, in tiles, into the loss sums; with `withGrad` the grads
// block holds d(mean loss)/d(params). `gather`: rows are order[first..first+rows) of (x, y), copied
// tile by tile into xTile/yTile; otherwise they are the consecutive rows starting at x, y.
function batchLossSums(x: usize, y: usize, rows: i32, gather: bool, first: i32, withGrad: bool): void {
  const rowBytes = <usize>nInputs << 2;
  const gradScale = <f32>(isClassification ? 1.0 / <f64>rows : 2.0 / <f64>(rows * nOutputs));
  if (withGrad) memory.fill(grads, 0, <usize>paramCount << 2);
  memory.fill(lossSumBuf, 0, <usize>nModels << 3);
  for (let t = 0; t < rows; t += TILE) {
    const n = min(TILE, rows - t);
    let xt = x + <usize>t * rowBytes;
    let yt = y + (<usize>t << 2);
    if (gather) {
      for (let r = 0; r < n; r++) {
        const row = <usize>load<i32>(orderBuf + (<usize>(first + t + r) << 2));
        memory.copy(xTile + <usize>r * rowBytes, x + row * rowBytes, rowBytes);
        store<f32>(yTile + (<usize>r << 2), load<f32>(y + (row << 2)));
      }
      xt = xTile;
      yt = yTile;
    }
    forwardTile(xt, n);
    for (let m = 0; m < nModels; m++) {
      const at = lossSumBuf + (<usize>m << 3);
      const o = <usize>m * outModelBytes;
      store<f64>(at, load<f64>(at) + lossTile(outBuf + o, dOut + o, yt, n, withGrad, gradScale));
    }
    if (withGrad) backwardTile(xt, n);
  }
}

// One Adam step (PyTorch semantics, coupled L2: lib/adam.ts) of every model still alive, each with its
// own learning rate and weight decay.
function adamStep(): void {
  adamSteps++;
  const correction2Sqrt = adamCorrection2Sqrt(beta2, adamSteps);
  const hpBytes = <usize>nHidden << 2;
  const wideBytes = <usize>wide << 2;
  const secondBytes = <usize>secondCount << 2;
  for (let m = 0; m < nModels; m++) {
    if (load<i32>(aliveBuf + (<usize>m << 2)) == 0) continue;
    const stepSize = adamStepSize(load<f64>(rateBuf + (<usize>m << 3)), beta1, adamSteps);
    const decay = f32x4.splat(load<f32>(decayBuf + (<usize>m << 2)));
    // Model m's columns of W1T and b1 (nInputs + 1 rows), then its second layer.
    let o = <usize>m * hpBytes;
    for (let row = 0; row <= nInputs; row++) {
      adamSegment(params + o, grads + o, moment1 + o, moment2 + o, hpBytes, stepSize, correction2Sqrt, decay, beta1, beta2, epsilon);
      o += wideBytes;
    }
    o = second - params + <usize>m * secondBytes;
    adamSegment(params + o, grads + o, moment1 + o, moment2 + o, secondBytes, stepSize, correction2Sqrt, decay, beta1, beta2, epsilon);
  }
}

/**
 * One epoch: the first `count` entries of the order buffer, in minibatches of `batch` rows (the last
 * one partial). Writes each step's loss of every model (before its update) to the loss buffer, row
 * `step`. A model whose loss is not finite is marked dead and not updated from then on; the epoch
 * stops after the step where the last live model died. Returns the number of steps taken.
 */
export function trainEpoch(x: usize, y: usize, count: i32, batch: i32): i32 {
  let steps = 0;
  const scale = <f64>(isClassification ? 1 : nOutputs);
  for (let start = 0; start < count; start += batch) {
    const rows = min(batch, count - start);
    batchLossSums(x, y, rows, true, start, true);
    let alive = 0;
    for (let m = 0; m < nModels; m++) {
      const loss = load<f64>(lossSumBuf + (<usize>m << 3)) / (<f64>rows * scale);
      store<f64>(lossBuf + ((<usize>steps * <usize>nModels + <usize>m) << 3), loss);
      const flag = aliveBuf + (<usize>m << 2);
      if (load<i32>(flag) == 0) continue;
      if (isFinite<f64>(loss)) alive++;
      else store<i32>(flag, 0);
    }
    steps++;
    if (alive == 0) return steps;
    adamStep();
  }
  return steps;
}

/** Every model's loss sum over `count` consecutive rows, into the loss sums, without touching gradients. */
export function lossSums(x: usize, y: usize, count: i32): void {
  batchLossSums(x, y, count, false, 0, false);
}

/** The first model's mean loss over `count` consecutive rows (row-weighted). */
export function meanLoss(x: usize, y: usize, count: i32): f64 {
  batchLossSums(x, y, count, false, 0, false);
  return load<f64>(lossSumBuf) / <f64>(isClassification ? count : count * nOutputs);
}

/** The first model's mean loss and gradients (into the grads block) of `rows` consecutive rows, no update. For tests. */
export function lossAndGradient(x: usize, y: usize, rows: i32): f64 {
  batchLossSums(x, y, rows, false, 0, true);
  return load<f64>(lossSumBuf) / <f64>(isClassification ? rows : rows * nOutputs);
}
