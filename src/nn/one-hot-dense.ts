/**
 * A dense layer whose input is a sum of one-hot vectors, given as the list of its active columns:
 * W x is then a sum of weight columns, so the one-hot input is never materialised. Weights are
 * [outputs][inputs] row-major as in dense.ts; activations and gradients of the outputs are float64.
 * Columns are added in the order given, after the bias (the order fixes the rounding).
 */
import type { DenseShape } from "./dense.ts";

/** out[o] = bias[o] + sum over a of weight[o][active[a]]. */
export function oneHotDenseForward(
  shape: DenseShape,
  active: ArrayLike<number>,
  weight: Float32Array,
  bias: Float32Array,
  out: Float64Array,
): void {
  for (let o = 0; o < shape.outputs; o++) {
    let sum = bias[o];
    const row = o * shape.inputs;
    for (let a = 0; a < active.length; a++) sum += weight[row + active[a]];
    out[o] = sum;
  }
}

/** Adds gradOut[o] to gradBias[o] and to gradWeight[o][active[a]] for every active column (accumulates). */
export function oneHotDenseBackward(
  shape: DenseShape,
  active: ArrayLike<number>,
  gradOut: Float64Array,
  gradWeight: Float32Array,
  gradBias: Float32Array,
): void {
  for (let o = 0; o < shape.outputs; o++) {
    const g = gradOut[o];
    gradBias[o] += g;
    const row = o * shape.inputs;
    for (let a = 0; a < active.length; a++) gradWeight[row + active[a]] += g;
  }
}
