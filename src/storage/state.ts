/**
 * The studies and trials a storage holds, changed only by StorageOps.
 * `apply` follows Optuna's journal replay: an operation that does not fit (unknown study, finished
 * trial, duplicate study name, incompatible distribution) is skipped, as Optuna skips other
 * workers' operations. `check` is the strict test run before an operation is accepted from our API,
 * so that everything hyperforce writes replays the same way in Optuna.
 */
import { StorageError } from "../errors/errors.ts";
import { type Distribution, hasChoices } from "../space/types.ts";
import { type Direction, type FrozenTrial, isFinished, type TrialState } from "../trial/types.ts";
import { checkLeaseSwap, LEASE_ATTR } from "./lease.ts";
import { FAIL_REASON_ATTR, type StorageOp } from "./ops.ts";
import { checkDistribution, paramToInternal } from "./optuna-format.ts";
import type { StudySummary } from "./storage.ts";
import { TARGET_TRIALS_ATTR, TargetReachedError } from "./target.ts";

interface StudyRecord {
  studyId: number;
  name: string;
  directions: Direction[];
  userAttrs: Record<string, unknown>;
  systemAttrs: Record<string, unknown>;
  trialIds: number[];
  /**
   * The first distribution stored for each parameter. Compatibility (same kind and log scale, or
   * the same choices) is an equivalence, so checking against it equals Optuna's check against
   * the first trial holding the parameter, without scanning the trials.
   */
  paramDistributions: Map<string, Distribution>;
}

interface TrialRecord {
  trialId: number;
  studyId: number;
  trial: FrozenTrial;
}

export class StorageState {
  private readonly studies = new Map<number, StudyRecord>();
  private readonly trials: TrialRecord[] = [];
  private nextStudyId = 0;

  // ---- queries ----

  findStudy(name: string): StudySummary | undefined {
    for (const study of this.studies.values()) if (study.name === name) return summarize(study);
    return undefined;
  }

  /** The id of the study of that name, multi-objective ones included. */
  studyIdOf(name: string): number | undefined {
    return this.findStudyRecord(name)?.studyId;
  }

  /** Single-objective studies; multi-objective ones written by Optuna are left out. */
  listStudies(): StudySummary[] {
    return [...this.studies.values()].filter((s) => s.directions.length === 1).map(summarize);
  }

  trialId(studyId: number, number: number): number {
    const study = this.study(studyId);
    if (!Number.isInteger(number) || number < 0 || number >= study.trialIds.length) {
      throw new StorageError(`study "${study.name}" has no trial number ${number} (it has ${study.trialIds.length} trials)`);
    }
    return study.trialIds[number];
  }

  /** Number of the newest trial of a study. */
  lastTrialNumber(studyId: number): number {
    return this.study(studyId).trialIds.length - 1;
  }

  getTrial(studyId: number, number: number): FrozenTrial {
    return this.trials[this.trialId(studyId, number)].trial;
  }

  getAllTrials(studyId: number): FrozenTrial[] {
    const study = this.study(studyId);
    singleObjective(study);
    return study.trialIds.map((id) => this.trials[id].trial);
  }

  private study(studyId: number): StudyRecord {
    const study = this.studies.get(studyId);
    if (study === undefined) throw new StorageError(`no study with id ${JSON.stringify(studyId)}`);
    return study;
  }

  private trialRecord(trialId: number): TrialRecord {
    const record = this.trials[trialId];
    if (record === undefined) throw new StorageError(`no trial with id ${JSON.stringify(trialId)}`);
    return record;
  }

  // ---- strict checks ----

