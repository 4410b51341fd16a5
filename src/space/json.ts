/**
 * Our readable JSON form of a search space, e.g.
 *   { "lr": { "type": "float", "low": 1e-5, "high": 1, "log": true },
 *     "units": { "type": "int", "low": 2, "high": 20, "step": 2 },
 *     "act": { "type": "categorical", "choices": ["relu", "tanh"] },
 *     "batch": { "type": "int", "choices": [8, 16, 32], "log": true } }
 * Key order is the parameter order. Parsing checks every field and names the bad one.
 * (The journal storage has its own, Optuna-shaped, distribution JSON.)
 */
import { ConfigError } from "../errors/errors.ts";
import { type CategoricalChoice, type Distribution, hasChoices, type RangeDistribution, type SearchSpace } from "./types.ts";
import { validateSpace } from "./validate.ts";

export type SpaceJSON = Record<string, Record<string, unknown>>;

export function spaceToJSON(space: SearchSpace): SpaceJSON {
  validateSpace(space);
  const json: SpaceJSON = {};
  for (const [name, d] of Object.entries(space)) {
    if (hasChoices(d)) {
      json[name] = { type: d.type, choices: d.choices.slice() };
      if (d.type !== "categorical" && d.log === true) json[name].log = true;
      continue;
    }
    const entry: Record<string, unknown> = { type: d.type, low: d.low, high: d.high };
    if (d.step !== undefined) entry.step = d.step;
    if (d.log === true) entry.log = true;
    json[name] = entry;
  }
  return json;
}

/** Parses a space from JSON text or an already parsed value, validating every field. */
export function spaceFromJSON(json: string | unknown): SearchSpace {
  let value: unknown = json;
  if (typeof json === "string") {
    try {
      value = JSON.parse(json);
    } catch (error) {
      throw new ConfigError(`search space JSON does not parse: ${(error as Error).message}`);
    }
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ConfigError("search space JSON must be an object mapping parameter names to distributions");
  }
  const space: SearchSpace = {};
  const problems: string[] = [];
  for (const [name, entry] of Object.entries(value)) {
    const parsed = parseDistribution(name, entry, problems);
    if (parsed !== undefined) Object.defineProperty(space, name, { value: parsed, enumerable: true, writable: true, configurable: true });
  }
  if (problems.length > 0) throw new ConfigError(problems.join("\n"));
  validateSpace(space);
  return space;
}

const FIELDS: Record<string, readonly string[]> = {
  float: ["type", "low", "high", "step", "log", "choices"],
  int: ["type", "low", "high", "step", "log", "choices"],
  categorical: ["type", "choices"],
};

function parseDistribution(name: string, entry: unknown, problems: string[]): Distribution | undefined {
  const where = `parameter "${name}"`;
  if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
    problems.push(`${where}: must be an object with a "type" field`);
    return undefined;
  }
  const fields = entry as Record<string, unknown>;
  const type = fields.type;
  if (type !== "float" && type !== "int" && type !== "categorical") {
    problems.push(`${where}: field "type" must be "float", "int" or "categorical", got ${JSON.stringify(type)}`);
    return undefined;
  }
  const before = problems.length;
  for (const key of Object.keys(fields)) {
    if (!FIELDS[type].includes(key)) problems.push(`${where}: unknown field "${key}" for a ${type} parameter`);
  }
  if (type === "categorical") {
    if (!Array.isArray(fields.choices)) problems.push(`${where}: field "choices" must be an array`);
    return problems.length > before ? undefined : { type, choices: (fields.choices as CategoricalChoice[]).slice() };
  }
  if (fields.choices !== undefined) return orderedChoices(where, type, fields, problems);
  for (const key of ["low", "high"] as const) {
    if (typeof fields[key] !== "number") problems.push(`${where}: field "${key}" must be a number, got ${JSON.stringify(fields[key])}`);
  }
  if (fields.step !== undefined && typeof fields.step !== "number") {
    problems.push(`${where}: field "step" must be a number, got ${JSON.stringify(fields.step)}`);
  }
  if (fields.log !== undefined && typeof fields.log !== "boolean") {
    problems.push(`${where}: field "log" must be true or false, got ${JSON.stringify(fields.log)}`);
  }
  if (problems.length > before) return undefined;
  const distribution: RangeDistribution = { type, low: fields.low as number, high: fields.high as number };
  if (fields.step !== undefined) distribution.step = fields.step as number;
  if (fields.log !== undefined) distribution.log = fields.log as boolean;
  return distribution;
}

/** `{ "type": "float" | "int", "choices": [...], "log"?: bool }`; validateSpace checks the order and values. */
function orderedChoices(
  where: string,
  type: "float" | "int",
  fields: Record<string, unknown>,
  problems: string[],
): Distribution | undefined {
  const before = problems.length;
  for (const key of ["low", "high", "step"]) {
    if (fields[key] !== undefined) problems.push(`${where}: field "${key}" cannot be combined with "choices" (give one or the other)`);
  }
  if (!Array.isArray(fields.choices)) problems.push(`${where}: field "choices" must be an array of numbers`);
  if (fields.log !== undefined && typeof fields.log !== "boolean") {
    problems.push(`${where}: field "log" must be true or false, got ${JSON.stringify(fields.log)}`);
  }
  if (problems.length > before) return undefined;
  const distribution: Distribution = { type, choices: (fields.choices as number[]).slice() };
  if (fields.log === true) distribution.log = true;
  return distribution;
}
