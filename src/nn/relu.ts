/** ReLU on a Float32Array prefix, and its backward pass. NaN passes through so divergence shows. */
export function relu(values: Float32Array, count: number): void {
  for (let i = 0; i < count; i++) if (values[i] < 0) values[i] = 0;
}

/**
 * grad[i] = 0 where activated[i] <= 0 (PyTorch's threshold: the gradient at exactly 0 is 0).
 * `activated` is the ReLU output (or input: the sign test is the same).
 */
export function reluBackward(activated: Float32Array, grad: Float32Array, count: number): void {
  for (let i = 0; i < count; i++) if (!(activated[i] > 0)) grad[i] = 0;
}
