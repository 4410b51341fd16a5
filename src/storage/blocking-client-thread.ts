/**
 * The thread behind BlockingClient: it holds one connection (ioredis or pg), runs each request the
 * main thread posts, posts the reply and wakes the main thread through the shared flag.
 */
import { type MessagePort, workerData } from "node:worker_threads";
import type { ClientKind, ClientReply } from "./blocking-client.ts";

interface Request {
  method: string;
  args: unknown[];
}

type Handler = (method: string, args: unknown[]) => Promise<unknown>;

const { kind, url, port, flag } = workerData as { kind: ClientKind; url: string; port: MessagePort; flag: Int32Array };

async function redisHandler(): Promise<Handler> {
  const { Redis } = await import("ioredis");
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3, retryStrategy: (times) => Math.min(times * 200, 2000) });
  let lastError: Error | undefined;
  redis.on("error", (error) => {
    lastError = error;
  });
  try {
    await redis.connect();
  } catch (error) {
    throw new Error(`cannot connect: ${(lastError ?? (error as Error)).message}`);
  }
  return async (method, args) => {
    if (method !== "call") throw new Error(`unknown Redis request ${method}`);
    const [name, ...rest] = args as [string, ...(string | number)[]];
    return redis.call(name, ...rest);
  };
}

async function postgresHandler(): Promise<Handler> {
  const { default: pg } = await import("pg");
  // Timestamps stay text: Optuna stores local wall-clock times, which optuna-format.ts reads.
  const asText = (value: string) => value;
  const types = {
    getTypeParser: (oid: number, format?: "text" | "binary") =>
      oid === 1114 || oid === 1184 ? asText : pg.types.getTypeParser(oid, format ?? "text"),
  };
  const client = new pg.Client({ connectionString: url, types });
  let lost: Error | undefined;
  client.on("error", (error) => {
    lost = error;
  });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`cannot connect: ${(error as Error).message}`);
  }
  return async (method, args) => {
    if (lost !== undefined) throw new Error(`the connection was lost: ${lost.message}`);
    if (method !== "query") throw new Error(`unknown PostgreSQL request ${method}`);
    const [text, values] = args as [string, unknown[] | undefined];
    const result = await client.query(text, values);
    return Array.isArray(result) ? result.map((r) => r.rows) : result.rows;
  };
}

const ready: Promise<Handler> = kind === "redis" ? redisHandler() : postgresHandler();
// An unreachable server is reported by the first call, not as an unhandled rejection.
ready.catch(() => {});

function reply(message: ClientReply): void {
  port.postMessage(message);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}

port.on("message", async ({ method, args }: Request) => {
  try {
    const handler = await ready;
    reply({ ok: true, result: await handler(method, args) });
  } catch (error) {
    const e = error as { message?: string; code?: unknown };
    reply({ ok: false, message: e.message ?? String(error), ...(typeof e.code === "string" ? { code: e.code } : {}) });
  }
});
