/**
 * Builds an exhaustive table of a task (wine, letter, a CSV file: any registered task that takes the
 * paper's four parameters): every configuration of the `paper` space trained with each seed
 * 0..seeds-1 on one fixed split, one CSV row per run (see src/tasks/table.ts).
 *
 * - Resumable: rows already in the output are skipped; a last line cut by a kill is dropped and
 *   rewritten. Rows are appended (written straight to the file descriptor) as each chunk finishes,
 *   so a kill loses only the chunks being trained.
 * - Parallel: worker threads train chunks of runs, sized to about CHUNK_SECONDS of training each,
 *   so the message cost stays small next to a wine run (milliseconds) and a letter run alike. A chunk
 *   holds whole groups of runs that share seed, batch size and hidden units, which the paper's MLP
 *   trains together in one pass over the data (table-build-group.ts).
 * - A record beside the table (`<name>.meta.json`) holds the task (with a CSV task's options), its
 *   kind, the split seed and epochs (a resumed build must match them) and each session's wall time
 *   and rows per second.
 * - Once every run is in, the file is rewritten in configuration order (position, then seed).
 */
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, resolve } from "node:path";
import { runJobs } from "../execution/job-runner.ts";
import { moduleBeside } from "../execution/worker-thread.ts";
import { Rng } from "../nn/rng.ts";
import { canonicalTaskReference, findTaskFamily, openTask, sameTask } from "../tasks/registry.ts";
import {
  formatTableRow,
  indicesAt,
  parseTableText,
  positionOf,
  TABLE_CONFIGURATIONS,
  TABLE_HEADER,
  TABLE_PARAMS,
  type TableParam,
  type TableRow,
  tableSpace,
  valuesAt,
} from "../tasks/table.ts";
import { type Task, type TaskReference, taskNameOf } from "../tasks/task.ts";
import { DEFAULT_EPOCHS } from "../tasks/train.ts";
import type { TaskKind } from "../tasks/types.ts";
import type { BuildChunk } from "./table-build-worker.ts";

/** Training seconds aimed at per thread message (a chunk also runs to the end of its last group). */
const CHUNK_SECONDS = 0.25;
const MAX_CHUNK = 256;
/** How often the build record is rewritten while a build runs. */
const RECORD_EVERY_MS = 10_000;

export interface TableBuildOptions {
  /** "wine", "letter", or a csv task with its options: { name: "csv:data.csv", options: { target: "y" } }. */
  task: TaskReference;
  /** The table to write or continue: a .csv path. */
  out: string;
  /** Training seeds 0..seeds-1 per configuration. */
  seeds: number;
  /** Worker threads; default os.availableParallelism(). */
  workers?: number;
  /** Default 0. */
  splitSeed?: number;
  /** Default 15. */
  epochs?: number;
  /**
   * Only these values of some parameters (the rest: all of the preset's): a part of the space, for
   * tests and samples. The build is complete when every configuration of that part has every seed.
   */
  only?: Partial<Record<TableParam, number[]>>;
  /** Called after every chunk. */
  onProgress?: (progress: TableBuildProgress) => void;
}

export interface TableBuildProgress {
  /** Rows in the table now (resumed ones included). */
  done: number;
  /** Rows the finished table holds. */
  total: number;
  /** Rows found in the file at the start. */
  resumed: number;
  /** Rows written by this session per wall second. */
  rowsPerSecond: number;
}

export interface TableBuildSession {
  startedAt: string;
  wallSeconds: number;
  rowsWritten: number;
  workers: number;
  rowsPerSecond: number;
  finished: boolean;
}

/** The build record kept beside the table. */
export interface TableBuildRecord {
  /** As the build was asked for ("wine"; a csv task with its options), options sorted by name. */
  task: TaskReference;
  /** Regression or classification (absent in records written before it was kept, and for a table of a table). */
  kind?: TaskKind;
  splitSeed: number;
  epochs: number;
  seeds: number;
  configurations: number;
  complete: boolean;
  sessions: TableBuildSession[];
}

