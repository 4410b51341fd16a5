/**
 * Objectives described as data, so they can be sent to worker threads (or other processes) and
 * loaded there. A union on `kind`: a new kind adds a member and a loader below (the compiler
 * insists on the loader).
 */
import { isAbsolute, resolve } from "node:path";
import { ConfigError, UsageError } from "../errors/errors.ts";
import { namedTaskNames } from "../tasks/registry.ts";
import type { Objective } from "../trial/types.ts";
import { builtinTaskObjective, type TaskName } from "./builtin-task.ts";
import { type CommandObjectiveSpec, commandObjective, parseCommandObjectiveSpec } from "./command.ts";
import { type CsvObjectiveSpec, csvObjectiveFromSpec, parseCsvObjectiveSpec } from "./csv-task.ts";
import { loadModuleObjective } from "./module.ts";
import { parseTableObjectiveSpec, type TableObjectiveSpec, tableObjectiveFromSpec } from "./table.ts";

/** A function exported by a JavaScript or TypeScript module: `(trial) => number | Promise<number>`. */
export interface ModuleObjectiveSpec {
  kind: "module";
  /** Absolute, or relative to the current directory. */
  path: string;
  /** Default: the export `objective`, else the default export (module.ts's rule). */
  exportName?: string;
}

/** The paper's MLP task on a built-in dataset (see builtin-task.ts). */
export interface TaskObjectiveSpec {
  kind: "task";
  /** A task registered under a name alone (wine, letter; see src/tasks/registry.ts). */
  task: TaskName | (string & {});
  /** Fixes the train/validation/test partition for every trial; default 0. */
  splitSeed?: number;
  /** Default 15 (the paper's). */
  epochs?: number;
  /** Training seeds derive from it and the trial number; the study fills in its own seed when omitted. */
  seed?: number;
  /** The fashion task's training images (its option trainSize, checked when the task opens). */
  trainSize?: number;
}

export type ObjectiveSpec = ModuleObjectiveSpec | TaskObjectiveSpec | CommandObjectiveSpec | CsvObjectiveSpec | TableObjectiveSpec;
export type { CommandObjectiveSpec, CsvObjectiveSpec, TableObjectiveSpec };

type Loaders = { [K in ObjectiveSpec["kind"]]: (spec: Extract<ObjectiveSpec, { kind: K }>) => Promise<Objective> };

const LOADERS: Loaders = {
  module: (spec) => loadModuleObjective(spec.exportName === undefined ? spec.path : `${spec.path}#${spec.exportName}`),
  task: async (spec) => builtinTaskObjective(spec),
  command: async (spec) => commandObjective(spec),
  csv: async (spec) => csvObjectiveFromSpec(spec),
  table: (spec) => tableObjectiveFromSpec(spec),
};

export function isObjectiveSpec(value: unknown): value is ObjectiveSpec {
  return value !== null && typeof value === "object" && typeof (value as { kind?: unknown }).kind === "string";
}

/** Checks a spec read from JSON or flags; every problem named. */
export function parseObjectiveSpec(value: unknown): ObjectiveSpec {
  if (!isObjectiveSpec(value)) throw new ConfigError('an objective spec must be an object with a "kind" field');
  const kinds = Object.keys(LOADERS);
  const spec = value as unknown as Record<string, unknown>;
  if (!kinds.includes(value.kind))
    throw new ConfigError(`unknown objective kind ${JSON.stringify(value.kind)}; known kinds: ${kinds.join(", ")}`);
  if (value.kind === "module") {
    if (typeof spec.path !== "string" || spec.path === "")
      throw new ConfigError('a "module" objective needs "path": the file that exports the objective');
    if (spec.exportName !== undefined && (typeof spec.exportName !== "string" || spec.exportName === "")) {
      throw new ConfigError('"exportName" must be a non-empty string (the name of the exported objective function)');
    }
    return { kind: "module", path: spec.path, ...(spec.exportName !== undefined ? { exportName: spec.exportName as string } : {}) };
  }
  if (value.kind === "command") return parseCommandObjectiveSpec(spec);
  if (value.kind === "csv") return parseCsvObjectiveSpec(spec);
  if (value.kind === "table") return parseTableObjectiveSpec(spec);
  const taskNames = namedTaskNames();
  if (typeof spec.task !== "string" || !taskNames.includes(spec.task)) {
    throw new ConfigError(`a "task" objective needs "task": one of ${taskNames.join(", ")}; got ${JSON.stringify(spec.task)}`);
  }
  for (const field of ["splitSeed", "seed", "trainSize"] as const) {
    if (spec[field] !== undefined && !Number.isSafeInteger(spec[field]))
      throw new ConfigError(`"${field}" must be an integer, got ${JSON.stringify(spec[field])}`);
  }
  if (spec.epochs !== undefined && !(Number.isInteger(spec.epochs) && (spec.epochs as number) >= 1)) {
    throw new ConfigError(`"epochs" must be an integer >= 1, got ${JSON.stringify(spec.epochs)}`);
  }
  const parsed: TaskObjectiveSpec = { kind: "task", task: spec.task };
  if (spec.splitSeed !== undefined) parsed.splitSeed = spec.splitSeed as number;
  if (spec.epochs !== undefined) parsed.epochs = spec.epochs as number;
  if (spec.seed !== undefined) parsed.seed = spec.seed as number;
  if (spec.trainSize !== undefined) parsed.trainSize = spec.trainSize as number;
  return parsed;
}

/** The objective function a spec describes (checked with parseObjectiveSpec first). */
export function loadObjective(spec: ObjectiveSpec): Promise<Objective> {
  const checked = parseObjectiveSpec(spec);
  const load = LOADERS[checked.kind] as (spec: ObjectiveSpec) => Promise<Objective>;
  return load(checked);
}

/** A stable identity for caching loaded objectives. */
export function specKey(spec: ObjectiveSpec): string {
  const entries = Object.entries(spec).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(entries);
}

/**
 * What a study runs: a function as it is, or a spec with what it leaves to the study filled in
 * (the study's seed for training seeds, module paths made absolute for worker threads).
 */
export function runnableObjective(objective: Objective | ObjectiveSpec, studySeed: number): Objective | ObjectiveSpec {
  if (typeof objective === "function") return objective;
  if (!isObjectiveSpec(objective)) {
    throw new UsageError('the objective must be a function (trial) => number or an ObjectiveSpec such as { kind: "task", task: "wine" }');
  }
  const spec: ObjectiveSpec = objective;
  if (spec.kind === "task" || spec.kind === "csv" || spec.kind === "table")
    return spec.seed === undefined ? { ...spec, seed: studySeed } : spec;
  if (spec.kind === "module") return isAbsolute(spec.path) ? spec : { ...spec, path: resolve(spec.path) };
  return spec;
}
