/**
 * Worker-thread entry of `hyperforce reproduce`: runs (or resumes) whole studies, one message each,
 * with the trials inline in this thread. Studies rather than trials are spread over threads because a
 * wine trial takes milliseconds: the journal writes then cost as much as the training, and a thread
 * per study does both in parallel.
 */
import { parentPort } from "node:worker_threads";
import { runReproduceStudy, type StudyJob, type StudyOutcome } from "./reproduce-study.ts";

export type StudyReply = { type: "done"; outcome: StudyOutcome } | { type: "error"; message: string };

/** A study to run, and the flag the controller sets to 1 to stop (a SharedArrayBuffer view). */
export interface StudyRequest {
  job: StudyJob;
  stopFlag: Int32Array;
}

if (parentPort !== null) {
  const port = parentPort;
  port.on("message", ({ job, stopFlag }: StudyRequest) => {
    runReproduceStudy(job, stopFlag).then(
      (outcome) => port.postMessage({ type: "done", outcome } satisfies StudyReply),
      (error: unknown) => port.postMessage({ type: "error", message: error instanceof Error ? error.message : String(error) } satisfies StudyReply),
    );
  });
}
