/**
 * The tabular objective: looks the trial's configuration up in an exhaustive table (see
 * src/tasks/table.ts) instead of training, so a study of the paper task takes seconds.
 *
 * - Parameters are the `paper` space's (learning_rate, weight_decay, batch_size, hidden_units): from
 *   trial.params when declared, else suggested define-by-run from the preset's choices.
 * - Each lookup picks one of the table's training seeds at random, from the study seed and the trial
 *   number (trialTrainingSeed), so it is as noisy as the real task and reproducible.
 * - Value: that run's validation loss. User attributes: seed (the table's training seed used),
 *   test_loss (finite only), diverged. A diverged run is a FAIL trial with the reason "diverged",
 *   as for the built-in task. It is the task objective (task-objective.ts) of the table task
 *   (src/tasks/table-task.ts).
 */
import { ConfigError } from "../errors/errors.ts";
import type { ConfigurationTable } from "../tasks/table.ts";
import { tableTask } from "../tasks/table-task.ts";
import type { Objective } from "../trial/types.ts";
import { taskObjective, trialTrainingSeed } from "./task-objective.ts";

export interface TableObjectiveSpec {
  kind: "table";
  /** The table file (.csv or .csv.gz), absolute or relative to the current directory. */
  path: string;
  /** The study seed; the seed drawn per lookup derives from it and the trial number. The study fills it in when omitted. */
  seed?: number;
}

export interface TableObjectiveOptions {
  /** A table file, or a table already loaded. */
  table: string | ConfigurationTable;
  /** Default 0. */
  seed?: number;
}

/** Which of the table's seeds (an index into table.seeds) a trial looks up. */
export function tableSeedIndex(studySeed: number, trialNumber: number, seedCount: number): number {
  return trialTrainingSeed(studySeed, trialNumber) % seedCount;
}

export function tableObjective(options: TableObjectiveOptions): Objective {
  return taskObjective(tableTask(options.table), { seed: options.seed });
}

/** Checks a "table" spec read from JSON or flags. */
export function parseTableObjectiveSpec(spec: Record<string, unknown>): TableObjectiveSpec {
  if (typeof spec.path !== "string" || spec.path === "")
    throw new ConfigError('a "table" objective needs "path": the table file (.csv or .csv.gz)');
  if (spec.seed !== undefined && !Number.isSafeInteger(spec.seed))
    throw new ConfigError(`"seed" must be an integer, got ${JSON.stringify(spec.seed)}`);
  return { kind: "table", path: spec.path, ...(spec.seed !== undefined ? { seed: spec.seed as number } : {}) };
}

/** `table:tables/wine.csv` (the --task form) -> the spec; undefined when the text is not of that form. */
export function tableSpecFromTaskArgument(text: string): TableObjectiveSpec | undefined {
  if (!text.startsWith("table:")) return undefined;
  const path = text.slice("table:".length);
  if (path === "") throw new ConfigError('--task table:<file> needs the table file after "table:", e.g. table:tables/wine.csv');
  return { kind: "table", path };
}

export async function tableObjectiveFromSpec(spec: TableObjectiveSpec): Promise<Objective> {
  return tableObjective({ table: spec.path, seed: spec.seed ?? 0 });
}
