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

/**
 * A URL cut at the last @ (host names never hold one, a password may): its scheme (empty when it
 * has none), the credentials before the @ as typed, and the rest. Done on the text, not through
 * URL, so that a URL that does not parse (a password with an unencoded / or %) is cut the same way.
 */
function splitCredentials(url: string): { scheme: string; credentials?: string; rest: string } {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url)?.[0] ?? "";
  const at = url.lastIndexOf("@");
  if (at < scheme.length) return { scheme, rest: url.slice(scheme.length) };
  return { scheme, credentials: url.slice(scheme.length, at), rest: url.slice(at + 1) };
}

/** The user name and password of credentials as typed: percent-decoded when that is valid, else as they are. */
function readCredentials(credentials: string): { username: string; password: string } {
  const colon = credentials.indexOf(":");
  const decode = (text: string) => {
    try {
      return decodeURIComponent(text);
    } catch {
      return text;
    }
  };
  if (colon < 0) return { username: decode(credentials), password: "" };
  return { username: decode(credentials.slice(0, colon)), password: decode(credentials.slice(colon + 1)) };
}

/**
 * The URL with its credentials replaced by *** (a user name before a colon stays). Safe for logs,
 * also for a URL that does not parse: everything before the last @ after the scheme is hidden.
 */
export function maskRedisUrl(url: string): string {
  const { scheme, credentials, rest } = splitCredentials(url);
  if (credentials === undefined) return url;
  const colon = credentials.indexOf(":");
  return `${scheme}${colon < 0 ? "***" : `${credentials.slice(0, colon)}:***`}@${rest}`;
}

/** Removes any occurrence of the URL's secret, as typed, decoded or encoded, from a text (an error message from a library). */
export function scrubPassword(text: string, url: string): string {
  const { credentials } = splitCredentials(url);
  if (credentials === undefined || credentials === "") return text;
  const colon = credentials.indexOf(":");
  const typed = colon < 0 ? credentials : credentials.slice(colon + 1);
  const { username, password } = readCredentials(credentials);
  const decoded = colon < 0 ? username : password;
  let scrubbed = text;
  for (const form of [typed, decoded, encodeURIComponent(decoded)].sort((a, b) => b.length - a.length)) {
    if (form !== "") scrubbed = scrubbed.split(form).join("***");
  }
  return scrubbed;
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
  // The credentials are read from the text (a base64 password holds / and +), the rest through URL.
  const { scheme, credentials, rest } = splitCredentials(url);
  let parsed: URL;
  try {
    parsed = new URL(`${scheme}${rest}`);
  } catch {
    throw new Error(`not a Redis URL: ${maskRedisUrl(url)} (expected redis://[:password@]host[:port][/db])`);
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    throw new Error(`a Redis URL starts with redis:// or rediss://, got ${maskRedisUrl(url)}`);
  }
  if (parsed.hostname === "") throw new Error(`the Redis URL ${maskRedisUrl(url)} names no host`);
  const options: RedisOptions = { host: parsed.hostname.replace(/^\[(.*)\]$/, "$1"), port: 6379 };
  if (parsed.port !== "") options.port = Number(parsed.port);
  const { username, password } = readCredentials(credentials ?? "");
  if (username !== "") options.username = username;
  if (password !== "") options.password = password;
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
