/**
 * What this machine can prove about a process from Linux's /proc: which boot and pid namespace we
 * run in, whether a pid is still the process that started at a given tick, and which processes hold
 * a file open. Each answer is undefined where /proc cannot tell (another OS, another user's process).
 */
import { readdirSync, readFileSync, readlinkSync, statSync } from "node:fs";

function readOrUndefined(read: () => string): string | undefined {
  try {
    return read().trim();
  } catch {
    return undefined;
  }
}

/** This boot of this machine: changes at every reboot. */
export function bootId(): string | undefined {
  return readOrUndefined(() => readFileSync("/proc/sys/kernel/random/boot_id", "utf8"));
}

/** The pid namespace we run in (two containers on one kernel have different ones; pids mean nothing across them). */
export function pidNamespace(): string | undefined {
  return readOrUndefined(() => readlinkSync("/proc/self/ns/pid"));
}

/** When the process started, in clock ticks since boot (field 22 of /proc/<pid>/stat): a pid reused later has another. */
export function startTicks(pid: number | "self"): string | undefined {
  const stat = readOrUndefined(() => readFileSync(`/proc/${pid}/stat`, "utf8"));
  if (stat === undefined) return undefined;
  // The command name (field 2) is in parentheses and may hold spaces; fields 3.. follow the last ')'.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return fields[22 - 3];
}

export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * The pids of other processes that hold `path` open, found through /proc/<pid>/fd (same file:
 * same device and inode). Processes whose descriptors we may not read (other users') are not seen;
 * undefined when there is no /proc.
 */
export function processesWithFileOpen(path: string): number[] | undefined {
  let target: { dev: number; ino: number };
  let pids: string[];
  try {
    target = statSync(path);
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  const found: number[] = [];
  for (const pid of pids) {
    if (Number(pid) === process.pid) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const opened = statSync(`/proc/${pid}/fd/${fd}`);
        if (opened.dev === target.dev && opened.ino === target.ino) {
          found.push(Number(pid));
          break;
        }
      } catch {
        // closed meanwhile, or not ours to read
      }
    }
  }
  return found;
}
