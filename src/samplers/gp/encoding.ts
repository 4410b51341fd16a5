/**
 * Parameters <-> points of the GP's input space, one coordinate per parameter:
 * - continuous floats: scaled to [0, 1], on the log scale for log parameters;
 * - integers and stepped floats: numbers on the same scale, over [low − step/2, high + step/2] so
 *   every grid value owns an equal cell, and always rounded to the grid (log integers use
 *   [low − 0.5, high + 0.5] on the log scale);
 * - ordered numeric choices: the listed numbers on the same scale (log when log), from the smallest at 0 to
 *   the largest at 1, and always rounded to the nearest listed value on that scale;
 * - categoricals: the choice index, compared by the kernel's Hamming-type distance.
 * A parameter with one possible value is a discrete dimension with one value.
 */

import { choiceAt, choiceCount, choiceIndex } from "../../space/discrete.ts";
import { type Distribution, hasChoices, isOrderedChoices, type ParamValue, type RangeDistribution } from "../../space/types.ts";

export type DimensionKind = "continuous" | "discrete" | "categorical";

export interface Dimension {
  name: string;
  distribution: Distribution;
  kind: DimensionKind;
  /** Number of values for discrete and categorical dimensions (Infinity for continuous). */
  count: number;
  /** The scale's ends: log values for log dimensions (unused for categoricals). */
  lower: number;
  upper: number;
  log: boolean;
  /** Ordered numeric choices only: each choice's coordinate, ascending. */
  coordinates?: Float64Array;
}

export function dimensionOf(name: string, distribution: Distribution): Dimension {
  if (isOrderedChoices(distribution)) {
    const log = distribution.log === true;
    const scaled = distribution.choices.map((choice) => (log ? Math.log(choice) : choice));
    const [lower, upper] = [scaled[0], scaled[scaled.length - 1]];
    const coordinates = Float64Array.from(scaled, (value) => (upper > lower ? (value - lower) / (upper - lower) : 0.5));
    return { name, distribution, kind: "discrete", count: scaled.length, lower, upper, log, coordinates };
  }
  if (hasChoices(distribution)) {
    return { name, distribution, kind: "categorical", count: distribution.choices.length, lower: 0, upper: 1, log: false };
  }
  const log = distribution.log === true;
  const stepped = distribution.type === "int" || distribution.step !== undefined;
  if (!stepped) {
    const lower = log ? Math.log(distribution.low) : distribution.low;
    const upper = log ? Math.log(distribution.high) : distribution.high;
    return { name, distribution, kind: upper > lower ? "continuous" : "discrete", count: upper > lower ? Infinity : 1, lower, upper, log };
  }
  const half = (distribution.step ?? 1) / 2;
  const lower = log ? Math.log(distribution.low - 0.5) : distribution.low - half;
  const upper = log ? Math.log(distribution.high + 0.5) : distribution.high + half;
  return { name, distribution, kind: "discrete", count: choiceCount(distribution), lower, upper, log };
}

/** The coordinate of a value (assumed to be in the distribution). */
export function encodeValue(dimension: Dimension, value: ParamValue): number {
  if (dimension.kind === "categorical") return choiceIndex(dimension.distribution, value);
  if (dimension.upper === dimension.lower) return 0.5;
  const scaled = dimension.log ? Math.log(value as number) : (value as number);
  return (scaled - dimension.lower) / (dimension.upper - dimension.lower);
}

/** The value at a coordinate: clamped to the range, rounded to the grid for discrete dimensions. */
export function decodeValue(dimension: Dimension, coordinate: number): ParamValue {
  const distribution = dimension.distribution;
  if (dimension.coordinates !== undefined) return (distribution as { choices: number[] }).choices[indexOfCoordinate(dimension, coordinate)];
  if (hasChoices(distribution)) return distribution.choices[Math.min(dimension.count - 1, Math.max(0, Math.round(coordinate)))];
  if (dimension.count === 1) return distribution.low;
  const u = Math.min(1, Math.max(0, coordinate));
  const scaled = dimension.lower + u * (dimension.upper - dimension.lower);
  const value = dimension.log ? Math.exp(scaled) : scaled;
  if (dimension.kind === "continuous") return Math.min(distribution.high, Math.max(distribution.low, value));
  return choiceAt(distribution, gridIndexOf(dimension, value));
}

/** The grid index nearest to a numeric value of a discrete dimension. */
export function gridIndexOf(dimension: Dimension, value: number): number {
  const distribution = dimension.distribution as RangeDistribution;
  const step = distribution.step ?? 1;
  return Math.min(dimension.count - 1, Math.max(0, Math.round((value - distribution.low) / step)));
}

/** The coordinate of grid index k of a discrete dimension, or of choice k of a categorical one. */
export function coordinateOfIndex(dimension: Dimension, k: number): number {
  if (dimension.kind === "categorical") return k;
  if (dimension.coordinates !== undefined) return dimension.coordinates[k];
  return encodeValue(dimension, choiceAt(dimension.distribution, k));
}

/** The grid (or choice) index a coordinate decodes to. */
export function indexOfCoordinate(dimension: Dimension, coordinate: number): number {
  if (dimension.kind === "categorical") return Math.min(dimension.count - 1, Math.max(0, Math.round(coordinate)));
  if (dimension.coordinates !== undefined) return nearestIndex(dimension.coordinates, coordinate);
  return gridIndexOf(dimension, decodeValue(dimension, coordinate) as number);
}

/** Moves a coordinate onto the value it decodes to (a grid point, a choice index, or the clamped range). */
export function snapCoordinate(dimension: Dimension, coordinate: number): number {
  if (dimension.kind === "continuous") return Math.min(1, Math.max(0, coordinate));
  if (dimension.kind === "categorical") return indexOfCoordinate(dimension, coordinate);
  if (dimension.count === 1) return 0.5;
  return coordinateOfIndex(dimension, indexOfCoordinate(dimension, coordinate));
}

/** The index of the value in `sorted` nearest to `target` (the lower one on a tie). */
function nearestIndex(sorted: Float64Array, target: number): number {
  let low = 0;
  let high = sorted.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (sorted[middle] < target) low = middle + 1;
    else high = middle;
  }
  return low > 0 && target - sorted[low - 1] <= sorted[low] - target ? low - 1 : low;
}
