/**
 * A pool of worker threads for CPU-bound objectives, started once and reused. The objective travels
 * as an ObjectiveSpec (functions cannot cross threads) and the parameters are decided in the
 * controller.
 *
 * Each thread holds up to `queueDepth` trials (default 2): one running and the next one already
 * delivered, so a thread never sits idle while the controller records a result and asks for the next
 * trial (which matters when trials take milliseconds, as the wine task's do). optimize's default
 * concurrency is therefore size x queueDepth.
 *
 * A thread that dies (process.exit, an uncaught error, a fatal fault in the thread) or overruns a
 * trial's time limit is terminated and replaced: the trial it was running fails with the reason, and
 * the trials queued behind it, which never started, go to another thread.
 */
import { availableParallelism } from "node:os";
import type { Worker } from "node:worker_threads";
import { isObjectiveSpec, type ObjectiveSpec } from "../objectives/spec.ts";
import type { SearchSpace } from "../space/types.ts";
import { TrialPruned } from "../trial/pruned.ts";
import type { Objective, Trial } from "../trial/types.ts";
import { type Executor, ExecutorUnavailableError, type TrialJob, TrialTimeoutError } from "./executor.ts";
import { DECISION_GO_ON, DECISION_PRUNE, type RunMessage, type TrialRecords, type WorkerMessage } from "./protocol.ts";
import { moduleBeside, startWorkerThread } from "./worker-thread.ts";

export interface ThreadPoolOptions {
  /** Number of threads; default os.availableParallelism(). */
  size?: number;
  /** Trials delivered to a thread at once (running + waiting there); default 2, 1 to disable. */
  queueDepth?: number;
}

const BOOT_FAILURE_LIMIT = 3;

interface PendingJob {
  jobId: number;
  job: TrialJob;
  message: RunMessage;
  resolve(value: unknown): void;
  reject(error: Error): void;
  /** The worker called the objective (its time limit runs from then). */
  started: boolean;
  timer?: NodeJS.Timeout;
}

interface Slot {
  worker: Worker;
  /** Delivered to this thread, in order; the first one is running once started. */
  jobs: PendingJob[];
  /** Set when the thread is being terminated: it takes no more trials. */
  ending: boolean;
  /** The thread loaded its entry (a thread that dies before that could not start at all). */
  ready: boolean;
  /** Terminated by the pool after failing its running trial (time limit): every trial left in it is intact. */
  abandoned?: boolean;
  crashError?: string;
}

/** The trial-running entry beside this module (worker.js when built, worker.ts under tsx). */
function startWorker(): Worker {
  return startWorkerThread(moduleBeside(import.meta.url, "worker"));
}

export class ThreadPoolExecutor implements Executor {
  readonly name = "threads";
  /** Number of threads. */
  readonly size: number;
  readonly queueDepth: number;
  private readonly slots = new Set<Slot>();
  /** Trials waiting for a thread with room. */
  private readonly queue: PendingJob[] = [];
  private nextJobId = 0;
  private closed = false;
  /** Threads in a row that died before loading their entry; at BOOT_FAILURE_LIMIT the pool gives up. */
  private bootFailures = 0;
  private broken: ExecutorUnavailableError | undefined;
  private started = false;

  constructor(options: ThreadPoolOptions = {}) {
    const size = options.size ?? availableParallelism();
    if (!Number.isInteger(size) || size < 1) throw new Error(`the thread pool size must be an integer >= 1, got ${size}`);
    const queueDepth = options.queueDepth ?? 2;
    if (!Number.isInteger(queueDepth) || queueDepth < 1)
      throw new Error(`the thread pool queueDepth must be an integer >= 1, got ${queueDepth}`);
    this.size = size;
    this.queueDepth = queueDepth;
  }

  get defaultConcurrency(): number {
    return this.size * this.queueDepth;
  }

