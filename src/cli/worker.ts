/**
 * `hyperforce worker`: takes trials from a controller's queue in Redis and runs them, until SIGTERM
 * or SIGINT (it stops taking trials, finishes the running ones and exits 0). A second signal exits
 * at once; the trials it held go back to the queue through BullMQ's stalled-job check.
 */
import { Command } from "commander";
import { DEFAULT_QUEUE_NAME } from "../execution/queue-protocol.ts";
import { redisOptionsFromUrl, resolveRedisUrl } from "../execution/queue-redis.ts";
import { QueueWorker, type QueueWorkerOptions } from "../execution/queue-worker.ts";
import { isNumber } from "../tasks/csv.ts";
import { UsageError } from "./errors.ts";

interface WorkerFlags {
  redis?: string;
  queue: string;
  concurrency: string;
  lockDuration: string;
  stalledInterval: string;
  maxStalled: string;
  heartbeat: string;
  id?: string;
}

function integerAtLeast(flag: string, text: string, minimum: number): number {
  const value = isNumber(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < minimum)
    throw new UsageError(`${flag} must be an integer >= ${minimum}, got ${JSON.stringify(text)}`);
  return value;
}

/** Checks the flags; every bad value is a UsageError naming the flag. */
export function parseWorkerFlags(flags: WorkerFlags): QueueWorkerOptions {
  const url = resolveRedisUrl(flags.redis);
  try {
    redisOptionsFromUrl(url);
  } catch (error) {
    throw new UsageError(`--redis: ${(error as Error).message}`);
  }
  if (flags.queue === "" || flags.queue.includes(":"))
    throw new UsageError(`--queue must be a non-empty name without ":", got ${JSON.stringify(flags.queue)}`);
  if (flags.id !== undefined && flags.id === "") throw new UsageError("--id must not be empty");
  return {
    redis: url,
    queueName: flags.queue,
    concurrency: integerAtLeast("--concurrency", flags.concurrency, 1),
    lockDurationMs: integerAtLeast("--lock-duration", flags.lockDuration, 100),
    stalledIntervalMs: integerAtLeast("--stalled-interval", flags.stalledInterval, 100),
    maxStalledCount: integerAtLeast("--max-stalled", flags.maxStalled, 0),
    heartbeatMs: integerAtLeast("--heartbeat", flags.heartbeat, 100),
    ...(flags.id !== undefined ? { id: flags.id } : {}),
  };
}

export function workerCommand(): Command {
  return new Command("worker")
    .description("take trials from a controller's queue in Redis and run them (stops cleanly on SIGTERM)")
    .option("--redis <url>", "Redis URL, e.g. redis://:password@host:6379 (default: $REDIS_URL, else redis://127.0.0.1:6379)")
    .option("--queue <name>", "queue to take trials from (the controller's)", DEFAULT_QUEUE_NAME)
    .option("--concurrency <n>", "trials run at once, one thread each", "1")
    .option("--lock-duration <ms>", "a trial whose worker stops renewing its lock this long goes to another worker", "30000")
    .option("--stalled-interval <ms>", "how often to look for trials of dead workers", "30000")
    .option("--max-stalled <n>", "how many times a trial may lose its worker before it fails", "1")
    .option("--heartbeat <ms>", "how often this worker tells Redis it is alive", "5000")
    .option("--id <name>", "this worker's name in logs and the registry (default: host-pid)")
    .action(async (flags: WorkerFlags) => {
      const worker = new QueueWorker(parseWorkerFlags(flags));
      // Signals are handled from the start: a SIGTERM while connecting still ends in a clean exit.
      const stopped = new Promise<void>((resolve) => {
        let signals = 0;
        const stop = (signal: NodeJS.Signals) => {
          signals++;
          if (signals > 1) {
            process.stdout.write(
              `worker ${worker.id}: ${signal} again, exiting now; held trials go back to the queue when their locks expire\n`,
            );
            process.exit(1);
          }
          process.stdout.write(`worker ${worker.id}: ${signal}: taking no new trials, finishing ${worker.running} running\n`);
          void starting.finally(() =>
            worker.close().then(resolve, (error: unknown) => {
              process.stderr.write(`worker ${worker.id}: closing failed: ${(error as Error).message}\n`);
              resolve();
            }),
          );
        };
        process.on("SIGTERM", stop);
        process.on("SIGINT", stop);
      });
      const starting = worker.start();
      try {
        await starting;
      } catch (error) {
        await worker.close().catch(() => undefined);
        throw error;
      }
      await stopped;
      process.stdout.write(`worker ${worker.id}: stopped\n`);
    });
}
