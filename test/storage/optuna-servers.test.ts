// Optuna 3.1 and hyperforce on the same Redis journal and the same PostgreSQL database (the machine's
// servers; a fresh key prefix or schema per test): Optuna loads what hyperforce wrote, every field
// equal, and hyperforce continues what Optuna wrote, which Optuna then reads back.

import { after, test } from "node:test";
import { PostgresStorage } from "../../src/storage/postgres/storage.ts";
import { RedisJournalStorage } from "../../src/storage/redis-journal.ts";
import type { Storage } from "../../src/storage/storage.ts";
import { continueOptunaStudies, skip, writeAndLoadInOptuna } from "./optuna-compare.ts";
import { cleanUp, createTestDatabase, freshPostgresUrl, freshRedisUrl } from "./servers.ts";

await createTestDatabase(2);
const opened: Storage[] = [];
after(async () => {
  for (const storage of opened) storage.close?.();
  await cleanUp();
});
const keep = (storage: Storage): Storage => {
  opened.push(storage);
  return storage;
};

test("redis: Optuna's JournalRedisStorage loads a study hyperforce wrote, every field equal", { skip }, () => {
  const url = freshRedisUrl();
  writeAndLoadInOptuna(keep(new RedisJournalStorage(url)), url);
});

test("redis: hyperforce continues studies Optuna wrote in Redis; Optuna reads the result", { skip }, () => {
  const url = freshRedisUrl();
  continueOptunaStudies(url, () => keep(new RedisJournalStorage(url)));
});

test("postgres: Optuna's RDBStorage loads a study hyperforce wrote, every field equal", { skip }, () => {
  const url = freshPostgresUrl();
  writeAndLoadInOptuna(keep(new PostgresStorage(url)), url, false);
});

test("postgres: hyperforce continues studies Optuna wrote (and the schema Optuna created); Optuna reads the result", { skip }, () => {
  const url = freshPostgresUrl();
  continueOptunaStudies(url, () => keep(new PostgresStorage(url)), false);
});
