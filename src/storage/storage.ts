import type { Distribution, ParamValue } from "../space/types.ts";
import type { Direction, FrozenTrial, TrialState } from "../trial/types.ts";

export interface StudySummary {
  studyId: number;
  name: string;
  direction: Direction;
  userAttrs: Record<string, unknown>;
  systemAttrs: Record<string, unknown>;
}

/**
 * A short list of operations on studies and trials (after Optuna's BaseStorage).
 * Every write survives a killed process when the call returns; a write that ends a trial or changes
 * the study survives a power loss too, with every write before it (journal storage fsyncs those).
 */
export interface Storage {
  createStudy(name: string, direction: Direction): number;
  /** Returns undefined when no study has that name. */
  findStudy(name: string): StudySummary | undefined;
  listStudies(): StudySummary[];
  setStudyUserAttr(studyId: number, key: string, value: unknown): void;
  setStudySystemAttr(studyId: number, key: string, value: unknown): void;

  /** Creates a trial (RUNNING, or WAITING for enqueued ones) and returns its number within the study. */
  createTrial(
    studyId: number,
    template?: {
      state?: TrialState;
      params?: Record<string, ParamValue>;
      distributions?: Record<string, Distribution>;
      systemAttrs?: Record<string, unknown>;
    },
  ): number;
  setTrialParam(studyId: number, trialNumber: number, name: string, value: ParamValue, distribution: Distribution): void;
  /** Sets the state, and the value when COMPLETE. Finishing a finished trial is an error. */
  setTrialStateValue(studyId: number, trialNumber: number, state: TrialState, value?: number): void;
  setTrialIntermediateValue(studyId: number, trialNumber: number, step: number, value: number): void;
  setTrialUserAttr(studyId: number, trialNumber: number, key: string, value: unknown): void;
  setTrialSystemAttr(studyId: number, trialNumber: number, key: string, value: unknown): void;
  getTrial(studyId: number, trialNumber: number): FrozenTrial;
  getAllTrials(studyId: number): FrozenTrial[];
  /** Removes the study and its trials (Optuna's delete_study); a storage that cannot says so in its error. */
  deleteStudy?(studyId: number): void;
  /** Re-reads what other processes appended (journal), then is a no-op for in-memory. */
  sync?(): void;
  close?(): void;
}
