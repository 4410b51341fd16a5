/**
 * A dense (fully connected) layer on row-major Float32Array batches, weights in PyTorch's layout:
 * weight is [outputs][inputs] row-major, so out[r][o] = bias[o] + sum_i x[r][i] * weight[o][i].
 * Every function writes into buffers the caller preallocated; nothing is allocated here.
 * Forward sums are accumulated in float64 locals; gradients accumulate row by row in float32.
 */
export interface DenseShape {
  inputs: number;
  outputs: number;
}

/** out = x W^T + b for `rows` rows. */
export function denseForward(shape: DenseShape, x: Float32Array, rows: number, weight: Float32Array, bias: Float32Array, out: Float32Array): void {
  affine(shape.inputs, shape.outputs, x, rows, weight, bias, out, false);
}

/** out = relu(x W^T + b), fused so the pre-activation is never stored. */
export function denseReluForward(shape: DenseShape, x: Float32Array, rows: number, weight: Float32Array, bias: Float32Array, out: Float32Array): void {
  affine(shape.inputs, shape.outputs, x, rows, weight, bias, out, true);
}

function affine(nIn: number, nOut: number, x: Float32Array, rows: number, weight: Float32Array, bias: Float32Array, out: Float32Array, relu: boolean): void {
  for (let r = 0; r < rows; r++) {
    const xRow = r * nIn;
    const outRow = r * nOut;
    for (let o = 0; o < nOut; o++) {
      const wRow = o * nIn;
      let sum = bias[o];
      for (let i = 0; i < nIn; i++) sum += x[xRow + i] * weight[wRow + i];
      out[outRow + o] = relu && !(sum > 0) && sum === sum ? 0 : sum;
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
  x: Float32Array,
  rows: number,
  weight: Float32Array,
  gradOut: Float32Array,
  gradWeight: Float32Array,
  gradBias: Float32Array,
  gradInput: Float32Array | null,
): void {
  const nIn = shape.inputs;
  const nOut = shape.outputs;
  gradWeight.fill(0, 0, nOut * nIn);
  gradBias.fill(0, 0, nOut);
  // Row by row so every inner loop runs over contiguous memory; zero gradients (ReLU) are skipped.
  for (let r = 0; r < rows; r++) {
    const gRow = r * nOut;
    const xRow = r * nIn;
    for (let o = 0; o < nOut; o++) {
      const g = gradOut[gRow + o];
      if (g === 0) continue;
      gradBias[o] += g;
      const wRow = o * nIn;
      for (let i = 0; i < nIn; i++) gradWeight[wRow + i] += g * x[xRow + i];
    }
  }
  if (gradInput === null) return;
  gradInput.fill(0, 0, rows * nIn);
  for (let r = 0; r < rows; r++) {
    const gRow = r * nOut;
    const inRow = r * nIn;
    for (let o = 0; o < nOut; o++) {
      const g = gradOut[gRow + o];
      if (g === 0) continue;
      const wRow = o * nIn;
      for (let i = 0; i < nIn; i++) gradInput[inRow + i] += g * weight[wRow + i];
    }
  }
}
