/**
 * A study lease: the one controller allowed to drive a study whose sampler keeps a state of its own
 * (an RL policy). It is a study system attribute, so Optuna loads it as one; what makes it a lease
 * is the rule below, checked under the journal's file lock before the write is accepted: a writer
 * names the holder it replaces, and the write is refused when someone else holds the lease by then.
 * That is a compare-and-swap on the journal, so two controllers starting together cannot both win.
 */
import { StorageError } from "../errors/errors.ts";

/** The study system attribute that holds the lease. */
export const LEASE_ATTR = "study_lease";

export interface StudyLease {
  /** Who holds it now (a unique id per controller); null once released. */
  holder: string | null;
  /** The holder this write replaces: null for a free lease, the writer's own id to renew or release. */
  previous: string | null;
  host: string;
  pid: number;
  /** When the holder took it (epoch ms). */
  since: number;
  /** The holder's latest heartbeat (epoch ms). */
  heartbeat: number;
}

/** A lease write refused because another controller holds the lease. */
export class LeaseConflictError extends StorageError {
  constructor(readonly current: StudyLease) {
    super(`the study lease is held by ${current.holder} (host ${current.host}, pid ${current.pid})`);
  }
}

export function isStudyLease(value: unknown): value is StudyLease {
  if (value === null || typeof value !== "object") return false;
  const lease = value as Record<string, unknown>;
  return (
    (typeof lease.holder === "string" || lease.holder === null) &&
    typeof lease.host === "string" &&
    typeof lease.pid === "number" &&
    typeof lease.since === "number" &&
    typeof lease.heartbeat === "number"
  );
}

/** The holder of a stored lease value, or null when there is none (never taken, released, or unreadable). */
export function leaseHolder(value: unknown): string | null {
  return isStudyLease(value) ? value.holder : null;
}

/** The write rule: `next.previous` must name whoever holds the lease now. */
export function checkLeaseSwap(current: unknown, next: unknown): void {
  if (!isStudyLease(next) || !(typeof next.previous === "string" || next.previous === null)) {
    throw new StorageError(`${LEASE_ATTR} must be a lease object {holder, previous, host, pid, since, heartbeat}`);
  }
  const holder = leaseHolder(current);
  if (holder !== next.previous) throw new LeaseConflictError(current as StudyLease);
}
