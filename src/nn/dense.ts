/**
 * A dense (fully connected) layer on row-major Float32Array batches, weights in PyTorch's layout:
 * weight is [outputs][inputs] row-major, so out[r][o] = bias[o] + sum_i x[r][i] * weight[o][i].
 * Every function writes into buffers the caller preallocated; nothing is allocated here.
 * Sums run in float64 locals, four at a time so that each load feeds four multiply-adds (about 2x
 * faster in V8 than one sum at a time at these sizes); results are stored as float32.
 */
export interface DenseShape {
  inputs: number;
  outputs: number;
}

/**
 * Activations and gradients: float32 for the trainer's batches, float64 for the policies' single rows
 * (whose gradients must be as exact as float32 weights allow). Weights are always float32.
 */
export type FloatArray = Float32Array | Float64Array;

/** out = x W^T + b for `rows` rows. */
export function denseForward(
  shape: DenseShape,
  x: FloatArray,
  rows: number,
  weight: Float32Array,
  bias: FloatArray,
  out: FloatArray,
): void {
  affine(shape.inputs, shape.outputs, x, rows, weight, bias, out, false);
}

/** out = relu(x W^T + b), fused so the pre-activation is never stored. NaN passes through. */
export function denseReluForward(
  shape: DenseShape,
  x: FloatArray,
  rows: number,
  weight: Float32Array,
  bias: FloatArray,
  out: FloatArray,
): void {
  affine(shape.inputs, shape.outputs, x, rows, weight, bias, out, true);
}

function clampRelu(s: number): number {
  return s < 0 ? 0 : s;
}

function affine(
  nIn: number,
  nOut: number,
  x: FloatArray,
  rows: number,
  weight: Float32Array,
  bias: FloatArray,
  out: FloatArray,
  relu: boolean,
): void {
  for (let r = 0; r < rows; r++) {
    const xRow = r * nIn;
    const outRow = r * nOut;
    let o = 0;
    for (; o + 3 < nOut; o += 4) {
      const w0 = o * nIn;
      const w1 = w0 + nIn;
      const w2 = w1 + nIn;
      const w3 = w2 + nIn;
      let s0 = bias[o];
      let s1 = bias[o + 1];
      let s2 = bias[o + 2];
      let s3 = bias[o + 3];
      for (let i = 0; i < nIn; i++) {
        const xi = x[xRow + i];
        s0 += xi * weight[w0 + i];
        s1 += xi * weight[w1 + i];
        s2 += xi * weight[w2 + i];
        s3 += xi * weight[w3 + i];
      }
      if (relu) {
        s0 = clampRelu(s0);
        s1 = clampRelu(s1);
        s2 = clampRelu(s2);
        s3 = clampRelu(s3);
      }
      out[outRow + o] = s0;
      out[outRow + o + 1] = s1;
      out[outRow + o + 2] = s2;
      out[outRow + o + 3] = s3;
    }
    for (; o < nOut; o++) {
      const w0 = o * nIn;
      let s = bias[o];
      for (let i = 0; i < nIn; i++) s += x[xRow + i] * weight[w0 + i];
      out[outRow + o] = relu ? clampRelu(s) : s;
    }
  }
}

/**
 * Backward pass of a dense layer given gradOut = dL/d(out) for `rows` rows:
 *   gradWeight[o][i] = sum_r gradOut[r][o] x[r][i],  gradBias[o] = sum_r gradOut[r][o]   (overwritten)
 *   gradInput[r][i] = sum_o gradOut[r][o] weight[o][i]                                   (when given)
 */
export function denseBackward(
  shape: DenseShape,
  x: FloatArray,
  rows: number,
  weight: Float32Array,
  gradOut: FloatArray,
  gradWeight: FloatArray,
  gradBias: FloatArray,
  gradInput: FloatArray | null,
): void {
  denseParamGradients(shape, x, rows, gradOut, gradWeight, gradBias, false);
  if (gradInput !== null) denseInputGradient(shape, rows, weight, gradOut, gradInput, false);
}

