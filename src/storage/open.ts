import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { ioReason, StorageError, UsageError } from "../errors/errors.ts";
import { JournalFileStorage } from "./journal.ts";
import { InMemoryStorage } from "./memory.ts";
import { PostgresStorage } from "./postgres/storage.ts";
import { RedisJournalStorage } from "./redis-journal.ts";
import type { Storage } from "./storage.ts";

const JOURNAL_EXTENSIONS = [".jsonl", ".log", ".journal"];

/** URL schemes of the storages on a server (their client packages load in a thread of their own, when opened). */
const SERVER_SCHEMES = /^(redis|rediss|postgres|postgresql):\/\//;

/** True when a storage string names a server (Redis, PostgreSQL) rather than a journal file. */
export function isServerStorage(spec: string): boolean {
  return SERVER_SCHEMES.test(spec);
}

/**
 * The storage a study option names: a Storage object as is; nothing -> in memory;
 * redis://host:port/db[?prefix=p] -> Optuna's Redis journal; postgresql://user@host/db -> Optuna's RDB schema;
 * a path ending in .jsonl, .log or .journal -> a journal file (its folders created).
 */
export function openStorage(spec: Storage | string | undefined): Storage {
  if (spec === undefined) return new InMemoryStorage();
  if (typeof spec === "string") {
    if (spec.startsWith("redis://") || spec.startsWith("rediss://")) return new RedisJournalStorage(spec);
    if (spec.startsWith("postgresql://") || spec.startsWith("postgres://")) return new PostgresStorage(spec);
    if (!JOURNAL_EXTENSIONS.some((ext) => spec.endsWith(ext))) {
      throw new UsageError(
        `storage "${spec}" is not a journal file path or a server URL: use a path ending in ${JOURNAL_EXTENSIONS.join(", ")}, ` +
          "a URL redis://host:port/db or postgresql://user@host/db, or leave the storage out to keep the study in memory",
      );
    }
    try {
      mkdirSync(dirname(spec), { recursive: true });
    } catch (error) {
      throw new StorageError(`cannot create the folder ${dirname(spec)} of journal file ${spec}: ${ioReason(error)}`, { cause: error });
    }
    return new JournalFileStorage(spec);
  }
  if (spec !== null && typeof spec === "object" && typeof (spec as Storage).createStudy === "function") return spec;
  throw new UsageError(`storage must be a Storage object, a journal file path or undefined, got ${JSON.stringify(spec)}`);
}
