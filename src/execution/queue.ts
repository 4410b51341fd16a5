/**
 * The controller's side of distributed trials: each trial becomes a BullMQ job in Redis, taken by
 * any `hyperforce worker` process on any machine. The study (and its sampler) stays here; the
 * parameters are decided here and travel with the objective's spec.
 *
 * A trial is resolved once: results arrive through QueueEvents, and a periodic look at the pending
 * jobs catches whatever an event stream could miss (a reconnect). A duplicate or late result of a
 * trial already resolved finds nothing pending and is ignored. Jobs are removed once their result is
 * recorded, so a finished trial is never run again.
 *
 * With a pruner, each shouldPrune question a worker writes into the job's progress is answered once
 * per attempt: the reports before it are recorded, the study's pruner decides, and the answer goes
 * on the job's answer list (queue-protocol.ts).
 */
import { randomUUID } from "node:crypto";
import { Job, Queue, QueueEvents } from "bullmq";
import { Redis, type RedisOptions } from "ioredis";
import { isObjectiveSpec, type ObjectiveSpec, parseObjectiveSpec } from "../objectives/spec.ts";
import type { SearchSpace } from "../space/types.ts";
import { TrialPruned } from "../trial/pruned.ts";
import type { Objective, Trial } from "../trial/types.ts";
import type { Executor, TrialJob } from "./executor.ts";
import {
  DEFAULT_QUEUE_NAME,
  fromWire,
  PRUNE_ANSWER_TTL_MS,
  type PruneAnswer,
  pruneAnswerKey,
  type QueueJobData,
  type QueueJobProgress,
  type QueueJobResult,
  studyJobPrefix,
  TRIAL_JOB_NAME,
  trialJobId,
  type WorkerInfo,
  workerIndexKey,
  workerRegistryKey,
} from "./queue-protocol.ts";
import { bullConnection, checkRedis, redisEndpoint, scrubPassword } from "./queue-redis.ts";

export interface QueueExecutorOptions {
  /** A redis:// URL or ioredis connection options; default: env REDIS_URL, else redis://127.0.0.1:6379. */
  redis?: string | RedisOptions;
  /** Default "hyperforce"; the workers must take jobs from the same queue. */
  queueName?: string;
  /** How many times an objective that throws is run again (by any worker) before the trial is FAIL; default 0. */
  maxRetries?: number;
  /** The study's name when the TrialJob does not carry it (optimize passes it). */
  studyName?: string;
  /** How often pending jobs are looked at besides the events, in ms; default 1000. */
  pollIntervalMs?: number;
  /** Warn when trials wait and no worker is alive; default stderr. Lines never hold a password. */
  log?: (line: string) => void;
}

interface Pending {
  trial: Trial;
  trialNumber: number;
  resolve(value: unknown): void;
  reject(error: Error): void;
  /** Attempt and counts of reports / user attributes already written into the trial, and the last question answered. */
  applied: { attempt: number; reports: number; userAttrs: number; answered: number };
  /** An inspection of the job is under way. */
  inspecting?: Promise<void>;
  /** Something happened to the job during that inspection: look again once it ends. */
  again?: boolean;
}

interface Connected {
  queue: Queue;
  events: QueueEvents;
  registry: Redis;
}

export class QueueExecutor implements Executor {
  readonly name = "queue";
  readonly queueName: string;
  /** The Redis URL with any password masked. */
  readonly where: string;
  private readonly url: string;
  private readonly connection: RedisOptions;
  private readonly maxRetries: number;
  private readonly pollIntervalMs: number;
  private readonly log: (line: string) => void;
  private readonly defaultStudy: string | undefined;
  private readonly token = randomUUID();
  private readonly pending = new Map<string, Pending>();
  private readonly cleanedStudies = new Map<string, Promise<void>>();
  private connecting: Promise<Connected> | undefined;
  private poller: NodeJS.Timeout | undefined;
  private warnedNoWorker = false;
  private closed = false;

