// The PostgreSQL storage creates exactly the schema Optuna 3.1 creates (enum types, tables, columns,
// defaults, constraints, indexes, version rows), compared catalog by catalog with the one Optuna's
// RDBStorage creates in another schema of the same throw-away database; and refuses a database it
// cannot read, saying why.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { after, test } from "node:test";
import pg from "pg";
import { PostgresStorage } from "../../src/storage/postgres/storage.ts";
import { PYTHON, skip } from "./optuna-compare.ts";
import { cleanUp, createTestDatabase, postgresUrl } from "./servers.ts";

await createTestDatabase(4);
after(cleanUp);

const CATALOG = [
  `SELECT table_name, column_name, data_type, udt_name, character_maximum_length, is_nullable, column_default
   FROM information_schema.columns WHERE table_schema = $1 ORDER BY table_name, ordinal_position`,
  `SELECT c.conrelid::regclass::text AS table, conname, contype, pg_get_constraintdef(c.oid) AS definition
   FROM pg_constraint c WHERE connamespace = $1::regnamespace ORDER BY conname`,
  "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1 ORDER BY indexname",
  `SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder) AS labels FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
   WHERE t.typnamespace = $1::regnamespace GROUP BY t.typname ORDER BY t.typname`,
];

/** Everything the catalogs say about a schema, with the schema's name taken out of the text. */
async function describe(schema: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: postgresUrl(schema) });
  await client.connect();
  try {
    const parts: unknown[] = [];
    for (const query of CATALOG) parts.push((await client.query(query, [schema])).rows);
    parts.push((await client.query("SELECT * FROM version_info")).rows, (await client.query("SELECT * FROM alembic_version")).rows);
    return JSON.parse(JSON.stringify(parts).replaceAll(`${schema}.`, ""));
  } finally {
    await client.end();
  }
}

test("postgres: the schema hyperforce creates is the one Optuna 3.1 creates, catalog for catalog", { skip }, async () => {
  new PostgresStorage(postgresUrl("s0")).close();
  const run = spawnSync(PYTHON, ["-c", "import sys, optuna; optuna.storages.RDBStorage(sys.argv[1])", postgresUrl("s1")], {
    encoding: "utf8",
  });
  assert.equal(run.status, 0, run.stderr);
  const [ours, optunas] = [await describe("s0"), await describe("s1")];
  assert.deepEqual(ours, optunas);
  assert.equal((optunas[0] as unknown[]).length, 50); // the columns of its 12 tables
  assert.deepEqual(optunas.slice(4), [
    [{ version_info_id: 1, schema_version: 12, library_version: "3.1.0" }],
    [{ version_num: "v3.0.0.d" }],
  ]);
});

test("postgres: a database at a revision it does not know, or with only some of Optuna's tables, is refused", async () => {
  new PostgresStorage(postgresUrl("s2")).close();
  const client = new pg.Client({ connectionString: postgresUrl("s2") });
  await client.connect();
  await client.query("UPDATE alembic_version SET version_num = 'v9.9.9.z'");
  await client.query("CREATE TABLE s3.studies (study_id INTEGER)");
  await client.end();
  assert.throws(() => new PostgresStorage(postgresUrl("s2")), {
    message: /holds Optuna's schema at revision "v9\.9\.9\.z"; hyperforce reads and writes v3\.0\.0\.d and v3\.2\.0\.a/,
  });
  assert.throws(() => new PostgresStorage(postgresUrl("s3")), {
    message: /holds only some of Optuna's tables \(studies\): it is not an Optuna storage/,
  });
});
