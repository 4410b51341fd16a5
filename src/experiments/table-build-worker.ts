/**
 * Worker-thread entry of the table build: trains a chunk of (configuration, seed) pairs of a task
 * (any registered task, opened once per thread from local files) and posts their rows back in one
 * message (a message per row would cost more than a wine run). The paper's MLP (wine, letter, a CSV
 * file) trains the pairs that share seed, hidden units and batch size together, in one pass.
 */
import { handleJobs } from "../execution/job-runner.ts";
import { canonicalTaskReference, openTaskSync } from "../tasks/registry.ts";
import { indicesAt, TABLE_PARAMS, type TableRow, valuesAt } from "../tasks/table.ts";
import type { Task, TaskReference } from "../tasks/task.ts";
import type { SplitData } from "../tasks/types.ts";
import { groupableSplit, trainGroup } from "./table-build-group.ts";

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

const splits = new Map<string, SplitData | undefined>();

/** The split to train groups of runs on (see table-build-group.ts), looked up once per thread and settings. */
function chunkSplit(chunk: BuildChunk): SplitData | undefined {
  const key = JSON.stringify([canonicalTaskReference(chunk.task), chunk.splitSeed]);
  if (!splits.has(key)) splits.set(key, groupableSplit(chunk.task, chunk.splitSeed));
  return splits.get(key);
}

/** Trains every pair of the chunk; rows in the chunk's order. */
export function trainChunk(chunk: BuildChunk): TableRow[] {
  const split = chunkSplit(chunk);
  return split === undefined ? trainOneByOne(chunk) : trainInGroups(chunk, split);
}

/** Runs that share seed, hidden units and batch size trained together (table-build-group.ts). */
function trainInGroups(chunk: BuildChunk, split: SplitData): TableRow[] {
  const groups = new Map<string, number[]>();
  chunk.items.forEach(([position, seed], item) => {
    const [, , batchSize, hidden] = valuesAt(indicesAt(position));
    const key = `${seed}/${hidden}/${batchSize}`;
    const members = groups.get(key);
    if (members === undefined) groups.set(key, [item]);
    else members.push(item);
  });
  const rows: TableRow[] = new Array(chunk.items.length);
  for (const members of groups.values()) {
    const runs = members.map((item) => {
      const indices = indicesAt(chunk.items[item][0]);
      const [learningRate, weightDecay, batchSize, hidden] = valuesAt(indices);
      return { indices, values: valuesAt(indices), learningRate, weightDecay, batchSize, hidden };
    });
    const { hidden, batchSize } = runs[0];
    const seed = chunk.items[members[0]][1];
    const results = trainGroup(split, { hidden, batchSize, seed, epochs: chunk.epochs }, runs);
    members.forEach((item, m) => {
      const result = results[m];
      rows[item] = {
        indices: runs[m].indices,
        values: runs[m].values,
        seed,
        validationLoss: result.validationLoss,
        testLoss: result.testLoss,
        diverged: result.diverged,
        seconds: result.seconds,
        curve: result.curve,
      };
    });
  }
  return rows;
}

/** Every pair through the task's own evaluate, in order. */
function trainOneByOne(chunk: BuildChunk): TableRow[] {
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
