/**
 * One way to spread independent jobs over worker threads: the controller calls runJobs with the jobs
 * and a worker module; each thread loads that module, which handles one kind of job by calling
 * handleJobs(handler). A thread runs one job at a time and gets the next job as soon as it is free.
 *
 * - Jobs are read from their iterable only when a thread is free, so a generator can shape the next
 *   job from the results so far (the table build sizes its chunks that way).
 * - Each result is handed to onResult as its job ends, in the order jobs end (progress, appends to a
 *   file that a killed run resumes from).
 * - A job that throws ends the run with a JobFailedError naming that job; so does a thread that
 *   crashes or exits while it runs a job. Every thread is terminated when the run ends, however.
 * - Cancelling (an AbortSignal) starts no new job; the jobs running are told through their context
 *   (cancelled() becomes true at once, across threads) and their results are still delivered.
 */
import { parentPort, type Worker, workerData } from "node:worker_threads";
import { startWorkerThread } from "./worker-thread.ts";

export interface JobRunOptions<Job, Result> {
  /** The worker module that handles these jobs (it calls handleJobs); see moduleBeside in worker-thread.ts. */
  worker: URL;
  jobs: Iterable<Job>;
  /** Threads at most; a thread is started only when there is a job for it. */
  threads: number;
  /** Gets each result as its job ends. An error thrown here ends the run with that error. */
  onResult?: (result: Result, job: Job) => void;
  /** Called after each job ends (after onResult). */
  onProgress?: (progress: JobProgress) => void;
  /** Names a job in error messages ("<name>: <what went wrong>"); default its JSON. */
  describeJob?: (job: Job) => string;
  signal?: AbortSignal;
}

export interface JobProgress {
  finished: number;
  running: number;
  /** Jobs in all, when the jobs were given as an array. */
  total?: number;
}

export interface JobRunSummary {
  /** Jobs that ended with a result. */
  finished: number;
  /** The signal was aborted: some jobs may not have been started, and the running ones were told to stop early. */
  cancelled: boolean;
}

/** A job threw in its thread, or its thread died while running it. */
export class JobFailedError<Job = unknown> extends Error {
  constructor(
    readonly job: Job,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "JobFailedError";
  }
}

/** What a handler can ask while it runs a job. */
export interface JobContext {
  /** True once the run is cancelled: stop at a safe point and return what is done. */
  cancelled(): boolean;
}

/** Controller -> thread. */
interface JobMessage<Job> {
  id: number;
  job: Job;
}

/** Thread -> controller. */
type JobReply<Result> = { id: number; type: "result"; result: Result } | { id: number; type: "error"; name: string; message: string };

/** What every job-runner thread receives as its workerData. */
interface RunnerThreadData {
  jobRunner: { cancelFlag: Int32Array };
}

/** Runs every job on up to `threads` worker threads; resolves once all have ended (or, when cancelled, the running ones). */
export async function runJobs<Job, Result>(options: JobRunOptions<Job, Result>): Promise<JobRunSummary> {
  if (!Number.isInteger(options.threads) || options.threads < 1) throw new Error(`threads must be an integer >= 1, got ${options.threads}`);
  const run = new JobRun(options);
  const cancel = (): void => run.cancel();
  if (options.signal?.aborted) cancel();
  options.signal?.addEventListener("abort", cancel, { once: true });
  try {
    run.start();
    await run.done;
  } finally {
    options.signal?.removeEventListener("abort", cancel);
    await run.close();
  }
  return { finished: run.finished, cancelled: options.signal?.aborted ?? false };
}

interface Thread<Job> {
  worker: Worker;
  /** The job it runs now. */
  current?: JobMessage<Job>;
  /** Terminated by the run (idle, or the run is over): its exit is expected. */
  ending: boolean;
}

/** The state of one runJobs call. */
class JobRun<Job, Result> {
  readonly done: Promise<void>;
  finished = 0;
  private readonly threads = new Set<Thread<Job>>();
  private readonly iterator: Iterator<Job>;
  private readonly total: number | undefined;
  private readonly cancelFlag = new Int32Array(new SharedArrayBuffer(4));
  private readonly describe: (job: Job) => string;
  private nextId = 0;
  private running = 0;
  /** No job is taken any more (the iterator ended, or the run was cancelled). */
  private exhausted = false;
  private iteratorEnded = false;
  private settled = false;
  private readonly terminations: Array<Promise<number>> = [];
  private resolve!: () => void;
  private reject!: (error: unknown) => void;

