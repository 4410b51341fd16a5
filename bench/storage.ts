// Storage costs, per storage: milliseconds per trial as a study writes it (create, 5 params, 3
// intermediate values, finish: 10 operations) in memory, in the journal file (fsync'ed and not), in
// Redis (Optuna's journal layout) and in PostgreSQL (Optuna's RDB schema); and the time to reopen a
// 5000-trial study (a new storage object reading it all) from each of the last three.
// Run: node --import tsx bench/storage.ts [--trials 5000] [--write-trials 100]
// Needs the machine's Redis (127.0.0.1:6379) and PostgreSQL (127.0.0.1:5432, user postgres, trust auth);
// it uses key prefix hf-bench-storage-<pid> and database hf_bench_storage_<pid>, removed at the end.
// The 5000-trial study is written once through the journal file; its lines are copied into Redis keys,
// and PostgreSQL gets the same trials by SQL (INSERT ... SELECT), because writing 50000 operations
// one by one takes minutes there. Writes bench/results/storage.json. The machine is shared: quote ratios from one run.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import pg from "pg";
import type { Distribution } from "../src/space/types.ts";
import { JournalFileStorage } from "../src/storage/journal.ts";
import { InMemoryStorage } from "../src/storage/memory.ts";
import { distributionToOptunaString } from "../src/storage/optuna-format.ts";
import { PostgresStorage } from "../src/storage/postgres/storage.ts";
import { RedisJournalStorage } from "../src/storage/redis-journal.ts";
import type { Storage } from "../src/storage/storage.ts";
import { integerFlag } from "./flags.ts";

const trials = integerFlag("trials", 5000);
const writeTrials = integerFlag("write-trials", 100);

const space: Record<string, Distribution> = {
  lr: { type: "float", low: 1e-5, high: 1e-1, log: true },
  units: { type: "int", low: 16, high: 256, step: 16 },
  layers: { type: "int", low: 1, high: 4 },
  dropout: { type: "float", low: 0, high: 0.5 },
  act: { type: "categorical", choices: ["relu", "tanh", "sigmoid"] },
};

/** One trial as a study writes it: create, 5 params, 3 intermediate values, complete (10 operations). */
function writeTrial(storage: Storage, studyId: number, i: number): void {
  const n = storage.createTrial(studyId);
  storage.setTrialParam(studyId, n, "lr", 1e-5 * (1 + (i % 97)), space.lr);
  storage.setTrialParam(studyId, n, "units", 16 * (1 + (i % 16)), space.units);
  storage.setTrialParam(studyId, n, "layers", 1 + (i % 4), space.layers);
  storage.setTrialParam(studyId, n, "dropout", (i % 50) / 100, space.dropout);
  storage.setTrialParam(studyId, n, "act", ["relu", "tanh", "sigmoid"][i % 3], space.act);
  for (let step = 0; step < 3; step++) storage.setTrialIntermediateValue(studyId, n, step, 1 / (i + step + 1));
  storage.setTrialStateValue(studyId, n, "COMPLETE", 1 / (i + 1));
}

function timed(work: () => void): number {
  const t0 = performance.now();
  work();
  return performance.now() - t0;
}

/** Milliseconds per trial written through `storage` (a study of its own). */
function msPerTrial(storage: Storage, count: number): number {
  const id = storage.createStudy("write", "minimize");
  writeTrial(storage, id, 0); // warm-up: the client thread and the connection are open
  const ms = timed(() => {
    for (let i = 1; i <= count; i++) writeTrial(storage, id, i);
  });
  storage.close?.();
  return ms / count;
}

const redisBase = "redis://127.0.0.1:6379/0";
const prefix = `hf-bench-storage-${process.pid}`;
const database = `hf_bench_storage_${process.pid}`;
const pgUrl = `postgresql://postgres@127.0.0.1:5432/${database}`;

/** Copies a journal file's lines into Redis as Optuna's JournalRedisStorage keys under `keyPrefix`. */
async function journalIntoRedis(path: string, keyPrefix: string): Promise<void> {
  const lines = readFileSync(path, "utf8").trimEnd().split("\n");
  const redis = new Redis(redisBase);
  for (let start = 0; start < lines.length; start += 5000) {
    const pairs = lines.slice(start, start + 5000).flatMap((line, i) => [`${keyPrefix}:log:${start + i}`, line]);
    await redis.mset(...pairs);
  }
  await redis.set(`${keyPrefix}:log_number`, lines.length - 1);
  await redis.quit();
}

const BIG_TRIALS = "trials t JOIN studies st ON st.study_id = t.study_id AND st.study_name = 'big'";

