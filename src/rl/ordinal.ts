/**
 * Ordinal heads. For a parameter whose choices are numbers in order, the head's logits are a Gaussian
 * smoothing of the dense layer's outputs r: z = S r with S_cj = exp(−(c − j)² / (2 w²)), w in choices.
 * S is symmetric positive definite, so every distribution over the choices is still reachable; what
 * changes is how learning moves: a gradient that raises one choice raises its neighbours too, so the
 * credit for a good learning rate spreads to the learning rates beside it. The gradient with respect to
 * r is Sᵀ ∂/∂z = S ∂/∂z. Width 0 is a plain softmax head.
 */
export class OrdinalSmoothing {
  private readonly matrix: Float64Array;
  private readonly scratch: Float64Array;

  constructor(
    readonly size: number,
    readonly width: number,
  ) {
    if (!(width > 0) || !Number.isFinite(width)) throw new Error(`an ordinal head's width must be a positive number, got ${width}`);
    this.matrix = new Float64Array(size * size);
    for (let c = 0; c < size; c++) {
      for (let j = 0; j < size; j++) this.matrix[c * size + j] = Math.exp(-((c - j) ** 2) / (2 * width * width));
    }
    this.scratch = new Float64Array(size);
  }

  /** v ← S v (logits from the dense outputs, or the outputs' gradient from the logits' gradient). */
  apply(v: Float64Array): void {
    const { size, matrix, scratch } = this;
    scratch.set(v);
    for (let c = 0; c < size; c++) {
      let sum = 0;
      for (let j = 0; j < size; j++) sum += matrix[c * size + j] * scratch[j];
      v[c] = sum;
    }
  }
}