  constructor(private readonly options: JobRunOptions<Job, Result>) {
    this.iterator = options.jobs[Symbol.iterator]();
    this.total = Array.isArray(options.jobs) ? options.jobs.length : undefined;
    this.describe = options.describeJob ?? ((job) => JSON.stringify(job));
    this.done = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  start(): void {
    this.fill();
  }

  cancel(): void {
    Atomics.store(this.cancelFlag, 0, 1);
    this.exhausted = true;
    this.settleIfIdle();
  }

  /** Terminates every thread left and lets go of the jobs' iterator. */
  async close(): Promise<void> {
    this.settled = true;
    const threads = [...this.threads];
    this.threads.clear();
    for (const thread of threads) thread.ending = true;
    if (!this.iteratorEnded) this.iterator.return?.();
    await Promise.all([...this.terminations, ...threads.map((thread) => thread.worker.terminate())]);
  }

  /** Starts threads while there are jobs and fewer than `threads` of them. */
  private fill(): void {
    while (!this.settled && this.threads.size < this.options.threads) {
      const job = this.takeJob();
      if (job === undefined) break;
      this.startThread(job);
    }
    this.settleIfIdle();
  }

  private takeJob(): JobMessage<Job> | undefined {
    if (this.exhausted) return undefined;
    let next: IteratorResult<Job>;
    try {
      next = this.iterator.next();
    } catch (error) {
      this.exhausted = this.iteratorEnded = true;
      this.fail(error);
      return undefined;
    }
    if (next.done === true) {
      this.exhausted = this.iteratorEnded = true;
      return undefined;
    }
    return { id: this.nextId++, job: next.value };
  }

  private startThread(first: JobMessage<Job>): void {
    const data: RunnerThreadData = { jobRunner: { cancelFlag: this.cancelFlag } };
    const thread: Thread<Job> = { worker: startWorkerThread(this.options.worker, { workerData: data }), ending: false };
    this.threads.add(thread);
    thread.worker.on("message", (reply: JobReply<Result>) => this.onReply(thread, reply));
    thread.worker.on("error", (error: Error) => this.onThreadDeath(thread, `the worker thread crashed: ${error.message}`, error));
    thread.worker.on("exit", (code: number) => this.onThreadDeath(thread, `the worker thread exited with code ${code}`));
    this.send(thread, first);
  }

  private send(thread: Thread<Job>, message: JobMessage<Job>): void {
    thread.current = message;
    this.running++;
    thread.worker.postMessage(message);
  }

  private onReply(thread: Thread<Job>, reply: JobReply<Result>): void {
    const current = thread.current;
    if (this.settled || current === undefined || reply.id !== current.id) return;
    thread.current = undefined;
    this.running--;
    if (reply.type === "error") {
      const cause = Object.assign(new Error(reply.message), { name: reply.name });
      this.fail(new JobFailedError(current.job, `${this.describe(current.job)}: ${reply.message}`, { cause }));
      return;
    }
    this.finished++;
    try {
      this.options.onResult?.(reply.result, current.job);
      const progress: JobProgress = { finished: this.finished, running: this.running };
      if (this.total !== undefined) progress.total = this.total;
      this.options.onProgress?.(progress);
    } catch (error) {
      this.fail(error);
      return;
    }
    const next = this.takeJob();
    if (next !== undefined) this.send(thread, next);
    else this.retire(thread);
    this.settleIfIdle();
  }

  /** A thread with no job left: end it now rather than at the end of the run. */
  private retire(thread: Thread<Job>): void {
    thread.ending = true;
    this.threads.delete(thread);
    this.terminations.push(thread.worker.terminate());
  }

  private onThreadDeath(thread: Thread<Job>, what: string, cause?: Error): void {
    if (thread.ending || this.settled) return;
    thread.ending = true;
    this.threads.delete(thread);
    const current = thread.current;
    if (current === undefined) this.fail(new Error(`a job runner thread died between jobs: ${what}`, { cause }));
    else this.fail(new JobFailedError(current.job, `${this.describe(current.job)}: ${what}`, { cause }));
  }

  private fail(error: unknown): void {
    if (this.settled) return;
    this.settled = true;
    Atomics.store(this.cancelFlag, 0, 1);
    this.reject(error);
  }

  private settleIfIdle(): void {
    if (this.settled || !this.exhausted || this.running > 0) return;
    this.settled = true;
    this.resolve();
  }
}

/**
 * Makes this thread handle the jobs a runJobs call sends it, one at a time, with `handler`. Call it
 * once, at the top level of the worker module. Outside a job-runner thread it does nothing, so the
 * module can also be imported for its exports.
 */
export function handleJobs<Job, Result>(handler: (job: Job, context: JobContext) => Result | Promise<Result>): void {
  const data = workerData as Partial<RunnerThreadData> | undefined;
  if (parentPort === null || data?.jobRunner === undefined) return;
  if (handling) throw new Error("handleJobs was called twice in one thread: a job-runner thread handles one kind of job");
  handling = true;
  const port = parentPort;
  const cancelFlag = data.jobRunner.cancelFlag;
  const context: JobContext = { cancelled: () => Atomics.load(cancelFlag, 0) === 1 };
  port.on("message", async ({ id, job }: JobMessage<Job>) => {
    let reply: JobReply<Result>;
    try {
      reply = { id, type: "result", result: await handler(job, context) };
      port.postMessage(reply);
    } catch (error) {
      const name = error instanceof Error ? error.name : "Error";
      const message = error instanceof Error ? error.message : String(error);
      port.postMessage({ id, type: "error", name, message } satisfies JobReply<Result>);
    }
  });
}

let handling = false;
