/**
 * Studies in one append-only file in Optuna's JournalStorage format (Optuna 3.1+ loads it with
 * `JournalStorage(JournalFileStorage(path))`). Each operation is appended as one JSON line under
 * the file lock, written before the call returns and fsync'ed with it unless it only changes a
 * running trial (mustFlush below); other processes' lines are replayed before
 * every write and on every read, from the byte offset read so far.
 */
import { randomUUID } from "node:crypto";
import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, statSync, writeFileSync, writeSync } from "node:fs";
import { ioReason, StorageError } from "../errors/errors.ts";
import { FileLock, type FileLockOptions } from "./file-lock.ts";
import { opFromJournalRecord, opToJournalRecord } from "./journal-ops.ts";
import { OpStorage } from "./op-storage.ts";
import type { StorageOp } from "./ops.ts";
import { fromPythonJson, toPythonJson } from "./python-json.ts";

export interface JournalFileStorageOptions extends FileLockOptions {
  /**
   * fsync before the call returns every line that creates a study, sets a study attribute other than
   * the sampler's saved state, enqueues a trial or ends one, and with it every line before (default true).
   * With false a line is still written synchronously, so it survives a killed process, but not a
   * power loss or OS crash.
   */
  durable?: boolean;
}

const NEWLINE = 0x0a;

export class JournalFileStorage extends OpStorage {
  readonly path: string;
  /** Written into every line, as Optuna's worker_id: one per storage object. */
  readonly workerId = `${randomUUID()}-${process.pid}`;
  private readonly lock: FileLock;
  /** Bytes of the file replayed so far: always the end of a complete line. */
  private offset = 0;
  private linesRead = 0;
  private closed = false;
  private readonly durable: boolean;
  private warnedTorn = false;
  private fd: number | undefined;
  private fdInode = -1;

  constructor(path: string, options: JournalFileStorageOptions = {}) {
    super();
    this.path = path;
    this.lock = new FileLock(path, options);
    this.durable = options.durable ?? true;
    try {
      this.fd = openSync(path, "a+");
      this.fdInode = fstatSync(this.fd).ino;
    } catch (error) {
      throw new StorageError(`cannot open journal file ${path}: ${ioReason(error)}`, { cause: error });
    }
    this.sync();
  }

  /** Replays what was appended since the last read (complete lines only). */
  sync(): void {
    this.ensureOpen();
    this.readNewLines();
  }

