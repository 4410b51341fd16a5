/**
 * Conversions between hyperforce's values and the forms Optuna stores (Optuna 3.1+,
 * optuna/distributions.py, optuna/trial/_state.py, optuna/study/_study_direction.py).
 */
import { StorageError } from "../errors/errors.ts";
import { type CategoricalChoice, type Distribution, hasChoices, isOrderedChoices, type ParamValue } from "../space/types.ts";
import type { Direction, TrialState } from "../trial/types.ts";
import { fromPythonJson, toPythonJson } from "./python-json.ts";

/** Optuna's distribution JSON: `{"name": "FloatDistribution", "attributes": {...}}`. */
export interface OptunaDistributionJson {
  name: string;
  attributes: Record<string, unknown>;
  /**
   * hyperforce's own key, set on the CategoricalDistribution that stores ordered numeric choices:
   * the kind and scale that make them ordered again on reading. Optuna reads only `name` and
   * `attributes`, so it loads such a journal as categoricals of the numbers.
   */
  ordered_choices?: { type: "float" | "int"; log: boolean };
}

/**
 * A distribution in its canonical form: defaults left out (no `log: false`, no float `step`
 * unless set, no int `step: 1`), so equal distributions compare equal however they were written.
 */
export function normalizeDistribution(distribution: Distribution): Distribution {
  return distributionFromOptuna(distributionToOptuna(distribution));
}

/** Throws a clear error when the distribution is malformed. Attribute order follows Optuna's. */
export function distributionToOptuna(distribution: Distribution): OptunaDistributionJson {
  checkDistribution(distribution);
  if (isOrderedChoices(distribution)) {
    return {
      name: "CategoricalDistribution",
      attributes: { choices: [...distribution.choices] },
      ordered_choices: { type: distribution.type, log: distribution.log === true },
    };
  }
  switch (distribution.type) {
    case "float":
      return {
        name: "FloatDistribution",
        attributes: { step: distribution.step ?? null, low: distribution.low, high: distribution.high, log: distribution.log ?? false },
      };
    case "int":
      return {
        name: "IntDistribution",
        attributes: { log: distribution.log ?? false, step: distribution.step ?? 1, low: distribution.low, high: distribution.high },
      };
    case "categorical":
      return { name: "CategoricalDistribution", attributes: { choices: [...distribution.choices] } };
  }
}

/** Optuna writes a distribution as a JSON string inside the journal line. */
export function distributionToOptunaString(distribution: Distribution): string {
  return toPythonJson(distributionToOptuna(distribution));
}

/**
 * Reads Optuna's distribution JSON (a string or the parsed object), including the pre-3.0 names
 * (UniformDistribution, LogUniformDistribution, DiscreteUniformDistribution, IntUniformDistribution,
 * IntLogUniformDistribution) and the abbreviated `{"type": "float", ...}` form.
 */
export function distributionFromOptuna(json: string | OptunaDistributionJson | Record<string, unknown>): Distribution {
  const parsed = (typeof json === "string" ? fromPythonJson(json) : json) as Record<string, unknown>;
  if (parsed === null || typeof parsed !== "object") throw new StorageError(`not an Optuna distribution: ${JSON.stringify(json)}`);
  let result: Distribution;
  if (typeof parsed.name === "string") {
    const a = (parsed.attributes ?? {}) as Record<string, unknown>;
    switch (parsed.name) {
      case "FloatDistribution":
        result = float(a.low, a.high, a.step, a.log);
        break;
      case "UniformDistribution":
        result = float(a.low, a.high, null, false);
        break;
      case "LogUniformDistribution":
        result = float(a.low, a.high, null, true);
        break;
      case "DiscreteUniformDistribution":
        result = float(a.low, a.high, a.q, false);
        break;
      case "IntDistribution":
        result = int(a.low, a.high, a.step, a.log);
        break;
      case "IntUniformDistribution":
        result = int(a.low, a.high, a.step, false);
        break;
      case "IntLogUniformDistribution":
        result = int(a.low, a.high, a.step, true);
        break;
      case "CategoricalDistribution":
        result = choices(a.choices, parsed.ordered_choices);
        break;
      default:
        throw new StorageError(`unknown Optuna distribution class "${parsed.name}"`);
    }
  } else if ((parsed.type === "float" || parsed.type === "int") && parsed.choices !== undefined) {
    result = choices(parsed.choices, { type: parsed.type, log: parsed.log });
  } else if (parsed.type === "float") {
    result = float(parsed.low, parsed.high, parsed.step, parsed.log);
  } else if (parsed.type === "int") {
    result = int(parsed.low, parsed.high, parsed.step, parsed.log);
  } else if (parsed.type === "categorical") {
    result = { type: "categorical", choices: parsed.choices as CategoricalChoice[] };
  } else {
    throw new StorageError(`not an Optuna distribution: ${JSON.stringify(parsed)}`);
  }
  checkDistribution(result);
  return result;
}

