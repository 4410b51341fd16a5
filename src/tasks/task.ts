/**
 * The Task interface: what a study can tune without knowing what it trains. A task is a dataset (or a
 * lookup table), the model it trains on it, its default search space, and what one run records.
 *
 * A task is opened once with its settings (split seed, epochs) and then evaluated many times, once
 * per trial, synchronously, so the same object serves the main thread, worker threads and the table
 * build alike. Tasks are named as data (TaskReference) so that a worker thread, a queue worker or a
 * table's build record can open the same task again (see registry.ts).
 */
import type { Params, SearchSpace } from "../space/types.ts";
import type { TaskKind } from "./types.ts";

/** What one evaluation of a task gives: the trial's value and what is kept beside it. */
export interface TaskResult {
  /** The value a study minimizes; Infinity when diverged. */
  validationLoss: number;
  /** Scored on rows never used to choose anything; Infinity when diverged. */
  testLoss: number;
  /** A loss became NaN or infinite: the run has no value. */
  diverged: boolean;
  /** The seed the result comes from: the training seed, or the seed of the table row looked up. */
  seed: number;
  /** Epochs trained without a non-finite loss (absent for a lookup). */
  epochsRun?: number;
  /** Wall seconds of the run (absent for a lookup). */
  seconds?: number;
  /** Classification, not diverged: the share of validation rows classified right. */
  validationAccuracy?: number;
  /** Classification, not diverged: the share of test rows classified right. */
  testAccuracy?: number;
  /** Validation loss after each epoch trained (epoch 1 first), when the run was asked for epoch reports. */
  validationCurve?: number[];
  /**
   * Set when onEpoch stopped the run: the epochs it trained. The losses are then those of the model
   * after that epoch, not after every epoch.
   */
  stoppedAtEpoch?: number;
}

/**
 * Called after each epoch with its number (1 for the first) and the validation loss then (Infinity
 * when not finite). Return true to stop the run there. Synchronous, as evaluate is.
 */
export type EpochReport = (epoch: number, validationLoss: number) => boolean;

export interface EvaluateOptions {
  /** Asks for a validation loss after every epoch (it costs one pass over the validation rows each). */
  onEpoch?: EpochReport;
}

/** Settings that hold for every evaluation of an opened task. */
export interface TaskSettings {
  /** Seeds the train / validation / test partition; default 0. */
  splitSeed?: number;
  /** Training epochs; default the task's own (15 for the paper's MLP). */
  epochs?: number;
}

/** Options of a task family, as JSON (the CSV task's target, kind, separator, ...). */
export type TaskOptions = Record<string, string | number | boolean | string[]>;

/**
 * A task named as data, safe to send to a worker thread or to write into a JSON record: its name as
 * the command line spells it ("wine", "letter", "csv:data.csv", "table:tables/wine.csv"), alone or
 * with its family's options (for csv: target, kind, separator, header, exclude, maxCategories).
 */
export type TaskReference = string | { name: string; options?: TaskOptions };

export interface Task {
  /** As the command line spells it ("wine", "csv:data.csv", ...). */
  readonly name: string;
  /** The reference that opens this task again elsewhere (given the same settings). */
  readonly reference: TaskReference;
  /** Regression or classification; undefined when the task cannot know (a lookup table). */
  readonly kind: TaskKind | undefined;
  /** What the validation and test losses measure, for people: "mean cross-entropy in nats". */
  readonly lossName: string;
  /** The space a study searches when it is given none; define-by-run trials suggest from it. */
  defaultSpace(): SearchSpace;
  /**
   * Runs one configuration with one seed. Throws (naming the parameter) when the parameters do not
   * fit the task; a run whose loss blows up is not an error but a result with diverged = true.
   * With options.onEpoch, each epoch's validation loss is reported (and kept in validationCurve),
   * and the run stops early when onEpoch returns true (stoppedAtEpoch). A lookup table reports
   * the curve its row holds.
   */
  evaluate(params: Params, seed: number, options?: EvaluateOptions): TaskResult;
}

/** The name a reference gives: "csv:data.csv" for { name: "csv:data.csv", options: ... }. */
export function taskNameOf(reference: TaskReference): string {
  return typeof reference === "string" ? reference : reference.name;
}

/** "mean squared error of the standardised target" or "mean cross-entropy in nats". */
export function lossNameOf(kind: TaskKind): string {
  return kind === "regression" ? "mean squared error of the standardised target" : "mean cross-entropy in nats";
}
