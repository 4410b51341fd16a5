/**
 * Brings a StorageState up to date with the rows of Optuna's RDB schema, as the operations that would
 * have produced them: a new study or trial becomes a create operation, a changed attribute, parameter,
 * intermediate value or state the operation that sets it. The state keeps its own study and trial ids
 * (numbered in the order they are read, as in the journal); this class maps them to the database's.
 * Finished trials do not change, so a refresh reads only trials it has not seen and unfinished ones.
 */
import { StorageError } from "../../errors/errors.ts";
import type { Distribution } from "../../space/types.ts";
import { type FrozenTrial, isFinished } from "../../trial/types.ts";
import type { BlockingClient } from "../blocking-client.ts";
import type { StorageOp } from "../ops.ts";
import { datetimeFromOptuna, distributionFromOptuna, paramFromInternal } from "../optuna-format.ts";
import { fromPythonJson } from "../python-json.ts";
import type { StorageState } from "../state.ts";
import { directionFromRow, refreshQuery, type StudyAttrRow, type StudyRow, stateFromRow, type TrialRow, valueFromRow } from "./rows.ts";

interface KnownStudy {
  stateId: number;
  name: string;
  /** Trials read so far: the next one to read has this number. */
  trials: number;
  /** The value_json last read for each attribute ("u:key" / "s:key"). */
  attrs: Map<string, string>;
}

export class RowReplay {
  private readonly studies = new Map<number, KnownStudy>();
  private readonly studyDbIds = new Map<number, number>();
  /** Database trial id of each state trial id. */
  private readonly trialDbIds: number[] = [];
  private readonly trialStateIds = new Map<number, { stateStudyId: number; number: number }>();
  private readonly unfinished = new Set<number>();

  constructor(
    private readonly state: StorageState,
    private readonly client: BlockingClient,
  ) {}

  studyDbId(stateStudyId: number): number {
    const id = this.studyDbIds.get(stateStudyId);
    if (id === undefined) throw new StorageError(`no study with id ${JSON.stringify(stateStudyId)}`);
    return id;
  }

  trialDbId(stateTrialId: number): number {
    const id = this.trialDbIds[stateTrialId];
    if (id === undefined) throw new StorageError(`no trial with id ${JSON.stringify(stateTrialId)}`);
    return id;
  }

  /** True when the study or trial the operation names has been read (else a refresh may find it). */
  knows(op: StorageOp): boolean {
    if ("studyId" in op) return this.studyDbIds.has(op.studyId);
    if ("trialId" in op) return this.trialDbIds[op.trialId] !== undefined;
    return true;
  }

  /** Reads what changed since the last refresh and applies it to the state. */
  refresh(): void {
    // A study created after the trials' list of known studies was written has count 0 there: all its trials come.
    const known = [...this.studies.entries()];
    const query = refreshQuery(
      known.map(([id]) => id),
      known.map(([, study]) => study.trials),
      [...this.unfinished],
    );
    const [studies, attrs, trials] = this.client.call<[StudyRow[], StudyAttrRow[], TrialRow[]]>("query", query);
    this.applyStudies(studies);
    for (const row of attrs) this.applyStudyAttr(row);
    for (const row of trials) this.applyTrial(row);
  }

  private applyStudies(rows: StudyRow[]): void {
    const present = new Set(rows.map((row) => row.study_id));
    for (const [dbId, study] of this.studies) {
      if (present.has(dbId)) continue;
      this.state.apply({ kind: "deleteStudy", studyId: study.stateId });
      this.studies.delete(dbId);
    }
    for (const row of rows) {
      if (this.studies.has(row.study_id)) continue;
      const directions = (row.directions ?? []).map((name) => directionFromRow(name, row.study_name));
      if (directions.length === 0) throw new StorageError(`study "${row.study_name}" has no direction in study_directions`);
      if (!this.state.apply({ kind: "createStudy", name: row.study_name, directions })) {
        throw new StorageError(`the studies table holds the name "${row.study_name}" twice`);
      }
      const created = this.state.studyIdOf(row.study_name) as number;
      this.studies.set(row.study_id, { stateId: created, name: row.study_name, trials: 0, attrs: new Map() });
      this.studyDbIds.set(created, row.study_id);
    }
  }

  private applyStudyAttr(row: StudyAttrRow): void {
    const study = this.studies.get(row.study_id);
    const slot = `${row.system ? "s" : "u"}:${row.key}`;
    if (study === undefined || study.attrs.get(slot) === row.value_json) return;
    const value = parseJson(row.value_json, `study "${study.name}" attr "${row.key}"`);
    const kind = row.system ? "setStudySystemAttr" : "setStudyUserAttr";
    this.state.apply({ kind, studyId: study.stateId, key: row.key, value });
    study.attrs.set(slot, row.value_json);
  }