  constructor(options: QueueExecutorOptions = {}) {
    ({ connection: this.connection, url: this.url, where: this.where } = redisEndpoint(options.redis));
    this.queueName = checkQueueName(options.queueName ?? DEFAULT_QUEUE_NAME);
    const maxRetries = options.maxRetries ?? 0;
    if (!Number.isInteger(maxRetries) || maxRetries < 0) throw new Error(`maxRetries must be an integer >= 0, got ${maxRetries}`);
    this.maxRetries = maxRetries;
    const poll = options.pollIntervalMs ?? 1000;
    if (!(Number.isFinite(poll) && poll > 0)) throw new Error(`pollIntervalMs must be a positive number of milliseconds, got ${poll}`);
    this.pollIntervalMs = poll;
    if (options.studyName !== undefined && (typeof options.studyName !== "string" || options.studyName === "")) {
      throw new Error("studyName must be a non-empty string");
    }
    this.defaultStudy = options.studyName;
    this.log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
  }

  check(objective: Objective | ObjectiveSpec, space: SearchSpace | undefined): void {
    if (typeof objective === "function" || !isObjectiveSpec(objective)) {
      throw new Error(
        "the queue executor sends trials to worker processes (hyperforce worker), which cannot receive a function: " +
          'give an ObjectiveSpec ({ kind: "task", task }, { kind: "module", path, exportName }, ...) that every worker can load',
      );
    }
    parseObjectiveSpec(objective);
    if (space === undefined) {
      throw new Error(
        "the queue executor needs the study's search space declared up front (createStudy({ space })): " +
          "workers get their parameters from the controller",
      );
    }
  }

  /** Workers that renewed their registry key recently (a worker's key expires when it stops). */
  async liveWorkers(): Promise<WorkerInfo[]> {
    const { registry } = await this.connect();
    const ids = (await registry.smembers(workerIndexKey(this.queueName))).sort();
    if (ids.length === 0) return [];
    const values = await registry.mget(...ids.map((id) => workerRegistryKey(this.queueName, id)));
    const workers: WorkerInfo[] = [];
    const gone: string[] = [];
    values.forEach((value, i) => {
      if (value === null) gone.push(ids[i]);
      else workers.push(JSON.parse(value) as WorkerInfo);
    });
    if (gone.length > 0) await registry.srem(workerIndexKey(this.queueName), ...gone);
    return workers;
  }

