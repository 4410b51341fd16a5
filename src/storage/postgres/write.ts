/**
 * A StorageOp as the statements Optuna's RDBStorage runs for it, inside the caller's transaction, and
 * the row lock each takes first, as Optuna does: the study row for a new trial (its number is the
 * count of the study's trials, so creations in one study queue behind each other) and for a study
 * attribute (the lease's compare-and-swap); the trial row for a change to a trial.
 */
import type { BlockingClient } from "../blocking-client.ts";
import type { StorageOp } from "../ops.ts";
import { datetimeToOptuna, distributionToOptunaString, paramToInternal } from "../optuna-format.ts";
import { toPythonJson } from "../python-json.ts";
import type { RowReplay } from "./replay.ts";
import { directionToRow, valueToRow } from "./rows.ts";

type Op<K extends StorageOp["kind"]> = Extract<StorageOp, { kind: K }>;

/** Takes the row lock the operation needs before it is checked. */
export function lockFor(op: StorageOp, client: BlockingClient, ids: RowReplay): void {
  if (op.kind === "createStudy") return;
  if ("studyId" in op) {
    client.call("query", "SELECT study_id FROM studies WHERE study_id = $1 FOR UPDATE", [ids.studyDbId(op.studyId)]);
  } else {
    client.call("query", "SELECT trial_id FROM trials WHERE trial_id = $1 FOR UPDATE", [ids.trialDbId(op.trialId)]);
  }
}

export function writeOp(op: StorageOp, client: BlockingClient, ids: RowReplay): void {
  const sql = (text: string, values: unknown[]) => client.call<Record<string, unknown>[]>("query", text, values);
  switch (op.kind) {
    case "createStudy": {
      const [{ study_id }] = sql("INSERT INTO studies (study_name) VALUES ($1) RETURNING study_id", [op.name]);
      for (const [objective, direction] of op.directions.entries()) {
        sql("INSERT INTO study_directions (direction, study_id, objective) VALUES ($1, $2, $3)", [
          directionToRow(direction),
          study_id,
          objective,
        ]);
      }
      return;
    }
    case "deleteStudy":
      deleteStudy(sql, ids.studyDbId(op.studyId));
      return;
    case "setStudyUserAttr":
    case "setStudySystemAttr": {
      const table = op.kind === "setStudyUserAttr" ? "study_user_attributes" : "study_system_attributes";
      upsertAttr(sql, table, "study_id", ids.studyDbId(op.studyId), op.key, op.value);
      return;
    }
    case "createTrial":
      createTrial(op, sql, ids);
      return;
    case "setTrialParam":
      upsertParam(sql, ids.trialDbId(op.trialId), op.name, paramToInternal(op.value, op.distribution), op.distribution);
      return;
    case "setTrialState":
      setState(op, sql, ids.trialDbId(op.trialId));
      return;
    case "setTrialIntermediateValue":
      upsertIntermediate(sql, ids.trialDbId(op.trialId), op.step, op.value);
      return;
    case "setTrialUserAttr":
    case "setTrialSystemAttr": {
      const table = op.kind === "setTrialUserAttr" ? "trial_user_attributes" : "trial_system_attributes";
      upsertAttr(sql, table, "trial_id", ids.trialDbId(op.trialId), op.key, op.value);
      return;
    }
  }
}

type Sql = (text: string, values: unknown[]) => Record<string, unknown>[];

function createTrial(op: Op<"createTrial">, sql: Sql, ids: RowReplay): void {
  const studyId = ids.studyDbId(op.studyId);
  const start = op.datetimeStart === undefined ? null : datetimeToOptuna(op.datetimeStart);
  const complete = op.datetimeComplete === undefined ? null : datetimeToOptuna(op.datetimeComplete);
  const [{ trial_id }] = sql(
    `INSERT INTO trials (number, study_id, state, datetime_start, datetime_complete)
     VALUES ((SELECT count(*) FROM trials WHERE study_id = $1), $1, $2, $3::timestamp, $4::timestamp) RETURNING trial_id`,
    [studyId, op.state, start, complete],
  );
  const trialId = trial_id as number;
  for (const [name, value] of Object.entries(op.params)) {
    const distribution = op.distributions[name];
    upsertParam(sql, trialId, name, paramToInternal(value, distribution), distribution);
  }
  for (const [objective, value] of (op.values ?? []).entries()) upsertValue(sql, trialId, objective, value);
  for (const [key, value] of Object.entries(op.userAttrs)) upsertAttr(sql, "trial_user_attributes", "trial_id", trialId, key, value);
  for (const [key, value] of Object.entries(op.systemAttrs)) upsertAttr(sql, "trial_system_attributes", "trial_id", trialId, key, value);
  for (const [step, value] of Object.entries(op.intermediateValues)) upsertIntermediate(sql, trialId, Number(step), value);
}