export interface TableBuildResult {
  out: string;
  recordPath: string;
  total: number;
  resumed: number;
  written: number;
  wallSeconds: number;
  rowsPerSecond: number;
  record: TableBuildRecord;
}

/** A table holds the paper space's four parameters: the task must search them. Returns the task's kind. */
function checkTableTask(task: Task): TaskKind | undefined {
  const space = task.defaultSpace();
  const missing = TABLE_PARAMS.filter((name) => !Object.hasOwn(space, name));
  if (missing.length > 0) {
    throw new Error(`a table covers the paper space (${TABLE_PARAMS.join(", ")}); the task ${task.name} has no ${missing.join(", ")}`);
  }
  return task.kind;
}

/** `tables/wine.csv` -> `tables/wine.meta.json`. */
export function buildRecordPath(out: string): string {
  return out.replace(/\.csv$/, "") + ".meta.json";
}

function checkOptions(options: TableBuildOptions): Required<Omit<TableBuildOptions, "onProgress" | "only">> {
  findTaskFamily(taskNameOf(options.task));
  if (typeof options.out !== "string" || !options.out.endsWith(".csv")) {
    throw new Error(`the table to build must be a .csv file, got ${JSON.stringify(options.out)} (compress it with gzip once built)`);
  }
  if (!Number.isInteger(options.seeds) || options.seeds < 1) throw new Error(`seeds must be an integer >= 1, got ${options.seeds}`);
  const workers = options.workers ?? availableParallelism();
  if (!Number.isInteger(workers) || workers < 1) throw new Error(`workers must be an integer >= 1, got ${workers}`);
  const splitSeed = options.splitSeed ?? 0;
  if (!Number.isSafeInteger(splitSeed) || splitSeed < 0) throw new Error(`the split seed must be an integer >= 0, got ${splitSeed}`);
  const epochs = options.epochs ?? DEFAULT_EPOCHS;
  if (!Number.isInteger(epochs) || epochs < 1) throw new Error(`epochs must be an integer >= 1, got ${epochs}`);
  return { task: options.task, out: options.out, seeds: options.seeds, workers, splitSeed, epochs };
}

function readRecord(path: string): TableBuildRecord | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, "utf8")) as TableBuildRecord;
  } catch (error) {
    throw new Error(`${path}: the build record is not valid JSON (${(error as Error).message})`);
  }
}

function writeRecord(path: string, record: TableBuildRecord): void {
  const temporary = `${path}.tmp`;
  writeFileSync(temporary, JSON.stringify(record, null, 2) + "\n");
  renameSync(temporary, path);
}

/** Rows already in `out` (a cut last line removed from the file), or none when it does not exist yet. */
function existingRows(out: string): TableRow[] {
  if (!existsSync(out) || statSync(out).size === 0) {
    writeFileSync(out, TABLE_HEADER + "\n");
    return [];
  }
  const text = readFileSync(out, "utf8");
  if (!text.includes("\n")) {
    // Killed while writing the header.
    writeFileSync(out, TABLE_HEADER + "\n");
    return [];
  }
  const parsed = parseTableText(text, out, { dropPartialLastLine: true });
  if (parsed.droppedPartialLine) truncateSync(out, Buffer.byteLength(text.slice(0, parsed.completeLength)));
  return parsed.rows;
}