  async run(job: TrialJob): Promise<unknown> {
    if (this.closed) throw new Error("this queue executor is closed");
    const objective = job.objective;
    if (typeof objective === "function" || !isObjectiveSpec(objective))
      throw new Error("the queue executor cannot run a function objective; give an ObjectiveSpec");
    const study = job.studyName ?? this.defaultStudy;
    if (study === undefined)
      throw new Error("the queue executor needs the study's name to key its jobs: run it through study.optimize, or pass studyName");
    const { queue } = await this.connect();
    await this.cleanLeftovers(study);
    const jobId = trialJobId(study, job.trial.number);
    if (this.pending.has(jobId)) throw new Error(`trial ${job.trial.number} of study "${study}" is already on queue "${this.queueName}"`);
    const data: QueueJobData = {
      study,
      trialNumber: job.trial.number,
      params: job.params,
      distributions: job.distributions,
      objective,
      controller: this.token,
      ...(job.timeoutMs !== undefined ? { timeoutMs: job.timeoutMs } : {}),
      ...(job.trial.pruning ? { pruning: true } : {}),
    };
    const result = new Promise<unknown>((resolve, reject) => {
      this.pending.set(jobId, {
        trial: job.trial,
        trialNumber: job.trial.number,
        resolve,
        reject,
        applied: { attempt: -1, reports: 0, userAttrs: 0, answered: 0 },
      });
    });
    try {
      await this.enqueue(queue, jobId, data);
    } catch (error) {
      this.settle(jobId, (pending) => pending.reject(this.describe(error)));
    }
    this.startPolling();
    return result;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.poller);
    for (const jobId of [...this.pending.keys()]) {
      this.settle(jobId, (pending) =>
        pending.reject(new Error(`the queue executor was closed while trial ${pending.trialNumber} was on queue "${this.queueName}"`)),
      );
    }
    const connecting = this.connecting;
    if (connecting === undefined) return;
    const connected = await connecting.catch(() => undefined);
    if (connected === undefined) return;
    await Promise.allSettled([connected.events.close(), connected.queue.close()]);
    connected.registry.disconnect();
  }

  private connect(): Promise<Connected> {
    if (this.connecting === undefined) {
      const opening = this.open();
      this.connecting = opening;
      // A Redis that could not be reached is tried again by the next trial.
      opening.catch(() => {
        if (this.connecting === opening) this.connecting = undefined;
      });
    }
    return this.connecting;
  }

  private async open(): Promise<Connected> {
    const serverMs = await checkRedis(this.url, this.connection);
    const queue = new Queue(this.queueName, { connection: bullConnection(this.connection) });
    // Events from the moment of connection on: a job added afterwards cannot finish unseen.
    const events = new QueueEvents(this.queueName, { connection: bullConnection(this.connection), lastEventId: `${serverMs - 1}-0` });
    const registry = new Redis({ ...this.connection });
    const quiet = (error: unknown) => {
      if (!this.closed) this.log(`queue executor (${this.where}, queue "${this.queueName}"): ${this.describe(error).message}`);
    };
    queue.on("error", quiet);
    events.on("error", quiet);
    registry.on("error", () => undefined);
    events.on("completed", ({ jobId }) => this.inspectSoon(jobId));
    events.on("failed", ({ jobId }) => this.inspectSoon(jobId));
    events.on("progress", ({ jobId, data }) => {
      const pending = this.pending.get(jobId);
      if (pending !== undefined) this.apply(jobId, pending, data as QueueJobProgress);
    });
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    return { queue, events, registry };
  }

  /** Adds the trial's job; a job left under the same id by another controller is removed first (or refused when it runs). */
  private async enqueue(queue: Queue, jobId: string, data: QueueJobData): Promise<void> {
    const options = { jobId, attempts: this.maxRetries + 1, removeOnComplete: false, removeOnFail: false };
    await queue.add(TRIAL_JOB_NAME, data, options);
    const stored = await Job.fromId<QueueJobData>(queue, jobId);
    if (stored === undefined || stored.data?.controller === this.token) return;
    const state = await stored.getState();
    if (state === "active") {
      throw new Error(
        `queue "${this.queueName}" already runs a job for trial ${data.trialNumber} of study "${data.study}" from another controller; ` +
          "give the study another name or use another queue",
      );
    }
    await stored.remove();
    await queue.add(TRIAL_JOB_NAME, data, options);
  }

  /**
   * Once per study and executor: jobs of the study left waiting by a controller that stopped are
   * removed (their trials were marked FAIL when the study was resumed). Jobs a worker is running
   * finish on their own; nothing is pending for them here, so their results are ignored.
   */
  private cleanLeftovers(study: string): Promise<void> {
    let cleaning = this.cleanedStudies.get(study);
    if (cleaning === undefined) {
      cleaning = (async () => {
        const { queue } = await this.connect();
        const prefix = studyJobPrefix(study);
        const jobs = await queue.getJobs(["waiting", "delayed", "prioritized", "completed", "failed"]);
        for (const job of jobs) {
          if (job?.id === undefined || !job.id.startsWith(prefix) || (job.data as QueueJobData | undefined)?.controller === this.token)
            continue;
          await job.remove().catch(() => undefined);
        }
      })();
      this.cleanedStudies.set(study, cleaning);
      const attempt = cleaning;
      attempt.catch(() => {
        if (this.cleanedStudies.get(study) === attempt) this.cleanedStudies.delete(study);
      });
    }
    return cleaning;
  }

  private startPolling(): void {
    if (this.poller !== undefined || this.closed) return;
    this.poller = setInterval(() => void this.poll(), this.pollIntervalMs);
    // Only the trials' promises keep the process alive, not the poll.
    this.poller.unref();
  }

  private async poll(): Promise<void> {
    if (this.pending.size === 0) return;
    for (const jobId of [...this.pending.keys()]) this.inspectSoon(jobId);
    if (this.warnedNoWorker) return;
    try {
      const workers = await this.liveWorkers();
      if (workers.length === 0 && this.pending.size > 0 && !this.closed) {
        this.warnedNoWorker = true;
        this.log(
          `queue executor: ${this.pending.size} trial(s) wait on queue "${this.queueName}" at ${this.where} and no worker is alive; ` +
            `start one with: hyperforce worker --redis ${this.where} --queue ${this.queueName}`,
        );
      }
    } catch {
      // The next poll tries again.
    }
  }

  private inspectSoon(jobId: string): void {
    const pending = this.pending.get(jobId);
    if (pending === undefined) return;
    if (pending.inspecting !== undefined) {
      pending.again = true;
      return;
    }
    pending.again = false;
    pending.inspecting = this.inspect(jobId, pending)
      .catch((error) => {
        if (!this.closed) this.log(`queue executor: looking at trial ${pending.trialNumber} failed: ${this.describe(error).message}`);
      })
      .finally(() => {
        pending.inspecting = undefined;
        if (pending.again === true) this.inspectSoon(jobId);
      });
  }

  /**
   * Reads the job (one read: BullMQ writes the result and finishedOn together, when the job leaves
   * the active state for good). A finished one resolves its trial, once, and is removed from the queue.
   */
  private async inspect(jobId: string, pending: Pending): Promise<void> {
    const { queue } = await this.connect();
    const job = await Job.fromId<QueueJobData, QueueJobResult>(queue, jobId);
    if (this.pending.get(jobId) !== pending) return;
    if (job === undefined) {
      this.settle(jobId, (p) =>
        p.reject(new Error(`the job of trial ${p.trialNumber} disappeared from queue "${this.queueName}" (removed or obliterated)`)),
      );
      return;
    }
    if (isProgress(job.progress)) this.apply(jobId, pending, job.progress);
    if (job.finishedOn === undefined || job.finishedOn === null) return;
    const result = job.returnvalue as QueueJobResult | null | undefined;
    this.settle(jobId, (p) => {
      if (result !== null && typeof result === "object" && "pruned" in result) p.reject(new TrialPruned(result.pruned));
      else if (result !== null && typeof result === "object" && "value" in result) p.resolve(fromWire(result.value));
      else
        p.reject(
          new Error(job.failedReason === undefined || job.failedReason === "" ? "the job failed without a reason" : job.failedReason),
        );
    });
    await job.remove().catch(() => undefined);
  }

  /**
   * Writes reports and user attributes the controller has not written yet (progress is cumulative per
   * attempt), then answers a new pruning question.
   */
  private apply(jobId: string, pending: Pending, progress: QueueJobProgress): void {
    if (!isProgress(progress)) return;
    const applied = pending.applied;
    if (progress.attempt < applied.attempt) return;
    if (progress.attempt > applied.attempt) {
      applied.attempt = progress.attempt;
      applied.reports = 0;
      applied.userAttrs = 0;
      applied.answered = 0;
    }
    try {
      for (const [step, value] of progress.reports.slice(applied.reports)) pending.trial.report(step, fromWire(value));
      for (const [key, value] of progress.userAttrs.slice(applied.userAttrs)) pending.trial.setUserAttr(key, value);
    } catch {
      // The trial already ended in the controller: nothing more to record.
    }
    applied.reports = Math.max(applied.reports, progress.reports.length);
    applied.userAttrs = Math.max(applied.userAttrs, progress.userAttrs.length);
    const question = progress.question;
    if (typeof question === "number" && question > applied.answered) {
      applied.answered = question;
      void this.answer(jobId, pending, { attempt: progress.attempt, question, prune: this.decide(pending) });
    }
  }

  /** The study's pruner on the trial as recorded; going on when the trial already ended here (its result is ignored). */
  private decide(pending: Pending): boolean {
    try {
      return pending.trial.shouldPrune();
    } catch {
      return false;
    }
  }

  private async answer(jobId: string, pending: Pending, answer: PruneAnswer): Promise<void> {
    try {
      const { registry } = await this.connect();
      const key = pruneAnswerKey(this.queueName, jobId);
      await registry.multi().rpush(key, JSON.stringify(answer)).pexpire(key, PRUNE_ANSWER_TTL_MS).exec();
    } catch (error) {
      if (!this.closed)
        this.log(`queue executor: answering trial ${pending.trialNumber}'s pruning question failed: ${this.describe(error).message}`);
    }
  }

  private settle(jobId: string, end: (pending: Pending) => void): void {
    const pending = this.pending.get(jobId);
    if (pending === undefined) return;
    this.pending.delete(jobId);
    end(pending);
  }

  /** An error whose message holds no password. */
  private describe(error: unknown): Error {
    const message = error instanceof Error ? error.message : String(error);
    return new Error(scrubPassword(message, this.url));
  }
}

function isProgress(value: unknown): value is QueueJobProgress {
  if (value === null || typeof value !== "object") return false;
  const progress = value as Partial<QueueJobProgress>;
  return typeof progress.attempt === "number" && Array.isArray(progress.reports) && Array.isArray(progress.userAttrs);
}

/** BullMQ queue names cannot hold ":" (it separates Redis key parts). */
export function checkQueueName(name: string): string {
  if (typeof name !== "string" || name === "") throw new Error("the queue name must be a non-empty string");
  if (name.includes(":")) throw new Error(`the queue name cannot contain ":", got ${JSON.stringify(name)}`);
  return name;
}
