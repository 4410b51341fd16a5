/**
 * The median pruner (Optuna's MedianPruner): stop a trial whose best value so far is worse than the
 * median of what the COMPLETE trials reported at the same step. Nothing is pruned before
 * `startupTrials` trials have completed, nor before `warmupSteps` steps of the trial.
 */
import type { FrozenTrial } from "../trial/types.ts";
import { checkInteger, lastStep, type Pruner, type PrunerStudy } from "./pruner.ts";

export interface MedianPrunerOptions {
  /** COMPLETE trials needed before anything is pruned; default 5. */
  startupTrials?: number;
  /** Steps of a trial never pruned (steps below this); default 0. */
  warmupSteps?: number;
  /** Trials that must have reported the step for its median to count; default 1. */
  minTrials?: number;
}

function median(values: number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export class MedianPruner implements Pruner {
  readonly name = "median";
  readonly startupTrials: number;
  readonly warmupSteps: number;
  readonly minTrials: number;

  constructor(options: MedianPrunerOptions = {}) {
    this.startupTrials = options.startupTrials ?? 5;
    this.warmupSteps = options.warmupSteps ?? 0;
    this.minTrials = options.minTrials ?? 1;
    checkInteger("startupTrials", this.startupTrials, 0);
    checkInteger("warmupSteps", this.warmupSteps, 0);
    checkInteger("minTrials", this.minTrials, 1);
  }

  prune(study: PrunerStudy, trial: FrozenTrial): boolean {
    const step = lastStep(trial);
    if (step === undefined || step < this.warmupSteps) return false;
    const latest = trial.intermediateValues[step];
    if (Number.isNaN(latest)) return true;
    const complete = study.trials().filter((other) => other.state === "COMPLETE");
    if (complete.length < this.startupTrials) return false;
    const atStep = complete.map((other) => other.intermediateValues[step]).filter((value) => value !== undefined && !Number.isNaN(value));
    if (atStep.length < this.minTrials) return false;
    const sign = study.direction === "minimize" ? 1 : -1;
    // The trial's best value over its steps so far, against the median at this step.
    const best = Math.min(...Object.values(trial.intermediateValues).map((value) => sign * value));
    return best > sign * median(atStep);
  }
}

export function medianPruner(options: MedianPrunerOptions = {}): MedianPruner {
  return new MedianPruner(options);
}