  private applyTrial(row: TrialRow): void {
    const study = this.studies.get(row.study_id);
    if (study === undefined) return;
    const seen = this.trialStateIds.get(row.trial_id);
    if (seen === undefined) this.createTrial(row, study);
    else this.updateTrial(row, this.state.getTrial(seen.stateStudyId, seen.number));
    if (isFinished(stateFromRow(row.state))) this.unfinished.delete(row.trial_id);
  }

  private createTrial(row: TrialRow, study: KnownStudy): void {
    if (row.number !== study.trials) {
      throw new StorageError(`study "${study.name}": trial id ${row.trial_id} has number ${row.number}, expected ${study.trials}`);
    }
    const fields = trialFields(row);
    const op: StorageOp = { kind: "createTrial", studyId: study.stateId, state: stateFromRow(row.state), ...fields.template };
    this.state.apply(op);
    this.trialDbIds.push(row.trial_id);
    this.trialStateIds.set(row.trial_id, { stateStudyId: study.stateId, number: study.trials });
    study.trials++;
    if (!isFinished(op.state)) this.unfinished.add(row.trial_id);
  }

  /** Applies what changed in an unfinished trial: its contents first, its state last (a finished trial takes no update). */
  private updateTrial(row: TrialRow, trial: FrozenTrial): void {
    const trialId = this.trialStateIds.get(row.trial_id) as { stateStudyId: number; number: number };
    const stateTrialId = this.state.trialId(trialId.stateStudyId, trialId.number);
    const { template } = trialFields(row);
    const ops: StorageOp[] = [];
    for (const [name, value] of Object.entries(template.params)) {
      if (!(name in trial.params) || trial.params[name] !== value) {
        ops.push({ kind: "setTrialParam", trialId: stateTrialId, name, value, distribution: template.distributions[name] });
      }
    }
    for (const [step, value] of Object.entries(template.intermediateValues)) {
      const before = trial.intermediateValues[Number(step)];
      if (!Object.is(before, value)) ops.push({ kind: "setTrialIntermediateValue", trialId: stateTrialId, step: Number(step), value });
    }
    for (const [attrs, kind] of [
      ["userAttrs", "setTrialUserAttr"],
      ["systemAttrs", "setTrialSystemAttr"],
    ] as const) {
      for (const [key, value] of Object.entries(template[attrs])) {
        if (JSON.stringify(trial[attrs][key]) !== JSON.stringify(value)) ops.push({ kind, trialId: stateTrialId, key, value });
      }
    }
    const state = stateFromRow(row.state);
    if (state !== trial.state || template.values?.[0] !== trial.value) {
      const op: StorageOp = { kind: "setTrialState", trialId: stateTrialId, state };
      if (template.values !== undefined) op.values = template.values;
      if (template.datetimeStart !== undefined) op.datetimeStart = template.datetimeStart;
      if (template.datetimeComplete !== undefined) op.datetimeComplete = template.datetimeComplete;
      ops.push(op);
    }
    for (const op of ops) this.state.apply(op);
  }
}

type CreateTrialOp = Extract<StorageOp, { kind: "createTrial" }>;

/** A trial row's contents as the fields of a create operation. */
function trialFields(row: TrialRow): { template: Omit<CreateTrialOp, "kind" | "studyId" | "state"> } {
  const where = `trial ${row.number} (id ${row.trial_id})`;
  const distributions: Record<string, Distribution> = {};
  const params: CreateTrialOp["params"] = {};
  for (const [name, internal, json] of row.params ?? []) {
    distributions[name] = distributionFromOptuna(json);
    params[name] = paramFromInternal(internal, distributions[name]);
  }
  const intermediateValues: Record<number, number> = {};
  for (const [step, value, type] of row.intermediate ?? []) intermediateValues[step] = valueFromRow(value, type);
  const attrs = (pairs: [string, string][] | null, what: string) =>
    Object.fromEntries((pairs ?? []).map(([key, json]) => [key, parseJson(json, `${where} ${what} "${key}"`)]));
  const template: Omit<CreateTrialOp, "kind" | "studyId" | "state"> = {
    params,
    distributions,
    intermediateValues,
    userAttrs: attrs(row.user_attrs, "user attr"),
    systemAttrs: attrs(row.system_attrs, "system attr"),
  };
  if (row.values !== null) template.values = row.values.map(([, value, type]) => valueFromRow(value, type));
  if (row.datetime_start !== null) template.datetimeStart = datetimeFromOptuna(row.datetime_start);
  if (row.datetime_complete !== null) template.datetimeComplete = datetimeFromOptuna(row.datetime_complete);
  return { template };
}

function parseJson(text: string, what: string): unknown {
  try {
    return fromPythonJson(text);
  } catch (error) {
    throw new StorageError(`${what} is not valid JSON: ${(error as Error).message}`);
  }
}
