/**
 * `hyperforce best`: the best trial of a study, as text or JSON.
 */
import { Command } from "commander";
import { roundForPeople } from "../report/labels.ts";
import { formatParamValue } from "../report/scale.ts";
import { findBestTrial } from "../trial/best.ts";
import { UsageError } from "./errors.ts";
import { DEFAULT_STORAGE } from "./run-setup.ts";
import { openExistingStorage, resolveStudy } from "./studies.ts";

export function bestCommand(): Command {
  return new Command("best")
    .description("print the best trial of a study (its number, value, parameters and user attributes)")
    .option("--study <name>", "study name (see: hyperforce studies); optional when the storage holds one study")
    .option("--storage <file|url>", "journal file, redis:// or postgresql:// URL", DEFAULT_STORAGE)
    .option("--json", "one JSON object: study, direction, number, value, params, userAttrs")
    .action((flags: { study?: string; storage: string; json?: boolean }) => {
      const storage = openExistingStorage(flags.storage);
      try {
        const summary = resolveStudy(storage, flags.study, flags.storage);
        const best = findBestTrial(storage.getAllTrials(summary.studyId), summary.direction);
        if (best === undefined) throw new UsageError(`study "${summary.name}" has no complete trial yet`);
        if (flags.json) {
          const record = { study: summary.name, direction: summary.direction, number: best.number, value: best.value, params: best.params };
          process.stdout.write(`${JSON.stringify({ ...record, userAttrs: best.userAttrs })}\n`);
          return;
        }
        const lines = [
          `study ${summary.name} (${summary.direction})`,
          `best trial #${best.number}: value ${roundForPeople(best.value!)}`,
          ...Object.entries(best.params).map(([name, value]) => `  ${name} = ${formatParamValue(value)}`),
          ...Object.entries(best.userAttrs)
            .filter(([, value]) => typeof value === "number")
            .map(([key, value]) => `  (${key} ${roundForPeople(value as number)})`),
        ];
        process.stdout.write(`${lines.join("\n")}\n`);
      } finally {
        storage.close?.();
      }
    });
}
