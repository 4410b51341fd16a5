/**
 * The worker's side of distributed trials (what `hyperforce worker` runs): takes trial jobs from a
 * BullMQ queue and runs each objective in a thread pool, so this process's event loop stays free to
 * renew the jobs' locks (BullMQ's heartbeat) however long a trial computes.
 *
 * - A job whose objective this machine cannot run (unknown kind, a module file or a dataset that is
 *   not here) fails at once with an UnrecoverableError, whose message the controller records as the
 *   trial's FAIL reason. An objective that throws fails the attempt; BullMQ retries it as the
 *   controller asked.
 * - A worker killed mid-trial stops renewing its lock: BullMQ's stalled-job check (run by the other
 *   workers) puts the job back on the queue for someone else.
 * - Each worker renews a registry key with a time to live, so a controller can count live workers.
 * - In a study with a pruner, trial.shouldPrune() asks the controller (queue-protocol.ts): the
 *   objective's thread waits while this process writes the question and waits for the answer on
 *   its own blocking Redis connection (one per trial asking at once, reused).
 */
import { hostname } from "node:os";
import { type Job, UnrecoverableError, Worker } from "bullmq";
import { Redis, type RedisOptions } from "ioredis";
import { loadObjective, type ObjectiveSpec, parseObjectiveSpec, specKey } from "../objectives/spec.ts";
import type { Distribution, Params } from "../space/types.ts";
import { prepareTask } from "../tasks/registry.ts";
import { describeValue } from "../trial/outcome.ts";
import { isTrialPruned } from "../trial/pruned.ts";
import { FixedTrial } from "./fixed-trial.ts";
import { checkQueueName } from "./queue.ts";
import {
  DEFAULT_QUEUE_NAME,
  type PruneAnswer,
  pruneAnswerKey,
  type QueueJobData,
  type QueueJobProgress,
  type QueueJobResult,
  toWire,
  type WorkerInfo,
  workerIndexKey,
  workerRegistryKey,
} from "./queue-protocol.ts";
import { bullConnection, checkRedis, redisEndpoint, scrubPassword } from "./queue-redis.ts";
import { type RemotePruneDecision, ThreadPoolExecutor } from "./thread-pool.ts";

/** The thread running an objective waits 60 s for a pruning answer; the wait here must end before. */
const MAX_PRUNE_ANSWER_WAIT_MS = 50_000;

export interface QueueWorkerOptions {
  /** A redis:// URL or ioredis connection options; default: env REDIS_URL, else redis://127.0.0.1:6379. */
  redis?: string | RedisOptions;
  /** Default "hyperforce" (the controller's queue). */
  queueName?: string;
  /** Trials run at once (one thread each); default 1. */
  concurrency?: number;
  /** A job whose lock is not renewed for this long is stalled and handed to another worker; default 30000 ms. */
  lockDurationMs?: number;
  /** How often this worker looks for stalled jobs; default 30000 ms. */
  stalledIntervalMs?: number;
  /** How many times a job may stall (its worker died) before it fails; default 1. */
  maxStalledCount?: number;
  /** How often the registry key is renewed (it lives three times as long); default 5000 ms. */
  heartbeatMs?: number;
  /** How long a trial waits for the controller's pruning answer before it goes on (a controller that died); default 30000 ms. */
  pruneAnswerTimeoutMs?: number;
  /** Default "<host>-<pid>". */
  id?: string;
  /** One line per event (start, trial begun and ended, refusals); default stdout. Lines never hold a password. */
  log?: (line: string) => void;
}

export class QueueWorker {
  readonly id: string;
  readonly queueName: string;
  /** The Redis URL with any password masked. */
  readonly where: string;
  readonly concurrency: number;
  private readonly url: string;
  private readonly connection: RedisOptions;
  private readonly options: QueueWorkerOptions;
  private readonly log: (line: string) => void;
  private readonly pool: ThreadPoolExecutor;
  private readonly ready = new Map<string, Promise<void>>();
  private worker: Worker<QueueJobData, QueueJobResult> | undefined;
  private registry: Redis | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly startedAt = Date.now();
  private runningCount = 0;
  private closing: Promise<void> | undefined;
  private readonly pruneAnswerTimeoutMs: number;
  /** Blocking connections for pruning answers, idle ones (a trial takes one while it waits). */
  private readonly answerClients: Redis[] = [];

