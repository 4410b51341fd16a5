import type { Rng } from "./rng.ts";

/**
 * PyTorch's default nn.Linear initialisation: weight and bias uniform in [-1/sqrt(fanIn), 1/sqrt(fanIn)).
 * (kaiming_uniform with a = sqrt(5) reduces to exactly this bound for the weight.)
 *
 * Draw order, fixed because studies must be reproducible: every weight first, in row-major order of
 * the [out][in] matrix (row 0 left to right, then row 1, ...), then every bias in index order.
 * Each value takes one rng.uniform() draw.
 */
export function initLinear(weight: Float32Array, bias: Float32Array, fanIn: number, rng: Rng): void {
  if (!Number.isInteger(fanIn) || fanIn <= 0) throw new Error(`initLinear: fanIn must be a positive integer, got ${fanIn}`);
  if (weight.length !== bias.length * fanIn) {
    throw new Error(`initLinear: weight has ${weight.length} values, expected ${bias.length} x ${fanIn}`);
  }
  const bound = 1 / Math.sqrt(fanIn);
  for (let i = 0; i < weight.length; i++) weight[i] = rng.uniformIn(-bound, bound);
  for (let i = 0; i < bias.length; i++) bias[i] = rng.uniformIn(-bound, bound);
}

/** Every value uniform in [-bound, bound), one rng.uniform() draw each, in index order (PyTorch's nn.RNN / nn.GRU init). */
export function initUniform(values: Float32Array, bound: number, rng: Rng): void {
  for (let i = 0; i < values.length; i++) values[i] = rng.uniformIn(-bound, bound);
}
