// WebAssembly SIMD kernels for the two-layer MLP trainer (Linear -> ReLU -> Linear, Adam).
// No managed objects: everything lives in raw linear memory laid out by `layout`, so the JS side
// copies data in once and then calls one function per epoch.
//
// Layout from `base` (every block 16-byte aligned; `hp` = hidden rounded up to a multiple of 4):
//   params  f32: W1T [inputs][hp] (W1 transposed), b1 [hp], W2 [outputs][hp], b2 [outputs rounded to 4]
//   grads   f32: same layout as params
//   m, v    f32: Adam moments, same layout
//   xTile   f32 [TILE][inputs]       yTile  f32 [TILE]
//   hidden  f32 [TILE][hp]  (after ReLU)       dHidden f32 [TILE][hp]
//   out     f32 [TILE][outputs]                dOut    f32 [TILE][outputs]
//   order   i32 [maxRows]                      losses  f64 [maxRows]
// Padded hidden units have zero weights, zero bias and zero gradient, so they stay exactly zero.

import { adamUpdate } from "./lib/adam";

let nInputs: i32 = 0;
let nHidden: i32 = 0; // padded
let nOutputs: i32 = 0;
let isClassification: bool = false;

// Rows are processed in tiles of this many so that a tile's activations and gradients stay in L1
// cache whatever the batch size; gradients accumulate over the tiles of a batch.
const TILE: i32 = 32;

let params: usize = 0;
let grads: usize = 0;
let moment1: usize = 0;
let moment2: usize = 0;
let paramCount: i32 = 0;
let w1t: usize = 0;
let b1: usize = 0;
let w2: usize = 0;
let b2: usize = 0;
let gw1t: usize = 0;
let gb1: usize = 0;
let gw2: usize = 0;
let gb2: usize = 0;
let xTile: usize = 0;
let yTile: usize = 0;
let hiddenBuf: usize = 0;
let dHidden: usize = 0;
let outBuf: usize = 0;
let dOut: usize = 0;
let orderBuf: usize = 0;
let lossBuf: usize = 0;

let learningRate: f64 = 0;
let weightDecay: f32 = 0;
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

/** Lays out every buffer from `base`; returns the first byte past the end. */
export function layout(base: usize, inputs: i32, hidden: i32, outputs: i32, classification: bool, maxRows: i32): usize {
  nInputs = inputs;
  nHidden = (hidden + 3) & ~3;
  nOutputs = outputs;
  isClassification = classification;
  const outPadded = (outputs + 3) & ~3;
  paramCount = inputs * nHidden + nHidden + outputs * nHidden + outPadded;
  const paramBytes = <usize>paramCount << 2;
  let p = align16(base);
  params = p; p += paramBytes;
  grads = p; p += paramBytes;
  moment1 = p; p += paramBytes;
  moment2 = p; p += paramBytes;
  w1t = params;
  b1 = w1t + (<usize>(inputs * nHidden) << 2);
  w2 = b1 + (<usize>nHidden << 2);
  b2 = w2 + (<usize>(outputs * nHidden) << 2);
  gw1t = grads;
  gb1 = gw1t + (<usize>(inputs * nHidden) << 2);
  gw2 = gb1 + (<usize>nHidden << 2);
  gb2 = gw2 + (<usize>(outputs * nHidden) << 2);
  xTile = p; p = align16(p + (<usize>(TILE * inputs) << 2));
  yTile = p; p = align16(p + (<usize>TILE << 2));
  hiddenBuf = p; p = align16(p + (<usize>(TILE * nHidden) << 2));
  dHidden = p; p = align16(p + (<usize>(TILE * nHidden) << 2));
  // 4 spare floats: layer 2 stores outputs four at a time.
  outBuf = p; p = align16(p + (<usize>(TILE * outputs + 4) << 2));
  dOut = p; p = align16(p + (<usize>(TILE * outputs + 4) << 2));
  orderBuf = p; p = align16(p + (<usize>maxRows << 2));
  lossBuf = p; p = align16(p + (<usize>maxRows << 3));
  return p;
}

export function paramsPointer(): usize { return params; }
export function paramCountPadded(): i32 { return paramCount; }
export function orderPointer(): usize { return orderBuf; }
export function lossPointer(): usize { return lossBuf; }

/** Starts a fresh Adam run: zero moments, step 0. */
export function startAdam(lr: f64, decay: f64, b1_: f64, b2_: f64, eps: f64): void {
  learningRate = lr;
  weightDecay = <f32>decay;
  beta1 = b1_;
  beta2 = b2_;
  epsilon = <f32>eps;
  adamSteps = 0;
  memory.fill(moment1, 0, <usize>paramCount << 3);
}

