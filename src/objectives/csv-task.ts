/**
 * The paper's inner problem on the user's own CSV file: train the two-layer MLP with the trial's
 * learning_rate, weight_decay, batch_size and hidden_units and return the validation loss.
 *
 * The file is read (and checked) when the objective is made, so a bad file fails before any trial
 * runs. It is the task objective (task-objective.ts) of the CSV task (src/tasks/csv-task.ts):
 * declared parameters are read from trial.params, others are suggested from the `paper` preset; the
 * training seed mixes the study seed with the trial number; a classification target also records
 * validation and test accuracy.
 */
import { ConfigError } from "../errors/errors.ts";
import { CSV_SEPARATORS, type CsvSeparator } from "../tasks/csv.ts";
import { type CsvDatasetOptions, csvTask, datasetTask } from "../tasks/csv-task.ts";
import type { Dataset, TaskKind } from "../tasks/types.ts";
import type { Objective } from "../trial/types.ts";
import { taskObjective } from "./task-objective.ts";

export interface CsvTaskObjectiveOptions extends CsvDatasetOptions {
  /** The CSV file. */
  path: string;
  /** Fixes the train/validation/test partition for every trial; default 0. */
  splitSeed?: number;
  /** Default 15 (the paper's). */
  epochs?: number;
  /** The study seed the training seeds derive from; default 0. */
  seed?: number;
}

/** An objective over an already loaded dataset (the same rows for every trial). */
export function datasetObjective(dataset: Dataset, options: { splitSeed?: number; epochs?: number; seed?: number } = {}): Objective {
  const task = datasetTask(dataset, { splitSeed: options.splitSeed ?? 0, epochs: options.epochs });
  return taskObjective(task, { seed: options.seed });
}

/** Reads the CSV file now (errors surface here) and returns the objective that trains on it. */
export function csvTaskObjective(options: CsvTaskObjectiveOptions): Objective {
  const { path, splitSeed, epochs, seed, ...csv } = options;
  return taskObjective(csvTask(path, csv, { splitSeed: splitSeed ?? 0, epochs }), { seed });
}

/** A CSV task objective described as data; `taskKind` is the dataset's kind (`kind` names the spec). */
export interface CsvObjectiveSpec extends Omit<CsvTaskObjectiveOptions, "kind"> {
  kind: "csv";
  taskKind?: TaskKind;
}

/** Checks a csv spec read from JSON or flags; every problem named. */
export function parseCsvObjectiveSpec(spec: Record<string, unknown>): CsvObjectiveSpec {
  if (typeof spec.path !== "string" || spec.path === "") throw new ConfigError('a "csv" objective needs "path": the CSV file');
  if (typeof spec.target !== "string" || spec.target === "")
    throw new ConfigError('a "csv" objective needs "target": the target column\'s name (or 1-based position)');
  const parsed: CsvObjectiveSpec = { kind: "csv", path: spec.path, target: spec.target };
  if (spec.taskKind !== undefined) {
    if (spec.taskKind !== "regression" && spec.taskKind !== "classification") {
      throw new ConfigError(`"taskKind" must be "regression" or "classification", got ${JSON.stringify(spec.taskKind)}`);
    }
    parsed.taskKind = spec.taskKind;
  }
  if (spec.separator !== undefined) {
    if (!(CSV_SEPARATORS as readonly unknown[]).includes(spec.separator)) {
      throw new ConfigError(`"separator" must be one of "," ";" or a tab, got ${JSON.stringify(spec.separator)}`);
    }
    parsed.separator = spec.separator as CsvSeparator;
  }
  if (spec.header !== undefined) {
    if (typeof spec.header !== "boolean") throw new ConfigError(`"header" must be true or false, got ${JSON.stringify(spec.header)}`);
    parsed.header = spec.header;
  }
  if (spec.exclude !== undefined) {
    if (!Array.isArray(spec.exclude) || !spec.exclude.every((name) => typeof name === "string")) {
      throw new ConfigError(`"exclude" must be a list of column names, got ${JSON.stringify(spec.exclude)}`);
    }
    parsed.exclude = spec.exclude as string[];
  }
  for (const field of ["splitSeed", "seed", "epochs", "maxCategories"] as const) {
    const value = spec[field];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value)) throw new ConfigError(`"${field}" must be an integer, got ${JSON.stringify(value)}`);
    parsed[field] = value as number;
  }
  return parsed;
}

/** The objective a csv spec describes. */
export function csvObjectiveFromSpec(spec: CsvObjectiveSpec): Objective {
  const { kind: _spec, taskKind, ...options } = spec;
  return csvTaskObjective(taskKind === undefined ? options : { ...options, kind: taskKind });
}
