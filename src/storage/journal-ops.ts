/**
 * StorageOps as lines of Optuna's JournalStorage log (optuna/storages/journal/_storage.py,
 * Optuna 3.1+): `{"op_code": 4, "worker_id": "...", "study_id": 0, "datetime_start": "..."}`.
 * Study ids and trial ids are implicit: Optuna numbers studies and trials in the order their
 * create operations replay, across all studies of the file, and so does StorageState.
 */
import { StorageError } from "../errors/errors.ts";
import type { Distribution, Params, ParamValue } from "../space/types.ts";
import type { StorageOp } from "./ops.ts";
import {
  datetimeFromOptuna,
  datetimeToOptuna,
  directionFromOptuna,
  directionToOptuna,
  distributionFromOptuna,
  distributionToOptunaString,
  paramFromInternal,
  paramToInternal,
  stateFromOptuna,
  stateToOptuna,
} from "./optuna-format.ts";

/** optuna.storages._journal.storage.JournalOperation. */
export const JOURNAL_OP_CODES = Object.freeze({
  CREATE_STUDY: 0,
  DELETE_STUDY: 1,
  SET_STUDY_USER_ATTR: 2,
  SET_STUDY_SYSTEM_ATTR: 3,
  CREATE_TRIAL: 4,
  SET_TRIAL_PARAM: 5,
  SET_TRIAL_STATE_VALUES: 6,
  SET_TRIAL_INTERMEDIATE_VALUE: 7,
  SET_TRIAL_USER_ATTR: 8,
  SET_TRIAL_SYSTEM_ATTR: 9,
});

type JournalRecord = Record<string, unknown>;

/** The journal record of an operation, with its fields in the order Optuna writes them. */
export function opToJournalRecord(op: StorageOp, workerId: string): JournalRecord {
  const head = (code: number) => ({ op_code: code, worker_id: workerId });
  switch (op.kind) {
    case "createStudy":
      return { ...head(JOURNAL_OP_CODES.CREATE_STUDY), study_name: op.name, directions: op.directions.map(directionToOptuna) };
    case "deleteStudy":
      return { ...head(JOURNAL_OP_CODES.DELETE_STUDY), study_id: op.studyId };
    case "setStudyUserAttr":
      return { ...head(JOURNAL_OP_CODES.SET_STUDY_USER_ATTR), study_id: op.studyId, user_attr: { [op.key]: op.value } };
    case "setStudySystemAttr":
      return { ...head(JOURNAL_OP_CODES.SET_STUDY_SYSTEM_ATTR), study_id: op.studyId, system_attr: { [op.key]: op.value } };
    case "createTrial": {
      const record: JournalRecord = {
        ...head(JOURNAL_OP_CODES.CREATE_TRIAL),
        study_id: op.studyId,
        datetime_start: op.datetimeStart === undefined ? null : datetimeToOptuna(op.datetimeStart),
      };
      const plain =
        op.state === "RUNNING" &&
        op.values === undefined &&
        op.datetimeComplete === undefined &&
        [op.params, op.distributions, op.userAttrs, op.systemAttrs, op.intermediateValues].every((o) => Object.keys(o).length === 0);
      if (plain) return record;
      // The form Optuna writes for a template trial (enqueued, added): every field spelled out.
      record.state = stateToOptuna(op.state);
      record.value = null;
      record.values = op.values ?? null;
      if (op.datetimeComplete !== undefined) record.datetime_complete = datetimeToOptuna(op.datetimeComplete);
      record.distributions = Object.fromEntries(Object.entries(op.distributions).map(([k, d]) => [k, distributionToOptunaString(d)]));
      record.params = Object.fromEntries(Object.entries(op.params).map(([k, v]) => [k, paramToInternal(v, op.distributions[k])]));
      record.user_attrs = op.userAttrs;
      record.system_attrs = op.systemAttrs;
      record.intermediate_values = op.intermediateValues;
      return record;
    }
    case "setTrialParam":
      return {
        ...head(JOURNAL_OP_CODES.SET_TRIAL_PARAM),
        trial_id: op.trialId,
        param_name: op.name,
        param_value_internal: paramToInternal(op.value, op.distribution),
        distribution: distributionToOptunaString(op.distribution),
      };
    case "setTrialState": {
      const record: JournalRecord = {
        ...head(JOURNAL_OP_CODES.SET_TRIAL_STATE_VALUES),
        trial_id: op.trialId,
        state: stateToOptuna(op.state),
        values: op.values ?? null,
      };
      if (op.datetimeStart !== undefined) record.datetime_start = datetimeToOptuna(op.datetimeStart);
      if (op.datetimeComplete !== undefined) record.datetime_complete = datetimeToOptuna(op.datetimeComplete);
      return record;
    }
    case "setTrialIntermediateValue":
      return { ...head(JOURNAL_OP_CODES.SET_TRIAL_INTERMEDIATE_VALUE), trial_id: op.trialId, step: op.step, intermediate_value: op.value };
    case "setTrialUserAttr":
      return { ...head(JOURNAL_OP_CODES.SET_TRIAL_USER_ATTR), trial_id: op.trialId, user_attr: { [op.key]: op.value } };
    case "setTrialSystemAttr":
      return { ...head(JOURNAL_OP_CODES.SET_TRIAL_SYSTEM_ATTR), trial_id: op.trialId, system_attr: { [op.key]: op.value } };
  }
}

