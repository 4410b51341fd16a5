/**
 * The Redis behind the distributed queue: which URL (the option, else REDIS_URL, else the local
 * default), its connection options, a masked form for messages, and a quick reachability check.
 * A password in the URL never leaves this module unmasked: every message uses maskRedisUrl.
 */
import type { ConnectionOptions } from "bullmq";
import { Redis, type RedisOptions } from "ioredis";

export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

/** The URL given, else the REDIS_URL environment variable, else redis://127.0.0.1:6379. */
export function resolveRedisUrl(given?: string): string {
  if (given !== undefined && given !== "") return given;
  const fromEnv = process.env.REDIS_URL;
  return fromEnv !== undefined && fromEnv !== "" ? fromEnv : DEFAULT_REDIS_URL;
}

/** The URL with its password (and a user name's secret part) replaced by ***. Safe for logs. */
export function maskRedisUrl(url: string): string {
  // Done on the text rather than through URL, so even a URL that does not parse is masked; up to the
  // last @ of the authority, since an unencoded password may itself hold an @.
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^/]*)@/i, (_, scheme: string, credentials: string) => {
    const colon = credentials.indexOf(":");
    if (colon < 0) return `${scheme}***@`;
    return `${scheme}${credentials.slice(0, colon)}:***@`;
  });
}

/** Removes any occurrence of the URL's password from a text (an error message from a library). */
export function scrubPassword(text: string, url: string): string {
  const password = passwordOf(url);
  if (password === undefined || password === "") return text;
  return text.split(password).join("***").split(encodeURIComponent(password)).join("***");
}

function passwordOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.password === "" ? undefined : decodeURIComponent(parsed.password);
  } catch {
    return undefined;
  }
}

/** The URL that connection options stand for (with their password, which maskRedisUrl hides). */
export function urlOfOptions(options: RedisOptions): string {
  const user = options.username !== undefined ? encodeURIComponent(options.username) : "";
  const secret = options.password !== undefined ? `:${encodeURIComponent(options.password)}` : "";
  const credentials = user !== "" || secret !== "" ? `${user}${secret}@` : "";
  const db = options.db !== undefined && options.db !== 0 ? `/${options.db}` : "";
  return `${options.tls !== undefined ? "rediss" : "redis"}://${credentials}${options.host ?? "127.0.0.1"}:${options.port ?? 6379}${db}`;
}

/** ioredis options from redis://[user][:password]@host[:port][/db] (rediss:// for TLS). */
export function redisOptionsFromUrl(url: string): RedisOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`not a Redis URL: ${maskRedisUrl(url)} (expected redis://[:password@]host[:port][/db])`);
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    throw new Error(`a Redis URL starts with redis:// or rediss://, got ${maskRedisUrl(url)}`);
  }
  if (parsed.hostname === "") throw new Error(`the Redis URL ${maskRedisUrl(url)} names no host`);
  const options: RedisOptions = { host: parsed.hostname.replace(/^\[(.*)\]$/, "$1"), port: 6379 };
  if (parsed.port !== "") options.port = Number(parsed.port);
  if (parsed.username !== "") options.username = decodeURIComponent(parsed.username);
  if (parsed.password !== "") options.password = decodeURIComponent(parsed.password);
  const db = parsed.pathname.replace(/^\//, "");
  if (db !== "") {
    if (!/^\d+$/.test(db)) throw new Error(`the Redis URL ${maskRedisUrl(url)} has "${db}" where a database number belongs`);
    options.db = Number(db);
  }
  if (parsed.protocol === "rediss:") options.tls = {};
  return options;
}

/**
 * Connects once, pings and disconnects: a clear error now (unreachable, wrong password) instead of
 * a study that waits forever. Returns the server's time in milliseconds.
 */
export async function checkRedis(url: string, options: RedisOptions, timeoutMs = 5000): Promise<number> {
  const client = new Redis({
    ...options,
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  // The socket's own error (ECONNREFUSED, ENOTFOUND) says more than "Connection is closed".
  let socketError: Error | undefined;
  client.on("error", (error: Error) => {
    socketError ??= error;
  });
  try {
    await client.connect();
    await client.ping();
    const [seconds, micros] = await client.time();
    return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  } catch (error) {
    const cause = socketError ?? error;
    const message = scrubPassword(cause instanceof Error ? cause.message : String(cause), url);
    if (/WRONGPASS|NOAUTH|invalid password|invalid username-password/i.test(message)) {
      throw new Error(`Redis at ${maskRedisUrl(url)} refused the credentials: ${message}`);
    }
    throw new Error(`cannot reach Redis at ${maskRedisUrl(url)}: ${message}`);
  } finally {
    client.disconnect();
  }
}

/**
 * The same options as BullMQ's connection type: BullMQ hands them to ioredis, but declares its own
 * narrower RedisOptions interface, which ioredis's type does not match field for field.
 */
export function bullConnection(options: RedisOptions): ConnectionOptions {
  return { ...options } as ConnectionOptions;
}

/** Where a controller or worker connects: the options, the URL, and the URL with its password masked. */
export interface RedisEndpoint {
  connection: RedisOptions;
  url: string;
  where: string;
}

/** The endpoint of a URL or connection options; default: env REDIS_URL, else redis://127.0.0.1:6379. */
export function redisEndpoint(redis: string | RedisOptions | undefined): RedisEndpoint {
  if (typeof redis === "object" && redis !== null) {
    const url = urlOfOptions(redis);
    return { connection: { ...redis }, url, where: maskRedisUrl(url) };
  }
  const url = resolveRedisUrl(redis);
  return { connection: redisOptionsFromUrl(url), url, where: maskRedisUrl(url) };
}
