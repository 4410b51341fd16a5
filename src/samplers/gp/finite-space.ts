/**
 * The acquisition's exact maximum over every configuration of a small finite space (each modelled
 * parameter discrete or categorical, at most FINITE_SPACE_LIMIT configurations).
 *
 * With K = L Lᵀ, the posterior at configuration c is mean_c = v_c · L⁻¹y and variance_c = σ² − |v_c|²,
 * where v_c = L⁻¹ k(X, c). Row i of V = L⁻¹ k(X, C) over all configurations needs only rows 0..i of X
 * and L, and rows of L depend only on the points before them, so while the hyperparameters stay the
 * same an ask that adds one trial adds one row of V: O(n · configurations) instead of a triangular
 * solve, O(n²), per configuration. The rows are rebuilt when the kernel is refitted.
 */
import { logExpectedImprovement } from "./acquisition.ts";
import { coordinateOfIndex, type Dimension } from "./encoding.ts";
import type { TrainingData } from "./fit.ts";
import { matern52, weightedSquaredDistance } from "./kernel.ts";
import type { ScoredPoint } from "./optimize-acqf.ts";
import type { GpPosterior } from "./posterior.ts";

/** Spaces up to this many configurations are scored whole. */
export const FINITE_SPACE_LIMIT = 20_000;

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** How many configurations a space of these dimensions holds (Infinity when one is continuous). */
export function configurationCountOf(dimensions: readonly Dimension[]): number {
  let total = 1;
  for (const dimension of dimensions) total *= dimension.count;
  return total;
}

/** Every configuration's encoded point, in mixed-radix order (the last dimension fastest). */
export class ConfigurationGrid {
  readonly count: number;
  readonly d: number;
  readonly points: Float64Array;
  private readonly strides: number[];

  constructor(readonly dimensions: readonly Dimension[]) {
    this.d = dimensions.length;
    this.count = configurationCountOf(dimensions);
    this.strides = new Array<number>(this.d);
    let stride = 1;
    for (let k = this.d - 1; k >= 0; k--) {
      this.strides[k] = stride;
      stride *= dimensions[k].count;
    }
    const coordinates = dimensions.map((dimension) => Array.from({ length: dimension.count }, (_, i) => coordinateOfIndex(dimension, i)));
    this.points = new Float64Array(this.count * this.d);
    for (let position = 0; position < this.count; position++) {
      for (let k = 0; k < this.d; k++) {
        this.points[position * this.d + k] = coordinates[k][Math.floor(position / this.strides[k]) % dimensions[k].count];
      }
    }
  }

  /** The position of a configuration given by its choice (or grid) indices. */
  positionOf(indices: readonly number[]): number {
    let position = 0;
    for (let k = 0; k < this.d; k++) position += indices[k] * this.strides[k];
    return position;
  }
}

/** The rows of V = L⁻¹ k(X, C) over a grid, kept while the hyperparameters (`key`) stay the same. */
export class SolvedKernelRows {
  private key = "";
  private readonly pointKeys: string[] = [];
  private readonly rows: Float64Array[] = [];

  /** The n rows for `data` under `posterior` (whose factor must extend the cached one when `key` is unchanged). */
  rowsFor(grid: ConfigurationGrid, data: TrainingData, posterior: GpPosterior, key: string): Float64Array[] {
    if (key !== this.key) {
      this.pointKeys.length = this.rows.length = 0;
      this.key = key;
    }
    const { n, d, x, categorical } = data;
    let kept = 0;
    while (kept < Math.min(n, this.rows.length) && this.pointKeys[kept] === x.subarray(kept * d, (kept + 1) * d).join(",")) kept++;
    this.pointKeys.length = this.rows.length = kept;
    const { lambda, signalVariance } = posterior.hyperparameters;
    const l = posterior.l;
    for (let i = kept; i < n; i++) {
      const row = new Float64Array(grid.count);
      for (let c = 0; c < grid.count; c++)
        row[c] = signalVariance * matern52(weightedSquaredDistance(grid.points, c, x, i, d, lambda, categorical));
      subtractSolvedRows(row, l, i * n, this.rows, i);
      divide(row, l[i * n + i]);
      this.rows.push(row);
      this.pointKeys.push(x.subarray(i * d, (i + 1) * d).join(","));
    }
    return this.rows;
  }
}

/**
 * The configuration of highest log EI against `best`, skipping positions where `skip` is 1 (none
 * when every one is skipped). Exact: no other configuration scores higher.
 */
export function maximizeOverGrid(
  grid: ConfigurationGrid,
  rows: readonly Float64Array[],
  posterior: GpPosterior,
  best: number,
  skip: Uint8Array,
): ScoredPoint | undefined {
  const { count, d } = grid;
  const means = new Float64Array(count);
  const explained = new Float64Array(count);
  for (let i = 0; i < rows.length; i++) accumulate(rows[i], posterior.beta[i], means, explained);
  const signalVariance = posterior.hyperparameters.signalVariance;
  let found: { position: number; value: number } | undefined;
  for (let c = 0; c < count; c++) {
    if (skip[c] === 1) continue;
    const variance = Math.max(signalVariance - explained[c], 1e-12 * signalVariance);
    if (found !== undefined && tailBound(means[c], variance, best) <= found.value) continue;
    const value = logExpectedImprovement(means[c], variance, best);
    if (found === undefined || value > found.value) found = { position: c, value };
  }
  return found && { point: grid.points.slice(found.position * d, (found.position + 1) * d), value: found.value };
}

/**
 * An upper bound on log EI, cheaper than it far in the tail: there h(z) = φ(z) − |z| Φ(z) <= φ(z),
 * so log EI <= log σ + log φ(z), without the continued fraction.
 */
function tailBound(mean: number, variance: number, best: number): number {
  const sd = Math.sqrt(variance);
  const z = (best - mean) / sd;
  return z > -3 ? Infinity : Math.log(sd) - 0.5 * z * z - LOG_SQRT_2PI;
}

/** means += weight · row; explained += row². */
function accumulate(row: Float64Array, weight: number, means: Float64Array, explained: Float64Array): void {
  for (let c = 0; c < row.length; c++) {
    const value = row[c];
    means[c] += weight * value;
    explained[c] += value * value;
  }
}

/** target −= Σ_{j < count} l[offset + j] · rows[j], four rows per pass (a quarter of the passes over target). */
function subtractSolvedRows(target: Float64Array, l: Float64Array, offset: number, rows: readonly Float64Array[], count: number): void {
  let j = 0;
  for (; j + 4 <= count; j += 4) {
    const [a, b, c, e] = [l[offset + j], l[offset + j + 1], l[offset + j + 2], l[offset + j + 3]];
    const [ra, rb, rc, re] = [rows[j], rows[j + 1], rows[j + 2], rows[j + 3]];
    for (let k = 0; k < target.length; k++) target[k] -= a * ra[k] + b * rb[k] + c * rc[k] + e * re[k];
  }
  for (; j < count; j++) {
    const factor = l[offset + j];
    const row = rows[j];
    for (let k = 0; k < target.length; k++) target[k] -= factor * row[k];
  }
}

function divide(target: Float64Array, divisor: number): void {
  for (let c = 0; c < target.length; c++) target[c] /= divisor;
}
