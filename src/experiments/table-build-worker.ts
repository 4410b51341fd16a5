/**
 * Worker-thread entry of the table build: trains a chunk of (configuration, seed) pairs of the paper
 * task and posts their rows back in one message (a message per row would cost more than a wine run).
 */
import { parentPort } from "node:worker_threads";
import { evaluatePaperTaskSync, type PaperTaskName } from "../tasks/paper-task.ts";
import { indicesAt, valuesAt, type TableRow } from "../tasks/table.ts";

export interface BuildChunk {
  task: PaperTaskName;
  splitSeed: number;
  epochs: number;
  /** [position, seed] pairs. */
  items: Array<[number, number]>;
}

export type BuildReply = { type: "rows"; rows: TableRow[] } | { type: "error"; message: string };

/** Trains every pair of the chunk, in order. */
export function trainChunk(chunk: BuildChunk): TableRow[] {
  return chunk.items.map(([position, seed]) => {
    const indices = indicesAt(position);
    const values = valuesAt(indices);
    const [learningRate, weightDecay, batchSize, hidden] = values;
    const result = evaluatePaperTaskSync(chunk.task, { learningRate, weightDecay, batchSize, hidden, epochs: chunk.epochs }, { seed, splitSeed: chunk.splitSeed });
    return {
      indices,
      values,
      seed,
      validationLoss: result.validationLoss,
      testLoss: result.testLoss,
      diverged: result.diverged,
      seconds: result.seconds,
    };
  });
}

if (parentPort !== null) {
  const port = parentPort;
  port.on("message", (chunk: BuildChunk) => {
    let reply: BuildReply;
    try {
      reply = { type: "rows", rows: trainChunk(chunk) };
    } catch (error) {
      reply = { type: "error", message: error instanceof Error ? error.message : String(error) };
    }
    port.postMessage(reply);
  });
}