  constructor(options: QueueWorkerOptions = {}) {
    this.options = options;
    ({ connection: this.connection, url: this.url, where: this.where } = redisEndpoint(options.redis));
    this.queueName = checkQueueName(options.queueName ?? DEFAULT_QUEUE_NAME);
    this.concurrency = positiveInteger(options.concurrency ?? 1, "concurrency");
    for (const key of ["lockDurationMs", "stalledIntervalMs", "heartbeatMs", "pruneAnswerTimeoutMs"] as const) {
      if (options[key] !== undefined) positiveInteger(options[key], key);
    }
    this.pruneAnswerTimeoutMs = options.pruneAnswerTimeoutMs ?? 30_000;
    if (this.pruneAnswerTimeoutMs > MAX_PRUNE_ANSWER_WAIT_MS)
      throw new Error(`pruneAnswerTimeoutMs must be at most ${MAX_PRUNE_ANSWER_WAIT_MS}, got ${this.pruneAnswerTimeoutMs}`);
    if (options.maxStalledCount !== undefined && !(Number.isInteger(options.maxStalledCount) && options.maxStalledCount >= 0)) {
      throw new Error(`maxStalledCount must be an integer >= 0, got ${options.maxStalledCount}`);
    }
    this.id = options.id ?? `${hostname()}-${process.pid}`;
    this.log = options.log ?? ((line) => process.stdout.write(`${line}\n`));
    this.pool = new ThreadPoolExecutor({ size: this.concurrency });
  }

  /** Trials running now. */
  get running(): number {
    return this.runningCount;
  }

  /** Connects (a clear error when Redis cannot be reached), registers and starts taking jobs. */
  async start(): Promise<void> {
    if (this.worker !== undefined) throw new Error("this worker has already started");
    await checkRedis(this.url, this.connection);
    this.registry = new Redis({ ...this.connection });
    this.registry.on("error", () => undefined);
    await this.beat();
    const heartbeatMs = this.options.heartbeatMs ?? 5000;
    this.heartbeat = setInterval(() => void this.beat().catch(() => undefined), heartbeatMs);
    this.worker = new Worker<QueueJobData, QueueJobResult>(this.queueName, (job) => this.process(job), {
      connection: bullConnection(this.connection),
      concurrency: this.concurrency,
      name: this.id,
      ...(this.options.lockDurationMs !== undefined ? { lockDuration: this.options.lockDurationMs } : {}),
      ...(this.options.stalledIntervalMs !== undefined ? { stalledInterval: this.options.stalledIntervalMs } : {}),
      ...(this.options.maxStalledCount !== undefined ? { maxStalledCount: this.options.maxStalledCount } : {}),
    });
    this.worker.on("error", (error) => {
      if (this.closing === undefined) this.log(`worker ${this.id}: ${scrubPassword(error.message, this.url)}`);
    });
    await this.worker.waitUntilReady();
    this.log(`worker ${this.id}: taking trials from queue "${this.queueName}" at ${this.where} (concurrency ${this.concurrency})`);
  }

