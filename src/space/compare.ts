/** Membership and equality of distributions (the study uses them to check define-by-run suggestions). */

import { choiceIndex } from "./discrete.ts";
import { type Distribution, hasChoices, isOrderedChoices, type ParamValue } from "./types.ts";

/** True when `value` is a value the distribution can produce (on its step grid, within its bounds). */
export function containsValue(distribution: Distribution, value: ParamValue): boolean {
  if (hasChoices(distribution)) return choiceIndex(distribution, value) >= 0;
  if (typeof value !== "number" || !Number.isFinite(value)) return false;
  if (distribution.type === "int" && !Number.isInteger(value)) return false;
  if (distribution.step !== undefined || distribution.type === "int") return choiceIndex(distribution, value) >= 0;
  return value >= distribution.low && value <= distribution.high;
}

/**
 * Same kind, bounds, step and scale (an int's missing step is 1; a missing log is false); same choices
 * in the same order (ordered choices also the same kind and scale).
 */
export function sameDistribution(a: Distribution, b: Distribution): boolean {
  if (a.type !== b.type || hasChoices(a) !== hasChoices(b)) return false;
  if ((a.type !== "categorical" && a.log === true) !== (b.type !== "categorical" && b.log === true)) return false;
  if (hasChoices(a) && hasChoices(b)) {
    return a.choices.length === b.choices.length && a.choices.every((choice, i) => choice === b.choices[i]);
  }
  if (isOrderedChoices(a) || isOrderedChoices(b) || a.type === "categorical" || b.type === "categorical") return false;
  if (a.low !== b.low || a.high !== b.high) return false;
  const defaultStep = a.type === "int" ? 1 : undefined;
  return (a.step ?? defaultStep) === (b.step ?? defaultStep);
}
