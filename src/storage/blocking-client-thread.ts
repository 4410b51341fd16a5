/**
 * The thread behind BlockingClient: it holds the process's connections (ioredis, pg), runs each request
 * the main thread posts, posts the reply and wakes the main thread through the shared flag.
 */
import { type MessagePort, workerData } from "node:worker_threads";
import type { ClientKind, ClientReply } from "./blocking-client.ts";

interface Request {
  id: number;
  open?: { kind: ClientKind; url: string };
  connection?: number;
  method?: string;
  args?: unknown[];
}

/** Runs one request on a connection; "close" ends it. */
type Handler = (method: string, args: unknown[]) => Promise<unknown>;

const { port, flag } = workerData as { port: MessagePort; flag: Int32Array };
const connections = new Map<number, Handler>();
let opened = 0;

async function redisHandler(url: string): Promise<Handler> {
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
    if (method === "close") return redis.quit();
    if (method !== "call") throw new Error(`unknown Redis request ${method}`);
    const [name, ...rest] = args as [string, ...(string | number)[]];
    return redis.call(name, ...rest);
  };
}

async function postgresHandler(url: string): Promise<Handler> {
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
    if (method === "close") return client.end();
    if (lost !== undefined) throw new Error(`the connection was lost: ${lost.message}`);
    if (method !== "query") throw new Error(`unknown PostgreSQL request ${method}`);
    const [text, values] = args as [string, unknown[] | undefined];
    const result = await client.query(text, values);
    return Array.isArray(result) ? result.map((r) => r.rows) : result.rows;
  };
}

async function run({ open, connection, method, args }: Request): Promise<unknown> {
  if (open !== undefined) {
    const handler = open.kind === "redis" ? await redisHandler(open.url) : await postgresHandler(open.url);
    connections.set(++opened, handler);
    return opened;
  }
  const handler = connections.get(connection ?? -1);
  if (handler === undefined) throw new Error(`connection ${connection} is closed`);
  if (method === "close") connections.delete(connection ?? -1);
  return handler(method ?? "", args ?? []);
}

function reply(message: ClientReply & { id: number }): void {
  port.postMessage(message);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}

port.on("message", async (request: Request) => {
  try {
    const result = await run(request);
    if (request.id !== 0) reply({ id: request.id, ok: true, result });
  } catch (error) {
    const e = error as { message?: string; code?: unknown };
    const code = typeof e.code === "string" ? { code: e.code } : {};
    if (request.id !== 0) reply({ id: request.id, ok: false, message: e.message ?? String(error), ...code });
  }
});
