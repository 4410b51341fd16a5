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

export class BlockingClient {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  private closed = false;

  /** `where` names the server in messages (the URL without its password). */
  constructor(
    kind: ClientKind,
    url: string,
    private readonly where: string,
    private readonly timeoutMs = DEFAULT_CALL_TIMEOUT_MS,
  ) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = startThread({
      workerData: { kind, url, port: port2, flag: this.flag },
      transferList: [port2],
    });
    // The thread must not keep the process alive: an unfinished transaction dies with the connection.
    this.worker.unref();
    this.port.unref();
  }

  /** Runs `method` in the client thread and returns its result; a server error becomes a StorageError. */
  call<T>(method: string, ...args: unknown[]): T {
    if (this.closed) throw new StorageError(`the storage at ${this.where} is closed`);
    Atomics.store(this.flag, 0, 0);
    this.port.postMessage({ method, args });
    if (Atomics.wait(this.flag, 0, 0, this.timeoutMs) === "timed-out") {
      this.close();
      throw new StorageError(`the storage at ${this.where} did not answer ${method} within ${this.timeoutMs / 1000} s`);
    }
    const received = receiveMessageOnPort(this.port);
    if (received === undefined) throw new StorageError(`the storage thread for ${this.where} answered nothing to ${method}`);
    const reply = received.message as ClientReply;
    if (!reply.ok) throw new ServerError(`${this.where}: ${reply.message}`, reply.code);
    return reply.result as T;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.port.close();
    void this.worker.terminate();
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
