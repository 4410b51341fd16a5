/**
 * One interface for every pruner (after Optuna's BasePruner): after a trial reports an intermediate
 * value, prune(study, trial) says whether to stop it. A pruner reads the study's trials, nothing else.
 */
import type { Direction, FrozenTrial } from "../trial/types.ts";

/** What a pruner may read of the study it serves. */
export interface PrunerStudy {
  readonly name: string;
  readonly direction: Direction;
  /** Every trial so far, in number order, including RUNNING ones (the one asking among them). */
  trials(): readonly FrozenTrial[];
}

export interface Pruner {
  readonly name: string;
  /** True when the trial, as it stands after its last report, should stop now. */
  prune(study: PrunerStudy, trial: FrozenTrial): boolean;
}

/** The trial's last reported step, or undefined when it has reported none. */
export function lastStep(trial: FrozenTrial): number | undefined {
  let last: number | undefined;
  for (const key of Object.keys(trial.intermediateValues)) {
    const step = Number(key);
    if (last === undefined || step > last) last = step;
  }
  return last;
}

/** The value a trial reported at the first step at or after `step`, and that step; undefined when it never got there. */
export function valueReachedAt(trial: FrozenTrial, step: number): { step: number; value: number } | undefined {
  let found: { step: number; value: number } | undefined;
  for (const [key, value] of Object.entries(trial.intermediateValues)) {
    const at = Number(key);
    if (at >= step && (found === undefined || at < found.step)) found = { step: at, value };
  }
  return found;
}

export function checkInteger(name: string, value: number, minimum: number): void {
  if (!Number.isInteger(value) || value < minimum) throw new Error(`${name} must be an integer >= ${minimum}, got ${value}`);
}
