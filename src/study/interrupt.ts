/**
 * Ctrl-C for a running study: the first SIGINT (or SIGTERM) calls study.stop(), so the running trials
 * finish and are recorded and optimize returns; a second one exits at once with code 130 (trials
 * still running are then left RUNNING, and failed as interrupted when the study is next loaded).
 */
import type { Study } from "./study.ts";

export interface StopOnInterruptOptions {
  /** Default ["SIGINT", "SIGTERM"]. */
  signals?: NodeJS.Signals[];
  /** Called on the first signal (e.g. to print "finishing running trials; press Ctrl-C again to quit"). */
  onStop?: (signal: NodeJS.Signals) => void;
}

/** Installs the handlers; returns a function that removes them. */
export function stopOnInterrupt(study: Study, options: StopOnInterruptOptions = {}): () => void {
  const signals = options.signals ?? ["SIGINT", "SIGTERM"];
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    study.stop();
    options.onStop?.(signal);
  };
  for (const signal of signals) process.on(signal, handler);
  return () => {
    for (const signal of signals) process.off(signal, handler);
  };
}
