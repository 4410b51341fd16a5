/**
 * The operations that change a storage, one per Optuna journal op code. Both storages run the
 * same operations through the same StorageState, so they behave identically; the journal also
 * writes each one as a line.
 */
import type { Distribution, Params, ParamValue } from "../space/types.ts";
import type { Direction, TrialState } from "../trial/types.ts";

export type StorageOp =
  | { kind: "createStudy"; name: string; directions: Direction[] }
  | { kind: "deleteStudy"; studyId: number }
  | { kind: "setStudyUserAttr"; studyId: number; key: string; value: unknown }
  | { kind: "setStudySystemAttr"; studyId: number; key: string; value: unknown }
  | {
      kind: "createTrial";
      studyId: number;
      state: TrialState;
      /** Epoch milliseconds. */
      datetimeStart?: number;
      datetimeComplete?: number;
      params: Params;
      distributions: Record<string, Distribution>;
      userAttrs: Record<string, unknown>;
      systemAttrs: Record<string, unknown>;
      intermediateValues: Record<number, number>;
      values?: number[];
    }
  | { kind: "setTrialParam"; trialId: number; name: string; value: ParamValue; distribution: Distribution }
  | { kind: "setTrialState"; trialId: number; state: TrialState; values?: number[]; datetimeStart?: number; datetimeComplete?: number }
  | { kind: "setTrialIntermediateValue"; trialId: number; step: number; value: number }
  | { kind: "setTrialUserAttr"; trialId: number; key: string; value: unknown }
  | { kind: "setTrialSystemAttr"; trialId: number; key: string; value: unknown };

/** The trial system attr that holds why a FAIL trial failed (Optuna's own key). */
export const FAIL_REASON_ATTR = "fail_reason";
