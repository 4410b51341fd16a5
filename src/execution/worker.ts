/**
 * Entry of a thread-pool worker: runs one trial at a time for the controller. Reports and user
 * attributes are batched: flushed at most every FLUSH_MS while the trial runs, and with its result.
 */
import { parentPort } from "node:worker_threads";
import { loadObjective, specKey } from "../objectives/spec.ts";
import { describeValue } from "../trial/outcome.ts";
import type { Objective } from "../trial/types.ts";
import { FixedTrial } from "./fixed-trial.ts";
import { DECISION_PRUNE, DECISION_WAITING, type RunMessage, type TrialRecords, type WorkerMessage } from "./protocol.ts";

const FLUSH_MS = 100;
/** How long shouldPrune waits for the controller before going on (a controller that ended the trial never answers). */
const DECISION_WAIT_MS = 60_000;

if (parentPort === null) throw new Error("src/execution/worker is a worker-thread entry; the ThreadPoolExecutor starts it");
const port = parentPort;
const loaded = new Map<string, Promise<Objective>>();

function post(message: WorkerMessage): void {
  port.postMessage(message);
}

function load(message: RunMessage): Promise<Objective> {
  const key = specKey(message.objective);
  let objective = loaded.get(key);
  if (objective === undefined) {
    objective = loadObjective(message.objective);
    loaded.set(key, objective);
  }
  return objective;
}

// Trials arrive ahead of time (the pool's queue depth) and run strictly one after another.
let queue: Promise<void> = Promise.resolve();
port.on("message", (message: RunMessage) => {
  queue = queue.then(() => runTrial(message));
});
post({ type: "ready" });

async function runTrial(message: RunMessage): Promise<void> {
  const { jobId } = message;
  let records: TrialRecords = { reports: [], userAttrs: [] };
  let lastFlush = performance.now();
  const take = (): TrialRecords => {
    const taken = records;
    records = { reports: [], userAttrs: [] };
    lastFlush = performance.now();
    return taken;
  };
  const maybeFlush = () => {
    if (performance.now() - lastFlush >= FLUSH_MS) post({ type: "progress", jobId, ...take() });
  };
  try {
    const trial = new FixedTrial(message.trialNumber, message.params, message.distributions, {
      report: (step, value) => {
        records.reports.push([step, value]);
        maybeFlush();
      },
      setUserAttr: (key, value) => {
        records.userAttrs.push([key, value]);
        maybeFlush();
      },
      pruning: message.pruning,
      shouldPrune: () => {
        if (!message.pruning) return false;
        const decision = new Int32Array(message.decision);
        Atomics.store(decision, 0, DECISION_WAITING);
        post({ type: "prune?", jobId, ...take() });
        Atomics.wait(decision, 0, DECISION_WAITING, DECISION_WAIT_MS);
        return Atomics.load(decision, 0) === DECISION_PRUNE;
      },
    });
    const objective = await load(message);
    post({ type: "started", jobId });
    lastFlush = performance.now();
    const value = await objective(trial);
    // Numbers (NaN and Infinity included) cross as they are; anything else is described, since it may not clone.
    if (typeof value === "number") post({ type: "result", jobId, value, ...take() });
    else post({ type: "error", jobId, name: "Error", message: `objective returned ${describeValue(value)}, not a number`, ...take() });
  } catch (error) {
    const name = error instanceof Error ? error.name : "Error";
    const text = error instanceof Error ? (error.message === "" ? error.name : error.message) : `objective threw ${describeValue(error)}`;
    post({ type: "error", jobId, name, message: text, ...take() });
  }
}
