/**
 * `hyperforce studies` and `hyperforce trials`: what a storage (journal file, Redis, PostgreSQL) holds,
 * as a table, JSON or CSV; and the helpers every command reading a stored study shares.
 */
import { existsSync } from "node:fs";
import { Command } from "commander";
import { trialsCsv } from "../report/export.ts";
import { roundForPeople } from "../report/labels.ts";
import { formatParamValue } from "../report/scale.ts";
import { isServerStorage, openStorage } from "../storage/open.ts";
import type { Storage, StudySummary } from "../storage/storage.ts";
import { findBestTrial } from "../trial/best.ts";
import { UsageError } from "./errors.ts";
import { DEFAULT_STORAGE } from "./run-setup.ts";

/** The storage a --storage flag names; a journal file must exist already (a server storage is opened as is). */
export function openExistingStorage(path: string): Storage {
  if (!isServerStorage(path) && !existsSync(path))
    throw new UsageError(`no journal file at ${path} (run a study first, or pass --storage)`);
  // A journal that cannot be read keeps its class (StorageError): not the user's command to fix.
  return openStorage(path);
}

export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)].join("\n") + "\n";
}

/** The study of that name in the storage, or a usage error listing the names it holds. */
export function findStudyOrFail(storage: Storage, name: string, path: string): StudySummary {
  const summary = storage.findStudy(name);
  if (summary !== undefined) return summary;
  const names = storage.listStudies().map((study) => study.name);
  throw new UsageError(`no study named "${name}" in ${path}; it holds: ${names.length > 0 ? names.join(", ") : "no study"}`);
}

/** The study --study names, or the storage's only study when --study is left out. */
export function resolveStudy(storage: Storage, name: string | undefined, path: string): StudySummary {
  if (name !== undefined) return findStudyOrFail(storage, name, path);
  const studies = storage.listStudies();
  if (studies.length === 1) return studies[0];
  if (studies.length === 0) throw new UsageError(`${path} holds no study yet`);
  const names = studies.map((study) => study.name).join(", ");
  throw new UsageError(`${path} holds ${studies.length} studies; choose one with --study: ${names}`);
}

/** One line of a table cell: a multi-line text (a fail reason with a stack) is cut at its first line break. */
export function oneLine(text: string, max = 80): string {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== "");
  const first = lines[0] ?? "";
  const cut = first.length > max ? `${first.slice(0, max - 1)}…` : first;
  return lines.length > 1 ? `${cut} (+${lines.length - 1} lines)` : cut;
}

export function studiesCommand(): Command {
  return new Command("studies")
    .description("list the studies in a storage")
    .option("--storage <file|url>", "journal file, redis:// or postgresql:// URL", DEFAULT_STORAGE)
    .option("--json", "one JSON array")
    .action((flags: { storage: string; json?: boolean }) => {
      const storage = openExistingStorage(flags.storage);
      const studies = storage.listStudies().map((summary) => {
        const trials = storage.getAllTrials(summary.studyId);
        const best = findBestTrial(trials, summary.direction);
        return {
          name: summary.name,
          direction: summary.direction,
          trials: trials.length,
          complete: trials.filter((trial) => trial.state === "COMPLETE").length,
          failed: trials.filter((trial) => trial.state === "FAIL").length,
          bestValue: best?.value ?? null,
          bestTrial: best?.number ?? null,
        };
      });
      if (flags.json) {
        process.stdout.write(JSON.stringify(studies) + "\n");
        return;
      }
      if (studies.length === 0) {
        process.stdout.write(`no studies in ${flags.storage}\n`);
        return;
      }
      const rows = studies.map((s) => [
        s.name,
        s.direction,
        String(s.trials),
        String(s.complete),
        String(s.failed),
        s.bestValue === null ? "-" : roundForPeople(s.bestValue),
        s.bestTrial === null ? "-" : `#${s.bestTrial}`,
      ]);
      process.stdout.write(formatTable(["study", "direction", "trials", "complete", "failed", "best value", "best trial"], rows));
    });
}

export function trialsCommand(): Command {
  return new Command("trials")
    .description("list the trials of one study")
    .option("--study <name>", "study name (see: hyperforce studies); optional when the storage holds one study")
    .option("--storage <file|url>", "journal file, redis:// or postgresql:// URL", DEFAULT_STORAGE)
    .option("--json", "one JSON array of trials")
    .option("--csv", "CSV, one row per trial (params_* and user_attrs_* columns)")
    .action((flags: { study?: string; storage: string; json?: boolean; csv?: boolean }) => {
      if (flags.json && flags.csv) throw new UsageError("choose one of --json and --csv");
      const storage = openExistingStorage(flags.storage);
      const summary = resolveStudy(storage, flags.study, flags.storage);
      const trials = storage.getAllTrials(summary.studyId);
      if (flags.json) {
        process.stdout.write(JSON.stringify(trials) + "\n");
        return;
      }
      if (flags.csv) {
        process.stdout.write(trialsCsv(trials));
        return;
      }
      const paramNames = [...new Set(trials.flatMap((trial) => Object.keys(trial.params)))];
      const rows = trials.map((trial) => [
        String(trial.number),
        trial.state,
        trial.value === undefined ? "-" : roundForPeople(trial.value),
        ...paramNames.map((name) => (trial.params[name] === undefined ? "-" : formatParamValue(trial.params[name]))),
        oneLine(trial.failReason ?? ""),
      ]);
      process.stdout.write(formatTable(["#", "state", "value", ...paramNames, "fail reason"], rows));
    });
}