// hidden = relu(x W1^T + b1), out = hidden W2^T + b2, for n <= TILE consecutive rows of x.
function forwardTile(x: usize, n: i32): void {
  const d = nInputs;
  const hp = nHidden;
  const k = nOutputs;
  const hStride = <usize>hp << 2;
  const xStride = <usize>d << 2;
  const oStride = <usize>k << 2;
  const zero = f32x4.splat(0);
  let r = 0;
  // Two rows at a time share each weight load.
  for (; r + 1 < n; r += 2) {
    const xa = x + <usize>r * xStride;
    const xb = xa + xStride;
    const ha = hiddenBuf + <usize>r * hStride;
    const hb = ha + hStride;
    for (let j = 0; j < hp; j += 4) {
      const jo = <usize>j << 2;
      let accA = v128.load(b1 + jo);
      let accB = accA;
      let w = w1t + jo;
      for (let i = 0; i < d; i++) {
        const wv = v128.load(w);
        const io = <usize>i << 2;
        accA = f32x4.add(accA, f32x4.mul(f32x4.splat(load<f32>(xa + io)), wv));
        accB = f32x4.add(accB, f32x4.mul(f32x4.splat(load<f32>(xb + io)), wv));
        w += hStride;
      }
      v128.store(ha + jo, f32x4.max(accA, zero));
      v128.store(hb + jo, f32x4.max(accB, zero));
    }
  }
  for (; r < n; r++) {
    const xa = x + <usize>r * xStride;
    const ha = hiddenBuf + <usize>r * hStride;
    for (let j = 0; j < hp; j += 4) {
      const jo = <usize>j << 2;
      let acc = v128.load(b1 + jo);
      let w = w1t + jo;
      for (let i = 0; i < d; i++) {
        acc = f32x4.add(acc, f32x4.mul(f32x4.splat(load<f32>(xa + (<usize>i << 2))), v128.load(w)));
        w += hStride;
      }
      v128.store(ha + jo, f32x4.max(acc, zero));
    }
  }
  // Layer 2 as dot products along hidden, four outputs at a time so one shuffle tree finishes four sums.
  for (let r = 0; r < n; r++) {
    const h = hiddenBuf + <usize>r * hStride;
    const o = outBuf + <usize>r * oStride;
    let c = 0;
    for (; c + 3 < k; c += 4) {
      const w0 = w2 + <usize>c * hStride;
      const w1 = w0 + hStride;
      const w2r = w1 + hStride;
      const w3 = w2r + hStride;
      let a0 = zero;
      let a1 = zero;
      let a2 = zero;
      let a3 = zero;
      for (let j = 0; j < hp; j += 4) {
        const jo = <usize>j << 2;
        const hv = v128.load(h + jo);
        a0 = f32x4.add(a0, f32x4.mul(hv, v128.load(w0 + jo)));
        a1 = f32x4.add(a1, f32x4.mul(hv, v128.load(w1 + jo)));
        a2 = f32x4.add(a2, f32x4.mul(hv, v128.load(w2r + jo)));
        a3 = f32x4.add(a3, f32x4.mul(hv, v128.load(w3 + jo)));
      }
      v128.store(o + (<usize>c << 2), f32x4.add(sum4(a0, a1, a2, a3), v128.load(b2 + (<usize>c << 2))));
    }
    for (; c < k; c++) {
      const wRow = w2 + <usize>c * hStride;
      let acc = zero;
      for (let j = 0; j < hp; j += 4) {
        const jo = <usize>j << 2;
        acc = f32x4.add(acc, f32x4.mul(v128.load(h + jo), v128.load(wRow + jo)));
      }
      const sum = (f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1)) + (f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
      store<f32>(o + (<usize>c << 2), sum + load<f32>(b2 + (<usize>c << 2)));
    }
  }
}