/** Categorical choices, or ordered numeric choices when hyperforce's `ordered_choices` marker is there. */
function choices(list: unknown, ordered: unknown): Distribution {
  if (ordered === undefined || ordered === null) return { type: "categorical", choices: list as CategoricalChoice[] };
  const { type, log } = ordered as Record<string, unknown>;
  if (type !== "float" && type !== "int") {
    throw new StorageError(`ordered_choices must name the type "float" or "int": ${JSON.stringify(ordered)}`);
  }
  const d: Distribution = { type, choices: list as number[] };
  if (log === true) d.log = true;
  return d;
}

function float(low: unknown, high: unknown, step: unknown, log: unknown): Distribution {
  const d: Distribution = { type: "float", low: low as number, high: high as number };
  if (step !== null && step !== undefined) d.step = step as number;
  if (log === true) d.log = true;
  return d;
}

function int(low: unknown, high: unknown, step: unknown, log: unknown): Distribution {
  const d: Distribution = { type: "int", low: low as number, high: high as number };
  if (step !== null && step !== undefined && step !== 1) d.step = step as number;
  if (log === true) d.log = true;
  return d;
}

/** Structural checks: enough for the value conversions and for Optuna to accept the distribution. */
export function checkDistribution(d: Distribution): void {
  const show = () => JSON.stringify(d);
  if (d === null || typeof d !== "object") throw new StorageError(`not a distribution: ${JSON.stringify(d)}`);
  if (isOrderedChoices(d)) {
    checkOrderedChoices(d, show);
    return;
  }
  if (d.type === "categorical") {
    if (!Array.isArray(d.choices) || d.choices.length === 0)
      throw new StorageError(`categorical distribution needs a non-empty list of choices: ${show()}`);
    for (const c of d.choices) {
      if (c !== null && !["string", "number", "boolean"].includes(typeof c)) {
        throw new StorageError(`categorical choices must be strings, numbers, booleans or null: ${show()}`);
      }
    }
    return;
  }
  if (d.type !== "float" && d.type !== "int") throw new StorageError(`unknown distribution type in ${show()}`);
  if (typeof d.low !== "number" || typeof d.high !== "number" || !Number.isFinite(d.low) || !Number.isFinite(d.high)) {
    throw new StorageError(`distribution bounds must be finite numbers: ${show()}`);
  }
  if (d.low > d.high) throw new StorageError(`distribution low must not exceed high: ${show()}`);
  if (d.log !== undefined && typeof d.log !== "boolean") throw new StorageError(`distribution log must be true or false: ${show()}`);
  if (d.step !== undefined && (typeof d.step !== "number" || !(d.step > 0) || !Number.isFinite(d.step))) {
    throw new StorageError(`distribution step must be a positive number: ${show()}`);
  }
  if (d.type === "int") {
    if (!Number.isInteger(d.low) || !Number.isInteger(d.high) || (d.step !== undefined && !Number.isInteger(d.step))) {
      throw new StorageError(`int distribution needs integer low, high and step: ${show()}`);
    }
    if (d.log && d.low < 1) throw new StorageError(`int distribution with log needs low >= 1: ${show()}`);
    if (d.log && d.step !== undefined && d.step !== 1) throw new StorageError(`int distribution with log allows only step 1: ${show()}`);
  } else {
    if (d.log && d.low <= 0) throw new StorageError(`float distribution with log needs low > 0: ${show()}`);
    if (d.log && d.step !== undefined) throw new StorageError(`float distribution cannot have both log and step: ${show()}`);
  }
}

function checkOrderedChoices(d: Extract<Distribution, { choices: number[] }>, show: () => string): void {
  const { choices } = d;
  if (choices.length === 0) throw new StorageError(`ordered choices need a non-empty list: ${show()}`);
  choices.forEach((c, i) => {
    if (typeof c !== "number" || !Number.isFinite(c)) throw new StorageError(`ordered choices must be finite numbers: ${show()}`);
    if (i > 0 && !(c > choices[i - 1])) throw new StorageError(`ordered choices must be distinct and ascending: ${show()}`);
  });
  if (d.type === "int" && !choices.every(Number.isInteger)) throw new StorageError(`int ordered choices must be integers: ${show()}`);
  if (d.log !== undefined && typeof d.log !== "boolean") throw new StorageError(`distribution log must be true or false: ${show()}`);
  if (d.log && choices[0] <= 0) throw new StorageError(`ordered choices with log must be positive: ${show()}`);
}

