/**
 * Kernel bandwidths of one parameter of a Parzen estimator, on the internal scale.
 * - "neighbours" (Optuna 4.x+): each observation's kernel spans the larger gap to its neighbours
 *   once the observations are sorted between the range ends;
 * - "neighbours-with-prior" (Optuna before 4, and hyperforce's independent TPE): the prior's mean
 *   counts as a neighbour too;
 * - "scott": one bandwidth 0.2 * n^(-1/(d + 4)) * range for every kernel (Optuna 3's multivariate TPE).
 * Either way bandwidths are clipped to [range / min(100, kernels + 1), range] (the lower clip only with
 * considerMagicClip), and the prior kernel (last) gets the whole range.
 */

export type Bandwidth = "neighbours" | "neighbours-with-prior" | "scott";

export interface BandwidthOptions {
  bandwidth: Bandwidth;
  considerMagicClip: boolean;
  considerEndpoints: boolean;
}

/** Bandwidths for `mus` (n observations followed by the prior's mean), length n + 1. */
export function bandwidths(mus: Float64Array, low: number, high: number, options: BandwidthOptions, dimensions: number): Float64Array {
  const n = mus.length - 1;
  const range = high - low;
  const sigmas = new Float64Array(n + 1);
  if (options.bandwidth === "scott") sigmas.fill(0.2 * Math.max(n, 1) ** (-1 / (dimensions + 4)) * range, 0, n);
  else neighbourGaps(mus.subarray(0, options.bandwidth === "neighbours" ? n : n + 1), low, high, options.considerEndpoints, sigmas);
  const minSigma = options.considerMagicClip ? range / Math.min(100, n + 2) : 1e-12;
  for (let i = 0; i < n; i++) sigmas[i] = Math.min(range, Math.max(minSigma, sigmas[i]));
  sigmas[n] = range;
  return sigmas;
}

/** Writes into `out[i]` the larger gap of values[i] to its neighbours in sorted order (the range ends included). */
function neighbourGaps(values: Float64Array, low: number, high: number, considerEndpoints: boolean, out: Float64Array): void {
  const m = values.length;
  if (m === 0) return;
  const order = sortedOrder(values);
  const at = (rank: number) => (rank < 0 ? low : rank >= m ? high : values[order[rank]]);
  for (let r = 0; r < m; r++) out[order[r]] = Math.max(at(r) - at(r - 1), at(r + 1) - at(r));
  if (!considerEndpoints && m >= 2) {
    // The outermost kernels ignore their distance to the range ends.
    out[order[0]] = at(1) - at(0);
    out[order[m - 1]] = at(m - 1) - at(m - 2);
  }
}

/** Indices of values in ascending order, ties by index (a native numeric sort, then each value's rank by a lookup). */
function sortedOrder(values: Float64Array): Uint32Array {
  const sorted = values.slice().sort();
  const nextRank = new Map<number, number>();
  for (let r = sorted.length - 1; r >= 0; r--) nextRank.set(sorted[r], r);
  const order = new Uint32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const rank = nextRank.get(values[i])!;
    order[rank] = i;
    nextRank.set(values[i], rank + 1);
  }
  return order;
}
