/**
 * Turns a validated RunConfig into what a study run needs: the objective (as a spec, so it can run
 * in threads or on queue workers), the search space, the sampler, the executor and the study's name
 * and storage. Every inconsistency is a UsageError that says what to change.
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { ConfigError } from "../errors/errors.ts";
import type { Executor } from "../execution/executor.ts";
import { InlineExecutor } from "../execution/inline.ts";
import { ThreadPoolExecutor } from "../execution/thread-pool.ts";
import { parseModuleReference } from "../objectives/module.ts";
import type { ObjectiveSpec } from "../objectives/spec.ts";
import type { Pruner } from "../pruners/pruner.ts";
import { createSampler, type SamplerName, samplersWithOption } from "../samplers/index.ts";
import type { Sampler } from "../samplers/sampler.ts";
import { spaceFromJSON } from "../space/json.ts";
import { presetNames, spacePreset } from "../space/presets.ts";
import type { SearchSpace } from "../space/types.ts";
import { fashionDefaultSpace } from "../tasks/fashion-task.ts";
import { PAPER_TASKS } from "../tasks/paper-task.ts";
import { UsageError } from "./errors.ts";
import type { RunConfig } from "./run-config.ts";
import { prunerOf } from "./run-pruner.ts";

export interface RunPlan {
  studyName: string;
  storage: string;
  direction: "minimize" | "maximize";
  seed: number;
  space: SearchSpace | undefined;
  objective: ObjectiveSpec;
  /** What the summary calls the objective ("wine", "csv:data.csv", "./tune.js#objective", ...). */
  objectiveLabel: string;
  samplerName: SamplerName;
  sampler: Sampler;
  /** Stops trials early from their reports (--pruner); undefined for none. */
  pruner?: Pruner;
  trials: number;
  workers: number;
  executorName: "inline" | "threads" | "queue";
  trialTimeoutMs?: number;
  timeoutMs?: number;
  config: RunConfig;
}

function kebabCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

export const DEFAULT_STORAGE = "runs/hyperforce.jsonl";
export const DEFAULT_TRIALS = 100;

function readSpace(value: RunConfig["space"]): SearchSpace | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string") return wrap("config field space", () => spaceFromJSON(value));
  if (presetNames().includes(value)) return spacePreset(value);
  if (!existsSync(value)) {
    throw new UsageError(`--space ${JSON.stringify(value)} is neither a preset (${presetNames().join(", ")}) nor an existing JSON file`);
  }
  return wrap(`search space file ${value}`, () => spaceFromJSON(readFileSync(value, "utf8")));
}

function wrap<T>(where: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw new ConfigError(`${where}: ${(error as Error).message}`, { cause: error });
  }
}

