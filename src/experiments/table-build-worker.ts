/**
 * Worker-thread entry of the table build: trains a chunk of (configuration, seed) pairs of the paper
 * task and posts their rows back in one message (a message per row would cost more than a wine run).
 */
import { handleJobs } from "../execution/job-runner.ts";
import { evaluatePaperTaskSync, type PaperTaskName } from "../tasks/paper-task.ts";
import { indicesAt, valuesAt, type TableRow } from "../tasks/table.ts";

export interface BuildChunk {
  task: PaperTaskName;
  splitSeed: number;
  epochs: number;
  /** [position, seed] pairs. */
  items: Array<[number, number]>;
}

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

handleJobs(trainChunk);