// [sum of a0's lanes, sum of a1's, sum of a2's, sum of a3's]
// @ts-ignore: decorator
@inline
function sum4(a0: v128, a1: v128, a2: v128, a3: v128): v128 {
  const t0 = f32x4.add(v128.shuffle<f32>(a0, a1, 0, 4, 1, 5), v128.shuffle<f32>(a0, a1, 2, 6, 3, 7));
  const t1 = f32x4.add(v128.shuffle<f32>(a2, a3, 0, 4, 1, 5), v128.shuffle<f32>(a2, a3, 2, 6, 3, 7));
  return f32x4.add(v128.shuffle<f32>(t0, t1, 0, 1, 4, 5), v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
}

// Sum over the tile's rows of the loss; when `withGrad`, dOut = d(batch mean loss)/d(out), with
// `gradScale` = 2/(batch rows * outputs) for MSE, 1/(batch rows) for cross-entropy.
function lossTile(y: usize, n: i32, withGrad: bool, gradScale: f32): f64 {
  const k = nOutputs;
  let total: f64 = 0;
  if (!isClassification) {
    for (let r = 0; r < n; r++) {
      const diff = load<f32>(outBuf + (<usize>r << 2)) - load<f32>(y + (<usize>r << 2));
      total += <f64>diff * <f64>diff;
      if (withGrad) store<f32>(dOut + (<usize>r << 2), diff * gradScale);
    }
    return total;
  }
  for (let r = 0; r < n; r++) {
    const o = outBuf + (<usize>(r * k) << 2);
    let top = load<f32>(o);
    for (let c = 1; c < k; c++) top = max(top, load<f32>(o + (<usize>c << 2)));
    let sum: f32 = 0;
    const g = dOut + (<usize>(r * k) << 2);
    for (let c = 0; c < k; c++) {
      const e = Mathf.exp(load<f32>(o + (<usize>c << 2)) - top);
      sum += e;
      if (withGrad) store<f32>(g + (<usize>c << 2), e);
    }
    const label = <i32>load<f32>(y + (<usize>r << 2));
    total += <f64>top + Math.log(<f64>sum) - <f64>load<f32>(o + (<usize>label << 2));
    if (withGrad) {
      const norm = gradScale / sum;
      for (let c = 0; c < k; c++) {
        const at = g + (<usize>c << 2);
        store<f32>(at, load<f32>(at) * norm);
      }
      const at = g + (<usize>label << 2);
      store<f32>(at, load<f32>(at) - gradScale);
    }
  }
  return total;
}

// Adds the tile's contribution to every gradient, from dOut, the hidden activations and inputs x.
function backwardTile(x: usize, n: i32): void {
  const d = nInputs;
  const hp = nHidden;
  const k = nOutputs;
  const hStride = <usize>hp << 2;
  const xStride = <usize>d << 2;
  const oStride = <usize>k << 2;
  const zero = f32x4.splat(0);
  // Layer 2: gW2[c][:] += sum_r dOut[r][c] hidden[r][:], gb2[c] += sum_r dOut[r][c].
  for (let c = 0; c < k; c++) {
    const co = <usize>c << 2;
    let bias: f32 = 0;
    for (let r = 0; r < n; r++) bias += load<f32>(dOut + <usize>r * oStride + co);
    store<f32>(gb2 + co, load<f32>(gb2 + co) + bias);
  }
  for (let j = 0; j < hp; j += 4) {
    const jo = <usize>j << 2;
    let c = 0;
    // Four outputs at a time share each hidden load.
    for (; c + 3 < k; c += 4) {
      const g0 = gw2 + <usize>c * hStride + jo;
      const g1 = g0 + hStride;
      const g2 = g1 + hStride;
      const g3 = g2 + hStride;
      let a0 = v128.load(g0);
      let a1 = v128.load(g1);
      let a2 = v128.load(g2);
      let a3 = v128.load(g3);
      let g = dOut + (<usize>c << 2);
      let h = hiddenBuf + jo;
      for (let r = 0; r < n; r++) {
        const hv = v128.load(h);
        a0 = f32x4.add(a0, f32x4.mul(f32x4.splat(load<f32>(g)), hv));
        a1 = f32x4.add(a1, f32x4.mul(f32x4.splat(load<f32>(g, 4)), hv));
        a2 = f32x4.add(a2, f32x4.mul(f32x4.splat(load<f32>(g, 8)), hv));
        a3 = f32x4.add(a3, f32x4.mul(f32x4.splat(load<f32>(g, 12)), hv));
        g += oStride;
        h += hStride;
      }
      v128.store(g0, a0);
      v128.store(g1, a1);
      v128.store(g2, a2);
      v128.store(g3, a3);
    }
    for (; c < k; c++) {
      const gp = gw2 + <usize>c * hStride + jo;
      let acc = v128.load(gp);
      let g = dOut + (<usize>c << 2);
      let h = hiddenBuf + jo;
      for (let r = 0; r < n; r++) {
        acc = f32x4.add(acc, f32x4.mul(f32x4.splat(load<f32>(g)), v128.load(h)));
        g += oStride;
        h += hStride;
      }
      v128.store(gp, acc);
    }
  }
  // dHidden[r][:] = (sum_c dOut[r][c] W2[c][:]) where hidden[r][:] > 0.
  for (let r = 0; r < n; r++) {
    const g = dOut + <usize>r * oStride;
    const h = hiddenBuf + <usize>r * hStride;
    const dh = dHidden + <usize>r * hStride;
    for (let j = 0; j < hp; j += 4) {
      const jo = <usize>j << 2;
      let acc = zero;
      let w = w2 + jo;
      for (let c = 0; c < k; c++) {
        acc = f32x4.add(acc, f32x4.mul(f32x4.splat(load<f32>(g + (<usize>c << 2))), v128.load(w)));
        w += hStride;
      }
      v128.store(dh + jo, v128.and(acc, f32x4.gt(v128.load(h + jo), zero)));
    }
  }
  // Layer 1: gW1T[i][:] += sum_r x[r][i] dHidden[r][:], gb1 += sum_r dHidden[r][:].
  for (let j = 0; j < hp; j += 4) {
    const jo = <usize>j << 2;
    let acc = v128.load(gb1 + jo);
    let dh = dHidden + jo;
    for (let r = 0; r < n; r++) {
      acc = f32x4.add(acc, v128.load(dh));
      dh += hStride;
    }
    v128.store(gb1 + jo, acc);
  }
  let i = 0;
  // Two inputs at a time share each dHidden load.
  for (; i + 1 < d; i += 2) {
    const io = <usize>i << 2;
    for (let j = 0; j < hp; j += 4) {
      const jo = <usize>j << 2;
      const ga = gw1t + <usize>i * hStride + jo;
      const gb = ga + hStride;
      let accA = v128.load(ga);
      let accB = v128.load(gb);
      let xr = x + io;
      let dh = dHidden + jo;
      for (let r = 0; r < n; r++) {
        const dv = v128.load(dh);
        accA = f32x4.add(accA, f32x4.mul(f32x4.splat(load<f32>(xr)), dv));
        accB = f32x4.add(accB, f32x4.mul(f32x4.splat(load<f32>(xr, 4)), dv));
        xr += xStride;
        dh += hStride;
      }
      v128.store(ga, accA);
      v128.store(gb, accB);
    }
  }
  for (; i < d; i++) {
    const io = <usize>i << 2;
    for (let j = 0; j < hp; j += 4) {
      const jo = <usize>j << 2;
      const ga = gw1t + <usize>i * hStride + jo;
      let acc = v128.load(ga);
      let xr = x + io;
      let dh = dHidden + jo;
      for (let r = 0; r < n; r++) {
        acc = f32x4.add(acc, f32x4.mul(f32x4.splat(load<f32>(xr)), v128.load(dh)));
        xr += xStride;
        dh += hStride;
      }
      v128.store(ga, acc);
    }
  }
}

// Loss sum of `rows` rows, in tiles; with `withGrad` the grads block holds d(mean loss)/d(params).
// `gather`: rows are order[first..first+rows) of (x, y), copied tile by tile into xTile/yTile;
// otherwise they are the consecutive rows starting at x, y.
function batchLossSum(x: usize, y: usize, rows: i32, gather: bool, first: i32, withGrad: bool): f64 {
  const rowBytes = <usize>nInputs << 2;
  const gradScale = <f32>(isClassification ? 1.0 / <f64>rows : 2.0 / <f64>(rows * nOutputs));
  if (withGrad) memory.fill(grads, 0, <usize>paramCount << 2);
  let total: f64 = 0;
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
    total += lossTile(yt, n, withGrad, gradScale);
    if (withGrad) backwardTile(xt, n);
  }
  return total;
}

