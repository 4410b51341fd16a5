/**
 * The Storage API on top of StorageState: each call becomes a StorageOp (arguments validated,
 * attr values copied through their JSON form, distributions normalized, datetimes stamped), which
 * the concrete storage performs: in memory at once, in the journal under the file lock.
 */
import { StorageError } from "../errors/errors.ts";
import type { Distribution, ParamValue } from "../space/types.ts";
import type { Direction, FrozenTrial, TrialState } from "../trial/types.ts";
import type { StorageOp } from "./ops.ts";
import { normalizeDistribution } from "./optuna-format.ts";
import { jsonClone } from "./python-json.ts";
import { StorageState } from "./state.ts";
import type { Storage, StudySummary } from "./storage.ts";

type TrialTemplate = Parameters<Storage["createTrial"]>[1];

export abstract class OpStorage implements Storage {
  protected readonly state = new StorageState();

  /** Checks the operation against the current state (state.check) and makes it take effect. */
  protected abstract perform(op: StorageOp): void;
  /** Brings the state up to date before a read (the journal re-reads the file). */
  protected abstract refresh(): void;

  createStudy(name: string, direction: Direction): number {
    this.perform({ kind: "createStudy", name, directions: [direction] });
    const created = this.state.findStudy(name);
    if (created === undefined) throw new StorageError(`study "${name}" was not created`);
    return created.studyId;
  }

  findStudy(name: string): StudySummary | undefined {
    this.refresh();
    return this.state.findStudy(name);
  }

  listStudies(): StudySummary[] {
    this.refresh();
    return this.state.listStudies();
  }

  deleteStudy(studyId: number): void {
    this.perform({ kind: "deleteStudy", studyId });
  }

  setStudyUserAttr(studyId: number, key: string, value: unknown): void {
    this.perform({ kind: "setStudyUserAttr", studyId, key, value: jsonClone(value, `study user attr "${key}"`) });
  }

  setStudySystemAttr(studyId: number, key: string, value: unknown): void {
    this.perform({ kind: "setStudySystemAttr", studyId, key, value: jsonClone(value, `study system attr "${key}"`) });
  }

  createTrial(studyId: number, template?: TrialTemplate): number {
    const state: TrialState = template?.state ?? "RUNNING";
    const distributions: Record<string, Distribution> = {};
    for (const [name, d] of Object.entries(template?.distributions ?? {})) distributions[name] = normalizeDistribution(d);
    const op: StorageOp = {
      kind: "createTrial",
      studyId,
      state,
      params: { ...(template?.params ?? {}) },
      distributions,
      userAttrs: {},
      systemAttrs: cloneAttrs(template?.systemAttrs ?? {}, "trial system attr"),
      intermediateValues: {},
    };
    if (state === "RUNNING") op.datetimeStart = Date.now();
    this.perform(op);
    return this.state.lastTrialNumber(studyId);
  }

  setTrialParam(studyId: number, trialNumber: number, name: string, value: ParamValue, distribution: Distribution): void {
    const trialId = this.trialId(studyId, trialNumber);
    this.perform({ kind: "setTrialParam", trialId, name, value, distribution: normalizeDistribution(distribution) });
  }

  setTrialStateValue(studyId: number, trialNumber: number, state: TrialState, value?: number): void {
    const trialId = this.trialId(studyId, trialNumber);
    const op: StorageOp = { kind: "setTrialState", trialId, state };
    if (value !== undefined) op.values = [value];
    if (state === "RUNNING") op.datetimeStart = Date.now();
    if (state === "COMPLETE" || state === "PRUNED" || state === "FAIL") op.datetimeComplete = Date.now();
    this.perform(op);
  }

  setTrialIntermediateValue(studyId: number, trialNumber: number, step: number, value: number): void {
    const trialId = this.trialId(studyId, trialNumber);
    this.perform({ kind: "setTrialIntermediateValue", trialId, step, value });
  }

  setTrialUserAttr(studyId: number, trialNumber: number, key: string, value: unknown): void {
    const trialId = this.trialId(studyId, trialNumber);
    this.perform({ kind: "setTrialUserAttr", trialId, key, value: jsonClone(value, `trial user attr "${key}"`) });
  }

  setTrialSystemAttr(studyId: number, trialNumber: number, key: string, value: unknown): void {
    const trialId = this.trialId(studyId, trialNumber);
    this.perform({ kind: "setTrialSystemAttr", trialId, key, value: jsonClone(value, `trial system attr "${key}"`) });
  }

  /** A trial created by another process may not be replayed yet: refresh once before giving up. */
  private trialId(studyId: number, trialNumber: number): number {
    try {
      return this.state.trialId(studyId, trialNumber);
    } catch {
      this.refresh();
      return this.state.trialId(studyId, trialNumber);
    }
  }

  getTrial(studyId: number, trialNumber: number): FrozenTrial {
    this.refresh();
    return this.state.getTrial(studyId, trialNumber);
  }

  getAllTrials(studyId: number): FrozenTrial[] {
    this.refresh();
    return this.state.getAllTrials(studyId);
  }
}

function cloneAttrs(attrs: Record<string, unknown>, what: string): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(attrs)) copy[key] = jsonClone(value, `${what} "${key}"`);
  return copy;
}