/**
 * gradWeight[o][i] (+)= sum_r gradOut[r][o] x[r][i] and gradBias[o] (+)= sum_r gradOut[r][o]: overwritten, or with
 * `accumulate` added to what the arrays hold (a policy sums the gradients of several steps).
 */
export function denseParamGradients(
  shape: DenseShape,
  x: FloatArray,
  rows: number,
  gradOut: FloatArray,
  gradWeight: FloatArray,
  gradBias: FloatArray,
  accumulate: boolean,
): void {
  const nIn = shape.inputs;
  const nOut = shape.outputs;
  if (!accumulate) {
    gradWeight.fill(0, 0, nOut * nIn);
    gradBias.fill(0, 0, nOut);
  }
  // Four rows at a time: one read-modify-write of gradWeight per four products.
  let r = 0;
  for (; r + 3 < rows; r += 4) {
    const x0 = r * nIn;
    const x1 = x0 + nIn;
    const x2 = x1 + nIn;
    const x3 = x2 + nIn;
    const g0Row = r * nOut;
    for (let o = 0; o < nOut; o++) {
      const g0 = gradOut[g0Row + o];
      const g1 = gradOut[g0Row + nOut + o];
      const g2 = gradOut[g0Row + 2 * nOut + o];
      const g3 = gradOut[g0Row + 3 * nOut + o];
      gradBias[o] += g0 + g1 + g2 + g3;
      const wRow = o * nIn;
      for (let i = 0; i < nIn; i++) gradWeight[wRow + i] += g0 * x[x0 + i] + g1 * x[x1 + i] + g2 * x[x2 + i] + g3 * x[x3 + i];
    }
  }
  for (; r < rows; r++) {
    const xRow = r * nIn;
    const gRow = r * nOut;
    for (let o = 0; o < nOut; o++) {
      const g = gradOut[gRow + o];
      gradBias[o] += g;
      const wRow = o * nIn;
      for (let i = 0; i < nIn; i++) gradWeight[wRow + i] += g * x[xRow + i];
    }
  }
}

/**
 * gradInput[r][i] = sum_o gradOut[r][o] weight[o][i]; with `accumulate` the sum starts from what gradInput[r][i]
 * holds (a gradient arriving by another path), and the terms are added in o order after it.
 */
export function denseInputGradient(
  shape: DenseShape,
  rows: number,
  weight: Float32Array,
  gradOut: FloatArray,
  gradInput: FloatArray,
  accumulate: boolean,
): void {
  const nIn = shape.inputs;
  const nOut = shape.outputs;
  for (let r = 0; r < rows; r++) {
    const gRow = r * nOut;
    const inRow = r * nIn;
    let i = 0;
    for (; i + 3 < nIn; i += 4) {
      let s0 = accumulate ? gradInput[inRow + i] : 0;
      let s1 = accumulate ? gradInput[inRow + i + 1] : 0;
      let s2 = accumulate ? gradInput[inRow + i + 2] : 0;
      let s3 = accumulate ? gradInput[inRow + i + 3] : 0;
      for (let o = 0; o < nOut; o++) {
        const g = gradOut[gRow + o];
        const w = o * nIn + i;
        s0 += g * weight[w];
        s1 += g * weight[w + 1];
        s2 += g * weight[w + 2];
        s3 += g * weight[w + 3];
      }
      gradInput[inRow + i] = s0;
      gradInput[inRow + i + 1] = s1;
      gradInput[inRow + i + 2] = s2;
      gradInput[inRow + i + 3] = s3;
    }
    for (; i < nIn; i++) {
      let s = accumulate ? gradInput[inRow + i] : 0;
      for (let o = 0; o < nOut; o++) s += gradOut[gRow + o] * weight[o * nIn + i];
      gradInput[inRow + i] = s;
    }
  }
}
