/**
 * The report of one stored study, written to a folder: every plot as SVG and PNG, trials.csv,
 * trials.json and an index.html showing them with a summary (study, dataset and target, sampler,
 * trials, best configuration, best value, its accuracy and test loss, parameter importance) and the
 * ten best trials.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Storage } from "../storage/storage.ts";
import type { Direction, FrozenTrial } from "../trial/types.ts";
import { trialsCsv, trialsJson } from "./export.ts";
import { reportHtml } from "./html.ts";
import { type WrittenPlot, writePlot } from "./render.ts";
import { studyView, summaryRows, topTable } from "./study-view.ts";

export { studySpace } from "./space-of.ts";

export interface StudyReportOptions {
  storage: Storage;
  study: string;
  out: string;
  /** The y axis title of values; default from the study's task (its definition or user attr "task") or "objective value". */
  valueLabel?: string;
  /** Updates in the reward curve's moving average; default 10. */
  window?: number;
}

export interface StudyReport {
  study: string;
  direction: Direction;
  sampler: string;
  trials: { total: number; complete: number; failed: number };
  best: null | { number: number; params: FrozenTrial["params"]; value: number; testLoss: number | null };
  plots: WrittenPlot[];
  /** Every file written, the page last. */
  files: string[];
  index: string;
}

export async function writeStudyReport(options: StudyReportOptions): Promise<StudyReport> {
  const { storage, out } = options;
  storage.sync?.();
  const summary = storage.findStudy(options.study);
  if (summary === undefined) {
    const names = storage.listStudies().map((study) => study.name);
    throw new Error(`no study named "${options.study}" in this storage; it holds: ${names.length > 0 ? names.join(", ") : "no study"}`);
  }
  const trials = storage.getAllTrials(summary.studyId);
  const view = studyView(summary, trials, {
    ...(options.valueLabel !== undefined ? { valueLabel: options.valueLabel } : {}),
    ...(options.window !== undefined ? { window: options.window } : {}),
  });
  mkdirSync(out, { recursive: true });
  const plots: WrittenPlot[] = [];
  for (const plot of view.plots) plots.push(await writePlot(out, plot.name, plot.spec));

  const csvPath = join(out, "trials.csv");
  const jsonPath = join(out, "trials.json");
  writeFileSync(csvPath, trialsCsv(trials));
  writeFileSync(jsonPath, trialsJson(trials));

  const top = topTable(view);
  const index = join(out, "index.html");
  const page = reportHtml(
    {
      title: `hyperforce report: ${options.study}`,
      summary: summaryRows(view),
      tables: top.rows.length > 0 ? [{ caption: `The ${top.rows.length} best trials`, ...top }] : [],
      plots,
      files: [
        { label: "trials.csv", path: csvPath },
        { label: "trials.json", path: jsonPath },
      ],
    },
    out,
  );
  writeFileSync(index, page);
  const testLoss = view.best?.userAttrs.test_loss;
  const best =
    view.best === undefined
      ? null
      : {
          number: view.best.number,
          params: view.best.params,
          value: view.best.value!,
          testLoss: typeof testLoss === "number" ? testLoss : null,
        };
  const { total, complete, failed } = view.counts;
  const files = [...plots.flatMap((plot) => [plot.svg, plot.png]), csvPath, jsonPath, index];
  return {
    study: options.study,
    direction: view.direction,
    sampler: view.sampler,
    trials: { total, complete, failed },
    best,
    plots,
    files,
    index,
  };
}
