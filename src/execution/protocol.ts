/** Messages between the thread pool (controller) and its worker threads. */

import type { ObjectiveSpec } from "../objectives/spec.ts";
import type { Distribution, Params } from "../space/types.ts";

/** Controller -> worker: run one trial. */
export interface RunMessage {
  type: "run";
  jobId: number;
  trialNumber: number;
  params: Params;
  distributions: Record<string, Distribution>;
  objective: ObjectiveSpec;
  /** The study has a pruner: trial.pruning, and shouldPrune asks the controller. */
  pruning: boolean;
  /**
   * Where the controller writes its answer to "prune?" (one Int32: 0 while waiting, 1 go on, 2 prune):
   * the objective runs synchronously, so the worker blocks on it with Atomics.wait.
   */
  decision: SharedArrayBuffer;
}

export const DECISION_WAITING = 0;
export const DECISION_GO_ON = 1;
export const DECISION_PRUNE = 2;

/** What the objective recorded since the last message: sent in batches, since a message costs more than a short trial's bookkeeping. */
export interface TrialRecords {
  reports: Array<[step: number, value: number]>;
  userAttrs: Array<[key: string, value: unknown]>;
}

/** Worker -> controller, while a trial runs and when it ends. */
export type WorkerMessage =
  /** The thread has loaded its entry and listens for trials. */
  | { type: "ready" }
  /** The objective is loaded and about to be called: a time limit runs from here, and a crash from here on fails the trial. */
  | { type: "started"; jobId: number }
  | ({ type: "progress"; jobId: number } & TrialRecords)
  /** The objective asked trial.shouldPrune(): the reports so far come along; the answer goes to RunMessage.decision. */
  | ({ type: "prune?"; jobId: number } & TrialRecords)
  | ({ type: "result"; jobId: number; value: number } & TrialRecords)
  | ({ type: "error"; jobId: number; name: string; message: string } & TrialRecords);
