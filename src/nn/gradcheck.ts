/**
 * Central finite differences, for checking hand-written gradients in tests:
 *   dL/dx_i ~ (L(x + h e_i) - L(x - h e_i)) / (2 h)
 * The loss is a closure that reads the parameter arrays as they are when it is called.
 */
export type ParameterArray = Float32Array | Float64Array;

/** Numerical gradient of `loss` with respect to `params` (perturbed in place, then restored exactly). */
export function finiteDifferenceGradient(loss: () => number, params: ParameterArray, step: number): Float64Array {
  if (!(step > 0)) throw new Error(`finiteDifferenceGradient: step must be positive, got ${step}`);
  const grad = new Float64Array(params.length);
  for (let i = 0; i < params.length; i++) {
    const original = params[i];
    params[i] = original + step;
    const up = params[i];
    const lossUp = loss();
    params[i] = original - step;
    const down = params[i];
    const lossDown = loss();
    params[i] = original;
    // Divide by the step actually taken: in float32 storage, original +/- step is rounded.
    grad[i] = (lossUp - lossDown) / (up - down);
  }
  return grad;
}

export interface GradientComparison {
  /** max_i |analytic_i - numeric_i| / max(|analytic_i|, |numeric_i|, floor) */
  maxRelativeError: number;
  maxAbsoluteError: number;
  worstIndex: number;
}

/** Compares an analytic gradient with a numerical one; `floor` keeps near-zero entries from dominating. */
export function compareGradients(analytic: ArrayLike<number>, numeric: ArrayLike<number>, floor = 1e-6): GradientComparison {
  if (analytic.length !== numeric.length) {
    throw new Error(`compareGradients: lengths differ (${analytic.length} vs ${numeric.length})`);
  }
  let maxRelativeError = 0;
  let maxAbsoluteError = 0;
  let worstIndex = -1;
  for (let i = 0; i < analytic.length; i++) {
    const diff = Math.abs(analytic[i] - numeric[i]);
    const scale = Math.max(Math.abs(analytic[i]), Math.abs(numeric[i]), floor);
    const relative = diff / scale;
    if (!(relative <= maxRelativeError)) {
      maxRelativeError = relative;
      worstIndex = i;
    }
    if (diff > maxAbsoluteError) maxAbsoluteError = diff;
  }
  return { maxRelativeError, maxAbsoluteError, worstIndex };
}
