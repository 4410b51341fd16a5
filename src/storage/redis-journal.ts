/**
 * Studies in Redis, in the layout of Optuna's JournalRedisStorage (Optuna 3.1 to 5): the operation
 * log of the journal file, one JSON operation per key `<prefix>:log:<n>`, and the number of the
 * last one in `<prefix>:log_number` (-1 before the first). Optuna appends with INCR + SET in one
 * Lua script; hyperforce appends with a script that also compares `log_number` with the last
 * operation it replayed, so an operation is checked against everything before it (a finished trial,
 * the trial target, the study lease), as under the journal file's lock, on any number of machines.
 * When another writer got there first, the new operations are replayed and the check runs again.
 */
import { randomUUID } from "node:crypto";
import { StorageError, UsageError } from "../errors/errors.ts";
import { BlockingClient, redactUrl, sleepSync } from "./blocking-client.ts";
import { opFromJournalRecord, opToJournalRecord } from "./journal-ops.ts";
import { OpStorage } from "./op-storage.ts";
import type { StorageOp } from "./ops.ts";
import { fromPythonJson, toPythonJson } from "./python-json.ts";

export interface RedisJournalStorageOptions {
  /** Prefix of the keys (Optuna's `prefix`, default ""); a `?prefix=` in the URL gives it too. */
  prefix?: string;
}

/** Appends ARGV[2] as operation number log_number + 1 only when log_number is still ARGV[1]. */
const APPEND_IF_LAST = `
local last = redis.call('get', KEYS[1])
if not last then last = '-1' redis.call('set', KEYS[1], -1) end
if tonumber(last) ~= tonumber(ARGV[1]) then return -1 end
local i = redis.call('incr', KEYS[1])
redis.call('set', string.format('%s:log:%d', ARGV[3], i), ARGV[2])
return i`;

/** Operations read per MGET when replaying. */
const READ_BATCH = 1000;
/** How often a write that other writers keep overtaking is tried before giving up. */
const MAX_ATTEMPTS = 1000;

export class RedisJournalStorage extends OpStorage {
  readonly prefix: string;
  /** Written into every operation, as Optuna's worker_id: one per storage object. */
  readonly workerId = `${randomUUID()}-${process.pid}`;
  private readonly client: BlockingClient;
  private readonly where: string;
  /** Operations replayed so far: the next one to read is `<prefix>:log:<logsRead>`. */
  private logsRead = 0;

  constructor(url: string, options: RedisJournalStorageOptions = {}) {
    super();
    const { clientUrl, prefix } = splitRedisUrl(url);
    this.prefix = options.prefix ?? prefix;
    this.where = `Redis storage ${redactUrl(clientUrl)} (prefix "${this.prefix}")`;
    this.client = new BlockingClient("redis", clientUrl, this.where);
    this.sync();
  }

  /** Replays the operations appended since the last read. */
  sync(): void {
    const last = this.redis<string | null>("GET", this.key("log_number"));
    this.replayTo(last === null ? -1 : Number(last), last);
  }

  /** Replays operations up to number `lastNumber` (`last`: the key's text, for the message). */
  private replayTo(lastNumber: number, last: string | null = String(lastNumber)): void {
    if (!Number.isInteger(lastNumber)) throw new StorageError(`${this.where}: ${this.key("log_number")} holds ${JSON.stringify(last)}`);
    if (lastNumber < this.logsRead - 1) {
      throw new StorageError(
        `${this.where}: the log went back from ${this.logsRead} to ${lastNumber + 1} operations (its keys were deleted or replaced)`,
      );
    }
    while (this.logsRead <= lastNumber) {
      const numbers: number[] = [];
      for (let n = this.logsRead; n <= lastNumber && numbers.length < READ_BATCH; n++) numbers.push(n);
      const lines = this.redis<(string | null)[]>("MGET", ...numbers.map((n) => this.key(`log:${n}`)));
      for (const [i, line] of lines.entries()) {
        // Optuna's cluster mode sets the key after INCR: wait for it, then replay in order.
        if (line === null) return;
        this.state.apply(this.parse(line, numbers[i]));
        this.logsRead = numbers[i] + 1;
      }
    }
  }

  close(): void {
    this.client.close();
  }

  protected refresh(): void {
    this.sync();
  }

  protected perform(op: StorageOp): void {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      this.sync();
      this.state.check(op);
      const line = toPythonJson(opToJournalRecord(op, this.workerId));
      const args = [String(this.logsRead - 1), line, this.prefix];
      const appended = this.redis<number>("EVAL", APPEND_IF_LAST, 1, this.key("log_number"), ...args);
      if (appended >= 0) {
        // Up to this operation only: the state's newest trial is then the one it created, whatever was appended since.
        this.replayTo(appended);
        return;
      }
      // Another writer appended first: replay its operations and check again (spread the retries).
      if (attempt > 3) sleepSync(Math.random() * Math.min(attempt, 50));
    }
    throw new StorageError(`${this.where}: other writers overtook this write ${MAX_ATTEMPTS} times`);
  }

  private parse(line: string, n: number): StorageOp {
    try {
      return opFromJournalRecord(fromPythonJson(line));
    } catch (error) {
      throw new StorageError(`${this.where}: operation ${this.key(`log:${n}`)} cannot be read: ${(error as Error).message}`);
    }
  }

  private key(name: string): string {
    return `${this.prefix}:${name}`;
  }

  private redis<T>(...command: (string | number)[]): T {
    return this.client.call<T>("call", ...command);
  }
}

/** `redis://host:port/db?prefix=p` -> the URL for the client (without prefix) and the prefix (default ""). */
export function splitRedisUrl(url: string): { clientUrl: string; prefix: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`storage "${url}" is not a URL (expected redis://host:port/db)`);
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    throw new UsageError(`storage "${redactUrl(url)}" is not a Redis URL (expected redis://host:port/db)`);
  }
  const prefix = parsed.searchParams.get("prefix") ?? "";
  parsed.searchParams.delete("prefix");
  return { clientUrl: parsed.toString(), prefix };
}
