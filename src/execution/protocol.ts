/** Messages between the thread pool (controller) and its worker threads. */
import type { Distribution, Params } from "../space/types.ts";
import type { ObjectiveSpec } from "../objectives/spec.ts";

/** Controller -> worker: run one trial. */
export interface RunMessage {
  type: "run";
  jobId: number;
  trialNumber: number;
  params: Params;
  distributions: Record<string, Distribution>;
  objective: ObjectiveSpec;
}

/** Worker -> controller, while a trial runs and when it ends. */
export type WorkerMessage =
  /** The objective is loaded and about to be called: the trial's time limit runs from here. */
  | { type: "started"; jobId: number }
  | { type: "report"; jobId: number; step: number; value: number }
  | { type: "userAttr"; jobId: number; key: string; value: unknown }
  | { type: "result"; jobId: number; value: unknown }
  | { type: "error"; jobId: number; name: string; message: string };