/** Reads a journal record (written by hyperforce or Optuna); throws on a malformed one. */
export function opFromJournalRecord(record: unknown): StorageOp {
  if (record === null || typeof record !== "object" || Array.isArray(record))
    throw new StorageError("a journal line must be a JSON object");
  const r = record as JournalRecord;
  switch (r.op_code) {
    case JOURNAL_OP_CODES.CREATE_STUDY:
      if (typeof r.study_name !== "string" || !Array.isArray(r.directions))
        throw new StorageError("CREATE_STUDY needs study_name and directions");
      return { kind: "createStudy", name: r.study_name, directions: r.directions.map(directionFromOptuna) };
    case JOURNAL_OP_CODES.DELETE_STUDY:
      return { kind: "deleteStudy", studyId: id(r, "study_id") };
    case JOURNAL_OP_CODES.SET_STUDY_USER_ATTR: {
      const [key, value] = single(r, "user_attr");
      return { kind: "setStudyUserAttr", studyId: id(r, "study_id"), key, value };
    }
    case JOURNAL_OP_CODES.SET_STUDY_SYSTEM_ATTR: {
      const [key, value] = single(r, "system_attr");
      return { kind: "setStudySystemAttr", studyId: id(r, "study_id"), key, value };
    }
    case JOURNAL_OP_CODES.CREATE_TRIAL: {
      const distributions: Record<string, Distribution> = {};
      for (const [k, d] of Object.entries(object(r, "distributions"))) distributions[k] = distributionFromOptuna(d as string);
      const params: Params = {};
      for (const [k, v] of Object.entries(object(r, "params"))) {
        if (distributions[k] === undefined) throw new StorageError(`CREATE_TRIAL param "${k}" has no distribution`);
        params[k] = paramFromInternal(v as number, distributions[k]);
      }
      const intermediateValues: Record<number, number> = {};
      for (const [k, v] of Object.entries(object(r, "intermediate_values"))) intermediateValues[Number(k)] = v as number;
      const op: StorageOp = {
        kind: "createTrial",
        studyId: id(r, "study_id"),
        state: r.state === undefined ? "RUNNING" : stateFromOptuna(r.state),
        params,
        distributions,
        userAttrs: object(r, "user_attrs"),
        systemAttrs: object(r, "system_attrs"),
        intermediateValues,
      };
      const values = valuesOf(r.values, r.value);
      if (values !== undefined) op.values = values;
      if (r.datetime_start !== null && r.datetime_start !== undefined) op.datetimeStart = datetimeFromOptuna(r.datetime_start);
      if (r.datetime_complete !== null && r.datetime_complete !== undefined) op.datetimeComplete = datetimeFromOptuna(r.datetime_complete);
      return op;
    }
    case JOURNAL_OP_CODES.SET_TRIAL_PARAM: {
      if (typeof r.param_name !== "string") throw new StorageError("SET_TRIAL_PARAM needs param_name");
      const distribution = distributionFromOptuna(r.distribution as string);
      const value: ParamValue = paramFromInternal(r.param_value_internal as number, distribution);
      return { kind: "setTrialParam", trialId: id(r, "trial_id"), name: r.param_name, value, distribution };
    }
    case JOURNAL_OP_CODES.SET_TRIAL_STATE_VALUES: {
      const op: StorageOp = { kind: "setTrialState", trialId: id(r, "trial_id"), state: stateFromOptuna(r.state) };
      const values = valuesOf(r.values, undefined);
      if (values !== undefined) op.values = values;
      if (typeof r.datetime_start === "string") op.datetimeStart = datetimeFromOptuna(r.datetime_start);
      if (typeof r.datetime_complete === "string") op.datetimeComplete = datetimeFromOptuna(r.datetime_complete);
      return op;
    }
    case JOURNAL_OP_CODES.SET_TRIAL_INTERMEDIATE_VALUE:
      if (typeof r.step !== "number" || typeof r.intermediate_value !== "number") {
        throw new StorageError("SET_TRIAL_INTERMEDIATE_VALUE needs a numeric step and intermediate_value");
      }
      return { kind: "setTrialIntermediateValue", trialId: id(r, "trial_id"), step: r.step, value: r.intermediate_value };
    case JOURNAL_OP_CODES.SET_TRIAL_USER_ATTR: {
      const [key, value] = single(r, "user_attr");
      return { kind: "setTrialUserAttr", trialId: id(r, "trial_id"), key, value };
    }
    case JOURNAL_OP_CODES.SET_TRIAL_SYSTEM_ATTR: {
      const [key, value] = single(r, "system_attr");
      return { kind: "setTrialSystemAttr", trialId: id(r, "trial_id"), key, value };
    }
    default:
      throw new StorageError(`unknown journal op_code ${JSON.stringify(r.op_code)}`);
  }
}

function id(r: JournalRecord, field: string): number {
  const value = r[field];
  if (!Number.isInteger(value)) throw new StorageError(`${field} must be an integer, got ${JSON.stringify(value)}`);
  return value as number;
}

function object(r: JournalRecord, field: string): Record<string, unknown> {
  const value = r[field];
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw new StorageError(`${field} must be an object`);
  return value as Record<string, unknown>;
}

function single(r: JournalRecord, field: string): [string, unknown] {
  const entries = Object.entries(object(r, field));
  if (entries.length !== 1) throw new StorageError(`${field} must hold exactly one key`);
  return entries[0];
}

function valuesOf(values: unknown, value: unknown): number[] | undefined {
  if (Array.isArray(values)) return values as number[];
  if (typeof value === "number") return [value];
  return undefined;
}