  close(): void {
    this.closed = true;
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /**
   * The journal opened once for appends and reads by offset, and opened again when its path names
   * another file than the one open (replaced or moved): open and close cost a system call each per line.
   */
  private descriptor(inode: number): number {
    if (this.fd !== undefined && this.fdInode === inode) return this.fd;
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = openSync(this.path, "a+");
    this.fdInode = fstatSync(this.fd).ino;
    return this.fd;
  }

  protected refresh(): void {
    this.sync();
  }

  protected perform(op: StorageOp): void {
    this.ensureOpen();
    this.lock.withLock(() => {
      if (this.readNewLines()) this.repairTail();
      this.state.check(op);
      const text = toPythonJson(opToJournalRecord(op, this.workerId));
      const bytes = Buffer.from(`${text}\n`, "utf8");
      this.append(bytes, this.durable && mustFlush(op));
      // Under the lock our line is the file's last: replay it from memory, as another process reads it.
      this.apply(text, this.linesRead + 1);
      this.offset += bytes.length;
    });
  }

  private ensureOpen(): void {
    if (this.closed) throw new StorageError(`journal storage ${this.path} is closed`);
  }

  /** The bytes after the part already replayed (new lines, and any line cut short). */
  private readTail(fd: number): Buffer {
    const size = fstatSync(fd).size;
    if (size < this.offset) {
      throw new StorageError(
        `journal file ${this.path} shrank from ${this.offset} to ${size} bytes: ` +
          "it was replaced or truncated by something other than a journal storage",
      );
    }
    const bytes = Buffer.alloc(size - this.offset);
    let done = 0;
    while (done < bytes.length) {
      const n = readSync(fd, bytes, done, bytes.length - done, this.offset + done);
      if (n === 0) break;
      done += n;
    }
    return bytes.subarray(0, done);
  }

  /** Replays the complete lines appended since the last read; true when bytes of a line cut short remain. */
  private readNewLines(): boolean {
    const stats = statSync(this.path);
    const fd = this.descriptor(stats.ino);
    if (stats.size === this.offset) return false;
    const bytes = this.readTail(fd);
    let start = 0;
    for (let end = bytes.indexOf(NEWLINE); end >= 0; end = bytes.indexOf(NEWLINE, start)) {
      const text = bytes.subarray(start, end).toString("utf8");
      // As Optuna: a broken last line is a write cut short and is ignored (repairTail moves it to
      // a side file before the next append); a broken line followed by others is a damaged file.
      const lastLine = end + 1 === bytes.length;
      if (!this.apply(text, this.linesRead + 1, lastLine)) return true;
      this.offset += end + 1 - start;
      start = end + 1;
    }
    return start < bytes.length;
  }

  /** Replays one line; false when it is a broken last line, left for repairTail. */
  private apply(text: string, lineNumber: number, lastLine = false): boolean {
    let record: unknown;
    try {
      record = fromPythonJson(text);
    } catch (error) {
      if (lastLine) return false;
      throw new StorageError(
        `journal file ${this.path} line ${lineNumber} is not valid JSON (${(error as Error).message}): ${text.slice(0, 200)}`,
      );
    }
    let op: StorageOp;
    try {
      op = opFromJournalRecord(record);
    } catch (error) {
      throw new StorageError(`journal file ${this.path} line ${lineNumber}: ${(error as Error).message}`);
    }
    this.state.apply(op);
    this.linesRead = lineNumber;
    return true;
  }

  /**
   * Under the lock, nobody is writing: bytes after the last complete line are a write cut short
   * by a killed process. A tail that is a whole JSON operation (only its newline is missing; Optuna
   * 3.1 already counts it) gets its newline; anything else is copied to `<journal>.torn-<time>`
   * (with a warning, once per storage) and cut off, so the next line starts clean.
   */
  private repairTail(): void {
    if (statSync(this.path).size === this.offset) return;
    const fd = openSync(this.path, "r+");
    try {
      const tail = this.readTail(fd);
      if (tail.length === 0) return;
      if (isWholeOperation(tail)) {
        writeSync(fd, "\n", fstatSync(fd).size);
      } else {
        this.keepTorn(tail);
        ftruncateSync(fd, this.offset);
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.readNewLines();
  }

  /** Saves torn bytes beside the journal (durably, before they are cut off) and says so once. */
  private keepTorn(tail: Buffer): void {
    const sidePath = `${this.path}.torn-${new Date().toISOString().replace(/[:.]/g, "-")}-${process.pid}`;
    try {
      writeFileSync(sidePath, tail, { flag: "wx" });
      const side = openSync(sidePath, "r");
      fsyncSync(side);
      closeSync(side);
    } catch (error) {
      throw new StorageError(`cannot save the torn end of journal file ${this.path} to ${sidePath}: ${ioReason(error)}`, { cause: error });
    }
    if (this.warnedTorn) return;
    this.warnedTorn = true;
    process.emitWarning(
      `journal file ${this.path} ended in ${tail.length} bytes of a write cut short (a killed process); ` +
        `they were moved to ${sidePath} and removed from the journal`,
      { code: "HYPERFORCE_JOURNAL_TORN" },
    );
  }
  /** Appends at the end of the file; called under the lock after readNewLines opened the current file. */
  private append(bytes: Buffer, flush: boolean): void {
    const fd = this.fd as number;
    let done = 0;
    while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
    if (flush) fsyncSync(fd);
  }
}

/**
 * Whether a durable journal fsyncs an operation before the call returns. Writes to an unfinished trial
 * (its parameters, reports, attributes, a RUNNING state) wait: fsync flushes the whole file, so they reach
 * the disk with the next flushed operation, at the latest the trial's end, and a power loss before it
 * loses only a running trial, which a crash loses anyway. The sampler's saved state ("sampler_state..."
 * study attributes) waits too: losing its last lines leaves what a kill between a trial's end and the
 * state's write leaves, which resuming already handles. Study records, enqueued trials and every trial's
 * end are flushed at once. A study's reports cost a write each, not a flush each.
 */
function mustFlush(op: StorageOp): boolean {
  switch (op.kind) {
    case "setTrialParam":
    case "setTrialIntermediateValue":
    case "setTrialUserAttr":
    case "setTrialSystemAttr":
      return false;
    case "createTrial":
    case "setTrialState":
      return op.state !== "RUNNING";
    case "setStudySystemAttr": // the names of src/study/sampler-state.ts (a layer above storage)
      return !op.key.startsWith("sampler_state");
    default:
      return true;
  }
}

/** A tail without a newline that is a whole operation: only its newline is missing. */
function isWholeOperation(tail: Buffer): boolean {
  const text = tail.toString("utf8");
  if (text.includes("\n")) return false;
  try {
    opFromJournalRecord(fromPythonJson(text));
    return true;
  } catch {
    return false;
  }
}
