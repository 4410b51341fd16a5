/**
 * The pruner of `hyperforce run`: --pruner none|median|asha|hyperband with --pruner-options (or
 * `pruner` and `prunerOptions` in a config file). Options a pruner does not read are refused. Every
 * executor carries the reports to the pruner and its decision back (queue workers through Redis).
 */
import type { ObjectiveSpec } from "../objectives/spec.ts";
import { createPruner, type PrunerOptions } from "../pruners/index.ts";
import type { Pruner } from "../pruners/pruner.ts";
import { DEFAULT_EPOCHS } from "../tasks/train.ts";
import { UsageError } from "./errors.ts";

const OPTIONS_OF: Record<string, readonly (keyof PrunerOptions)[]> = {
  none: [],
  median: ["startupTrials", "warmupSteps", "minTrials"],
  asha: ["minResource", "reductionFactor", "minEarlyStoppingRate"],
  hyperband: ["minResource", "maxResource", "reductionFactor"],
};

export interface PrunerRequest {
  pruner?: string;
  prunerOptions?: Record<string, unknown>;
  objective: ObjectiveSpec;
}

/**
 * The pruner name and options checked (a known name; each option one it reads, a number); every
 * refusal names the flag and what it expected.
 */
export function checkPrunerRequest(name: string, given: Record<string, unknown> = {}): PrunerOptions {
  const allowed = OPTIONS_OF[name];
  if (allowed === undefined)
    throw new UsageError(`--pruner must be one of ${Object.keys(OPTIONS_OF).join(", ")}, got ${JSON.stringify(name)}`);
  for (const [key, value] of Object.entries(given)) {
    if (!(allowed as readonly string[]).includes(key)) {
      const takes = allowed.length > 0 ? `; it takes ${allowed.join(", ")}` : "";
      throw new UsageError(`--pruner-options: the ${name} pruner has no option ${JSON.stringify(key)}${takes}`);
    }
    if (typeof value !== "number") throw new UsageError(`--pruner-options: ${key} must be a number, got ${JSON.stringify(value)}`);
  }
  return { ...given } as PrunerOptions;
}

/** The pruner asked for, or undefined for none; every refusal names the flag and what it expected. */
export function prunerOf(request: PrunerRequest): Pruner | undefined {
  const name = request.pruner ?? "none";
  const options = checkPrunerRequest(name, request.prunerOptions);
  if (name === "none") return undefined;
  if (name === "hyperband" && options.maxResource === undefined) {
    if (request.objective.kind === "module" || request.objective.kind === "command")
      throw new UsageError(`--pruner hyperband with a ${request.objective.kind} objective needs maxResource in --pruner-options`);
    options.maxResource =
      "epochs" in request.objective && request.objective.epochs !== undefined ? request.objective.epochs : DEFAULT_EPOCHS;
  }
  try {
    return createPruner(name, options);
  } catch (error) {
    throw new UsageError(`--pruner ${name}: ${(error as Error).message}`);
  }
}

/** --pruner-options as given on the command line: a JSON object. */
export function parsePrunerOptionsFlag(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError(`--pruner-options must be a JSON object such as '{"reductionFactor": 4}', got ${JSON.stringify(text)}`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new UsageError(`--pruner-options must be a JSON object such as '{"reductionFactor": 4}', got ${JSON.stringify(text)}`);
  }
  return value as Record<string, unknown>;
}
