/**
 * Losses over a batch, each returning the mean loss and, when `grad` is given, writing
 * d(mean loss)/d(prediction) into it. Accumulation is in float64.
 */

/** Mean squared error over `count` values (PyTorch's MSELoss, reduction "mean"). */
export function meanSquaredError(prediction: Float32Array, target: Float32Array, count: number, grad: Float32Array | null): number {
  let total = 0;
  const scale = 2 / count;
  for (let i = 0; i < count; i++) {
    const diff = prediction[i] - target[i];
    total += diff * diff;
    if (grad !== null) grad[i] = diff * scale;
  }
  return total / count;
}

/**
 * Mean softmax cross-entropy in nats over `rows` rows of `classes` logits; labels hold class indices.
 * Stable: each row is shifted by its maximum before exponentiating, log-sum-exp = max + log(sum).
 */
export function softmaxCrossEntropy(
  logits: Float32Array,
  labels: Float32Array,
  rows: number,
  classes: number,
  grad: Float32Array | null,
): number {
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const base = r * classes;
    const label = labels[r];
    if (!(label >= 0 && label < classes && label === Math.floor(label))) {
      throw new Error(`softmaxCrossEntropy: row ${r} has label ${label}, expected an integer in [0, ${classes - 1}]`);
    }
    let top = logits[base];
    for (let c = 1; c < classes; c++) if (logits[base + c] > top) top = logits[base + c];
    let sum = 0;
    if (grad === null) {
      for (let c = 0; c < classes; c++) sum += Math.exp(logits[base + c] - top);
    } else {
      for (let c = 0; c < classes; c++) {
        const e = Math.exp(logits[base + c] - top);
        grad[base + c] = e;
        sum += e;
      }
      const norm = 1 / (sum * rows);
      for (let c = 0; c < classes; c++) grad[base + c] *= norm;
      grad[base + label] -= 1 / rows;
    }
    total += top + Math.log(sum) - logits[base + label];
  }
  return total / rows;
}
