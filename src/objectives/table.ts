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
 *   as for the built-in task.
 */
import { ConfigError } from "../errors/errors.ts";
import { paperSpace } from "../space/presets.ts";
import type { CategoricalChoice, ParamValue } from "../space/types.ts";
import type { Objective, Trial } from "../trial/types.ts";
import { indicesOfValues, loadTable, positionOf, TABLE_PARAMS, type ConfigurationTable } from "../tasks/table.ts";
import { DIVERGED_REASON, trialTrainingSeed } from "./builtin-task.ts";

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
  const table = typeof options.table === "string" ? loadTable(options.table) : options.table;
  if (table.seeds.length === 0) throw new ConfigError(`${table.source}: the table has no rows`);
  const studySeed = options.seed ?? 0;
  const paper = paperSpace();
  return (trial: Trial) => {
    const values = TABLE_PARAMS.map((name) => {
      const given: ParamValue = Object.hasOwn(trial.params, name)
        ? trial.params[name]
        : trial.suggestCategorical(name, (paper[name] as { choices: CategoricalChoice[] }).choices);
      if (typeof given !== "number" || !Number.isFinite(given)) throw new Error(`parameter "${name}" must be a finite number, got ${JSON.stringify(given)}`);
      return given;
    });
    const indices = indicesOfValues(values);
    const described = (): string => TABLE_PARAMS.map((name, i) => `${name} ${values[i]}`).join(", ");
    if (indices === undefined) throw new Error(`the configuration (${described()}) is not in the paper space, so the table ${table.source} cannot hold it`);
    const position = positionOf(indices);
    const seeds = table.seedIndicesAt(position);
    if (seeds.length === 0) throw new Error(`the configuration (${described()}) is absent from the table ${table.source}`);
    const run = table.run(position, seeds[tableSeedIndex(studySeed, trial.number, seeds.length)])!;
    trial.setUserAttr("seed", run.seed);
    trial.setUserAttr("diverged", run.diverged);
    if (Number.isFinite(run.testLoss)) trial.setUserAttr("test_loss", run.testLoss);
    if (run.diverged) throw new Error(DIVERGED_REASON);
    return run.validationLoss;
  };
}

/** Checks a "table" spec read from JSON or flags. */
export function parseTableObjectiveSpec(spec: Record<string, unknown>): TableObjectiveSpec {
  if (typeof spec.path !== "string" || spec.path === "") throw new ConfigError('a "table" objective needs "path": the table file (.csv or .csv.gz)');
  if (spec.seed !== undefined && !Number.isSafeInteger(spec.seed)) throw new ConfigError(`"seed" must be an integer, got ${JSON.stringify(spec.seed)}`);
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
