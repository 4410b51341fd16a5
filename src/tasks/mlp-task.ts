/**
 * The paper's MLP on one fixed split as a Task: the parameters learning_rate, weight_decay,
 * batch_size and hidden_units (the `paper` preset is the default space) become one MlpConfig, and one
 * evaluation trains it once. The built-in datasets and the user's CSV files both train through here.
 */
import { ConfigError } from "../errors/errors.ts";
import { paperSpace } from "../space/presets.ts";
import type { Params, ParamValue } from "../space/types.ts";
import { lossNameOf, type Task, type TaskReference, type TaskSettings, taskNameOf } from "./task.ts";
import { trainAndEvaluate } from "./train.ts";
import type { MlpConfig, SplitData } from "./types.ts";

/** The parameters of the paper's MLP, in the `paper` preset's order. */
export const MLP_PARAMS = ["learning_rate", "weight_decay", "batch_size", "hidden_units"] as const;
export type MlpParam = (typeof MLP_PARAMS)[number];

function finiteParam(params: Params, name: MlpParam): number {
  if (!Object.hasOwn(params, name)) throw new Error(`parameter "${name}" is missing; the MLP needs ${MLP_PARAMS.join(", ")}`);
  const given: ParamValue = params[name];
  if (typeof given !== "number" || !Number.isFinite(given)) {
    throw new Error(`parameter "${name}" must be a finite number, got ${JSON.stringify(given)}`);
  }
  return given;
}

/** The MLP configuration the parameters name; each bad value is an error naming its parameter. */
export function mlpConfigOf(params: Params, epochs?: number): MlpConfig {
  const config: MlpConfig = {
    learningRate: finiteParam(params, "learning_rate"),
    weightDecay: finiteParam(params, "weight_decay"),
    batchSize: finiteParam(params, "batch_size"),
    hidden: finiteParam(params, "hidden_units"),
  };
  if (epochs !== undefined) config.epochs = epochs;
  if (!(config.learningRate > 0)) throw new Error(`learning_rate must be > 0, got ${config.learningRate}`);
  if (!(config.weightDecay >= 0)) throw new Error(`weight_decay must be >= 0, got ${config.weightDecay}`);
  if (!Number.isInteger(config.batchSize) || config.batchSize < 1) {
    throw new Error(`batch_size must be an integer >= 1, got ${config.batchSize}`);
  }
  if (!Number.isInteger(config.hidden) || config.hidden < 1) throw new Error(`hidden_units must be an integer >= 1, got ${config.hidden}`);
  return config;
}

/** Checks settings shared by every MLP task: a whole split seed >= 0 and whole epochs >= 1. */
export function checkMlpSettings(settings: TaskSettings): void {
  if (settings.epochs !== undefined && !(Number.isInteger(settings.epochs) && settings.epochs >= 1)) {
    throw new ConfigError(`epochs must be an integer >= 1, got ${settings.epochs}`);
  }
  const splitSeed = settings.splitSeed;
  if (splitSeed !== undefined && !Number.isFinite(splitSeed)) {
    throw new ConfigError(`the split seed must be a finite number, got ${splitSeed}`);
  }
}

export interface MlpTaskInput {
  reference: TaskReference;
  /** The rows every evaluation trains and scores on (do not modify them). */
  split: SplitData;
  /** Epochs of every evaluation; default 15. */
  epochs?: number;
}

export function mlpTask(input: MlpTaskInput): Task {
  const { reference, split, epochs } = input;
  checkMlpSettings({ epochs });
  return {
    name: taskNameOf(reference),
    reference,
    kind: split.kind,
    lossName: lossNameOf(split.kind),
    defaultSpace: () => paperSpace(),
    evaluate: (params, seed, options) => ({ ...trainAndEvaluate(split, mlpConfigOf(params, epochs), seed, options), seed }),
  };
}