function objectiveOf(
  config: RunConfig,
  space: SearchSpace | undefined,
  seed: number,
): { spec: ObjectiveSpec; label: string; defaultSpace?: SearchSpace } {
  const given = [config.task, config.objective, config.command].filter((value) => value !== undefined).length;
  if (given !== 1) {
    throw new UsageError(
      'give exactly one of --task (wine, letter, csv:FILE, table:FILE), --objective FILE#EXPORT or --command "PROGRAM ARGS {param}"',
    );
  }
  const splitSeed = config.splitSeed ?? 0;
  const epochs = config.epochs;
  if (config.task !== undefined) {
    const task = config.task;
    const paper = spacePreset("paper");
    if (config.trainSize !== undefined && task !== "fashion") throw new UsageError("--train-size applies to --task fashion");
    if ((PAPER_TASKS as readonly string[]).includes(task) || task === "fashion") {
      const trainSize = config.trainSize !== undefined ? { trainSize: config.trainSize } : {};
      return {
        spec: { kind: "task", task, splitSeed, seed, ...(epochs ? { epochs } : {}), ...trainSize },
        label: task,
        defaultSpace: task === "fashion" ? fashionDefaultSpace(epochs) : paper,
      };
    }
    if (task.startsWith("csv:")) {
      const path = task.slice(4);
      if (config.target === undefined) throw new UsageError(`--task ${task} needs --target COLUMN (the column to predict)`);
      if (!existsSync(path)) throw new UsageError(`--task ${task}: no such file ${path}`);
      const spec: ObjectiveSpec = { kind: "csv", path: resolve(path), target: config.target, splitSeed, seed };
      if (config.kind !== undefined) spec.taskKind = config.kind;
      if (config.separator !== undefined) spec.separator = config.separator;
      if (config.header !== undefined) spec.header = config.header;
      if (config.exclude !== undefined) spec.exclude = config.exclude;
      if (config.maxCategories !== undefined) spec.maxCategories = config.maxCategories;
      if (epochs !== undefined) spec.epochs = epochs;
      return { spec, label: task, defaultSpace: paper };
    }
    if (task.startsWith("table:")) {
      const path = task.slice(6);
      if (!existsSync(path)) throw new UsageError(`--task ${task}: no such file ${path} (build one with: hyperforce table build)`);
      return { spec: { kind: "table", path: resolve(path), seed }, label: task, defaultSpace: paper };
    }
    throw new UsageError(
      `unknown task ${JSON.stringify(task)}; tasks: ${PAPER_TASKS.join(", ")}, fashion, csv:FILE (with --target), table:FILE`,
    );
  }
  if (config.objective !== undefined) {
    const reference = wrap("--objective", () => parseModuleReference(config.objective!));
    if (!existsSync(reference.path)) throw new ConfigError(`--objective: no such file ${reference.path}`);
    return { spec: { kind: "module", path: reference.path, exportName: reference.exportName }, label: config.objective };
  }
  if (space === undefined)
    throw new UsageError("--command needs --space (a JSON file or preset) naming the parameters its {placeholders} use");
  const command = config.command!;
  const spec: ObjectiveSpec = { kind: "command", command, space };
  if (config.trialTimeout !== undefined) spec.trialTimeoutMs = config.trialTimeout * 1000;
  if (config.logDir !== undefined) spec.logDir = resolve(config.logDir);
  return { spec, label: Array.isArray(command) ? command.join(" ") : command };
}

function samplerOf(name: SamplerName, config: RunConfig, seed: number): Sampler {
  const options: Record<string, unknown> = { ...(config.samplerOptions ?? {}), seed };
  // Which sampler takes which flag is read off the samplers' option schemas (src/samplers/options.ts).
  for (const key of ["policy", "cell", "preset", "levels"] as const) {
    if (config[key] === undefined) continue;
    const takers = samplersWithOption(key);
    if (!takers.includes(name)) {
      const listed = takers.length === 1 ? takers[0] : `${takers.slice(0, -1).join(", ")} or ${takers[takers.length - 1]}`;
      throw new UsageError(`--${key} applies to --sampler ${listed}, not to --sampler ${name}`);
    }
    options[key] = config[key];
  }
  return wrap(`sampler ${name}`, () => createSampler(name, options as never));
}

/** A flag the objective would accept and ignore is a usage error naming it (no silent no-op). */
function refuseIgnoredFlags(config: RunConfig, spec: ObjectiveSpec): void {
  const trains = spec.kind === "task" || spec.kind === "csv";
  for (const key of ["epochs", "splitSeed"] as const) {
    if (config[key] !== undefined && !trains) {
      const what =
        spec.kind === "table"
          ? "a lookup table's values were trained when it was built"
          : `--${spec.kind === "module" ? "objective" : "command"} trains nothing of hyperforce's`;
      throw new UsageError(`--${kebabCase(key)} applies to --task wine, letter or csv:FILE (${what})`);
    }
  }
  if (config.logDir !== undefined && spec.kind !== "command")
    throw new UsageError("--log-dir applies to --command (it keeps each run's output)");
}

/**
 * A built-in task reads the parameters it knows from the trial and samples the others itself, so a
 * --space naming another parameter (lr for learning_rate) would be sampled and ignored.
 */
