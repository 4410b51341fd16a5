/**
 * Where a trial's objective runs. The study decides the parameters and records the result; an
 * executor only runs the objective for one trial and hands back what it returned or threw.
 */

import type { ObjectiveSpec } from "../objectives/spec.ts";
import type { Distribution, Params, SearchSpace } from "../space/types.ts";
import type { Objective, Trial } from "../trial/types.ts";

export interface TrialJob {
  /** The controller's live trial: reports and user attributes land there (suggestions too, inline). */
  trial: Trial;
  /** Parameters settled before the run (the declared space and fixed values), with their distributions. */
  params: Params;
  distributions: Record<string, Distribution>;
  objective: Objective | ObjectiveSpec;
  /** The run fails with "timed out after N ms" past this. */
  timeoutMs?: number;
  /** The study's name: executors that run trials in other processes key their jobs by (study, trial number). */
  studyName?: string;
}

export interface Executor {
  readonly name: string;
  /** How many trials optimize keeps running when no concurrency is given (default 1). */
  readonly defaultConcurrency?: number;
  /** Throws a clear error when this executor cannot run the objective over this space (checked before any trial starts). */
  check?(objective: Objective | ObjectiveSpec, space: SearchSpace | undefined): void;
  /** Resolves with what the objective returned; rejects with what it threw, a timeout or a crash. */
  run(job: TrialJob): Promise<unknown>;
  /** Releases threads or connections; the executor cannot run trials afterwards. */
  close?(): Promise<void>;
}

/** A trial that ran past its time limit. */
export class TrialTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms`);
    this.name = "TrialTimeoutError";
  }
}

export function checkTimeout(timeoutMs: number | undefined, what = "trialTimeoutMs"): void {
  if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
    throw new Error(`${what} must be a positive number of milliseconds, got ${timeoutMs}`);
  }
}

/** The executor cannot run any more trials (closed, or its workers cannot start): optimize stops with this error. */
export class ExecutorUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ExecutorUnavailableError";
  }
}
