/**
 * An exclusive lock on a file shared with Optuna: `<file>.lock` created with O_CREAT|O_EXCL
 * (Optuna's JournalFileOpenLock; its JournalFileSymlinkLock uses the same path, so the two
 * exclude each other too), released by renaming it to a unique name and unlinking that.
 *
 * A lock left by a killed process is broken: at once when it names a process of this host that no
 * longer exists, otherwise when it is older than `staleMs`. (Optuna itself never breaks a lock;
 * hyperforce does so that a SIGKILL never blocks a study forever.)
 */
import { randomUUID } from "node:crypto";
import { closeSync, constants, linkSync, lstatSync, openSync, readFileSync, renameSync, type Stats, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { ioReason, StorageError, UsageError } from "../errors/errors.ts";

export interface FileLockOptions {
  /** A lock older than this is taken to be abandoned. Default 10000 ms. */
  staleMs?: number;
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
function sleep(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

export class FileLock {
  readonly lockPath: string;
  private readonly staleMs: number;
  private held = false;

  constructor(targetPath: string, options: FileLockOptions = {}) {
    this.lockPath = `${targetPath}.lock`;
    this.staleMs = options.staleMs ?? 10_000;
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
          writeSync(fd, `${process.pid} ${hostname()}\n`);
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
    if (stats.isFile()) {
      let content = "";
      try {
        content = readFileSync(this.lockPath, "utf8");
      } catch {
        return false;
      }
      const [pid, host] = content.trim().split(" ");
      if (host === hostname() && /^\d+$/.test(pid)) return !processExists(Number(pid));
    }
    // Optuna's locks (empty file or symlink) and other hosts' locks: judged by age.
    return Date.now() - stats.mtimeMs > this.staleMs;
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
