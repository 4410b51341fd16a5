/**
 * An exclusive lock on a file shared with Optuna: `<file>.lock` created with O_CREAT|O_EXCL
 * (Optuna's JournalFileOpenLock; its JournalFileSymlinkLock uses the same path, so the two
 * exclude each other too), released by renaming it to a unique name and unlinking that.
 *
 * hyperforce writes who holds it: `<pid> <host> <boot id> <pid namespace> <start ticks>`. A lock left
 * by a killed process is broken only when its holder is provably gone, or after a long timeout:
 * - at once when it was written on this host, in this boot and pid namespace, and its pid no longer
 *   exists or is now another process (another start time);
 * - never while that holder is alive, however long it holds it (a warning says whom we wait for);
 * - any other lock (another host or boot, an older hyperforce's `<pid> <host>`, Optuna's empty file
 *   or symlink, which name no holder) after `staleMs` (default 5 minutes) with a warning, and an
 *   Optuna lock only when no process of this host holds the locked file open: Optuna holds its lock
 *   only while it appends, with the file open, so a live Optuna writer is never broken.
 * (Optuna itself never breaks a lock; hyperforce does so that a SIGKILL never blocks a study forever.)
 */
import { randomUUID } from "node:crypto";
import { closeSync, constants, linkSync, lstatSync, openSync, readFileSync, renameSync, type Stats, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { ioReason, StorageError, UsageError } from "../errors/errors.ts";
import { bootId, pidNamespace, processExists, processesWithFileOpen, startTicks } from "./process-identity.ts";

export interface FileLockOptions {
  /**
   * A lock whose holder cannot be proven gone or alive (another host, Optuna's lock) is broken once
   * it is older than this, with a warning. Default 300000 ms (5 minutes).
   */
  staleMs?: number;
}

export const DEFAULT_STALE_MS = 300_000;

/** The holder a hyperforce lock names; the fields after host are absent in an older hyperforce's locks. */
interface LockHolder {
  pid: number;
  host: string;
  bootId?: string;
  pidNamespace?: string;
  startTicks?: string;
}

/** What can be said of a lock's holder: gone (break now), alive (wait), or unknown (break only when old). */
type Judgement = { holder: "gone" } | { holder: "alive"; pid: number } | { holder: "unknown"; optuna: boolean };

let ownHolderLine: { pid: number; line: string } | undefined;

/** Who holds the lock: this process, as /proc tells it (read once per process: reading /proc per write cost more than the write). */
function holderLine(): string {
  if (ownHolderLine?.pid !== process.pid) {
    const fields = [process.pid, hostname(), bootId() ?? "-", pidNamespace() ?? "-", startTicks("self") ?? "-"];
    ownHolderLine = { pid: process.pid, line: `${fields.join(" ")}\n` };
  }
  return ownHolderLine.line;
}

function parseHolder(content: string): LockHolder | undefined {
  const [pid, host, boot, namespace, ticks] = content.trim().split(" ");
  if (pid === undefined || !/^\d+$/.test(pid) || host === undefined || host === "") return undefined;
  const known = (field: string | undefined) => (field === undefined || field === "-" ? undefined : field);
  return { pid: Number(pid), host, bootId: known(boot), pidNamespace: known(namespace), startTicks: known(ticks) };
}

/** Judges a hyperforce lock's holder from what it wrote. */
function judgeHolder(holder: LockHolder): Judgement {
  const here = holder.host === hostname() && holder.bootId !== undefined && holder.bootId === bootId();
  if (!here || holder.pidNamespace === undefined || holder.pidNamespace !== pidNamespace()) return { holder: "unknown", optuna: false };
  if (!processExists(holder.pid)) return { holder: "gone" };
  const now = startTicks(holder.pid);
  if (holder.startTicks !== undefined && now !== undefined && now !== holder.startTicks) return { holder: "gone" };
  return { holder: "alive", pid: holder.pid };
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
function sleep(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

export class FileLock {
  readonly lockPath: string;
  private readonly targetPath: string;
  private readonly staleMs: number;
  private held = false;
  /** The lock (inode) we already warned about waiting for, so that a long wait warns once. */
  private warnedAbout: number | undefined;
  private lastScanMs = Number.NEGATIVE_INFINITY;

  constructor(targetPath: string, options: FileLockOptions = {}) {
    this.targetPath = targetPath;
    this.lockPath = `${targetPath}.lock`;
    this.staleMs = options.staleMs ?? DEFAULT_STALE_MS;
    if (!(this.staleMs > 0)) throw new UsageError(`staleMs must be a positive number of milliseconds, got ${options.staleMs}`);
  }

  /** Blocks until the lock is ours. */
  acquire(): void {
    if (this.held) throw new StorageError(`lock ${this.lockPath} is already held by this storage`);
    let wait = 1;
    for (;;) {
      try {
        const fd = openSync(this.lockPath, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o644);
        try {
          writeSync(fd, holderLine());
        } finally {
          closeSync(fd);
        }
        this.held = true;
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
          throw new StorageError(`cannot take the lock ${this.lockPath}: ${ioReason(error)}`, { cause: error });
        }
      }
      if (this.breakIfStale()) continue;
      sleep(wait);
      wait = Math.min(wait * 2, 20);
    }
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    const aside = `${this.lockPath}${randomUUID()}.rename`;
    try {
      renameSync(this.lockPath, aside);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") {
        process.emitWarning(`the lock ${this.lockPath} was removed while this process held it (another process judged it stale)`);
        return;
      }
      throw new StorageError(`cannot release the lock ${this.lockPath}: ${ioReason(error)}`, { cause: error });
    }
    unlinkSync(aside);
  }

  /** Runs `work` holding the lock. */
  withLock<T>(work: () => T): T {
    this.acquire();
    try {
      return work();
    } finally {
      this.release();
    }
  }

  /** Returns true when it removed an abandoned lock (the caller then retries at once). */
  private breakIfStale(): boolean {
    let seen: Stats;
    try {
      seen = lstatSync(this.lockPath);
    } catch {
      return true; // released meanwhile
    }
    if (!this.isAbandoned(seen)) return false;
    // Move it aside and check that it is the lock we judged, not a fresh one taken meanwhile.
    const aside = `${this.lockPath}${randomUUID()}.stale`;
    try {
      renameSync(this.lockPath, aside);
    } catch {
      return true;
    }
    const moved = lstatSync(aside);
    if (moved.ino === seen.ino && moved.mtimeMs === seen.mtimeMs) {
      unlinkSync(aside);
      return true;
    }
    try {
      linkSync(aside, this.lockPath); // put the fresh lock back for its owner
    } catch {
      // A third process created a lock in the instant the path was free: a race that needs three
      // processes breaking the same stale lock at once; its owner's release then warns.
    }
    unlinkSync(aside);
    return false;
  }

  private isAbandoned(stats: Stats): boolean {
    const judgement = this.judge(stats);
    if (judgement === undefined) return false; // released or replaced meanwhile: look again
    if (judgement.holder === "gone") return true;
    const ageMs = Date.now() - stats.mtimeMs;
    if (ageMs <= this.staleMs) return false;
    if (judgement.holder === "alive") {
      this.warnOnce(
        stats,
        `waiting for the lock ${this.lockPath}, held for ${Math.round(ageMs / 1000)} s by process ${judgement.pid}, which is alive`,
      );
      return false;
    }
    if (judgement.optuna) {
      // A scan of /proc costs milliseconds: once a second at most while we wait.
      if (Date.now() - this.lastScanMs < 1000) return false;
      this.lastScanMs = Date.now();
      const openers = processesWithFileOpen(this.targetPath);
      if (openers !== undefined && openers.length > 0) {
        this.warnOnce(
          stats,
          `waiting for the lock ${this.lockPath} (no holder named; process ${openers.join(", ")} has ${this.targetPath} open)`,
        );
        return false;
      }
    }
    process.emitWarning(
      `breaking the lock ${this.lockPath}: ${Math.round(ageMs / 1000)} s old (longer than ${this.staleMs} ms) and its holder ` +
        (judgement.optuna
          ? "is not named (an Optuna lock) and nothing on this host has the file open"
          : "cannot be checked from this host"),
      { code: "HYPERFORCE_LOCK_BROKEN" },
    );
    return true;
  }

  private judge(stats: Stats): Judgement | undefined {
    if (!stats.isFile()) return { holder: "unknown", optuna: true }; // Optuna's symlink lock
    let content: string;
    try {
      content = readFileSync(this.lockPath, "utf8");
    } catch {
      return undefined;
    }
    const holder = parseHolder(content);
    return holder === undefined ? { holder: "unknown", optuna: true } : judgeHolder(holder);
  }

  private warnOnce(stats: Stats, message: string): void {
    if (this.warnedAbout === stats.ino) return;
    this.warnedAbout = stats.ino;
    process.emitWarning(message, { code: "HYPERFORCE_LOCK_WAIT" });
  }
}
