/**
 * How a parameter is laid on an axis: numeric or not, linear or logarithmic. A log distribution is
 * logarithmic; so is a categorical of positive numbers spanning two orders of magnitude or more
 * (the paper's learning rates 1e-5..3e-1 and batch sizes 8..4096 are geometric series).
 */
import type { Distribution, ParamValue } from "../space/types.ts";

/** Spans at least this ratio (max / min) are drawn on a log axis. */
const GEOMETRIC_RATIO = 50;

export interface ParameterScale {
  numeric: boolean;
  log: boolean;
  /** Numeric only: the distribution's range. */
  min: number;
  max: number;
  /** Non-numeric categorical only: the choices as labels, in order. */
  labels: string[];
}

export function parameterScale(distribution: Distribution): ParameterScale {
  // A list of choices (categorical, or ordered numeric choices) is laid out by its values; anything else is a range.
  const listed = (distribution as { choices?: unknown }).choices;
  if (!Array.isArray(listed)) {
    const range = distribution as { low: number; high: number; log?: boolean };
    return { numeric: true, log: range.log === true, min: range.low, max: range.high, labels: [] };
  }
  const choices = listed as unknown[];
  if (choices.length > 0 && choices.every((choice) => typeof choice === "number" && Number.isFinite(choice))) {
    const numbers = choices as number[];
    const min = Math.min(...numbers);
    const max = Math.max(...numbers);
    const declaredLog = (distribution as { log?: boolean }).log === true;
    return { numeric: true, log: declaredLog || (min > 0 && max / min >= GEOMETRIC_RATIO), min, max, labels: [] };
  }
  return { numeric: false, log: false, min: 0, max: Math.max(choices.length - 1, 0), labels: choices.map(String) };
}

/** Where a value lies in its parameter's range, 0 (lowest) to 1 (highest); log-scaled when the axis is. */
export function positionOf(distribution: Distribution, value: ParamValue): number {
  const scale = parameterScale(distribution);
  if (!scale.numeric) {
    const index = scale.labels.indexOf(String(value));
    return scale.labels.length <= 1 ? 0.5 : index / (scale.labels.length - 1);
  }
  const number = Number(value);
  if (scale.max === scale.min) return 0.5;
  if (scale.log) return (Math.log(number) - Math.log(scale.min)) / (Math.log(scale.max) - Math.log(scale.min));
  return (number - scale.min) / (scale.max - scale.min);
}

/** A short label for an axis end: 3e-4, 4096, 0.25. */
export function formatParamValue(value: ParamValue): string {
  if (typeof value !== "number") return String(value);
  if (value !== 0 && (Math.abs(value) < 1e-3 || Math.abs(value) >= 1e5))
    return value
      .toExponential()
      .replace(/\.?0+e/, "e")
      .replace("e+", "e");
  return String(Number(value.toPrecision(4)));
}