/** Optuna's delete_study: the study and every row that hangs from it (the foreign keys have no cascade). */
function deleteStudy(sql: Sql, studyId: number): void {
  const trials = "(SELECT trial_id FROM trials WHERE study_id = $1)";
  for (const table of TRIAL_CHILDREN) sql(`DELETE FROM ${table} WHERE trial_id IN ${trials}`, [studyId]);
  for (const table of ["trials", "study_user_attributes", "study_system_attributes", "study_directions", "studies"]) {
    sql(`DELETE FROM ${table} WHERE study_id = $1`, [studyId]);
  }
}

const TRIAL_CHILDREN = [
  "trial_params",
  "trial_values",
  "trial_intermediate_values",
  "trial_user_attributes",
  "trial_system_attributes",
  "trial_heartbeats",
];

function setState(op: Op<"setTrialState">, sql: Sql, trialId: number): void {
  for (const [objective, value] of (op.values ?? []).entries()) upsertValue(sql, trialId, objective, value);
  const start = op.datetimeStart === undefined ? null : datetimeToOptuna(op.datetimeStart);
  const complete = op.datetimeComplete === undefined ? null : datetimeToOptuna(op.datetimeComplete);
  sql(
    `UPDATE trials SET state = $2, datetime_start = COALESCE($3::timestamp, datetime_start),
       datetime_complete = COALESCE($4::timestamp, datetime_complete) WHERE trial_id = $1`,
    [trialId, op.state, start, complete],
  );
}

function upsertAttr(sql: Sql, table: string, owner: "study_id" | "trial_id", id: number, key: string, value: unknown): void {
  sql(
    `INSERT INTO ${table} (${owner}, key, value_json) VALUES ($1, $2, $3)
     ON CONFLICT (${owner}, key) DO UPDATE SET value_json = EXCLUDED.value_json`,
    [id, key, toPythonJson(value)],
  );
}

function upsertParam(
  sql: Sql,
  trialId: number,
  name: string,
  internal: number,
  distribution: Parameters<typeof distributionToOptunaString>[0],
): void {
  sql(
    `INSERT INTO trial_params (trial_id, param_name, param_value, distribution_json) VALUES ($1, $2, $3, $4)
     ON CONFLICT (trial_id, param_name) DO UPDATE SET param_value = EXCLUDED.param_value, distribution_json = EXCLUDED.distribution_json`,
    [trialId, name, internal, distributionToOptunaString(distribution)],
  );
}

function upsertValue(sql: Sql, trialId: number, objective: number, value: number): void {
  const [stored, type] = valueToRow(value);
  sql(
    `INSERT INTO trial_values (trial_id, objective, value, value_type) VALUES ($1, $2, $3, $4)
     ON CONFLICT (trial_id, objective) DO UPDATE SET value = EXCLUDED.value, value_type = EXCLUDED.value_type`,
    [trialId, objective, stored, type],
  );
}

function upsertIntermediate(sql: Sql, trialId: number, step: number, value: number): void {
  const [stored, type] = valueToRow(value);
  sql(
    `INSERT INTO trial_intermediate_values (trial_id, step, intermediate_value, intermediate_value_type) VALUES ($1, $2, $3, $4)
     ON CONFLICT (trial_id, step) DO UPDATE SET intermediate_value = EXCLUDED.intermediate_value,
       intermediate_value_type = EXCLUDED.intermediate_value_type`,
    [trialId, step, stored, type],
  );
}
