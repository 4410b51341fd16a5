/**
 * A Redis or PostgreSQL client with blocking calls, for the Storage interface, which is synchronous
 * (a study reads and writes its storage between two statements, as with the journal file). The
 * client package (ioredis, pg) runs in a worker thread of its own; a call posts a request to it and
 * waits on a shared flag with Atomics.wait until the reply is there, then takes it off the port.
 * The main thread never loads the client package, so `import "hyperforce"` stays light.
 */
import { extname } from "node:path";
import { fileURLToPath } from "node:url";
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker, type WorkerOptions } from "node:worker_threads";
import { StorageError } from "../errors/errors.ts";

export type ClientKind = "redis" | "postgres";

/** What the thread answers to one request. */
export type ClientReply = { ok: true; result: unknown } | { ok: false; message: string; code?: string };

/** How long a call may take before the storage gives up on the server (a lock held, a server gone). */
export const DEFAULT_CALL_TIMEOUT_MS = 120_000;

/** The one client thread of this process, shared by every connection (started with the first). */
interface ClientThread {
  worker: Worker;
  port: MessagePort;
  flag: Int32Array;
  connections: number;
  requests: number;
}
let thread: ClientThread | undefined;

function clientThread(): ClientThread {
  if (thread !== undefined) return thread;
  const { port1, port2 } = new MessageChannel();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const worker = startThread({ workerData: { port: port2, flag }, transferList: [port2] });
  // The thread must not keep the process alive: an unfinished transaction dies with its connection.
  worker.unref();
  // A thread that fails leaves its callers waiting until their timeout, which then names the server.
  worker.on("error", () => {});
  port1.unref();
  thread = { worker, port: port1, flag, connections: 0, requests: 0 };
  return thread;
}

/** Posts a request and blocks until its reply (replies to requests that timed out earlier are dropped). */
function request(t: ClientThread, message: Record<string, unknown>, timeoutMs: number): ClientReply | "timed-out" {
  const id = ++t.requests;
  Atomics.store(t.flag, 0, 0);
  t.port.postMessage({ ...message, id });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (let m = receiveMessageOnPort(t.port); m !== undefined; m = receiveMessageOnPort(t.port)) {
      const reply = m.message as ClientReply & { id: number };
      if (reply.id === id) return reply;
    }
    const left = deadline - Date.now();
    if (left <= 0) return "timed-out";
    Atomics.wait(t.flag, 0, 0, left);
    Atomics.store(t.flag, 0, 0);
  }
}

export class BlockingClient {
  private readonly thread = clientThread();
  private readonly connection: number;
  private closed = false;

  /** Connects at once; `where` names the server in messages (the URL without its password). */
  constructor(
    kind: ClientKind,
    url: string,
    private readonly where: string,
    private readonly timeoutMs = DEFAULT_CALL_TIMEOUT_MS,
  ) {
    this.connection = -1;
    this.connection = this.send<number>({ open: { kind, url } }, "connect");
    this.thread.connections++;
  }

  /** Runs `method` on this connection and returns its result; a server error becomes a StorageError. */
  call<T>(method: string, ...args: unknown[]): T {
    if (this.closed) throw new StorageError(`the storage at ${this.where} is closed`);
    return this.send<T>({ connection: this.connection, method, args }, method);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.thread.port.postMessage({ connection: this.connection, method: "close", args: [], id: 0 });
    if (--this.thread.connections === 0 && thread === this.thread) {
      thread = undefined;
      this.thread.port.close();
      void this.thread.worker.terminate();
    }
  }

  private send<T>(message: Record<string, unknown>, what: string): T {
    const reply = request(this.thread, message, this.timeoutMs);
    if (reply === "timed-out") {
      if (this.connection >= 0) this.close();
      throw new StorageError(`the storage at ${this.where} did not answer ${what} within ${this.timeoutMs / 1000} s`);
    }
    if (!reply.ok) throw new ServerError(`${this.where}: ${reply.message}`, reply.code);
    return reply.result as T;
  }
}

/**
 * The client thread, beside this module with its extension (.js built, .ts under tsx). Node 20 does not
 * apply loader hooks to a worker's entry, so a TypeScript entry gets a bootstrap that registers tsx
 * first (as execution/worker-thread.ts does; storage/ sits below execution/ and cannot import it).
 */
function startThread(options: WorkerOptions): Worker {
  const entry = new URL(`./blocking-client-thread${extname(fileURLToPath(import.meta.url))}`, import.meta.url);
  if (extname(fileURLToPath(entry)) !== ".ts") return new Worker(entry, options);
  const tsxApi = import.meta.resolve("tsx/esm/api");
  const bootstrap = `import { register } from ${JSON.stringify(tsxApi)}; register(); await import(${JSON.stringify(entry.href)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`), options);
}

/** An error the server or its client package reported; `code` is PostgreSQL's SQLSTATE when there is one. */
export class ServerError extends StorageError {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** A URL as messages may show it: the password replaced by ***. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "***";
    return parsed.toString();
  } catch {
    return url;
  }
}

/** Sleeps the calling thread (between retries of a write that another writer overtook). */
export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
