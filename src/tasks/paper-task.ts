/**
 * One evaluation of the paper's inner task: load the dataset, split it with the split seed (the
 * same rows for every trial of a study) and train the MLP once with the given configuration.
 */
import { loadDataset, loadDatasetSync } from "./datasets.ts";
import { checkMlpSettings, mlpTask } from "./mlp-task.ts";
import { splitDataset } from "./split.ts";
import type { Task, TaskSettings } from "./task.ts";
import { trainAndEvaluate } from "./train.ts";
import type { Dataset, EvaluationResult, MlpConfig, SplitData } from "./types.ts";

export type PaperTaskName = "wine" | "letter";

export const PAPER_TASKS: readonly PaperTaskName[] = ["wine", "letter"];

export interface PaperTaskOptions {
  /** Seeds the model's initial weights and the minibatch order. */
  seed: number;
  /** Seeds the train / validation / test partition; default 0. */
  splitSeed?: number;
}

const splits = new Map<string, SplitData>();

function cachedSplit(dataset: Dataset, splitSeed: number): SplitData {
  const key = `${dataset.name}\u0000${splitSeed}`;
  let split = splits.get(key);
  if (!split) {
    split = splitDataset(dataset, splitSeed);
    splits.set(key, split);
  }
  return split;
}

function checkTask(task: string): asserts task is PaperTaskName {
  if (!(PAPER_TASKS as readonly string[]).includes(task)) {
    throw new Error(`unknown task ${JSON.stringify(task)}; known tasks: ${PAPER_TASKS.join(", ")}`);
  }
}

/** The split the paper task trains on (cached per task and split seed; do not modify it). */
export async function paperTaskSplit(task: PaperTaskName, splitSeed = 0): Promise<SplitData> {
  checkTask(task);
  return cachedSplit(await loadDataset(task), splitSeed);
}

export function paperTaskSplitSync(task: PaperTaskName, splitSeed = 0): SplitData {
  checkTask(task);
  return cachedSplit(loadDatasetSync(task), splitSeed);
}

export async function evaluatePaperTask(task: PaperTaskName, config: MlpConfig, options: PaperTaskOptions): Promise<EvaluationResult> {
  const split = await paperTaskSplit(task, options.splitSeed ?? 0);
  return trainAndEvaluate(split, config, options.seed);
}

/** Synchronous variant for worker threads: reads local dataset files only (see loadDatasetSync). */
export function evaluatePaperTaskSync(task: PaperTaskName, config: MlpConfig, options: PaperTaskOptions): EvaluationResult {
  return trainAndEvaluate(paperTaskSplitSync(task, options.splitSeed ?? 0), config, options.seed);
}

/**
 * The paper task as a Task (see task.ts). Reads local dataset files only, like loadDatasetSync: call
 * loadDataset(task) first where a download may be needed (openTask in registry.ts does).
 */
export function paperTask(task: PaperTaskName, settings: TaskSettings = {}): Task {
  checkTask(task);
  checkMlpSettings(settings);
  return mlpTask({ reference: task, split: paperTaskSplitSync(task, settings.splitSeed ?? 0), epochs: settings.epochs });
}
