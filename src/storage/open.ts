import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { ioReason, StorageError, UsageError } from "../errors/errors.ts";
import { JournalFileStorage } from "./journal.ts";
import { InMemoryStorage } from "./memory.ts";
import type { Storage } from "./storage.ts";

const JOURNAL_EXTENSIONS = [".jsonl", ".log", ".journal"];

/**
 * The storage a study option names: a Storage object as is; nothing -> in memory;
 * a path ending in .jsonl, .log or .journal -> a journal file (its folders created).
 */
export function openStorage(spec: Storage | string | undefined): Storage {
  if (spec === undefined) return new InMemoryStorage();
  if (typeof spec === "string") {
    if (!JOURNAL_EXTENSIONS.some((ext) => spec.endsWith(ext))) {
      throw new UsageError(
        `storage "${spec}" is not a journal file path: use a path ending in ${JOURNAL_EXTENSIONS.join(", ")}, ` +
          "or leave the storage out to keep the study in memory",
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
