/**
 * Heartbeats (Optuna's heartbeat_interval / grace_period idea, kept where Optuna 3.1's journal can
 * load it: a trial system attribute). A process writes the time into each of its RUNNING trials
 * every interval; a RUNNING trial whose latest heartbeat (or start, before its first one) is older
 * than the grace period belongs to a process that stopped, and any process on the study fails it.
 * A trial that is never older than the grace period is never failed, so live trials of other
 * processes are left alone. Clocks of machines sharing a study must agree to well within the grace period.
 */
import { UsageError } from "../errors/errors.ts";
import type { FrozenTrial } from "../trial/types.ts";
import { TRIAL_ATTR } from "./attrs.ts";

export interface HeartbeatOptions {
  /** How often a running trial's heartbeat is written (and stale trials are looked for); default 10 s. */
  intervalMs?: number;
  /** A RUNNING trial with no heartbeat for longer than this is failed as interrupted; default 60 s. */
  gracePeriodMs?: number;
}

export interface HeartbeatSettings {
  intervalMs: number;
  gracePeriodMs: number;
}

export const DEFAULT_HEARTBEAT_INTERVAL_MS = 10_000;
export const DEFAULT_GRACE_PERIOD_MS = 60_000;

export function heartbeatSettings(options: HeartbeatOptions = {}): HeartbeatSettings {
  const intervalMs = options.intervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS;
  const gracePeriodMs = options.gracePeriodMs ?? Math.max(DEFAULT_GRACE_PERIOD_MS, 2 * intervalMs);
  for (const [name, value] of [
    ["heartbeat interval", intervalMs],
    ["grace period", gracePeriodMs],
  ] as const) {
    if (!(Number.isFinite(value) && value > 0)) throw new UsageError(`the ${name} must be a positive number of milliseconds, got ${value}`);
  }
  if (gracePeriodMs <= intervalMs) {
    throw new UsageError(
      `the grace period (${gracePeriodMs} ms) must be longer than the heartbeat interval (${intervalMs} ms), ` +
        "or live trials would be failed between two heartbeats",
    );
  }
  return { intervalMs, gracePeriodMs };
}

/** When the trial last showed it was alive: its latest heartbeat, else its start. */
export function lastSignOfLife(trial: FrozenTrial): number {
  const beat = trial.systemAttrs[TRIAL_ATTR.heartbeat];
  return Math.max(typeof beat === "number" ? beat : 0, trial.datetimeStart ?? 0);
}

/** A RUNNING trial nobody has vouched for within the grace period. */
export function isStale(trial: FrozenTrial, now: number, gracePeriodMs: number): boolean {
  return trial.state === "RUNNING" && now - lastSignOfLife(trial) > gracePeriodMs;
}

/** Calls `tick` every interval while `needed()` holds; the timer never keeps the process alive. */
export class HeartbeatTimer {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly tick: () => void,
    private readonly needed: () => boolean,
  ) {}

  /** Starts or stops the timer to match `needed()`. */
  update(): void {
    if (this.needed() && this.timer === undefined) {
      this.timer = setInterval(() => {
        this.tick();
        this.update();
      }, this.intervalMs);
      this.timer.unref();
    } else if (!this.needed() && this.timer !== undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}
