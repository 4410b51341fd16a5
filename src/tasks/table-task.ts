/**
 * An exhaustive table (table.ts) as a Task: an evaluation looks the configuration up instead of
 * training, so a study takes seconds. The seed picks one of the table's training seeds that have a
 * row for the configuration (seed modulo their count), so a lookup is as noisy as the real task.
 * Its default space is the `paper` preset, the space every table is a part of.
 */
import { ConfigError } from "../errors/errors.ts";
import { paperSpace } from "../space/presets.ts";
import type { Params, ParamValue } from "../space/types.ts";
import { type ConfigurationTable, indicesOfValues, loadTable, positionOf, TABLE_PARAMS } from "./table.ts";
import type { EvaluateOptions, Task, TaskResult } from "./task.ts";

function lookedUpValues(params: Params): number[] {
  return TABLE_PARAMS.map((name) => {
    const given: ParamValue | undefined = Object.hasOwn(params, name) ? params[name] : undefined;
    if (given === undefined) throw new Error(`parameter "${name}" is missing; a table is looked up by ${TABLE_PARAMS.join(", ")}`);
    if (typeof given !== "number" || !Number.isFinite(given)) {
      throw new Error(`parameter "${name}" must be a finite number, got ${JSON.stringify(given)}`);
    }
    return given;
  });
}

/**
 * The run of the table a configuration and a seed pick; errors name the configuration and the table.
 * With onEpoch, the row's learning curve is replayed epoch by epoch, and a stop returns the loss of
 * the epoch it came at (a table without curves cannot replay them: an error says so).
 */
export function lookUp(table: ConfigurationTable, params: Params, seed: number, options: EvaluateOptions = {}): TaskResult {
  const values = lookedUpValues(params);
  const indices = indicesOfValues(values);
  const described = (): string => TABLE_PARAMS.map((name, i) => `${name} ${values[i]}`).join(", ");
  if (indices === undefined) {
    throw new Error(`the configuration (${described()}) is not in the paper space, so the table ${table.source} cannot hold it`);
  }
  const position = positionOf(indices);
  const seeds = table.seedIndicesAt(position);
  if (seeds.length === 0) throw new Error(`the configuration (${described()}) is absent from the table ${table.source}`);
  const run = table.run(position, seeds[seed % seeds.length])!;
  const result: TaskResult = { validationLoss: run.validationLoss, testLoss: run.testLoss, diverged: run.diverged, seed: run.seed };
  if (options.onEpoch === undefined) return result;
  const curve = table.curve(position, seeds[seed % seeds.length]);
  if (curve === undefined) {
    throw new ConfigError(
      `the table ${table.source} has no learning curves, so it cannot report epochs to a pruner (rebuild it with hyperforce table build)`,
    );
  }
  for (let epoch = 1; epoch <= curve.length; epoch++) {
    if (options.onEpoch(epoch, curve[epoch - 1]) && epoch < curve.length) {
      // The test loss after a stopped epoch is not in the table.
      return { ...result, validationLoss: curve[epoch - 1], testLoss: NaN, validationCurve: curve.slice(0, epoch), stoppedAtEpoch: epoch };
    }
  }
  return { ...result, validationCurve: curve };
}

/** A table file (read once per process) or a table already loaded, as a Task named "table:<file>". */
export function tableTask(table: string | ConfigurationTable): Task {
  const loaded = typeof table === "string" ? loadTable(table) : table;
  if (loaded.seeds.length === 0) throw new ConfigError(`${loaded.source}: the table has no rows`);
  const name = `table:${loaded.source}`;
  return {
    name,
    reference: name,
    kind: undefined,
    lossName: "the validation loss the table holds for the run",
    defaultSpace: () => paperSpace(),
    evaluate: (params, seed, options) => lookUp(loaded, params, seed, options),
  };
}