/** Which configurations a build covers: all, or those whose values are in `only`; unknown names or values are errors. */
function includedPositions(only: TableBuildOptions["only"]): (position: number) => boolean {
  if (only === undefined) return () => true;
  const space = tableSpace();
  const allowed = TABLE_PARAMS.map((name) => {
    const values = only[name];
    if (values === undefined) return undefined;
    const choices = (space[name] as { choices: number[] }).choices;
    if (!Array.isArray(values) || values.length === 0) throw new Error(`only.${name} must list at least one value`);
    for (const value of values)
      if (!choices.includes(value))
        throw new Error(`only.${name}: ${value} is not one of the paper space's choices (${choices.join(", ")})`);
    return new Set(values);
  });
  const unknown = Object.keys(only).filter((name) => !(TABLE_PARAMS as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`only: unknown parameter ${unknown.join(", ")}; parameters: ${TABLE_PARAMS.join(", ")}`);
  return (position) => valuesAt(indicesAt(position)).every((value, i) => allowed[i] === undefined || allowed[i]!.has(value));
}

/** Configurations that differ only in learning rate and weight decay: the last two indices of a position. */
const GROUP_SPAN = 100;

/** Which group a run belongs to (its seed, batch size and hidden units): runs the workers can train together. */
function groupOf([position, seed]: [number, number]): number {
  return seed * GROUP_SPAN + (position % GROUP_SPAN);
}

/**
 * Pairs [position, seed] still to train, each group's runs together (same seed, batch size and hidden
 * units: see table-build-group.ts), the (batch size, hidden units) pairs in a seeded shuffled order
 * (so the time left is estimated from a fair sample).
 */
function pendingRuns(done: ReadonlySet<number>, seeds: number, included: (position: number) => boolean): Array<[number, number]> {
  const pending: Array<[number, number]> = [];
  for (const shape of new Rng(20261127).permutation(GROUP_SPAN)) {
    for (let seed = 0; seed < seeds; seed++) {
      for (let rest = 0; rest < TABLE_CONFIGURATIONS; rest += GROUP_SPAN) {
        const position = rest + shape;
        if (included(position) && !done.has(position * seeds + seed)) pending.push([position, seed]);
      }
    }
  }
  return pending;
}

/** Rewrites a finished table in configuration order. */
function sortTableFile(out: string): void {
  const rows = parseTableText(readFileSync(out, "utf8"), out).rows;
  rows.sort((a, b) => positionOf(a.indices) - positionOf(b.indices) || a.seed - b.seed);
  const temporary = `${out}.sorting`;
  writeFileSync(temporary, TABLE_HEADER + "\n" + rows.map(formatTableRow).join(""));
  renameSync(temporary, out);
}

export async function buildTable(options: TableBuildOptions): Promise<TableBuildResult> {
  const { task, out, seeds, workers, splitSeed, epochs } = checkOptions(options);
  const included = includedPositions(options.only);
  // Open (and download into the cache if needed) here: the threads read local files only, and a
  // missing dataset or a bad CSV file fails now with the loader's message.
  const kind = checkTableTask(await openTask(task, { splitSeed, epochs }));
  mkdirSync(dirname(resolve(out)), { recursive: true });
  const recordPath = buildRecordPath(out);
  let record = readRecord(recordPath);
  if (record !== undefined) {
    const asked = { task, splitSeed, epochs };
    const differs = (field: "task" | "splitSeed" | "epochs"): boolean =>
      field === "task" ? !sameTask(record!.task, task) : record![field] !== asked[field];
    const mismatch = (["task", "splitSeed", "epochs"] as const).filter(differs);
    if (mismatch.length > 0) {
      const held = mismatch.map((field) => `${field} ${JSON.stringify(record![field])}`).join(", ");
      throw new Error(`${out} was built with ${held}; continue it with the same settings or write to another --out`);
    }
  } else if (existsSync(out) && statSync(out).size > 0) {
    throw new Error(
      `${out} exists but its build record ${recordPath} does not, ` +
        "so its task and settings are unknown; remove it or write to another --out",
    );
  }
  const rows = existingRows(out);
  const done = new Set<number>();
  for (const row of rows) if (row.seed < seeds) done.add(positionOf(row.indices) * seeds + row.seed);
  let configurations = 0;
  for (let position = 0; position < TABLE_CONFIGURATIONS; position++) if (included(position)) configurations++;
  for (const key of [...done]) if (!included(Math.floor(key / seeds))) done.delete(key);
  const total = configurations * seeds;
  const resumed = done.size;
  const pending = pendingRuns(done, seeds, included);

  record = {
    task: canonicalTaskReference(task),
    ...(kind !== undefined ? { kind } : {}),
    splitSeed,
    epochs,
    seeds: Math.max(seeds, record?.seeds ?? 0),
    configurations,
    complete: false,
    sessions: record?.sessions ?? [],
  };
  const session: TableBuildSession = {
    startedAt: new Date().toISOString(),
    wallSeconds: 0,
    rowsWritten: 0,
    workers,
    rowsPerSecond: 0,
    finished: false,
  };
  record.sessions.push(session);
  writeRecord(recordPath, record);

  const started = performance.now();
  let written = 0;
  const updateSession = (): void => {
    session.wallSeconds = (performance.now() - started) / 1000;
    session.rowsWritten = written;
    session.rowsPerSecond = session.wallSeconds > 0 ? written / session.wallSeconds : 0;
  };
  const fd = openSync(out, "a");
  let lastRecord = performance.now();
  try {
    await trainInThreads(pending, Math.min(workers, Math.max(1, pending.length)), { task, splitSeed, epochs }, (chunkRows) => {
      writeSync(fd, chunkRows.map(formatTableRow).join(""));
      written += chunkRows.length;
      updateSession();
      if (performance.now() - lastRecord >= RECORD_EVERY_MS) {
        writeRecord(recordPath, record!);
        lastRecord = performance.now();
      }
      options.onProgress?.({ done: resumed + written, total, resumed, rowsPerSecond: session.rowsPerSecond });
    });
  } finally {
    closeSync(fd);
    updateSession();
    writeRecord(recordPath, record);
  }
  sortTableFile(out);
  session.finished = true;
  record.complete = true;
  updateSession();
  writeRecord(recordPath, record);
  return { out, recordPath, total, resumed, written, wallSeconds: session.wallSeconds, rowsPerSecond: session.rowsPerSecond, record };
}

/**
 * Trains the pending runs on `threads` worker threads; `onRows` gets each finished chunk, in
 * the order chunks finish. Chunks grow or shrink to about CHUNK_SECONDS of training.
 */
async function trainInThreads(
  pending: Array<[number, number]>,
  threads: number,
  settings: Omit<BuildChunk, "items">,
  onRows: (rows: TableRow[]) => void,
): Promise<void> {
  let next = 0;
  let secondsPerRun = 0;
  const chunkSize = (): number => (secondsPerRun > 0 ? Math.max(1, Math.min(MAX_CHUNK, Math.round(CHUNK_SECONDS / secondsPerRun))) : 2);
  // Read by the runner when a thread is free, so each chunk is sized by the runs timed so far; a chunk
  // ends where a group ends, so that the group trains in one pass.
  function* chunks(): Generator<BuildChunk> {
    while (next < pending.length) {
      let end = Math.min(pending.length, next + chunkSize());
      while (end < pending.length && groupOf(pending[end]) === groupOf(pending[end - 1])) end++;
      const items = pending.slice(next, end);
      next = end;
      yield { ...settings, items };
    }
  }
  await runJobs<BuildChunk, TableRow[]>({
    worker: moduleBeside(import.meta.url, "table-build-worker"),
    jobs: chunks(),
    threads,
    describeJob: describeChunk,
    onResult: (rows) => {
      const seconds = rows.reduce((sum, row) => sum + row.seconds, 0) / Math.max(1, rows.length);
      secondsPerRun = secondsPerRun === 0 ? seconds : 0.8 * secondsPerRun + 0.2 * seconds;
      onRows(rows);
    },
  });
}

function describeChunk(chunk: BuildChunk): string {
  const [position, seed] = chunk.items[0];
  const others = chunk.items.length - 1;
  return `training a table row failed (configuration ${position} seed ${seed}${others > 0 ? ` and ${others} more runs of its chunk` : ""})`;
}
