/**
 * The rows of Optuna's RDB schema that a refresh reads, and their values in hyperforce's terms
 * (Optuna's enum names, its value types for infinities and NaN, datetimes as local wall-clock text).
 */
import { StorageError } from "../../errors/errors.ts";
import type { Direction, TrialState } from "../../trial/types.ts";

export interface StudyRow {
  study_id: number;
  study_name: string;
  directions: string[] | null;
}

export interface StudyAttrRow {
  study_id: number;
  system: boolean;
  key: string;
  value_json: string;
}

/** A trial with its children as JSON arrays of [name, value, ...] tuples. */
export interface TrialRow {
  trial_id: number;
  study_id: number;
  number: number | null;
  state: string;
  datetime_start: string | null;
  datetime_complete: string | null;
  params: [string, number, string][] | null;
  values: [number, number | null, string][] | null;
  intermediate: [number, number | null, string][] | null;
  user_attrs: [string, string][] | null;
  system_attrs: [string, string][] | null;
}

const SELECT_STUDIES = `
SELECT s.study_id, s.study_name,
  (SELECT array_agg(d.direction::text ORDER BY d.objective) FROM study_directions d WHERE d.study_id = s.study_id) AS directions
FROM studies s ORDER BY s.study_id`;

const SELECT_STUDY_ATTRS = `
SELECT study_id, false AS system, key, value_json FROM study_user_attributes
UNION ALL SELECT study_id, true AS system, key, value_json FROM study_system_attributes`;

/**
 * Trials not read yet (numbers from the count each study has here, $1 study ids, $2 counts) and the
 * trials read unfinished ($3 trial ids), with everything they hold.
 */
const SELECT_TRIALS = `
SELECT t.trial_id, t.study_id, t.number, t.state::text AS state, t.datetime_start, t.datetime_complete,
  (SELECT json_agg(json_build_array(p.param_name, p.param_value, p.distribution_json) ORDER BY p.param_id)
     FROM trial_params p WHERE p.trial_id = t.trial_id) AS params,
  (SELECT json_agg(json_build_array(v.objective, v.value, v.value_type::text) ORDER BY v.objective)
     FROM trial_values v WHERE v.trial_id = t.trial_id) AS values,
  (SELECT json_agg(json_build_array(i.step, i.intermediate_value, i.intermediate_value_type::text) ORDER BY i.step)
     FROM trial_intermediate_values i WHERE i.trial_id = t.trial_id) AS intermediate,
  (SELECT json_agg(json_build_array(a.key, a.value_json) ORDER BY a.trial_user_attribute_id)
     FROM trial_user_attributes a WHERE a.trial_id = t.trial_id) AS user_attrs,
  (SELECT json_agg(json_build_array(a.key, a.value_json) ORDER BY a.trial_system_attribute_id)
     FROM trial_system_attributes a WHERE a.trial_id = t.trial_id) AS system_attrs
FROM trials t
LEFT JOIN unnest($1::int[], $2::int[]) AS known(study_id, count) ON known.study_id = t.study_id
WHERE t.number >= COALESCE(known.count, 0) OR t.trial_id = ANY($3::int[])
ORDER BY t.study_id, t.number`;

/**
 * One round trip for a refresh: the studies, their attributes and the trials to read, as three statements
 * of one simple query (so the id lists are written into it: integers read from the database, checked).
 */
export function refreshQuery(studyIds: number[], counts: number[], unfinished: number[]): string {
  const list = (ids: number[]) => {
    if (!ids.every(Number.isSafeInteger)) throw new StorageError(`not a list of ids: ${JSON.stringify(ids)}`);
    return `'{${ids.join(",")}}'`;
  };
  const trials = SELECT_TRIALS.replace("$1", list(studyIds)).replace("$2", list(counts)).replace("$3", list(unfinished));
  return `${SELECT_STUDIES};\n${SELECT_STUDY_ATTRS};\n${trials}`;
}

const DIRECTIONS: Record<string, Direction> = { MINIMIZE: "minimize", MAXIMIZE: "maximize" };

export function directionFromRow(name: string, study: string): Direction {
  const direction = DIRECTIONS[name];
  if (direction === undefined) throw new StorageError(`study "${study}" has direction ${name} (expected MINIMIZE or MAXIMIZE)`);
  return direction;
}

export function directionToRow(direction: Direction): string {
  return direction === "minimize" ? "MINIMIZE" : "MAXIMIZE";
}

const STATES = new Set(["RUNNING", "COMPLETE", "PRUNED", "FAIL", "WAITING"]);

export function stateFromRow(name: string): TrialState {
  if (!STATES.has(name)) throw new StorageError(`unknown trial state ${JSON.stringify(name)} in the trials table`);
  return name as TrialState;
}

/** A stored value and its type (trialvaluetype, trialintermediatevaluetype) as a number. */
export function valueFromRow(value: number | null, type: string): number {
  if (type === "FINITE" && value !== null) return value;
  if (type === "INF_POS") return Number.POSITIVE_INFINITY;
  if (type === "INF_NEG") return Number.NEGATIVE_INFINITY;
  if (type === "NAN") return Number.NaN;
  throw new StorageError(`a stored value ${JSON.stringify(value)} of type ${type} cannot be read`);
}

/** A number as Optuna stores it: the value (null for infinities and NaN) and its type. */
export function valueToRow(value: number): [number | null, string] {
  if (Number.isNaN(value)) return [null, "NAN"];
  if (value === Number.POSITIVE_INFINITY) return [null, "INF_POS"];
  if (value === Number.NEGATIVE_INFINITY) return [null, "INF_NEG"];
  return [value, "FINITE"];
}
