/**
 * `hyperforce report`: plots (SVG and PNG), trials.csv, trials.json and an index.html for one study
 * of a storage. The page loads its images by relative path, so the folder can be moved or opened
 * offline.
 */
import { Command } from "commander";
import { writeStudyReport } from "../report/study-report.ts";
import { UsageError } from "./errors.ts";
import { DEFAULT_STORAGE } from "./run-setup.ts";
import { openExistingStorage, resolveStudy } from "./studies.ts";

export function reportCommand(): Command {
  return new Command("report")
    .description("write the plots (SVG and PNG), trials.csv, trials.json and an index.html of one study")
    .option("--study <name>", "study name (see: hyperforce studies); optional when the storage holds one study")
    .option("--storage <file|url>", "journal file, redis:// or postgresql:// URL", DEFAULT_STORAGE)
    .option("--out <dir>", "folder to write into (default report/<study>)")
    .option("--value-label <text>", 'y axis title of the values, with units (default: from the task, else "objective value")')
    .option("--window <n>", "policy updates in the reward curve's moving average", "10")
    .action(async (flags: { study?: string; storage: string; out?: string; valueLabel?: string; window: string }) => {
      const window = Number(flags.window);
      if (!Number.isInteger(window) || window < 1)
        throw new UsageError(`--window must be a positive integer, got ${JSON.stringify(flags.window)}`);
      const storage = openExistingStorage(flags.storage);
      try {
        const study = resolveStudy(storage, flags.study, flags.storage).name;
        const out = flags.out ?? `report/${study.replace(/[^A-Za-z0-9_.-]+/g, "_")}`;
        const report = await writeStudyReport({
          storage,
          study,
          out,
          window,
          ...(flags.valueLabel !== undefined ? { valueLabel: flags.valueLabel } : {}),
        });
        process.stdout.write(`${report.plots.length} plots (SVG and PNG), trials.csv and trials.json in ${out}\nopen ${report.index}\n`);
      } finally {
        storage.close?.();
      }
    });
}
