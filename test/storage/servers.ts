// The machine's Redis (127.0.0.1:6379) and PostgreSQL (127.0.0.1:5432, trust auth, user postgres) for
// storage tests: a key prefix per storage under one prefix per run, and one throw-away database per run
// with a schema per storage. `cleanUp` deletes the run's keys and drops its database.
import { Redis } from "ioredis";
import pg from "pg";

export const REDIS = "redis://127.0.0.1:6379/0";
const POSTGRES = "postgresql://postgres@127.0.0.1:5432";
const run = `hf_test_${process.pid}_${Date.now().toString(36)}`;
let redisKeys = 0;
let schemas = 0;

/** A Redis URL whose keys no other storage uses. */
export function freshRedisUrl(): string {
  return `${REDIS}?prefix=${run}-${redisKeys++}`;
}

/** The run's database (created by `createTestDatabase`) with search_path set to a new, empty schema. */
export function freshPostgresUrl(): string {
  if (schemas >= created) throw new Error(`only ${created} PostgreSQL schemas were prepared for this run`);
  return postgresUrl(`s${schemas++}`);
}

export function postgresUrl(schema: string): string {
  return `${POSTGRES}/${run}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
}

let created = 0;

/** Creates the run's database and `count` empty schemas in it (s0, s1, ...). */
export async function createTestDatabase(count: number): Promise<void> {
  const admin = new pg.Client({ connectionString: `${POSTGRES}/postgres` });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${run}`);
  await admin.end();
  const client = new pg.Client({ connectionString: `${POSTGRES}/${run}` });
  await client.connect();
  await client.query(Array.from({ length: count }, (_, i) => `CREATE SCHEMA s${i};`).join(""));
  await client.end();
  created = count;
}

/** Drops the run's database and deletes the run's Redis keys. */
export async function cleanUp(): Promise<void> {
  if (created > 0) {
    const admin = new pg.Client({ connectionString: `${POSTGRES}/postgres` });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${run} WITH (FORCE)`);
    await admin.end();
  }
  const redis = new Redis(REDIS);
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${run}-*`, "COUNT", 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== "0");
  await redis.quit();
}
