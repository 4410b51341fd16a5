/**
 * `hyperforce delete --study NAME`: removes a study and its trials from a storage (Optuna's
 * delete_study: one operation in the journal, so Optuna sees it deleted too).
 */
import { Command } from "commander";
import { UsageError } from "./errors.ts";
import { DEFAULT_STORAGE } from "./run-setup.ts";
import { findStudyOrFail, openExistingStorage } from "./studies.ts";

export function deleteCommand(): Command {
  return new Command("delete")
    .description("delete a study and its trials from a storage")
    .requiredOption("--study <name>", "the study to delete (see: hyperforce studies)")
    .option("--storage <file|url>", "journal file, redis:// or postgresql:// URL", DEFAULT_STORAGE)
    .action((flags: { study: string; storage: string }) => {
      const storage = openExistingStorage(flags.storage);
      try {
        const summary = findStudyOrFail(storage, flags.study, flags.storage);
        if (storage.deleteStudy === undefined) throw new UsageError(`${flags.storage}: this storage cannot delete studies`);
        const trials = storage.getAllTrials(summary.studyId).length;
        storage.deleteStudy(summary.studyId);
        process.stdout.write(`deleted study "${summary.name}" (${trials} trials) from ${flags.storage}\n`);
      } finally {
        storage.close?.();
      }
    });
}