function sameChoice(a: CategoricalChoice, b: CategoricalChoice): boolean {
  return a === b || (typeof a === "number" && typeof b === "number" && Number.isNaN(a) && Number.isNaN(b));
}

/** Optuna keeps a parameter as a float: a categorical one (or ordered choice) as its choice index, a number as itself. */
export function paramToInternal(value: ParamValue, distribution: Distribution): number {
  if (hasChoices(distribution)) {
    const index = distribution.choices.findIndex((choice) => sameChoice(choice, value));
    if (index < 0) throw new StorageError(`${JSON.stringify(value)} is not one of the choices ${JSON.stringify(distribution.choices)}`);
    return index;
  }
  if (typeof value !== "number" || Number.isNaN(value)) {
    throw new StorageError(`${JSON.stringify(value)} is not a number for a ${distribution.type} distribution`);
  }
  if (distribution.type === "int" && !Number.isInteger(value)) throw new StorageError(`${value} is not an integer for an int distribution`);
  if (distribution.log && value <= 0) throw new StorageError(`${value} is not positive for a log distribution`);
  return value;
}

/** The inverse of paramToInternal (Optuna's to_external_repr: int() truncates, index picks a choice). */
export function paramFromInternal(internal: number, distribution: Distribution): ParamValue {
  if (typeof internal !== "number") throw new StorageError(`parameter value ${JSON.stringify(internal)} is not a number`);
  if (hasChoices(distribution)) {
    const index = Math.trunc(internal);
    if (index < 0 || index >= distribution.choices.length) {
      throw new StorageError(`choice index ${internal} is outside ${JSON.stringify(distribution.choices)}`);
    }
    return distribution.choices[index];
  }
  return distribution.type === "int" ? Math.trunc(internal) : internal;
}

/** optuna.trial.TrialState values. */
export const OPTUNA_TRIAL_STATES: Readonly<Record<TrialState, number>> = Object.freeze({
  RUNNING: 0,
  COMPLETE: 1,
  PRUNED: 2,
  FAIL: 3,
  WAITING: 4,
});

export function stateToOptuna(state: TrialState): number {
  const code = OPTUNA_TRIAL_STATES[state];
  if (code === undefined)
    throw new StorageError(`unknown trial state ${JSON.stringify(state)} (expected RUNNING, COMPLETE, PRUNED, FAIL or WAITING)`);
  return code;
}

export function stateFromOptuna(code: unknown): TrialState {
  const found = (Object.keys(OPTUNA_TRIAL_STATES) as TrialState[]).find((s) => OPTUNA_TRIAL_STATES[s] === code);
  if (found === undefined) throw new StorageError(`unknown Optuna trial state ${JSON.stringify(code)}`);
  return found;
}

/** optuna.study.StudyDirection values (NOT_SET 0 is not a direction a study can have here). */
export function directionToOptuna(direction: Direction): number {
  if (direction === "minimize") return 1;
  if (direction === "maximize") return 2;
  throw new StorageError(`unknown direction ${JSON.stringify(direction)} (expected "minimize" or "maximize")`);
}

export function directionFromOptuna(code: unknown): Direction {
  if (code === 1) return "minimize";
  if (code === 2) return "maximize";
  throw new StorageError(`unsupported Optuna study direction ${JSON.stringify(code)} (expected 1 = minimize or 2 = maximize)`);
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/**
 * Optuna writes `datetime.now().isoformat(timespec="microseconds")`: local time, no zone,
 * e.g. "2026-11-27T07:50:26.123000".
 */
export function datetimeToOptuna(epochMs: number): string {
  const d = new Date(epochMs);
  return (
    `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` +
    `T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}000`
  );
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** Reads Python's isoformat (local time when no zone is given, as Optuna writes); to milliseconds. */
export function datetimeFromOptuna(text: unknown): number {
  const m = typeof text === "string" ? ISO.exec(text) : null;
  if (m === null) throw new StorageError(`not an ISO datetime: ${JSON.stringify(text)}`);
  const [, y, mo, d, h, mi, s = "0", frac = "0", zone] = m;
  const ms = Math.floor(Number(frac.padEnd(6, "0")) / 1000);
  if (zone === undefined) return new Date(+y, +mo - 1, +d, +h, +mi, +s, ms).getTime();
  const utc = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, ms);
  if (zone === "Z") return utc;
  const sign = zone[0] === "-" ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  return utc - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
}