function checkTaskSpace(space: SearchSpace, taskSpace: SearchSpace, label: string): void {
  const unused = Object.keys(space).filter((name) => !Object.hasOwn(taskSpace, name));
  if (unused.length === 0) return;
  throw new UsageError(
    `--space names ${unused.join(", ")}, which the task ${label} does not use; its parameters: ${Object.keys(taskSpace).join(", ")}`,
  );
}

export function planRun(config: RunConfig): RunPlan {
  const seed = config.seed ?? 0;
  let space = readSpace(config.space);
  const objective = objectiveOf(config, space, seed);
  for (const key of ["target", "kind", "separator", "header", "exclude", "maxCategories"] as const) {
    if (config[key] !== undefined && objective.spec.kind !== "csv") throw new UsageError(`--${kebabCase(key)} applies to --task csv:FILE`);
  }
  refuseIgnoredFlags(config, objective.spec);
  if (space !== undefined && objective.defaultSpace !== undefined) checkTaskSpace(space, objective.defaultSpace, objective.label);
  space ??= objective.defaultSpace;
  const samplerName = config.sampler ?? "tpe";
  const sampler = samplerOf(samplerName, config, seed);
  if (sampler.needsFullSpace && space === undefined) {
    throw new UsageError(
      `--sampler ${samplerName} needs the whole search space up front: give --space (a JSON file or preset: ${presetNames().join(", ")})`,
    );
  }
  const workers = config.workers ?? 1;
  const executorName = config.executor ?? (workers > 1 && objective.spec.kind !== "command" ? "threads" : "inline");
  if (executorName !== "inline" && space === undefined) {
    throw new UsageError(`--executor ${executorName} runs trials away from the controller, so it needs --space declaring every parameter`);
  }
  for (const key of ["redis", "queue", "maxRetries"] as const) {
    if (config[key] !== undefined && executorName !== "queue")
      throw new UsageError(`--${key === "maxRetries" ? "max-retries" : key} applies to --executor queue`);
  }
  const spec = objective.spec;
  const fileStem = (path: string) => basename(path).replace(/(\.csv)?(\.gz)?$|\.[cm]?[jt]s$/, "");
  // A lookup table is named apart from the task it was built from: they are different objectives.
  const taskPart =
    spec.kind === "task"
      ? spec.task
      : spec.kind === "command"
        ? "command"
        : spec.kind === "table"
          ? `table-${fileStem(spec.path)}`
          : fileStem(spec.path);
  const samplerPart = samplerName + (config.policy ? `-${config.policy}` : "") + (config.preset === "paper" ? "-paper" : "");
  return {
    studyName: config.study ?? `${taskPart}-${samplerPart}`,
    storage: config.storage ?? DEFAULT_STORAGE,
    direction: config.direction ?? "minimize",
    seed,
    space,
    objective: objective.spec,
    objectiveLabel: objective.label,
    samplerName,
    sampler,
    pruner: prunerOf({ pruner: config.pruner, prunerOptions: config.prunerOptions, objective: objective.spec }),
    trials: config.trials ?? DEFAULT_TRIALS,
    workers,
    executorName,
    // A command objective enforces its own time-out (it kills the program's process group).
    trialTimeoutMs: config.trialTimeout !== undefined && objective.spec.kind !== "command" ? config.trialTimeout * 1000 : undefined,
    timeoutMs: config.timeout !== undefined ? config.timeout * 1000 : undefined,
    config,
  };
}

/** The executor the plan names; the queue executor is loaded only when asked for. */
export async function createExecutor(plan: RunPlan): Promise<Executor> {
  if (plan.executorName === "threads") return new ThreadPoolExecutor({ size: plan.workers });
  if (plan.executorName === "queue") {
    const { QueueExecutor } = await import("../execution/queue.ts");
    const { redis, queue, maxRetries } = plan.config;
    return new QueueExecutor({
      redis,
      ...(queue !== undefined ? { queueName: queue } : {}),
      ...(maxRetries !== undefined ? { maxRetries } : {}),
    });
  }
  return new InlineExecutor();
}