  /** Stops taking jobs, lets the running trials finish, then disconnects. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.worker?.close();
      clearInterval(this.heartbeat);
      await this.pool.close();
      for (const client of this.answerClients.splice(0)) client.disconnect();
      if (this.registry !== undefined) {
        await this.registry
          .multi()
          .del(workerRegistryKey(this.queueName, this.id))
          .srem(workerIndexKey(this.queueName), this.id)
          .exec()
          .catch(() => undefined);
        this.registry.disconnect();
      }
    })();
    return this.closing;
  }

  private async beat(): Promise<void> {
    const info: WorkerInfo = {
      id: this.id,
      host: hostname(),
      pid: process.pid,
      concurrency: this.concurrency,
      running: this.runningCount,
      startedAt: this.startedAt,
    };
    const ttl = 3 * (this.options.heartbeatMs ?? 5000);
    await this.registry!.multi()
      .set(workerRegistryKey(this.queueName, this.id), JSON.stringify(info), "PX", ttl)
      .sadd(workerIndexKey(this.queueName), this.id)
      .exec();
  }

  private async process(job: Job<QueueJobData, QueueJobResult>): Promise<QueueJobResult> {
    const data = job.data;
    const label = `trial ${data?.trialNumber} of study "${data?.study}"`;
    this.runningCount++;
    try {
      let objective: ObjectiveSpec;
      try {
        objective = checkJobData(data);
        await this.prepare(objective);
      } catch (error) {
        const reason = `worker ${this.id} cannot run ${label}: ${messageOf(error)}${hintFor(data?.objective)}`;
        this.log(`worker ${this.id}: refused ${label}: ${messageOf(error)}`);
        throw new UnrecoverableError(reason);
      }
      const attempt = job.attemptsStarted;
      this.log(`worker ${this.id}: ${label} started (attempt ${attempt})`);
      const recorder = new ProgressRecorder(job, attempt, data.pruning === true, (question) =>
        this.waitForAnswer(String(job.id), attempt, question, label),
      );
      const trial = new QueueTrial(data.trialNumber, data.params, data.distributions, recorder);
      try {
        const value = await this.pool.run({
          trial,
          params: data.params,
          distributions: data.distributions,
          objective,
          timeoutMs: data.timeoutMs,
        });
        await recorder.flushed();
        if (typeof value !== "number") throw new Error(`objective returned ${describeValue(value)}, not a number`);
        this.log(`worker ${this.id}: ${label} finished: ${value}`);
        return { value: toWire(value) };
      } catch (error) {
        await recorder.flushed().catch(() => undefined);
        if (isTrialPruned(error)) {
          this.log(`worker ${this.id}: ${label} pruned`);
          return { pruned: messageOf(error) };
        }
        this.log(`worker ${this.id}: ${label} failed (attempt ${attempt}): ${messageOf(error)}`);
        throw new Error(messageOf(error));
      }
    } finally {
      this.runningCount--;
    }
  }

  /** The controller's answer to a shouldPrune question; going on (false) when none comes in time. */
  private async waitForAnswer(jobId: string, attempt: number, question: number, label: string): Promise<boolean> {
    const client = this.answerClients.pop() ?? this.answerClient();
    const key = pruneAnswerKey(this.queueName, jobId);
    const wait = this.pruneAnswerTimeoutMs;
    const deadline = Date.now() + wait;
    try {
      for (let left = wait; left > 0; left = deadline - Date.now()) {
        const popped = await client.blpop(key, Math.max(left, 10) / 1000);
        if (popped === null) break;
        const answer = JSON.parse(popped[1]) as PruneAnswer;
        // Answers to an earlier attempt's questions are left behind.
        if (answer.attempt === attempt && answer.question === question) return answer.prune === true;
      }
      this.log(`worker ${this.id}: ${label}: no pruning answer from the controller within ${wait} ms; it goes on`);
      return false;
    } finally {
      if (this.closing === undefined) this.answerClients.push(client);
      else client.disconnect();
    }
  }

  private answerClient(): Redis {
    const client = new Redis({ ...this.connection });
    client.on("error", () => undefined);
    return client;
  }

  /**
   * Loads the objective once per spec on this machine (a missing module file, a bad export, an
   * unknown kind fail here) and, for a registered task, fetches what it needs (its dataset).
   */
  private prepare(spec: ObjectiveSpec): Promise<void> {
    const key = specKey(spec);
    let ready = this.ready.get(key);
    if (ready === undefined) {
      ready = (async () => {
        await loadObjective(spec);
        if (spec.kind === "task") await prepareTask(spec.task);
      })();
      // A failure is not remembered: the file may be copied here before the next job.
      ready.catch(() => this.ready.delete(key));
      this.ready.set(key, ready);
    }
    return ready;
  }
}

