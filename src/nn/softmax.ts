/**
 * Softmax over one row of logits, with its log-softmax and entropy, and the gradient of
 * a * log p[chosen] + b * H(p) with respect to the logits: what a policy's categorical head needs.
 * Everything is float64 (one head is small; exact values keep finite-difference checks clean).
 */

/** Writes softmax(logits) into probs and log-softmax into logProbs (shifted by the maximum); returns the entropy in nats. */
export function softmaxWithEntropy(logits: Float64Array, probs: Float64Array, logProbs: Float64Array): number {
  let max = -Infinity;
  for (let j = 0; j < logits.length; j++) if (logits[j] > max) max = logits[j];
  let total = 0;
  for (let j = 0; j < logits.length; j++) total += Math.exp(logits[j] - max);
  const logTotal = Math.log(total);
  let entropy = 0;
  for (let j = 0; j < logits.length; j++) {
    logProbs[j] = logits[j] - max - logTotal;
    probs[j] = Math.exp(logProbs[j]);
    entropy -= probs[j] * logProbs[j];
  }
  return entropy;
}

/**
 * Gradient with respect to the logits of
 *   logProbWeight * log p[chosen] + entropyWeight * H(p),
 * using d log p_c / dz_j = [j = c] - p_j and dH / dz_j = -p_j (log p_j + H).
 */
export function softmaxLogitGradient(
  probs: Float64Array,
  logProbs: Float64Array,
  entropy: number,
  chosen: number,
  logProbWeight: number,
  entropyWeight: number,
  out: Float64Array,
): void {
  for (let j = 0; j < probs.length; j++) {
    out[j] = logProbWeight * ((j === chosen ? 1 : 0) - probs[j]) - entropyWeight * probs[j] * (logProbs[j] + entropy);
  }
}
