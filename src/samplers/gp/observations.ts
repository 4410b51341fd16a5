/**
 * The GP's training set from the study's trials, over the modelled dimensions:
 * - COMPLETE trials, their values negated when maximising and standardised to mean 0, variance 1;
 * - RUNNING trials (other than the one being sampled) as pending points with the constant liar: they
 *   get the best standardised value so far, so the posterior variance collapses there and the next
 *   proposal looks elsewhere (they are not used to fit the kernel's hyperparameters);
 * - FAIL and PRUNED trials are left out.
 */

import { containsValue } from "../../space/compare.ts";
import type { Direction, FrozenTrial } from "../../trial/types.ts";
import { type Dimension, encodeValue } from "./encoding.ts";
import type { TrainingData } from "./fit.ts";

export interface Observations {
  /** Completed trials only (the kernel is fitted on these). */
  completed: TrainingData;
  /** Completed plus pending points with the liar value (the posterior is conditioned on these). */
  withPending: TrainingData;
  /** The best (lowest) standardised value. */
  best: number;
  /** Encoded points of the best completed trials, best first. */
  bestPoints: Float64Array[];
}

export function buildObservations(
  trials: readonly FrozenTrial[],
  dimensions: readonly Dimension[],
  direction: Direction,
  exceptTrial: number,
  nBestPoints = 3,
): Observations {
  const d = dimensions.length;
  const categorical = Uint8Array.from(dimensions, (dimension) => (dimension.kind === "categorical" ? 1 : 0));
  const holdsAll = (trial: FrozenTrial) =>
    dimensions.every(({ name, distribution }) => Object.hasOwn(trial.params, name) && containsValue(distribution, trial.params[name]));
  const completed = trials.filter((trial) => trial.state === "COMPLETE" && trial.number !== exceptTrial && holdsAll(trial));
  const pending = trials.filter((trial) => trial.state === "RUNNING" && trial.number !== exceptTrial && holdsAll(trial));
  const sign = direction === "maximize" ? -1 : 1;
  const raw = completed.map((trial) => sign * (trial.value as number));
  const mean = raw.reduce((sum, value) => sum + value, 0) / Math.max(1, raw.length);
  const variance = raw.reduce((sum, value) => sum + (value - mean) ** 2, 0) / Math.max(1, raw.length);
  const scale = variance > 0 ? Math.sqrt(variance) : 1;
  const n = completed.length;
  const m = n + pending.length;
  const x = new Float64Array(m * d);
  const y = new Float64Array(m);
  [...completed, ...pending].forEach((trial, i) => {
    dimensions.forEach((dimension, k) => (x[i * d + k] = encodeValue(dimension, trial.params[dimension.name])));
  });
  let best = Infinity;
  for (let i = 0; i < n; i++) {
    y[i] = (raw[i] - mean) / scale;
    best = Math.min(best, y[i]);
  }
  y.fill(best, n);
  const ranked = Array.from({ length: n }, (_, i) => i).sort((a, b) => y[a] - y[b] || a - b);
  return {
    completed: { x: x.subarray(0, n * d), y: y.subarray(0, n), n, d, categorical },
    withPending: { x, y, n: m, d, categorical },
    best,
    bestPoints: ranked.slice(0, nBestPoints).map((i) => x.slice(i * d, (i + 1) * d)),
  };
}
