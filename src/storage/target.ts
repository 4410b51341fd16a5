/**
 * A study-wide trial target that holds across processes. A trial created with the system attribute
 * below is refused, under the journal's file lock, when the study already holds that many trials
 * RUNNING or finished: of several processes racing for the last trial, exactly one gets it.
 * (Checking the count first and creating the trial after would let each of them create one.)
 */
import { StorageError } from "../errors/errors.ts";

/** Trial system attribute: the number of trials the study may hold when this one is created. */
export const TARGET_TRIALS_ATTR = "target_trials";

/** A new trial refused because the study already holds its target. */
export class TargetReachedError extends StorageError {
  constructor(
    readonly target: number,
    readonly held: number,
  ) {
    super(`the study already holds ${held} trials running or finished (its target is ${target})`);
  }
}