  check(op: StorageOp): void {
    switch (op.kind) {
      case "createStudy": {
        if (typeof op.name !== "string" || op.name === "")
          throw new StorageError(`a study name must be a non-empty string, got ${JSON.stringify(op.name)}`);
        if (this.findStudyRecord(op.name) !== undefined) throw new StorageError(`a study named "${op.name}" already exists`);
        for (const d of op.directions) {
          if (d !== "minimize" && d !== "maximize")
            throw new StorageError(`unknown direction ${JSON.stringify(d)} (expected "minimize" or "maximize")`);
        }
        return;
      }
      case "deleteStudy":
        this.study(op.studyId);
        return;
      case "setStudyUserAttr":
      case "setStudySystemAttr": {
        const study = this.study(op.studyId);
        checkKey(op.key);
        if (op.kind === "setStudySystemAttr" && op.key === LEASE_ATTR) checkLeaseSwap(study.systemAttrs[LEASE_ATTR], op.value);
        return;
      }
      case "createTrial": {
        const study = this.study(op.studyId);
        if (op.state !== "RUNNING" && op.state !== "WAITING") {
          throw new StorageError(`a new trial is RUNNING or WAITING, not ${JSON.stringify(op.state)}`);
        }
        this.checkTarget(study, op.systemAttrs[TARGET_TRIALS_ATTR]);
        for (const [name, value] of Object.entries(op.params)) {
          const distribution = op.distributions[name];
          if (distribution === undefined) throw new StorageError(`parameter "${name}" has no distribution`);
          this.checkParam(study, name, value, distribution);
        }
        return;
      }
      case "setTrialParam": {
        const record = this.updatable(op.trialId);
        this.checkParam(this.study(record.studyId), op.name, op.value, op.distribution);
        return;
      }
      case "setTrialState": {
        const record = this.updatable(op.trialId);
        const { state, values } = op;
        const where = `trial ${record.trial.number} of study "${this.studyName(record.studyId)}"`;
        if (state === "WAITING") throw new StorageError(`${where} cannot be set back to WAITING`);
        if (state === "RUNNING" && record.trial.state === "RUNNING") throw new StorageError(`${where} is already RUNNING`);
        if (!(state in STATES))
          throw new StorageError(`unknown trial state ${JSON.stringify(state)} (expected RUNNING, COMPLETE, PRUNED, FAIL or WAITING)`);
        const value = values?.[0];
        if (state === "COMPLETE" && value === undefined) throw new StorageError(`${where}: a COMPLETE trial needs a value`);
        if (value !== undefined && state !== "COMPLETE" && state !== "PRUNED")
          throw new StorageError(`${where}: a ${state} trial has no value`);
        if (value !== undefined && (typeof value !== "number" || Number.isNaN(value))) {
          throw new StorageError(`${where}: the value must be a number, got ${String(value)}`);
        }
        return;
      }
      case "setTrialIntermediateValue": {
        const record = this.updatable(op.trialId);
        if (!Number.isInteger(op.step) || op.step < 0) {
          throw new StorageError(
            `trial ${record.trial.number}: an intermediate value's step must be a non-negative integer, got ${op.step}`,
          );
        }
        if (typeof op.value !== "number")
          throw new StorageError(
            `trial ${record.trial.number}: intermediate value at step ${op.step} must be a number, got ${JSON.stringify(op.value)}`,
          );
        return;
      }
      case "setTrialUserAttr":
      case "setTrialSystemAttr":
        this.updatable(op.trialId);
        checkKey(op.key);
        return;
    }
  }

  private checkTarget(study: StudyRecord, target: unknown): void {
    if (typeof target !== "number") return;
    const held = study.trialIds.filter((id) => this.trials[id].trial.state !== "WAITING").length;
    if (held >= target) throw new TargetReachedError(target, held);
  }

  private studyName(studyId: number): string {
    return this.studies.get(studyId)?.name ?? String(studyId);
  }

  private updatable(trialId: number): TrialRecord {
    const record = this.trialRecord(trialId);
    if (isFinished(record.trial.state)) {
      throw new StorageError(
        `trial ${record.trial.number} of study "${this.studyName(record.studyId)}" is already ${record.trial.state} and cannot be updated`,
      );
    }
    return record;
  }

  private checkParam(study: StudyRecord, name: string, value: unknown, distribution: Distribution): void {
    if (typeof name !== "string" || name === "")
      throw new StorageError(`a parameter name must be a non-empty string, got ${JSON.stringify(name)}`);
    checkDistribution(distribution);
    try {
      paramToInternal(value as never, distribution);
    } catch (error) {
      throw new StorageError(`parameter "${name}": ${(error as Error).message}`);
    }
    const problem = this.incompatibility(study, name, distribution);
    if (problem !== undefined) throw new StorageError(`parameter "${name}" ${problem}`);
  }

  /** Optuna's rule: within a study a parameter keeps its kind, its log scale and its choices. */
  private incompatibility(study: StudyRecord, name: string, distribution: Distribution): string | undefined {
    const earlier = study.paramDistributions.get(name);
    if (earlier === undefined) return undefined;
    if (earlier.type !== distribution.type) return `was stored in this study as ${earlier.type}, not ${distribution.type}`;
    if (earlier.type !== "categorical" && distribution.type !== "categorical" && Boolean(earlier.log) !== Boolean(distribution.log)) {
      return `was stored in this study with log ${Boolean(earlier.log)}, not ${Boolean(distribution.log)}`;
    }
    if (hasChoices(earlier) !== hasChoices(distribution)) {
      return `was stored in this study ${hasChoices(earlier) ? "with" : "without"} a list of choices`;
    }
    if (hasChoices(earlier) && hasChoices(distribution) && JSON.stringify(earlier.choices) !== JSON.stringify(distribution.choices)) {
      return `was stored in this study with choices ${JSON.stringify(earlier.choices)}, not ${JSON.stringify(distribution.choices)}`;
    }
    return undefined;
  }

  private noteParam(study: StudyRecord | undefined, name: string, distribution: Distribution): void {
    if (study !== undefined && !study.paramDistributions.has(name)) study.paramDistributions.set(name, distribution);
  }

  private findStudyRecord(name: string): StudyRecord | undefined {
    for (const study of this.studies.values()) if (study.name === name) return study;
    return undefined;
  }

  // ---- replay ----

