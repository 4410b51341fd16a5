/** Membership and equality of distributions (the study uses them to check define-by-run suggestions). */

import { choiceIndex } from "./discrete.ts";
import type { Distribution, ParamValue } from "./types.ts";

/** True when `value` is a value the distribution can produce (on its step grid, within its bounds). */
export function containsValue(distribution: Distribution, value: ParamValue): boolean {
  if (distribution.type === "categorical") return choiceIndex(distribution, value) >= 0;
  if (typeof value !== "number" || !Number.isFinite(value)) return false;
  if (distribution.type === "int" && !Number.isInteger(value)) return false;
  if (distribution.step !== undefined || distribution.type === "int") return choiceIndex(distribution, value) >= 0;
  return value >= distribution.low && value <= distribution.high;
}

/** Same kind, bounds, step and scale (an int's missing step is 1; a missing log is false); same choices in the same order. */
export function sameDistribution(a: Distribution, b: Distribution): boolean {
  if (a.type === "categorical" || b.type === "categorical") {
    if (a.type !== "categorical" || b.type !== "categorical") return false;
    return a.choices.length === b.choices.length && a.choices.every((choice, i) => choice === b.choices[i]);
  }
  if (a.type !== b.type || a.low !== b.low || a.high !== b.high) return false;
  if ((a.log === true) !== (b.log === true)) return false;
  const defaultStep = a.type === "int" ? 1 : undefined;
  return (a.step ?? defaultStep) === (b.step ?? defaultStep);
}