/** Starts a worker (see QueueWorker.start). */
export async function startQueueWorker(options: QueueWorkerOptions = {}): Promise<QueueWorker> {
  const worker = new QueueWorker(options);
  try {
    await worker.start();
  } catch (error) {
    await worker.close().catch(() => undefined);
    throw error;
  }
  return worker;
}

/** The trial the thread pool runs for a job: its shouldPrune questions go to the controller (see RemotePruneDecision). */
class QueueTrial extends FixedTrial implements RemotePruneDecision {
  constructor(number: number, values: Params, distributions: Record<string, Distribution>, recorder: ProgressRecorder) {
    super(number, values, distributions, recorder);
    this.decidePrune = () => recorder.ask();
  }

  readonly decidePrune: () => Promise<boolean>;
}

/**
 * The trial's reports and user attributes so far, written to the job's progress (whole, so a
 * controller that missed one update loses nothing). Writes are chained: the last one lands before
 * the job's result. A shouldPrune question goes out with the reports before it.
 */
class ProgressRecorder {
  private readonly progress: QueueJobProgress;
  private writing: Promise<void> = Promise.resolve();
  private scheduled = false;
  private questions = 0;

  constructor(
    private readonly job: Job<QueueJobData, QueueJobResult>,
    attempt: number,
    /** The study has a pruner. */
    readonly pruning: boolean,
    private readonly waitForAnswer: (question: number) => Promise<boolean>,
  ) {
    this.progress = { attempt, reports: [], userAttrs: [] };
  }

  /** Sends the reports so far with a new question and waits for the controller's answer. */
  async ask(): Promise<boolean> {
    if (!this.pruning) return false;
    const question = ++this.questions;
    this.progress.question = question;
    this.schedule();
    await this.writing;
    return this.waitForAnswer(question);
  }

  report(step: number, value: number): void {
    this.progress.reports.push([step, toWire(value)]);
    this.schedule();
  }

  setUserAttr(key: string, value: unknown): void {
    this.progress.userAttrs.push([key, value]);
    this.schedule();
  }

  /** In the thread pool the question goes through ask() (QueueTrial.decidePrune); this synchronous form is never asked. */
  shouldPrune(): boolean {
    throw new Error("a queue trial's pruning decision comes from its controller, asynchronously (ask)");
  }

  flushed(): Promise<void> {
    return this.writing;
  }

  /** One write for everything recorded in the same turn (the thread pool hands records over in batches). */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.writing = this.writing.then(
      () =>
        new Promise<void>((resolve, reject) => {
          setImmediate(() => {
            this.scheduled = false;
            const snapshot: QueueJobProgress = {
              attempt: this.progress.attempt,
              reports: [...this.progress.reports],
              userAttrs: [...this.progress.userAttrs],
              ...(this.progress.question !== undefined ? { question: this.progress.question } : {}),
            };
            this.job.updateProgress(snapshot).then(resolve, reject);
          });
        }),
    );
  }
}

function checkJobData(data: QueueJobData | undefined): ObjectiveSpec {
  if (data === null || typeof data !== "object") throw new Error("the job carries no trial (not a hyperforce trial job)");
  if (typeof data.study !== "string" || !Number.isInteger(data.trialNumber))
    throw new Error("the job names no study and trial number (not a hyperforce trial job)");
  if (data.params === null || typeof data.params !== "object" || data.distributions === null || typeof data.distributions !== "object") {
    throw new Error("the job carries no parameters");
  }
  return parseObjectiveSpec(data.objective);
}

/** What the user should do on the worker's machine for this kind of objective. */
function hintFor(objective: unknown): string {
  const kind = (objective as { kind?: unknown } | null | undefined)?.kind;
  if (kind === "module") return " (module objectives need the file at the same path on every worker machine)";
  if (kind === "task")
    return " (built-in tasks need their dataset on every worker machine: set HYPERFORCE_DATA_DIR to the folder holding it)";
  if (kind === "csv") return " (CSV objectives need the file at the same path on every worker machine)";
  return "";
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message === "" ? error.name : error.message;
  return String(error);
}

function positiveInteger(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${what} must be an integer >= 1, got ${value}`);
  return value;
}
