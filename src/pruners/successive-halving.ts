/**
 * Asynchronous successive halving (ASHA; Li et al. 2018, Optuna's SuccessiveHalvingPruner). Rung k
 * sits at step minResource * reductionFactor^(minEarlyStoppingRate + k). A trial reaching a rung goes
 * on only if its value is in the best 1/reductionFactor of the values every trial had there (its own
 * included); the first trials at a rung always go on, since nobody is ahead of them yet.
 *
 * A trial's value at a rung is what it reported at the first step at or after the rung's step, so
 * the rungs follow from the stored intermediate values alone (no extra trial attributes), and a trial
 * is judged at each rung once: at the first report that reaches it. Call prune after every report.
 */
import type { FrozenTrial } from "../trial/types.ts";
import { checkInteger, lastStep, type Pruner, type PrunerStudy, valueReachedAt } from "./pruner.ts";

export interface SuccessiveHalvingOptions {
  /** The step of the first rung (before minEarlyStoppingRate); default 1. */
  minResource?: number;
  /** Rungs grow by this factor, and 1 in this many trials goes on at each; default 3. */
  reductionFactor?: number;
  /** Skips the first rungs: rung 0 sits at minResource * reductionFactor^this; default 0. */
  minEarlyStoppingRate?: number;
}

export class SuccessiveHalvingPruner implements Pruner {
  readonly name = "asha";
  readonly minResource: number;
  readonly reductionFactor: number;
  readonly minEarlyStoppingRate: number;

  constructor(options: SuccessiveHalvingOptions = {}) {
    this.minResource = options.minResource ?? 1;
    this.reductionFactor = options.reductionFactor ?? 3;
    this.minEarlyStoppingRate = options.minEarlyStoppingRate ?? 0;
    checkInteger("minResource", this.minResource, 1);
    checkInteger("reductionFactor", this.reductionFactor, 2);
    checkInteger("minEarlyStoppingRate", this.minEarlyStoppingRate, 0);
  }

  /** The step of rung k. */
  rungStep(rung: number): number {
    return this.minResource * this.reductionFactor ** (this.minEarlyStoppingRate + rung);
  }

  prune(study: PrunerStudy, trial: FrozenTrial): boolean {
    return this.pruneAmong(study.trials(), study.direction === "minimize" ? 1 : -1, trial);
  }

  /** The decision with the competitors given (Hyperband passes the trials of one bracket). */
  pruneAmong(trials: readonly FrozenTrial[], sign: number, trial: FrozenTrial): boolean {
    const step = lastStep(trial);
    if (step === undefined) return false;
    const value = trial.intermediateValues[step];
    if (Number.isNaN(value)) return true;
    const previous = previousStep(trial, step);
    for (let rung = 0; this.rungStep(rung) <= step; rung++) {
      // Rungs the trial reached at an earlier report were judged then.
      if (previous !== undefined && this.rungStep(rung) <= previous) continue;
      if (!this.promotable(trials, sign, trial, rung, sign * value)) return true;
    }
    return false;
  }

  private promotable(trials: readonly FrozenTrial[], sign: number, trial: FrozenTrial, rung: number, value: number): boolean {
    const competing = [value];
    for (const other of trials) {
      if (other.number === trial.number) continue;
      const reached = valueReachedAt(other, this.rungStep(rung));
      if (reached !== undefined && !Number.isNaN(reached.value)) competing.push(sign * reached.value);
    }
    competing.sort((a, b) => a - b);
    const kept = Math.max(1, Math.floor(competing.length / this.reductionFactor));
    return value <= competing[kept - 1];
  }
}

function previousStep(trial: FrozenTrial, step: number): number | undefined {
  let previous: number | undefined;
  for (const key of Object.keys(trial.intermediateValues)) {
    const at = Number(key);
    if (at < step && (previous === undefined || at > previous)) previous = at;
  }
  return previous;
}

export function successiveHalvingPruner(options: SuccessiveHalvingOptions = {}): SuccessiveHalvingPruner {
  return new SuccessiveHalvingPruner(options);
}
