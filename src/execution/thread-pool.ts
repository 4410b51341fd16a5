/**
 * A pool of worker threads for CPU-bound objectives, started once and reused. The objective travels
 * as an ObjectiveSpec (functions cannot cross threads) and the parameters are decided in the
 * controller. A worker that dies (process.exit, an uncaught error, a fatal fault in the thread) or
 * overruns the trial's time limit is terminated and replaced; its trial fails with the reason.
 */
import { availableParallelism } from "node:os";
import { extname } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { SearchSpace } from "../space/types.ts";
import type { Objective } from "../study/types.ts";
import { TrialPruned } from "../study/errors.ts";
import { isObjectiveSpec, type ObjectiveSpec } from "../objectives/spec.ts";
import { TrialTimeoutError, type Executor, type TrialJob } from "./executor.ts";
import type { RunMessage, WorkerMessage } from "./protocol.ts";

export interface ThreadPoolOptions {
  /** Number of threads; default os.availableParallelism(). */
  size?: number;
}

interface PendingJob {
  jobId: number;
  job: TrialJob;
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer?: NodeJS.Timeout;
}

interface Slot {
  worker: Worker;
  pending?: PendingJob;
  /** Why the thread is going away, once known (crash message, timeout). */
  ending?: string;
  crashError?: string;
}

/**
 * Starts the worker entry that sits beside this module, with this module's extension: worker.js in
 * the built package, worker.ts when running the TypeScript sources under tsx. Node 20 does not apply
 * the parent's loader hooks to a worker's entry file, so under TypeScript a tiny ES-module bootstrap
 * registers tsx inside the thread first and then imports worker.ts.
 */
function startWorker(): Worker {
  const extension = extname(fileURLToPath(import.meta.url));
  const entry = new URL(`./worker${extension}`, import.meta.url);
  if (extension !== ".ts") return new Worker(entry);
  const tsxApi = import.meta.resolve("tsx/esm/api");
  const bootstrap = `import { register } from ${JSON.stringify(tsxApi)}; register(); await import(${JSON.stringify(entry.href)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`));
}

export class ThreadPoolExecutor implements Executor {
  readonly name = "threads";
  readonly size: number;
  private readonly slots = new Set<Slot>();
  private readonly idle: Slot[] = [];
  private readonly waiting: Array<(slot: Slot) => void> = [];
  private nextJobId = 0;
  private closed = false;
  private started = false;

  constructor(options: ThreadPoolOptions = {}) {
    const size = options.size ?? availableParallelism();
    if (!Number.isInteger(size) || size < 1) throw new Error(`the thread pool size must be an integer >= 1, got ${size}`);
    this.size = size;
  }

  check(objective: Objective | ObjectiveSpec, space: SearchSpace | undefined): void {
    if (typeof objective === "function" || !isObjectiveSpec(objective)) {
      throw new Error(
        'the thread pool runs objectives in worker threads, which cannot receive a function: give an ObjectiveSpec ({ kind: "module", path, exportName } or { kind: "task", task })',
      );
    }
    if (space === undefined) {
      throw new Error("the thread pool needs the study's search space declared up front (createStudy({ space })): worker threads get their parameters from the controller");
    }
  }

  /** Threads currently alive (replacements included). */
  get threadCount(): number {
    return this.slots.size;
  }

  async run(job: TrialJob): Promise<unknown> {
    if (this.closed) throw new Error("this thread pool is closed");
    const objective = job.objective;
    if (typeof objective === "function") throw new Error("the thread pool cannot run a function objective; give an ObjectiveSpec");
    this.start();
    const slot = await this.acquire();
    slot.worker.ref();
    return new Promise<unknown>((resolve, reject) => {
      // The time limit starts when the worker reports the objective loaded and called ("started").
      const pending: PendingJob = { jobId: this.nextJobId++, job, resolve, reject };
      slot.pending = pending;
      const message: RunMessage = {
        type: "run",
        jobId: pending.jobId,
        trialNumber: job.trial.number,
        params: job.params,
        distributions: job.distributions,
        objective,
      };
      slot.worker.postMessage(message);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const slots = [...this.slots];
    this.slots.clear();
    this.idle.length = 0;
    await Promise.all(
      slots.map((slot) => {
        slot.ending = "closed";
        this.settle(slot, (pending) => pending.reject(new Error(`the thread pool was closed while trial ${pending.job.trial.number} was running`)));
        return slot.worker.terminate();
      }),
    );
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    for (let i = 0; i < this.size; i++) this.release(this.spawn());
  }

  private spawn(): Slot {
    const worker = startWorker();
    const slot: Slot = { worker };
    this.slots.add(slot);
    worker.on("message", (message: WorkerMessage) => this.onMessage(slot, message));
    worker.on("error", (error) => {
      slot.crashError = error instanceof Error ? error.message : String(error);
    });
    worker.on("exit", (code) => this.onExit(slot, code));
    return slot;
  }

  private onMessage(slot: Slot, message: WorkerMessage): void {
    const pending = slot.pending;
    if (pending === undefined || pending.jobId !== message.jobId) return;
    const trial = pending.job.trial;
    switch (message.type) {
      case "started":
        if (pending.job.timeoutMs !== undefined) {
          const limit = pending.job.timeoutMs;
          pending.timer = setTimeout(() => {
            this.settle(slot, (job) => job.reject(new TrialTimeoutError(limit)));
            slot.ending = "timeout";
            void slot.worker.terminate();
          }, limit);
        }
        return;
      case "report":
        ignoreAfterEnd(() => trial.report(message.step, message.value));
        return;
      case "userAttr":
        ignoreAfterEnd(() => trial.setUserAttr(message.key, message.value));
        return;
      case "result":
        this.settle(slot, (job) => job.resolve(message.value));
        this.release(slot);
        return;
      case "error": {
        const error = message.name === "TrialPruned" ? new TrialPruned(message.message) : new Error(message.message);
        this.settle(slot, (job) => job.reject(error));
        this.release(slot);
        return;
      }
    }
  }

  private onExit(slot: Slot, code: number): void {
    this.slots.delete(slot);
    const at = this.idle.indexOf(slot);
    if (at >= 0) this.idle.splice(at, 1);
    this.settle(slot, (pending) => {
      const cause = slot.crashError !== undefined ? `: ${slot.crashError}` : ` with code ${code}`;
      pending.reject(new Error(`the worker thread running trial ${pending.job.trial.number} crashed${cause}`));
    });
    if (!this.closed) this.release(this.spawn());
  }

  /** Ends the slot's pending job once (the first of result, error, timeout, crash wins). */
  private settle(slot: Slot, end: (pending: PendingJob) => void): void {
    const pending = slot.pending;
    if (pending === undefined) return;
    slot.pending = undefined;
    clearTimeout(pending.timer);
    end(pending);
  }

  private acquire(): Promise<Slot> {
    const slot = this.idle.shift();
    if (slot !== undefined) return Promise.resolve(slot);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(slot: Slot): void {
    if (slot.ending !== undefined || !this.slots.has(slot)) return;
    const next = this.waiting.shift();
    if (next !== undefined) next(slot);
    else {
      // An idle pool does not keep the process alive; close() is still the clean way out.
      slot.worker.unref();
      this.idle.push(slot);
    }
  }
}

/** A worker's late report for a trial the controller already ended is dropped, not an error. */
function ignoreAfterEnd(write: () => void): void {
  try {
    write();
  } catch {
    // The trial finished (timed out, or failed): nothing more to record.
  }
}