/** The same trials as writeTrial writes, by SQL into the study "big" of the PostgreSQL database. */
async function trialsIntoPostgres(count: number): Promise<void> {
  const storage = new PostgresStorage(pgUrl);
  storage.createStudy("big", "minimize");
  storage.close();
  const client = new pg.Client({ connectionString: pgUrl });
  client.on("error", () => {});
  await client.connect();
  const internal: Record<string, string> = {
    lr: "1e-5 * (1 + t.number % 97)",
    units: "16 * (1 + t.number % 16)",
    layers: "1 + t.number % 4",
    dropout: "(t.number % 50) / 100.0",
    act: "t.number % 3",
  };
  await client.query(
    `INSERT INTO trials (number, study_id, state, datetime_start, datetime_complete)
     SELECT i, (SELECT study_id FROM studies WHERE study_name = 'big'), 'COMPLETE', localtimestamp, localtimestamp
     FROM generate_series(0, $1 - 1) AS i`,
    [count],
  );
  for (const [name, expression] of Object.entries(internal)) {
    await client.query(
      `INSERT INTO trial_params (trial_id, param_name, param_value, distribution_json)
       SELECT t.trial_id, $1, ${expression}, $2 FROM ${BIG_TRIALS}`,
      [name, distributionToOptunaString(space[name])],
    );
  }
  await client.query(
    `INSERT INTO trial_intermediate_values (trial_id, step, intermediate_value, intermediate_value_type)
     SELECT t.trial_id, s, 1.0 / (t.number + s + 1), 'FINITE' FROM ${BIG_TRIALS} CROSS JOIN generate_series(0, 2) AS s`,
  );
  await client.query(
    `INSERT INTO trial_values (trial_id, objective, value, value_type)
     SELECT t.trial_id, 0, 1.0 / (t.number + 1), 'FINITE' FROM ${BIG_TRIALS}`,
  );
  await client.end();
}

/** Opens a new storage object and reads the whole study: the time a resumed study spends reading its storage. */
function reopen(open: () => Storage): { ms: number; trials: number } {
  let read = 0;
  const ms = timed(() => {
    const storage = open();
    read = storage.getAllTrials(storage.findStudy("big")?.studyId ?? -1).length;
    storage.close?.();
  });
  return { ms, trials: read };
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: "postgresql://postgres@127.0.0.1:5432/postgres" });
  await client.connect();
  await client.query(sql);
  await client.end();
}

const dir = mkdtempSync(join(tmpdir(), "hyperforce-bench-storage-"));
await admin(`CREATE DATABASE ${database}`);
// Open all along: the client thread starts once (its start, seconds under tsx, is not a storage's cost).
const warm = new RedisJournalStorage(`${redisBase}?prefix=${prefix}-warm`);
try {
  const msPerTrialByStorage = {
    memory: msPerTrial(new InMemoryStorage(), writeTrials),
    journalFsync: msPerTrial(new JournalFileStorage(join(dir, "fsync.jsonl")), writeTrials),
    journalNoFsync: msPerTrial(new JournalFileStorage(join(dir, "no-fsync.jsonl"), { durable: false }), writeTrials),
    redis: msPerTrial(new RedisJournalStorage(`${redisBase}?prefix=${prefix}-write`), writeTrials),
    postgres: msPerTrial(new PostgresStorage(pgUrl), writeTrials),
  };

  // The large study: written once through the journal file, then copied into Redis and PostgreSQL.
  const bigPath = join(dir, "big.jsonl");
  const writer = new JournalFileStorage(bigPath, { durable: false });
  const id = writer.createStudy("big", "minimize");
  const journalWriteMs = timed(() => {
    for (let i = 0; i < trials; i++) writeTrial(writer, id, i);
  });
  await journalIntoRedis(bigPath, `${prefix}-big`);
  await trialsIntoPostgres(trials);
  const reopenByStorage = {
    journal: reopen(() => new JournalFileStorage(bigPath)),
    redis: reopen(() => new RedisJournalStorage(`${redisBase}?prefix=${prefix}-big`)),
    postgres: reopen(() => new PostgresStorage(pgUrl)),
  };
  for (const [kind, { trials: read }] of Object.entries(reopenByStorage)) {
    if (read !== trials) throw new Error(`${kind}: reopened ${read} trials, wrote ${trials}`);
  }

  const result = {
    date: new Date().toISOString(),
    command: `node --import tsx bench/storage.ts --trials ${trials} --write-trials ${writeTrials}`,
    loadavg: loadavg(),
    operationsPerTrial: 10,
    writeTrials,
    msPerTrial: msPerTrialByStorage,
    trials,
    journalBytes: statSync(bigPath).size,
    journalWriteMsNoFsync: journalWriteMs,
    reopenMs: Object.fromEntries(Object.entries(reopenByStorage).map(([kind, r]) => [kind, r.ms])),
  };
  mkdirSync("bench/results", { recursive: true });
  writeFileSync("bench/results/storage.json", `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  warm.close();
  rmSync(dir, { recursive: true, force: true });
  await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  const redis = new Redis(redisBase);
  for (const suffix of ["write", "big"]) {
    const keys = await redis.keys(`${prefix}-${suffix}:*`);
    for (let start = 0; start < keys.length; start += 5000) await redis.del(...keys.slice(start, start + 5000));
  }
  await redis.quit();
}
