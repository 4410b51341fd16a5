/**
 * Worker-thread entry of the table build: trains a chunk of (configuration, seed) pairs of a task
 * (any registered task, opened once per thread from local files) and posts their rows back in one
 * message (a message per row would cost more than a wine run).
 */
import { handleJobs } from "../execution/job-runner.ts";
import { canonicalTaskReference, openTaskSync } from "../tasks/registry.ts";
import { indicesAt, TABLE_PARAMS, type TableRow, valuesAt } from "../tasks/table.ts";
import type { Task, TaskReference } from "../tasks/task.ts";

export interface BuildChunk {
  /** The task as data: "wine", or a csv task with its options. */
  task: TaskReference;
  splitSeed: number;
  epochs: number;
  /** [position, seed] pairs. */
  items: Array<[number, number]>;
}

const opened = new Map<string, Task>();

/** The chunk's task, opened once per thread and settings (a CSV file is read once, not per chunk). */
function chunkTask(chunk: BuildChunk): Task {
  const key = JSON.stringify([canonicalTaskReference(chunk.task), chunk.splitSeed, chunk.epochs]);
  let task = opened.get(key);
  if (task === undefined) {
    task = openTaskSync(chunk.task, { splitSeed: chunk.splitSeed, epochs: chunk.epochs });
    opened.set(key, task);
  }
  return task;
}

/** Trains every pair of the chunk, in order. */
export function trainChunk(chunk: BuildChunk): TableRow[] {
  const task = chunkTask(chunk);
  return chunk.items.map(([position, seed]) => {
    const indices = indicesAt(position);
    const values = valuesAt(indices);
    const params = Object.fromEntries(TABLE_PARAMS.map((name, i) => [name, values[i]]));
    // Reporting epochs keeps each epoch's validation loss (the row's learning curve); it never stops the run.
    const result = task.evaluate(params, seed, { onEpoch: () => false });
    return {
      indices,
      values,
      seed,
      validationLoss: result.validationLoss,
      testLoss: result.testLoss,
      diverged: result.diverged,
      seconds: result.seconds ?? 0,
      curve: result.validationCurve ?? [],
    };
  });
}

handleJobs(trainChunk);
