import type { Distribution, Params, ParamValue } from "../space/types.ts";

export type TrialState = "RUNNING" | "COMPLETE" | "FAIL" | "PRUNED" | "WAITING";
export type Direction = "minimize" | "maximize";

/** COMPLETE, FAIL and PRUNED trials are finished: their record no longer changes. */
export function isFinished(state: TrialState): boolean {
  return state === "COMPLETE" || state === "FAIL" || state === "PRUNED";
}

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

export type { Distribution, Params, ParamValue };

export interface FloatOptions {
  step?: number;
  log?: boolean;
}
export interface IntOptions {
  step?: number;
  log?: boolean;
}

/** The live trial an objective receives: suggestions are define-by-run, values are recorded. */
export interface Trial {
  readonly number: number;
  /** Parameters suggested or fixed so far. */
  readonly params: Readonly<Params>;
  suggestFloat(name: string, low: number, high: number, options?: FloatOptions): number;
  suggestInt(name: string, low: number, high: number, options?: IntOptions): number;
  suggestCategorical<T extends import("../space/types.ts").CategoricalChoice>(name: string, choices: readonly T[]): T;
  /** An intermediate value (a learning curve point); stored at once. */
  report(step: number, value: number): void;
  setUserAttr(key: string, value: unknown): void;
}

/** What the user optimizes: returns the value to minimize or maximize. */
export type Objective = (trial: Trial) => number | Promise<number>;