// One Adam step over every parameter (PyTorch semantics, coupled L2: lib/adam.ts).
function adamStep(): void {
  adamSteps++;
  adamUpdate(params, grads, moment1, moment2, paramCount, adamSteps, learningRate, weightDecay, beta1, beta2, epsilon);
}

/**
 * One epoch: the first `count` entries of the order buffer, in minibatches of `batch` rows (the last
 * one partial). Writes each step's loss (before its update) to the loss buffer. Stops right after a
 * loss that is not finite, without updating; returns the number of losses written.
 */
export function trainEpoch(x: usize, y: usize, count: i32, batch: i32): i32 {
  let steps = 0;
  for (let start = 0; start < count; start += batch) {
    const rows = min(batch, count - start);
    const loss = batchLossSum(x, y, rows, true, start, true) / <f64>(isClassification ? rows : rows * nOutputs);
    store<f64>(lossBuf + (<usize>steps << 3), loss);
    steps++;
    if (!isFinite<f64>(loss)) return steps;
    adamStep();
  }
  return steps;
}

/** Mean loss over `count` consecutive rows (row-weighted), without touching gradients. */
export function meanLoss(x: usize, y: usize, count: i32): f64 {
  return batchLossSum(x, y, count, false, 0, false) / <f64>(isClassification ? count : count * nOutputs);
}

/** Mean loss and gradients (into the grads block) of `rows` consecutive rows, no update. For tests. */
export function lossAndGradient(x: usize, y: usize, rows: i32): f64 {
  return batchLossSum(x, y, rows, false, 0, true) / <f64>(isClassification ? rows : rows * nOutputs);
}
