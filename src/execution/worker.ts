/** Entry of a thread-pool worker: runs one trial at a time for the controller. */
import { parentPort } from "node:worker_threads";
import { loadObjective, specKey } from "../objectives/spec.ts";
import type { Objective } from "../study/types.ts";
import { FixedTrial } from "./fixed-trial.ts";
import type { RunMessage, WorkerMessage } from "./protocol.ts";
import { describeValue } from "../study/outcome.ts";

if (parentPort === null) throw new Error("src/execution/worker is a worker-thread entry; the ThreadPoolExecutor starts it");
const port = parentPort;
const loaded = new Map<string, Promise<Objective>>();

function post(message: WorkerMessage): void {
  port.postMessage(message);
}

port.on("message", async (message: RunMessage) => {
  const { jobId } = message;
  try {
    const key = specKey(message.objective);
    let objective = loaded.get(key);
    if (objective === undefined) {
      objective = loadObjective(message.objective);
      loaded.set(key, objective);
    }
    const trial = new FixedTrial(message.trialNumber, message.params, message.distributions, {
      report: (step, value) => post({ type: "report", jobId, step, value }),
      setUserAttr: (key, value) => post({ type: "userAttr", jobId, key, value }),
    });
    const ready = await objective;
    post({ type: "started", jobId });
    const value = await ready(trial);
    // Numbers (NaN and Infinity included) cross as they are; anything else is described, since it may not clone.
    if (typeof value === "number") post({ type: "result", jobId, value });
    else post({ type: "error", jobId, name: "Error", message: `objective returned ${describeValue(value)}, not a number` });
  } catch (error) {
    const name = error instanceof Error ? error.name : "Error";
    const text = error instanceof Error ? (error.message === "" ? error.name : error.message) : `objective threw ${describeValue(error)}`;
    post({ type: "error", jobId, name, message: text });
  }
});
