/**
 * Any Task (src/tasks/task.ts) as an objective: one trial is one evaluation of the task.
 *
 * - Parameters come from trial.params when the study declared them (any space with these names);
 *   otherwise they are suggested define-by-run from the task's default space.
 * - The training seed is derived from the study seed and the trial number (trialTrainingSeed), so a
 *   trial is reproducible on its own, whatever ran before it or in parallel.
 * - User attributes: seed, diverged, epochs and seconds (when the task trains), test_loss (finite
 *   only), and validation_accuracy and test_accuracy for classification.
 * - A diverged run (a loss became NaN or infinite) is a FAIL trial with the reason "diverged" and
 *   the user attribute diverged = true. It is not given an invented penalty value: samplers decide
 *   how to treat FAIL trials (TPE and the RL samplers read them as the worst outcome).
 */
import { type Distribution, isOrderedChoices, type Params, type ParamValue, type SearchSpace } from "../space/types.ts";
import type { Task } from "../tasks/task.ts";
import { TrialPruned } from "../trial/pruned.ts";
import type { Objective, Trial } from "../trial/types.ts";

/** The fail reason of a trial whose training diverged. */
export const DIVERGED_REASON = "diverged";

/** What one run records on its trial (a TaskResult or the paper task's EvaluationResult). */
export interface RunRecord {
  validationLoss: number;
  testLoss: number;
  diverged: boolean;
  epochsRun?: number;
  seconds?: number;
  validationAccuracy?: number;
  testAccuracy?: number;
}

/** Stores a run's seed, test loss, timing and accuracy on the trial; returns its validation loss, or throws "diverged". */
export function recordEvaluation(trial: Trial, seed: number, result: RunRecord): number {
  trial.setUserAttr("seed", seed);
  trial.setUserAttr("diverged", result.diverged);
  if (result.epochsRun !== undefined) trial.setUserAttr("epochs", result.epochsRun);
  if (result.seconds !== undefined) trial.setUserAttr("seconds", result.seconds);
  if (Number.isFinite(result.testLoss)) trial.setUserAttr("test_loss", result.testLoss);
  if (result.validationAccuracy !== undefined) trial.setUserAttr("validation_accuracy", result.validationAccuracy);
  if (result.testAccuracy !== undefined) trial.setUserAttr("test_accuracy", result.testAccuracy);
  if (result.diverged || !Number.isFinite(result.validationLoss)) throw new Error(DIVERGED_REASON);
  return result.validationLoss;
}

function suggest(trial: Trial, name: string, distribution: Distribution): ParamValue {
  if (distribution.type === "categorical") return trial.suggestCategorical(name, distribution.choices);
  if (isOrderedChoices(distribution))
    return trial.suggestOrdered(name, distribution.choices, { type: distribution.type, log: distribution.log });
  const { low, high, step, log } = distribution;
  const options = { ...(step !== undefined ? { step } : {}), ...(log !== undefined ? { log } : {}) };
  return distribution.type === "float" ? trial.suggestFloat(name, low, high, options) : trial.suggestInt(name, low, high, options);
}

/** The trial's value of each parameter of the space: declared values as they are, the others suggested. */
export function trialParams(trial: Trial, space: SearchSpace): Params {
  const params: Params = {};
  for (const [name, distribution] of Object.entries(space)) {
    params[name] = Object.hasOwn(trial.params, name) ? trial.params[name] : suggest(trial, name, distribution);
  }
  return params;
}

/** A 32-bit training seed from the study seed and the trial number (mixed, so nearby inputs give unrelated seeds). */
export function trialTrainingSeed(studySeed: number, trialNumber: number): number {
  let x = (Math.floor(studySeed) ^ Math.imul(Math.floor(studySeed / 4294967296), 0x27d4eb2d)) >>> 0;
  x = mix32((x + Math.imul(trialNumber + 1, 0x9e3779b9)) >>> 0);
  return mix32(x ^ trialNumber);
}

function mix32(value: number): number {
  let z = value >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

export interface TaskObjectiveOptions {
  /** The study seed the training seeds derive from; default 0. */
  seed?: number;
}

/** An objective that evaluates an opened task once per trial. */
export function taskObjective(task: Task, options: TaskObjectiveOptions = {}): Objective {
  const studySeed = options.seed ?? 0;
  const space = task.defaultSpace();
  return (trial: Trial) => {
    const params = trialParams(trial, space);
    const seed = trialTrainingSeed(studySeed, trial.number);
    if (!trial.pruning) {
      const result = task.evaluate(params, seed);
      return recordEvaluation(trial, result.seed, result);
    }
    // With a pruner, every epoch's validation loss is reported and the pruner may stop the run there.
    let pruned = false;
    const onEpoch = (epoch: number, validationLoss: number): boolean => {
      trial.report(epoch, validationLoss);
      pruned = trial.shouldPrune();
      return pruned;
    };
    const result = task.evaluate(params, seed, { onEpoch });
    if (pruned) {
      trial.setUserAttr("seed", result.seed);
      trial.setUserAttr("epochs", result.epochsRun ?? result.validationCurve?.length ?? 0);
      throw new TrialPruned(`pruned after epoch ${result.validationCurve?.length ?? 0}`);
    }
    return recordEvaluation(trial, result.seed, result);
  };
}

/**
 * An objective over a task opened on its first trial (opening may download a dataset), once: every
 * trial after it evaluates the same task.
 */
export function lazyTaskObjective(open: () => Promise<Task>, options: TaskObjectiveOptions = {}): Objective {
  let objective: Promise<Objective> | undefined;
  return async (trial: Trial) => {
    // A failed opening (a download refused, say) is tried again by the next trial.
    objective ??= open().then(
      (task) => taskObjective(task, options),
      (error: unknown) => {
        objective = undefined;
        throw error;
      },
    );
    return (await objective)(trial);
  };
}
