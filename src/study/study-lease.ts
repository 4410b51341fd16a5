/**
 * The controller lease of a study whose sampler keeps a state of its own (REINFORCE, PPO): their
 * policy learns from every trial in order, and two controllers updating one saved policy would
 * overwrite each other's learning. Stateless samplers (random, grid, TPE, GP) read everything from
 * the trials, so any number of processes share their studies without a lease.
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { UsageError } from "../errors/errors.ts";
import { isStudyLease, LEASE_ATTR, LeaseConflictError, leaseHolder, type StudyLease } from "../storage/lease.ts";
import type { Storage } from "../storage/storage.ts";
import type { HeartbeatSettings } from "./heartbeat.ts";

export class StudyLeaseHolder {
  readonly id = `${hostname()}:${process.pid}:${randomUUID()}`;
  private since = 0;
  held = false;
  /** Set when another controller took the lease over (this one was silent for the grace period). */
  lost = false;

  constructor(
    private readonly storage: Storage,
    private readonly studyId: number,
    private readonly studyName: string,
    private readonly samplerName: string,
    private readonly settings: HeartbeatSettings,
  ) {}

  /** Takes the lease if it is free, released or stale; otherwise throws a UsageError saying who holds it. */
  acquire(): void {
    const current = this.current();
    const now = Date.now();
    if (isStudyLease(current) && current.holder !== null && now - current.heartbeat <= this.settings.gracePeriodMs) {
      throw this.refusal(current, now);
    }
    this.since = now;
    try {
      this.write(leaseHolder(current), this.id, now);
    } catch (error) {
      if (error instanceof LeaseConflictError) throw this.refusal(error.current, now);
      throw error;
    }
    this.held = true;
  }

  /** Writes a fresh heartbeat into the lease; false (and `lost`) when another controller has taken it. */
  renew(): boolean {
    if (!this.held) return false;
    try {
      this.write(this.id, this.id, Date.now());
      return true;
    } catch (error) {
      if (!(error instanceof LeaseConflictError)) throw error;
      this.held = false;
      this.lost = true;
      return false;
    }
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    try {
      this.write(this.id, null, Date.now());
    } catch (error) {
      if (!(error instanceof LeaseConflictError)) throw error;
    }
  }

  private current(): unknown {
    this.storage.sync?.();
    return this.storage.findStudy(this.studyName)?.systemAttrs[LEASE_ATTR];
  }

  private write(previous: string | null, holder: string | null, now: number): void {
    const lease: StudyLease = { holder, previous, host: hostname(), pid: process.pid, since: this.since, heartbeat: now };
    this.storage.setStudySystemAttr(this.studyId, LEASE_ATTR, lease);
  }

  private refusal(holder: StudyLease, now: number): UsageError {
    const grace = this.settings.gracePeriodMs;
    const staleAt = new Date(holder.heartbeat + grace).toISOString();
    return new UsageError(
      `study "${this.studyName}" is controlled by another process: host ${holder.host}, pid ${holder.pid}, ` +
        `since ${new Date(holder.since).toISOString()} (last heartbeat ${((now - holder.heartbeat) / 1000).toFixed(1)} s ago). ` +
        `Its sampler (${this.samplerName}) keeps a state that one controller at a time may update. ` +
        "Run trials in parallel from that controller (--workers N, or --executor queue with workers on other machines); " +
        `if that process is gone, run this again after ${staleAt} (its lease is stale once it has had no heartbeat ` +
        `for ${grace / 1000} s) and this process takes the study over`,
    );
  }
}
