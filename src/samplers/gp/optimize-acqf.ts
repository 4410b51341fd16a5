/**
 * Maximises an acquisition function over the GP's input space: score many randomised Halton points
 * (snapped to the grids and choices), then refine the best few, and the given seed points, by a
 * coordinate search: continuous coordinates move by ± a step that shrinks when no move helps,
 * discrete ones to their neighbouring grid values (or every value, for short grids), categorical
 * ones to every other choice.
 */
import type { Rng } from "../../nn/rng.ts";
import { coordinateOfIndex, type Dimension, indexOfCoordinate, snapCoordinate } from "./encoding.ts";
import { fillHalton } from "./halton.ts";

export interface AcquisitionSearchOptions {
  /** Quasi-random points scored (default 256). */
  candidates?: number;
  /** Best candidates refined by coordinate search (default 5). */
  localStarts?: number;
  /** Candidate points returned beside the refined ones, for callers that must skip some (default 32). */
  keepCandidates?: number;
}

export interface ScoredPoint {
  point: Float64Array;
  value: number;
}

/** Grids up to this many values are searched exhaustively per coordinate; longer ones by neighbours. */
const SMALL_GRID = 16;
const FIRST_STEP = 0.1;
const LAST_STEP = 1e-4;
const MAX_EVALUATIONS_PER_START = 150;

/**
 * The acquisition at row `row` of a row-major d-column buffer: exact when it can exceed `threshold`,
 * otherwise an upper bound that is <= threshold (so a caller that only wants points better than
 * `threshold` skips the exact work).
 */
export type AcquisitionScore = (points: Float64Array, row: number, threshold: number) => number;

/**
 * Points ranked best first: the refined local optima, then the best raw candidates as fallbacks.
 * Candidates are first bounded (no solve); only those whose bound could place among the local
 * starts are scored exactly.
 */
export function maximizeAcquisition(
  dimensions: readonly Dimension[],
  score: AcquisitionScore,
  rng: Rng,
  seeds: readonly Float64Array[],
  options: AcquisitionSearchOptions = {},
): ScoredPoint[] {
  const d = dimensions.length;
  const count = options.candidates ?? 256;
  const localStarts = options.localStarts ?? 3;
  const points = new Float64Array(count * d);
  fillHalton(rng, points, count, d);
  const bounds = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    for (let k = 0; k < d; k++) {
      const dimension = dimensions[k];
      const u = points[i * d + k];
      // A categorical coordinate is a choice index: u in [0, 1) picks each choice with equal odds.
      points[i * d + k] =
        dimension.kind === "categorical" ? Math.min(dimension.count - 1, Math.floor(u * dimension.count)) : snapCoordinate(dimension, u);
    }
    bounds[i] = score(points, i, Infinity);
  }
  const order = Array.from({ length: count }, (_, i) => i).sort((a, b) => bounds[b] - bounds[a] || a - b);
  const best: ScoredPoint[] = [];
  for (const i of order) {
    const threshold = best.length < localStarts ? -Infinity : best[best.length - 1].value;
    if (bounds[i] <= threshold) break;
    const value = score(points, i, threshold);
    if (value <= threshold) continue;
    const at = best.findIndex((other) => other.value < value);
    best.splice(at < 0 ? best.length : at, 0, { point: points.slice(i * d, (i + 1) * d), value });
    if (best.length > localStarts) best.pop();
  }
  const starts = best.map(({ point }) => point);
  for (const seed of seeds) starts.push(Float64Array.from(seed, (u, k) => snapCoordinate(dimensions[k], u)));
  const refined = starts.map((start) => coordinateSearch(dimensions, score, start)).sort((a, b) => b.value - a.value);
  const kept = order.slice(0, options.keepCandidates ?? 32).map((i) => ({ point: points.slice(i * d, (i + 1) * d), value: bounds[i] }));
  return [...refined, ...kept];
}

/** Greedy coordinate search from `start` (modified in place); returns the point and its score. */
export function coordinateSearch(dimensions: readonly Dimension[], score: AcquisitionScore, start: Float64Array): ScoredPoint {
  const point = start;
  let value = score(point, 0, -Infinity);
  const hasContinuous = dimensions.some((dimension) => dimension.kind === "continuous");
  let step = FIRST_STEP;
  let evaluations = 1;
  const tryCoordinate = (k: number, coordinate: number): boolean => {
    const old = point[k];
    if (coordinate === old) return false;
    point[k] = coordinate;
    const candidate = score(point, 0, value);
    evaluations++;
    if (candidate > value) {
      value = candidate;
      return true;
    }
    point[k] = old;
    return false;
  };
  while (evaluations < MAX_EVALUATIONS_PER_START) {
    let improved = false;
    for (let k = 0; k < dimensions.length; k++) {
      const dimension = dimensions[k];
      if (dimension.kind === "continuous") {
        const here = point[k];
        if (!tryCoordinate(k, Math.min(1, here + step))) improved = tryCoordinate(k, Math.max(0, here - step)) || improved;
        else improved = true;
      } else if (dimension.count > 1) {
        const current = indexOfCoordinate(dimension, point[k]);
        if (dimension.kind === "categorical" || dimension.count <= SMALL_GRID) {
          for (let index = 0; index < dimension.count; index++) {
            if (index !== current) improved = tryCoordinate(k, coordinateOfIndex(dimension, index)) || improved;
          }
        } else {
          const jump = Math.max(1, Math.round(step * dimension.count));
          for (const index of [current - jump, current + jump, current - 1, current + 1]) {
            if (index >= 0 && index < dimension.count) improved = tryCoordinate(k, coordinateOfIndex(dimension, index)) || improved;
          }
        }
      }
    }
    if (!improved) {
      if (!hasContinuous || step < LAST_STEP) break;
      step /= 4;
    }
  }
  return { point, value };
}
