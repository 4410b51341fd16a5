import type { Distribution, ParamValue, Params } from "../space/types.ts";

export type TrialState = "RUNNING" | "COMPLETE" | "FAIL" | "PRUNED" | "WAITING";
export type Direction = "minimize" | "maximize";

/** A trial as stored: immutable once its state is COMPLETE, FAIL or PRUNED. */
export interface FrozenTrial {
  /** 0-based, in creation order within the study. */
  number: number;
  state: TrialState;
  params: Params;
  distributions: Record<string, Distribution>;
  /** Objective value; set only when COMPLETE. */
  value?: number;
  /** step -> value, from trial.report(step, value). */
  intermediateValues: Record<number, number>;
  userAttrs: Record<string, unknown>;
  systemAttrs: Record<string, unknown>;
  /** Epoch milliseconds. */
  datetimeStart?: number;
  datetimeComplete?: number;
  /** Why a FAIL trial failed (error message, "objective returned NaN", "timed out after 5000 ms", ...). */
  failReason?: string;
}

export type { Distribution, ParamValue, Params };