  /** Applies an operation as Optuna's replay does; returns false when it was skipped. */
  apply(op: StorageOp): boolean {
    switch (op.kind) {
      case "createStudy": {
        if (this.findStudyRecord(op.name) !== undefined) return false;
        const studyId = this.nextStudyId++;
        this.studies.set(studyId, {
          studyId,
          name: op.name,
          directions: [...op.directions],
          userAttrs: {},
          systemAttrs: {},
          trialIds: [],
          paramDistributions: new Map(),
        });
        return true;
      }
      case "deleteStudy":
        return this.studies.delete(op.studyId);
      case "setStudyUserAttr":
      case "setStudySystemAttr": {
        const study = this.studies.get(op.studyId);
        if (study === undefined) return false;
        const attrs = op.kind === "setStudyUserAttr" ? "userAttrs" : "systemAttrs";
        study[attrs] = deepFreeze({ ...study[attrs], [op.key]: op.value });
        return true;
      }
      case "createTrial": {
        const study = this.studies.get(op.studyId);
        if (study === undefined) return false;
        const trialId = this.trials.length;
        const trial: FrozenTrial = {
          number: study.trialIds.length,
          state: op.state,
          params: { ...op.params },
          distributions: { ...op.distributions },
          intermediateValues: { ...op.intermediateValues },
          userAttrs: { ...op.userAttrs },
          systemAttrs: { ...op.systemAttrs },
        };
        if (op.values?.[0] !== undefined) trial.value = op.values[0];
        if (op.datetimeStart !== undefined) trial.datetimeStart = op.datetimeStart;
        if (op.datetimeComplete !== undefined) trial.datetimeComplete = op.datetimeComplete;
        this.trials.push({ trialId, studyId: op.studyId, trial: seal(trial) });
        for (const name of Object.keys(op.params))
          if (op.distributions[name] !== undefined) this.noteParam(study, name, op.distributions[name]);
        study.trialIds.push(trialId);
        return true;
      }
      case "setTrialParam": {
        const record = this.trials[op.trialId];
        if (record === undefined || isFinished(record.trial.state)) return false;
        const study = this.studies.get(record.studyId);
        if (study !== undefined && this.incompatibility(study, op.name, op.distribution) !== undefined) return false;
        this.noteParam(study, op.name, op.distribution);
        this.update(record, {
          params: { ...record.trial.params, [op.name]: op.value },
          distributions: { ...record.trial.distributions, [op.name]: op.distribution },
        });
        return true;
      }
      case "setTrialState": {
        const record = this.trials[op.trialId];
        if (record === undefined || isFinished(record.trial.state)) return false;
        if (op.state === "RUNNING" && record.trial.state === "RUNNING") return false;
        const change: Partial<FrozenTrial> = { state: op.state };
        if (op.state === "RUNNING" && op.datetimeStart !== undefined) change.datetimeStart = op.datetimeStart;
        if (isFinished(op.state) && op.datetimeComplete !== undefined) change.datetimeComplete = op.datetimeComplete;
        if (op.values?.[0] !== undefined) change.value = op.values[0];
        this.update(record, change);
        return true;
      }
      case "setTrialIntermediateValue": {
        const record = this.trials[op.trialId];
        if (record === undefined || isFinished(record.trial.state)) return false;
        this.update(record, { intermediateValues: { ...record.trial.intermediateValues, [op.step]: op.value } });
        return true;
      }
      case "setTrialUserAttr":
      case "setTrialSystemAttr": {
        const record = this.trials[op.trialId];
        if (record === undefined || isFinished(record.trial.state)) return false;
        const attrs = op.kind === "setTrialUserAttr" ? "userAttrs" : "systemAttrs";
        this.update(record, { [attrs]: { ...record.trial[attrs], [op.key]: op.value } });
        return true;
      }
    }
  }

  private update(record: TrialRecord, change: Partial<FrozenTrial>): void {
    record.trial = seal({ ...record.trial, ...change });
  }
}

const STATES: Record<TrialState, true> = { RUNNING: true, COMPLETE: true, PRUNED: true, FAIL: true, WAITING: true };

function checkKey(key: unknown): void {
  if (typeof key !== "string" || key === "") throw new StorageError(`an attr key must be a non-empty string, got ${JSON.stringify(key)}`);
}

function singleObjective(study: StudyRecord): void {
  if (study.directions.length !== 1) {
    throw new StorageError(
      `study "${study.name}" has ${study.directions.length} objectives; hyperforce reads single-objective studies only`,
    );
  }
}

function summarize(study: StudyRecord): StudySummary {
  singleObjective(study);
  return {
    studyId: study.studyId,
    name: study.name,
    direction: study.directions[0],
    userAttrs: study.userAttrs,
    systemAttrs: study.systemAttrs,
  };
}

/** Freezes a finished record (failReason derived from the system attr) so callers cannot change it. */
function seal(trial: FrozenTrial): FrozenTrial {
  const { failReason: _old, ...rest } = trial;
  const reason = rest.systemAttrs[FAIL_REASON_ATTR];
  const sealed: FrozenTrial = rest.state === "FAIL" && typeof reason === "string" ? { ...rest, failReason: reason } : rest;
  return deepFreeze(sealed);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}
