/**
 * The finite value lists behind discrete distributions, in index order. RL policies and the grid
 * sampler emit indices into these lists, so the order here is part of the contract.
 */
import { type Distribution, hasChoices, type ParamValue, type RangeDistribution } from "./types.ts";

/** Relative tolerance when matching a float against a step grid (low + k * step drifts by ulps). */
const GRID_TOLERANCE = 1e-9;

/** True when the distribution has a finite list of values of its own (no `levels` needed). */
export function isDiscrete(distribution: Distribution): boolean {
  if (hasChoices(distribution) || distribution.type === "int") return true;
  return distribution.step !== undefined;
}

/**
 * All values of a discrete distribution in index order:
 * - categorical and ordered choices: their choices (ascending for ordered choices);
 * - int: low, low + step, ... <= high;
 * - float with step: low, low + step, ... <= high.
 * With `levels`, a numeric distribution is instead discretised into `levels` evenly spaced values
 * (geometrically spaced when log); for ints (and stepped floats) they are rounded onto the grid and
 * deduplicated, so fewer than `levels` values may come back. A float without step needs `levels`.
 * Lists of choices are finite already and ignore `levels`.
 */
export function discreteChoices(distribution: Distribution, levels?: number): ParamValue[] {
  if (hasChoices(distribution)) return distribution.choices.slice();
  if (levels !== undefined) return leveledValues(distribution, levels);
  if (distribution.type === "float" && distribution.step === undefined) {
    throw new Error(
      `a continuous float distribution [${distribution.low}, ${distribution.high}] has no finite list of values: ` +
        "give levels to discretise it",
    );
  }
  const step = distribution.step ?? 1;
  const count = gridCount(distribution.low, distribution.high, step);
  const values: number[] = [];
  for (let k = 0; k < count; k++) values.push(gridValue(distribution.low, step, k, distribution.type === "int"));
  return values;
}

/** The index of `value` in discreteChoices(distribution, levels), or -1 if it is not one of them. */
export function choiceIndex(distribution: Distribution, value: ParamValue, levels?: number): number {
  if (hasChoices(distribution)) return distribution.choices.findIndex((choice) => sameChoice(choice, value));
  if (typeof value !== "number" || !Number.isFinite(value)) return -1;
  if (levels === undefined) {
    if (distribution.type === "float" && distribution.step === undefined) return -1;
    const step = distribution.step ?? 1;
    const position = (value - distribution.low) / step;
    const k = Math.round(position);
    if (k < 0 || k >= gridCount(distribution.low, distribution.high, step)) return -1;
    // Off the grid by less than a billionth of a step is rounding drift, not a different value.
    return Math.abs(position - k) <= GRID_TOLERANCE * Math.max(1, Math.abs(k)) ? k : -1;
  }
  const scale = distribution.high - distribution.low;
  return leveledValues(distribution, levels).findIndex((choice) => nearlyEqual(choice, value, scale));
}

/** Number of grid points low, low + step, ... that do not pass high (tolerating rounding drift). */
export function gridCount(low: number, high: number, step: number): number {
  return Math.floor((high - low) / step + GRID_TOLERANCE) + 1;
}

function gridValue(low: number, step: number, k: number, integer: boolean): number {
  const value = low + k * step;
  if (integer) return Math.round(value);
  // A grid point that should be zero (-0.3 + 3 * 0.1) comes out as 5.5e-17.
  return Math.abs(value) < GRID_TOLERANCE * step ? 0 : tidy(value);
}

/** Drops the last-ulp noise of grid arithmetic (0.1 * 3 -> 0.3) so stored values read cleanly. */
function tidy(value: number): number {
  return Number(value.toPrecision(15));
}

function leveledValues(distribution: RangeDistribution, levels: number): number[] {
  if (!Number.isInteger(levels) || levels < 1) throw new Error(`levels must be an integer >= 1, got ${levels}`);
  const { low, high } = distribution;
  const log = distribution.log === true;
  const raw: number[] = [];
  for (let i = 0; i < levels; i++) {
    const fraction = levels === 1 ? 0 : i / (levels - 1);
    let value = log ? Math.exp(Math.log(low) + fraction * (Math.log(high) - Math.log(low))) : low + fraction * (high - low);
    // Pin the ends exactly: exp(log(x)) can miss x by an ulp.
    if (i === 0) value = low;
    else if (i === levels - 1) value = high;
    // Interior levels are arbitrary points, so 12 significant digits lose nothing and hide exp/log noise.
    else value = Number(value.toPrecision(12));
    raw.push(value);
  }
  const step = distribution.type === "int" ? (distribution.step ?? 1) : distribution.step;
  if (step === undefined) return raw.filter((value, i) => i === 0 || value !== raw[i - 1]);
  const count = gridCount(low, high, step);
  const onGrid: number[] = [];
  for (const value of raw) {
    const k = Math.min(count - 1, Math.max(0, Math.round((value - low) / step)));
    const snapped = gridValue(low, step, k, distribution.type === "int");
    if (onGrid.length === 0 || onGrid[onGrid.length - 1] !== snapped) onGrid.push(snapped);
  }
  return onGrid;
}

function nearlyEqual(a: number, b: number, scale: number): boolean {
  if (a === b) return true;
  return Math.abs(a - b) <= GRID_TOLERANCE * Math.max(Math.abs(a), Math.abs(b), scale);
}

/** Categorical choices match by JSON identity: 1 and "1" differ, 1 and 1.0 do not. */
function sameChoice(a: ParamValue, b: ParamValue): boolean {
  return a === b || (typeof a === "number" && typeof b === "number" && Number.isNaN(a) && Number.isNaN(b));
}

/** How many values discreteChoices(distribution, levels) has, without building the list for plain grids. */
export function choiceCount(distribution: Distribution, levels?: number): number {
  if (hasChoices(distribution)) return distribution.choices.length;
  if (levels === undefined && (distribution.type === "int" || distribution.step !== undefined)) {
    return gridCount(distribution.low, distribution.high, distribution.step ?? 1);
  }
  return discreteChoices(distribution, levels).length;
}

/** discreteChoices(distribution, levels)[index], without building the list for plain grids. */
export function choiceAt(distribution: Distribution, index: number, levels?: number): ParamValue {
  if (hasChoices(distribution)) return distribution.choices[index];
  if (levels === undefined && (distribution.type === "int" || distribution.step !== undefined)) {
    return gridValue(distribution.low, distribution.step ?? 1, index, distribution.type === "int");
  }
  return discreteChoices(distribution, levels)[index];
}
