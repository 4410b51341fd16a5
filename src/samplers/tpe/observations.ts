/**
 * What the Parzen estimators are fitted to: the good and bad trials of the study (split.ts), and for
 * a set of parameters, one column per parameter of the values of the trials holding all of them.
 *
 * The constant liar (Optuna's constant_liar): trials still RUNNING join the bad group, as if they had
 * returned the worst value, so trials asked at the same time do not all crowd the same good region.
 * A running trial counts with the values it holds so far and those the sampler has already drawn for it.
 */

import { containsValue } from "../../space/compare.ts";
import { choiceIndex } from "../../space/discrete.ts";
import { hasChoices, type Params, type SearchSpace } from "../../space/types.ts";
import type { Direction, FrozenTrial } from "../../trial/types.ts";
import { finishedTrials, splitTrials } from "./split.ts";

export interface History {
  /** Finished trials (COMPLETE, PRUNED, FAIL) other than the one being sampled. */
  finished: FrozenTrial[];
  below: FrozenTrial[];
  /** The bad trials, and with the constant liar the other RUNNING trials, in number order. */
  above: FrozenTrial[];
}

/** The finished trials and, when there are enough of them, the good/bad split (with liars when asked). */
export function readHistory(
  trials: readonly FrozenTrial[],
  trialNumber: number,
  direction: Direction,
  gamma: (n: number) => number,
  constantLiar: boolean,
): History {
  const finished = finishedTrials(trials, trialNumber);
  const { below, above } = splitTrials(finished, direction, gamma);
  if (constantLiar) {
    const running = trials.filter((t) => t.state === "RUNNING" && t.number !== trialNumber);
    if (running.length > 0) return { finished, below, above: [...above, ...running].sort((a, b) => a.number - b.number) };
  }
  return { finished, below, above };
}

/**
 * One column per parameter of the space over the trials that hold a valid value for every one of
 * them: numbers on the user's scale, choice indices for categoricals. `extra` adds values a running
 * trial will get (drawn for it, not yet suggested).
 */
export function observationColumns(
  space: SearchSpace,
  trials: readonly FrozenTrial[],
  extra?: ReadonlyMap<number, Params>,
): Record<string, Float64Array> {
  const names = Object.keys(space);
  const usable: Params[] = [];
  for (const trial of trials) {
    const more = trial.state === "RUNNING" ? extra?.get(trial.number) : undefined;
    const params = more === undefined ? trial.params : { ...more, ...trial.params };
    if (names.every((name) => Object.hasOwn(params, name) && containsValue(space[name], params[name]))) usable.push(params);
  }
  const columns: Record<string, Float64Array> = {};
  for (const name of names) {
    const distribution = space[name];
    const column = new Float64Array(usable.length);
    for (let i = 0; i < usable.length; i++) {
      const value = usable[i][name];
      column[i] = hasChoices(distribution) ? choiceIndex(distribution, value) : (value as number);
    }
    columns[name] = column;
  }
  return columns;
}
