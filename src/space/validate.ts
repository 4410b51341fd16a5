/**
 * Checks that a search space makes sense. Every problem gets its own message naming the parameter;
 * validateSpace throws one Error listing them all (one per line).
 *
 * A step that does not divide (high - low) is rejected rather than silently adjusted (Optuna lowers
 * high to the last grid point with a warning); the message names the high that would fit.
 */
import { ConfigError } from "../errors/errors.ts";
import { gridCount } from "./discrete.ts";
import { type Distribution, isOrderedChoices, type OrderedChoicesDistribution, type RangeDistribution, type SearchSpace } from "./types.ts";

export function validateSpace(space: SearchSpace): void {
  const problems = spaceProblems(space);
  if (problems.length > 0) throw new ConfigError(problems.join("\n"));
}

export function validateDistribution(name: string, distribution: Distribution): void {
  const problems = distributionProblems(name, distribution);
  if (problems.length > 0) throw new ConfigError(problems.join("\n"));
}

/** Every problem of the space, in declaration order; empty when the space is valid. */
export function spaceProblems(space: SearchSpace): string[] {
  if (space === null || typeof space !== "object" || Array.isArray(space)) {
    return ["a search space must be an object mapping parameter names to distributions"];
  }
  const problems: string[] = [];
  const names = Object.keys(space);
  if (names.length === 0) problems.push("a search space needs at least one parameter");
  for (const name of names) problems.push(...distributionProblems(name, space[name]));
  return problems;
}

export function distributionProblems(name: string, distribution: Distribution): string[] {
  const where = `parameter "${name}"`;
  if (name === "") return ["parameter names must be non-empty"];
  if (name === "__proto__") return ['parameter name "__proto__" is reserved'];
  if (distribution === null || typeof distribution !== "object") return [`${where}: the distribution must be an object`];
  if (isOrderedChoices(distribution)) return orderedChoicesProblems(where, distribution);
  switch (distribution.type) {
    case "categorical":
      return categoricalProblems(where, distribution.choices);
    case "int":
    case "float":
      return numericProblems(where, distribution);
    default:
      return [
        `${where}: unknown type ${JSON.stringify((distribution as { type: unknown }).type)} (expected "float", "int" or "categorical")`,
      ];
  }
}

function categoricalProblems(where: string, choices: unknown): string[] {
  if (!Array.isArray(choices)) return [`${where}: choices must be an array`];
  if (choices.length === 0) return [`${where}: empty choice list`];
  const problems: string[] = [];
  const firstSeen = new Map<string, number>();
  choices.forEach((choice, index) => {
    const kind = choice === null ? "null" : typeof choice;
    if (kind !== "string" && kind !== "number" && kind !== "boolean" && kind !== "null") {
      problems.push(`${where}: choice ${index} must be a string, number, boolean or null, got ${kind}`);
      return;
    }
    if (kind === "number" && !Number.isFinite(choice)) {
      problems.push(`${where}: choice ${index} must be a finite number, got ${choice}`);
      return;
    }
    const key = `${kind}:${String(choice)}`;
    const earlier = firstSeen.get(key);
    if (earlier !== undefined) problems.push(`${where}: duplicate choice ${JSON.stringify(choice)} (indices ${earlier} and ${index})`);
    else firstSeen.set(key, index);
  });
  return problems;
}

/** Ordered choices: a non-empty ascending list of distinct finite numbers (integers for int, positive when log). */
function orderedChoicesProblems(where: string, d: OrderedChoicesDistribution): string[] {
  const { choices } = d;
  const problems: string[] = [];
  const extra = ["low", "high", "step"].filter((field) => Object.hasOwn(d, field));
  if (extra.length > 0) problems.push(`${where}: ordered choices cannot also have ${extra.join(", ")} (give either choices or low/high)`);
  if (d.log !== undefined && typeof d.log !== "boolean") problems.push(`${where}: log must be true or false, got ${String(d.log)}`);
  if (choices.length === 0) problems.push(`${where}: empty choice list`);
  choices.forEach((choice, index) => {
    if (typeof choice !== "number" || !Number.isFinite(choice)) {
      problems.push(
        `${where}: ${d.type} choice ${index} must be a finite number, got ${typeof choice === "number" ? choice : JSON.stringify(choice)}`,
      );
    } else if (d.type === "int" && !Number.isInteger(choice)) {
      problems.push(`${where}: int choice ${index} must be an integer, got ${choice}`);
    } else if (d.log === true && choice <= 0) {
      problems.push(`${where}: log scale needs positive choices, got choice ${index} = ${choice}`);
    } else if (index > 0 && typeof choices[index - 1] === "number" && !(choice > choices[index - 1])) {
      const what = choice === choices[index - 1] ? "repeats" : "is below";
      problems.push(
        `${where}: ordered choices must be distinct and ascending, but choice ${index} (${choice}) ${what} choice ${index - 1} ` +
          `(${choices[index - 1]})`,
      );
    }
  });
  return problems;
}

function numericProblems(where: string, d: RangeDistribution): string[] {
  const problems: string[] = [];
  for (const field of ["low", "high"] as const) {
    const value = d[field];
    if (typeof value !== "number" || !Number.isFinite(value)) {
      problems.push(`${where}: ${field} must be a finite number, got ${String(value)}`);
    } else if (d.type === "int" && !Number.isInteger(value)) {
      problems.push(`${where}: int bounds must be integers, got ${field} = ${value}`);
    }
  }
  if (d.log !== undefined && typeof d.log !== "boolean") problems.push(`${where}: log must be true or false, got ${String(d.log)}`);
  if (d.step !== undefined) {
    if (typeof d.step !== "number" || !Number.isFinite(d.step) || d.step <= 0) {
      problems.push(`${where}: step must be a positive number, got ${String(d.step)}`);
    } else if (d.type === "int" && !Number.isInteger(d.step)) {
      problems.push(`${where}: an int step must be an integer, got ${d.step}`);
    }
  }
  if (problems.length > 0) return problems;

  const { low, high } = d;
  if (low > high) problems.push(`${where}: low (${low}) is greater than high (${high})`);
  if (d.log === true && low <= 0) problems.push(`${where}: log scale needs low > 0, got low = ${low}`);
  if (d.log === true && d.step !== undefined) {
    if (d.type === "float") problems.push(`${where}: a float cannot have both step and log`);
    else if (d.step !== 1) problems.push(`${where}: a log int cannot have a step other than 1, got step = ${d.step}`);
  }
  if (problems.length > 0 || d.step === undefined) return problems;

  const lastPoint = low + (gridCount(low, high, d.step) - 1) * d.step;
  const tolerance = 1e-9 * Math.max(Math.abs(high), Math.abs(low), d.step);
  if (Math.abs(high - lastPoint) > tolerance) {
    const fitting = d.type === "int" ? lastPoint : Number(lastPoint.toPrecision(15));
    problems.push(
      `${where}: high - low (${Number((high - low).toPrecision(15))}) is not a multiple of step (${d.step}); use high = ${fitting}`,
    );
  }
  return problems;
}