  check(objective: Objective | ObjectiveSpec, space: SearchSpace | undefined): void {
    if (typeof objective === "function" || !isObjectiveSpec(objective)) {
      throw new Error(
        "the thread pool runs objectives in worker threads, which cannot receive a function: " +
          'give an ObjectiveSpec ({ kind: "module", path, exportName } or { kind: "task", task })',
      );
    }
    if (space === undefined) {
      throw new Error(
        "the thread pool needs the study's search space declared up front (createStudy({ space })): " +
          "worker threads get their parameters from the controller",
      );
    }
  }

  /** Threads currently alive (replacements included). */
  get threadCount(): number {
    return this.slots.size;
  }

  run(job: TrialJob): Promise<unknown> {
    if (this.closed) return Promise.reject(new ExecutorUnavailableError("this thread pool is closed"));
    if (this.broken !== undefined) return Promise.reject(this.broken);
    const objective = job.objective;
    if (typeof objective === "function")
      return Promise.reject(new Error("the thread pool cannot run a function objective; give an ObjectiveSpec"));
    this.start();
    return new Promise<unknown>((resolve, reject) => {
      const jobId = this.nextJobId++;
      const message: RunMessage = {
        type: "run",
        jobId,
        trialNumber: job.trial.number,
        params: job.params,
        distributions: job.distributions,
        objective,
        pruning: job.trial.pruning,
        decision: new SharedArrayBuffer(4),
      };
      this.queue.push({ jobId, job, message, resolve, reject, started: false });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const closing = new Error("the thread pool was closed before the trial finished");
    for (const pending of this.queue.splice(0)) pending.reject(closing);
    const slots = [...this.slots];
    this.slots.clear();
    await Promise.all(
      slots.map((slot) => {
        slot.ending = true;
        for (const pending of slot.jobs.splice(0)) end(pending, () => pending.reject(closing));
        return slot.worker.terminate();
      }),
    );
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    for (let i = 0; i < this.size; i++) this.spawn();
  }

  private spawn(): void {
    const worker = startWorker();
    const slot: Slot = { worker, jobs: [], ending: false, ready: false };
    this.slots.add(slot);
    worker.on("message", (message: WorkerMessage) => this.onMessage(slot, message));
    worker.on("error", (error) => {
      slot.crashError = error instanceof Error ? error.message : String(error);
    });
    worker.on("exit", (code) => this.onExit(slot, code));
    // An idle pool does not keep the process alive; close() is still the clean way out.
    worker.unref();
  }

  /** Delivers waiting trials to the least loaded threads that have room. */
  private dispatch(): void {
    while (this.queue.length > 0) {
      let best: Slot | undefined;
      for (const slot of this.slots) {
        if (slot.ending || slot.jobs.length >= this.queueDepth) continue;
        if (best === undefined || slot.jobs.length < best.jobs.length) best = slot;
      }
      if (best === undefined) return;
      const pending = this.queue.shift()!;
      best.jobs.push(pending);
      best.worker.ref();
      best.worker.postMessage(pending.message);
    }
  }

  private onMessage(slot: Slot, message: WorkerMessage): void {
    if (message.type === "ready") {
      slot.ready = true;
      this.bootFailures = 0;
      return;
    }
    const pending = slot.jobs.find((job) => job.jobId === message.jobId);
    if (pending === undefined) return; // a late message about a trial already ended here
    if (message.type === "started") {
      pending.started = true;
      if (pending.job.timeoutMs !== undefined) {
        const limit = pending.job.timeoutMs;
        pending.timer = setTimeout(() => this.abandon(slot, pending, new TrialTimeoutError(limit)), limit);
      }
      return;
    }
    try {
      applyRecords(pending.job.trial, message);
    } catch (error) {
      // The controller could not store what the objective recorded: the trial fails with that reason.
      const failure = error instanceof Error ? error : new Error(String(error));
      if (message.type === "progress") this.abandon(slot, pending, failure);
      else this.finish(slot, pending, () => pending.reject(failure));
      return;
    }
    if (message.type === "prune?") answerPrune(pending.job.trial, pending.message.decision);
    else if (message.type === "result") this.finish(slot, pending, () => pending.resolve(message.value));
    else if (message.type === "error") {
      const error = message.name === "TrialPruned" ? new TrialPruned(message.message) : new Error(message.message);
      this.finish(slot, pending, () => pending.reject(error));
    }
  }

  /** A trial ended normally in this thread: settle it and fill the room it left. */
  private finish(slot: Slot, pending: PendingJob, settle: () => void): void {
    slot.jobs.splice(slot.jobs.indexOf(pending), 1);
    end(pending, settle);
    if (slot.jobs.length === 0) slot.worker.unref();
    this.dispatch();
  }

  /** Fails a running trial now and ends its thread (the objective may still be running there); exit replaces it. */
  private abandon(slot: Slot, pending: PendingJob, error: Error): void {
    slot.jobs.splice(slot.jobs.indexOf(pending), 1);
    end(pending, () => pending.reject(error));
    slot.ending = true;
    slot.abandoned = true;
    void slot.worker.terminate();
  }

  private onExit(slot: Slot, code: number): void {
    this.slots.delete(slot);
    slot.ending = true;
    const orphans = slot.jobs.splice(0);
    const waiting: PendingJob[] = [];
    orphans.forEach((pending, index) => {
      // The thread was busy with its first trial (running it, or loading its objective) when it died.
      const wasBusyWithIt = pending.started || (index === 0 && slot.abandoned !== true);
      if (!wasBusyWithIt) {
        waiting.push(pending);
        return;
      }
      const cause = slot.crashError !== undefined ? `: ${slot.crashError}` : ` with code ${code}`;
      end(pending, () => pending.reject(new Error(`the worker thread running trial ${pending.job.trial.number} crashed${cause}`)));
    });
    if (this.closed) return;
    // Trials delivered but never started go first to the replacement or another thread.
    this.queue.unshift(...waiting);
    if (!slot.ready && ++this.bootFailures >= BOOT_FAILURE_LIMIT) {
      // Threads cannot even start (a broken install, a missing loader): stop respawning and say why.
      this.broken = new ExecutorUnavailableError(
        `worker threads fail to start (${this.bootFailures} in a row): ${slot.crashError ?? `exit code ${code}`}`,
      );
      for (const pending of this.queue.splice(0)) end(pending, () => pending.reject(this.broken!));
      return;
    }
    this.spawn();
    this.dispatch();
  }
}

/** Settles a trial once, stopping its clock. */
function end(pending: PendingJob, settle: () => void): void {
  clearTimeout(pending.timer);
  settle();
}

/** A trial whose pruner answers later, over a network (a queue worker's trial asks its controller through Redis). */
export interface RemotePruneDecision {
  decidePrune(): Promise<boolean>;
}

/** Tells the blocked worker what the pruner decided (going on when the question itself fails: the result will say why). */
function answerPrune(trial: Trial, decision: SharedArrayBuffer): void {
  const view = new Int32Array(decision);
  const answer = (prune: boolean) => {
    Atomics.store(view, 0, prune ? DECISION_PRUNE : DECISION_GO_ON);
    Atomics.notify(view, 0);
  };
  const remote = trial as Trial & Partial<RemotePruneDecision>;
  if (typeof remote.decidePrune === "function") {
    remote.decidePrune().then(answer, () => answer(false));
    return;
  }
  try {
    answer(trial.shouldPrune());
  } catch {
    answer(false);
  }
}

/** Writes what the worker recorded into the controller's trial. */
function applyRecords(trial: Trial, records: TrialRecords): void {
  for (const [step, value] of records.reports) trial.report(step, value);
  for (const [key, value] of records.userAttrs) trial.setUserAttr(key, value);
}
