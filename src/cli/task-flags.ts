/**
 * The --task flag and the CSV task's flags, shared by the commands that train one task (`evaluate`,
 * `table build`): they turn into a TaskReference, and the task is opened through the registry, so
 * every registered task works in every such command.
 */
import type { Command } from "commander";
import { ConfigError } from "../errors/errors.ts";
import { isNumber } from "../tasks/csv.ts";
import { findTaskFamily, type TaskFamily, taskUsages } from "../tasks/registry.ts";
import type { TaskOptions, TaskReference } from "../tasks/task.ts";
import { UsageError } from "./errors.ts";

export interface TaskFlags {
  task: string;
  target?: string;
  kind?: string;
  separator?: string;
  /** --header (true) or --no-header (false); absent: detect. */
  header?: boolean;
  exclude?: string;
  maxCategories?: string;
  /** The fashion task's training images. */
  trainSize?: string;
}

const CSV_FLAGS = ["target", "kind", "separator", "exclude", "maxCategories"] as const;

/** "--task" help text: every registered task. */
export function taskFlagHelp(): string {
  return `${taskUsages().join(", ")} (csv tasks with --target)`;
}

/** Adds the CSV task's flags (as `hyperforce run` spells them). */
export function addCsvTaskFlags(command: Command): Command {
  return command
    .option("--target <column>", "csv tasks: the column to predict")
    .option("--kind <kind>", "csv tasks: regression or classification (inferred when omitted)")
    .option("--separator <char>", "csv tasks: , ; or a tab (detected when omitted)")
    .option("--header", "csv tasks: the first line names the columns (detected when omitted)")
    .option("--no-header", "csv tasks: the first line is data (detected when omitted)")
    .option("--exclude <columns>", "csv tasks: comma-separated columns to leave out of the inputs")
    .option("--max-categories <n>", "csv tasks: most distinct values a text column may have (default 100)")
    .option("--train-size <n>", "fashion: training images, 10..50000 (default 50000), for quick runs");
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

function csvOptions(flags: TaskFlags): TaskOptions {
  if (flags.target === undefined || flags.target === "") {
    throw new UsageError(`--task ${flags.task} needs --target COLUMN (the column to predict)`);
  }
  const options: TaskOptions = { target: flags.target };
  if (flags.kind !== undefined) {
    if (flags.kind !== "regression" && flags.kind !== "classification") {
      throw new UsageError(`--kind must be regression or classification, got ${JSON.stringify(flags.kind)}`);
    }
    options.kind = flags.kind;
  }
  if (flags.separator !== undefined) {
    if (![",", ";", "\t"].includes(flags.separator)) {
      throw new UsageError(`--separator must be , ; or a tab, got ${JSON.stringify(flags.separator)}`);
    }
    options.separator = flags.separator;
  }
  if (flags.header !== undefined) options.header = flags.header;
  if (flags.exclude !== undefined)
    options.exclude = flags.exclude
      .split(",")
      .map((name) => name.trim())
      .filter((name) => name !== "");
  if (flags.maxCategories !== undefined) {
    const value = isNumber(flags.maxCategories) ? Number(flags.maxCategories) : NaN;
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new UsageError(`--max-categories must be an integer >= 1, got ${JSON.stringify(flags.maxCategories)}`);
    }
    options.maxCategories = value;
  }
  return options;
}

/**
 * The task the flags name: "wine", or { name: "csv:data.csv", options: { target, ... } }. An unknown
 * task, a csv task without --target, or a csv flag given to another task is a UsageError.
 */
export function taskReferenceOf(flags: TaskFlags): TaskReference {
  let family: TaskFamily;
  try {
    family = findTaskFamily(flags.task).family;
  } catch (error) {
    // An unknown name given to --task is a bad flag value.
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
  if (flags.trainSize !== undefined && family.name !== "fashion") throw new UsageError("--train-size applies to --task fashion");
  if (family.name === "csv") return { name: flags.task, options: csvOptions(flags) };
  const csvOnly = [
    ...CSV_FLAGS.filter((key) => flags[key] !== undefined).map(kebab),
    ...(flags.header === undefined ? [] : [flags.header ? "header" : "no-header"]),
  ];
  if (csvOnly.length > 0) throw new UsageError(`--${csvOnly[0]} applies to --task csv:FILE`);
  if (flags.trainSize !== undefined) {
    const trainSize = isNumber(flags.trainSize) ? Number(flags.trainSize) : NaN;
    if (!Number.isInteger(trainSize) || trainSize < 10 || trainSize > 50_000) {
      throw new UsageError(`--train-size must be an integer in [10, 50000], got ${JSON.stringify(flags.trainSize)}`);
    }
    return { name: flags.task, options: { trainSize } };
  }
  return flags.task;
}
