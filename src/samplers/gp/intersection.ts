/**
 * The part of the search space the GP can model: parameters that every completed trial holds, with
 * one distribution (like Optuna's intersection search space). Conditional parameters, present in
 * only some trials, fall outside it and are sampled at random.
 */

import { containsValue, sameDistribution } from "../../space/compare.ts";
import type { SearchSpace } from "../../space/types.ts";
import type { FrozenTrial } from "../../trial/types.ts";

/** Of a declared space, the parameters whose value every completed trial holds within the distribution. */
export function modelledPartOf(space: SearchSpace, completed: readonly FrozenTrial[]): SearchSpace {
  const out: SearchSpace = {};
  for (const [name, distribution] of Object.entries(space)) {
    if (completed.every((trial) => Object.hasOwn(trial.params, name) && containsValue(distribution, trial.params[name]))) {
      out[name] = distribution;
    }
  }
  return out;
}

/** Define-by-run: the parameters every completed trial suggested, each with the same distribution throughout. */
export function intersectionSpace(completed: readonly FrozenTrial[]): SearchSpace {
  if (completed.length === 0) return {};
  const out: SearchSpace = {};
  const first = completed[0];
  for (const [name, distribution] of Object.entries(first.distributions ?? {})) {
    const shared = completed.every((trial) => {
      const other = trial.distributions?.[name];
      return other !== undefined && sameDistribution(other, distribution) && Object.hasOwn(trial.params, name);
    });
    if (shared) out[name] = distribution;
  }
  return out;
}
