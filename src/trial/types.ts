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
/** Ordered numeric choices: `type` "float" (default) or "int" (every choice an integer); `log` for a log scale. */
export interface OrderedOptions {
  type?: "float" | "int";
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
  /** One of a finite set of numbers in ascending order, modelled as ordered (e.g. [1e-5, 3e-5, 1e-4] with log). */
  suggestOrdered(name: string, choices: readonly number[], options?: OrderedOptions): number;
  /** An intermediate value (a learning curve point); stored at once. */
  report(step: number, value: number): void;
  /**
   * True when the study's pruner says this trial should stop, judging its reports so far: then end
   * it by throwing TrialPruned. Always false without a pruner.
   */
  shouldPrune(): boolean;
  /** True when the study has a pruner, so reporting intermediate values can stop the trial early. */
  readonly pruning: boolean;
  setUserAttr(key: string, value: unknown): void;
}

/** What the user optimizes: returns the value to minimize or maximize. */
export type Objective = (trial: Trial) => number | Promise<number>;
