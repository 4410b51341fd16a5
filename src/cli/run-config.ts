/**
 * The options of `hyperforce run`, from flags or from a config file (YAML or JSON), validated with
 * zod. A bad field is reported with the file and the path of the field.
 */
import { readFileSync } from "node:fs";
import { extname } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { ConfigError } from "../errors/errors.ts";
import { PRUNER_NAMES } from "../pruners/index.ts";
import { SAMPLER_NAMES } from "../samplers/index.ts";
import { POLICY_KINDS, RECURRENT_CELL_KINDS, REINFORCE_PRESET_NAMES } from "../samplers/options.ts";
import { UsageError } from "./errors.ts";
import { parsePrunerOptionsFlag } from "./run-pruner.ts";

const positiveInt = z.number().int().min(1);
const seedInt = z
  .number()
  .int()
  .min(0)
  .max(2 ** 53 - 1);

export const RunConfigSchema = z
  .object({
    task: z.string().min(1).optional(),
    objective: z.string().min(1).optional(),
    command: z.union([z.string().min(1), z.array(z.string()).min(1)]).optional(),
    target: z.string().min(1).optional(),
    kind: z.enum(["regression", "classification"]).optional(),
    separator: z.enum([",", ";", "\t"]).optional(),
    header: z.boolean().optional(),
    exclude: z.array(z.string().min(1)).optional(),
    maxCategories: positiveInt.optional(),
    space: z.union([z.string().min(1), z.record(z.string(), z.record(z.string(), z.unknown()))]).optional(),
    direction: z.enum(["minimize", "maximize"]).optional(),
    sampler: z.enum(SAMPLER_NAMES).optional(),
    policy: z.enum(POLICY_KINDS).optional(),
    cell: z.enum(RECURRENT_CELL_KINDS).optional(),
    preset: z.enum(REINFORCE_PRESET_NAMES).optional(),
    levels: z.number().int().min(2).optional(),
    samplerOptions: z.record(z.string(), z.unknown()).optional(),
    pruner: z.enum(PRUNER_NAMES).optional(),
    prunerOptions: z.record(z.string(), z.number()).optional(),
    trials: positiveInt.optional(),
    workers: positiveInt.optional(),
    executor: z.enum(["inline", "threads", "queue"]).optional(),
    redis: z.string().min(1).optional(),
    queue: z.string().min(1).optional(),
    maxRetries: z.number().int().min(0).optional(),
    study: z.string().min(1).optional(),
    storage: z.string().min(1).optional(),
    seed: seedInt.optional(),
    splitSeed: seedInt.optional(),
    epochs: positiveInt.optional(),
    /** The fashion task's training images. */
    trainSize: z.number().int().min(10).max(50_000).optional(),
    trialTimeout: z.number().positive().optional(),
    timeout: z.number().positive().optional(),
    heartbeatInterval: z.number().positive().optional(),
    gracePeriod: z.number().positive().optional(),
    logDir: z.string().min(1).optional(),
  })
  .strict();

export type RunConfig = z.infer<typeof RunConfigSchema>;

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.length > 0 ? issue.path.map(String).join(".") : "(top level)";
  return `${path}: ${issue.message}`;
}

/** Checks a parsed config object; `source` names where it came from in the error. */
export function validateRunConfig(value: unknown, source: string): RunConfig {
  const result = RunConfigSchema.safeParse(value);
  if (!result.success) {
    const first = result.error.issues[0];
    const more = result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more)` : "";
    throw new ConfigError(`${source}: invalid field ${describeIssue(first)}${more}`);
  }
  return result.data;
}

/** Reads a YAML (.yaml/.yml) or JSON config file. */
export function readRunConfig(path: string): RunConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(`cannot read config file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let value: unknown;
  try {
    value = extname(path).toLowerCase() === ".json" ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigError(`config file ${path} does not parse: ${(error as Error).message.split("\n")[0]}`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ConfigError(`config file ${path} must hold a mapping of options (task, sampler, trials, ...)`);
  }
  return validateRunConfig(value, path);
}

/** Flags as commander gives them (strings), turned into config values; numbers are checked by the schema. */
export function configFromFlags(flags: Record<string, unknown>): RunConfig {
  const numeric = new Set([
    "levels",
    "trials",
    "workers",
    "maxRetries",
    "seed",
    "splitSeed",
    "epochs",
    "trialTimeout",
    "timeout",
    "heartbeatInterval",
    "gracePeriod",
    "maxCategories",
    "trainSize",
  ]);
  const value: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(flags)) {
    if (raw === undefined || key === "config" || key === "json" || key === "progress") continue;
    // --header and --no-header: absent means "detect".
    if (key === "header") {
      value.header = raw;
      continue;
    }
    if (key === "prunerOptions") {
      value.prunerOptions = parsePrunerOptionsFlag(String(raw));
      continue;
    }
    if (key === "exclude") {
      value.exclude = String(raw)
        .split(",")
        .map((name) => name.trim())
        .filter((name) => name !== "");
      continue;
    }
    if (numeric.has(key)) {
      const text = String(raw);
      const number = Number(text);
      if (text.trim() === "" || !Number.isFinite(number))
        throw new UsageError(`--${kebab(key)} must be a number, got ${JSON.stringify(text)}`);
      value[key] = number;
    } else {
      value[key] = raw;
    }
  }
  const result = RunConfigSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new UsageError(`--${kebab(String(issue.path[0]))}: ${issue.message}`);
  }
  return result.data;
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}
