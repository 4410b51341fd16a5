// Helpers of the queue tests: unique queue names, cleanup, `hyperforce worker` processes, a Redis with a password.
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { bullConnection, redisOptionsFromUrl, resolveRedisUrl } from "../../src/execution/queue-redis.ts";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const CLI = fileURLToPath(new URL("../../src/cli/run.ts", import.meta.url));
export const QUEUE_OBJECTIVES = fileURLToPath(new URL("./fixtures/queue-objectives.ts", import.meta.url));
export const DATA_DIR = process.env.HYPERFORCE_DATA_DIR ?? fileURLToPath(new URL("../../../shared/data", import.meta.url));

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A queue name no other test (or earlier run) uses. */
export function uniqueQueue(tag: string): string {
  return `hf-test-${tag}-${randomUUID().slice(0, 8)}`;
}

/** Removes the queue's jobs and keys, and its worker registry keys. */
export async function obliterateQueue(queueName: string, url = resolveRedisUrl()): Promise<void> {
  const queue = new Queue(queueName, { connection: bullConnection(redisOptionsFromUrl(url)) });
  try {
    await queue.obliterate({ force: true });
  } finally {
    await queue.close();
  }
  const redis = new Redis(redisOptionsFromUrl(url));
  try {
    const keys = await redis.keys(`hyperforce:${queueName}:*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

export interface WorkerProcess {
  child: ChildProcess;
  /** Everything printed so far, stdout and stderr. */
  output(): string;
  /** Resolves with the first output line matching, once printed. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns `hyperforce worker` (through src/cli/run.ts) with short lock times so stalled trials move on fast. */
export function spawnWorker(queueName: string, extra: string[] = [], env: Record<string, string> = {}): WorkerProcess {
  const args = [
    "--import",
    "tsx",
    CLI,
    "worker",
    "--queue",
    queueName,
    "--lock-duration",
    "1500",
    "--stalled-interval",
    "500",
    "--heartbeat",
    "500",
    ...extra,
  ];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, HYPERFORCE_DATA_DIR: DATA_DIR, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  const waiters: Array<{ pattern: RegExp; resolve(line: string): void }> = [];
  const onData = (chunk: Buffer) => {
    text += chunk.toString();
    for (const waiter of [...waiters]) {
      const line = text.split("\n").find((candidate) => waiter.pattern.test(candidate));
      if (line !== undefined) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    output: () => text,
    exited,
    waitFor(pattern, timeoutMs = 20_000) {
      const line = text.split("\n").find((candidate) => pattern.test(candidate));
      if (line !== undefined) return Promise.resolve(line);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms; output:\n${text}`)),
          timeoutMs,
        );
        waiters.push({
          pattern,
          resolve: (found) => {
            clearTimeout(timer);
            resolve(found);
          },
        });
        void exited.then(() => setTimeout(() => reject(new Error(`the worker exited before printing ${pattern}; output:\n${text}`)), 50));
      });
    },
  };
}

/** Stops a process this test started, if it still runs. */
export function kill(child: ChildProcess, signal: NodeJS.Signals = "SIGKILL"): void {
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** Starts a throwaway redis-server with a password on a free port; stop() ends it. */
export async function startPasswordRedis(password: string): Promise<{ url: string; port: number; stop(): void }> {
  const port = await freePort();
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--requirepass", password, "--save", "", "--appendonly", "no"],
    {
      stdio: "ignore",
    },
  );
  const url = `redis://:${password}@127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const client = new Redis({ port, host: "127.0.0.1", password, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    client.on("error", () => undefined);
    try {
      await client.connect();
      await client.ping();
      client.disconnect();
      return { url, port, stop: () => kill(child, "SIGTERM") };
    } catch {
      client.disconnect();
      await sleep(50);
    }
  }
  kill(child);
  throw new Error("redis-server with a password did not start");
}
