/**
 * The paper's inner problem as an objective: train the two-layer MLP on a built-in dataset with the
 * trial's learning_rate, weight_decay, batch_size and hidden_units, and return the validation loss
 * (to minimize). It is the task objective (task-objective.ts) of the registered task of that name:
 * parameters, training seeds, user attributes and divergence follow the rules written there.
 */
import { ConfigError } from "../errors/errors.ts";
import { paperSpace } from "../space/presets.ts";
import { MLP_PARAMS, mlpConfigOf } from "../tasks/mlp-task.ts";
import { PAPER_TASKS, type PaperTaskName } from "../tasks/paper-task.ts";
import { namedTaskNames, openTask } from "../tasks/registry.ts";
import type { MlpConfig } from "../tasks/types.ts";
import type { Objective, Trial } from "../trial/types.ts";
import { lazyTaskObjective, trialParams } from "./task-objective.ts";

export { DIVERGED_REASON, recordEvaluation, trialTrainingSeed } from "./task-objective.ts";

export const TASK_NAMES: readonly PaperTaskName[] = PAPER_TASKS;
export type TaskName = PaperTaskName;

export interface BuiltinTaskOptions {
  /** A task registered under a name alone: wine, letter (see src/tasks/registry.ts). */
  task: TaskName | (string & {});
  /** Default 0. */
  splitSeed?: number;
  /** Default 15. */
  epochs?: number;
  /** The study seed; default 0. */
  seed?: number;
  /** The fashion task's training images (its option trainSize). */
  trainSize?: number;
}

export function builtinTaskObjective(options: BuiltinTaskOptions): Objective {
  const known = namedTaskNames();
  if (!known.includes(options.task)) {
    throw new ConfigError(`unknown task ${JSON.stringify(options.task)}; built-in tasks: ${known.join(", ")}`);
  }
  const settings = { splitSeed: options.splitSeed ?? 0, epochs: options.epochs };
  const reference = options.trainSize === undefined ? options.task : { name: options.task, options: { trainSize: options.trainSize } };
  return lazyTaskObjective(() => openTask(reference, settings), { seed: options.seed });
}

/** The trial's configuration of the paper's MLP: declared values, else suggested from the `paper` preset's choices. */
export function trialMlpConfig(trial: Trial, epochs: number | undefined): MlpConfig {
  const paper = paperSpace();
  const space = Object.fromEntries(MLP_PARAMS.map((name) => [name, paper[name]]));
  return mlpConfigOf(trialParams(trial, space), epochs);
}
