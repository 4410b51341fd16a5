/**
 * The paper's inner problem as an objective: train the two-layer MLP with the trial's learning_rate,
 * weight_decay, batch_size and hidden_units, and return the validation loss (to minimize).
 *
 * - Parameters come from trial.params when the study declared them (any space with these names);
 *   otherwise they are suggested define-by-run from the `paper` preset's choices.
 * - The training seed is derived from the study seed and the trial number (trialTrainingSeed), so a
 *   trial is reproducible on its own, whatever ran before it or in parallel.
 * - User attributes: seed, test_loss (finite only), diverged, epochs, seconds.
 * - A diverged run (a loss became NaN or infinite) is a FAIL trial with the reason "diverged" and
 *   the user attribute diverged = true. It is not given an invented penalty value: samplers decide
 *   how to treat FAIL trials (TPE and the RL samplers read them as the worst outcome).
 */
import { ConfigError } from "../errors/errors.ts";
import { paperSpace } from "../space/presets.ts";
import type { CategoricalChoice, ParamValue } from "../space/types.ts";
import type { Objective, Trial } from "../trial/types.ts";
import { evaluatePaperTask, PAPER_TASKS, type PaperTaskName } from "../tasks/paper-task.ts";
import type { EvaluationResult, MlpConfig } from "../tasks/types.ts";

export const TASK_NAMES: readonly PaperTaskName[] = PAPER_TASKS;
export type TaskName = PaperTaskName;

/** The fail reason of a trial whose training diverged. */
export const DIVERGED_REASON = "diverged";

export interface BuiltinTaskOptions {
  task: TaskName;
  /** Default 0. */
  splitSeed?: number;
  /** Default 15. */
  epochs?: number;
  /** The study seed; default 0. */
  seed?: number;
}

const PARAMS = ["learning_rate", "weight_decay", "batch_size", "hidden_units"] as const;

export function builtinTaskObjective(options: BuiltinTaskOptions): Objective {
  if (!(TASK_NAMES as readonly string[]).includes(options.task)) {
    throw new ConfigError(`unknown task ${JSON.stringify(options.task)}; built-in tasks: ${TASK_NAMES.join(", ")}`);
  }
  const splitSeed = options.splitSeed ?? 0;
  const studySeed = options.seed ?? 0;
  return async (trial: Trial) => {
    const config = trialMlpConfig(trial, options.epochs);
    const seed = trialTrainingSeed(studySeed, trial.number);
    return recordEvaluation(trial, seed, await evaluatePaperTask(options.task, config, { seed, splitSeed }));
  };
}

/** The trial's configuration of the paper's MLP: declared values, else suggested from the `paper` preset's choices. */
export function trialMlpConfig(trial: Trial, epochs: number | undefined): MlpConfig {
  const paper = paperSpace();
  const value = (name: (typeof PARAMS)[number]): number => {
    const given: ParamValue = Object.hasOwn(trial.params, name)
      ? trial.params[name]
      : trial.suggestCategorical(name, (paper[name] as { choices: CategoricalChoice[] }).choices);
    if (typeof given !== "number" || !Number.isFinite(given)) throw new Error(`parameter "${name}" must be a finite number, got ${JSON.stringify(given)}`);
    return given;
  };
  const config: MlpConfig = {
    learningRate: value("learning_rate"),
    weightDecay: value("weight_decay"),
    batchSize: value("batch_size"),
    hidden: value("hidden_units"),
  };
  if (epochs !== undefined) config.epochs = epochs;
  checkConfig(config);
  return config;
}

/** Stores a training run's seed, test loss and timing on the trial; returns its validation loss, or throws "diverged". */
export function recordEvaluation(trial: Trial, seed: number, result: EvaluationResult): number {
  trial.setUserAttr("seed", seed);
  trial.setUserAttr("diverged", result.diverged);
  trial.setUserAttr("epochs", result.epochsRun);
  trial.setUserAttr("seconds", result.seconds);
  if (Number.isFinite(result.testLoss)) trial.setUserAttr("test_loss", result.testLoss);
  if (result.diverged || !Number.isFinite(result.validationLoss)) throw new Error(DIVERGED_REASON);
  return result.validationLoss;
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

function checkConfig(config: MlpConfig): void {
  if (!(config.learningRate > 0)) throw new Error(`learning_rate must be > 0, got ${config.learningRate}`);
  if (!(config.weightDecay >= 0)) throw new Error(`weight_decay must be >= 0, got ${config.weightDecay}`);
  if (!Number.isInteger(config.batchSize) || config.batchSize < 1) throw new Error(`batch_size must be an integer >= 1, got ${config.batchSize}`);
  if (!Number.isInteger(config.hidden) || config.hidden < 1) throw new Error(`hidden_units must be an integer >= 1, got ${config.hidden}`);
}
