/**
 * The report of one stored study, written to a folder: every plot as SVG and PNG, trials.csv,
 * trials.json and an index.html showing them with a summary (study, sampler, trials, best
 * configuration, best value, its test loss).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { spaceFromJSON } from "../space/json.ts";
import type { SearchSpace } from "../space/types.ts";
import type { Storage } from "../storage/storage.ts";
import { STUDY_ATTR } from "../study/attrs.ts";
import { findBestTrial } from "../trial/best.ts";
import type { Direction, FrozenTrial } from "../trial/types.ts";
import { storedSamplerName, storedUpdateDiagnostics } from "./diagnostics.ts";
import { trialsCsv, trialsJson } from "./export.ts";
import { historyPlot } from "./history-plot.ts";
import { reportHtml } from "./html.ts";
import { rewardLabelOf, valueLabelOf } from "./labels.ts";
import { parallelPlot } from "./parallel-plot.ts";
import { type WrittenPlot, writePlot } from "./render.ts";
import { rewardPlot } from "./reward-plot.ts";
import { formatParamValue } from "./scale.ts";
import { slicePlot } from "./slice-plot.ts";

export interface StudyReportOptions {
  storage: Storage;
  study: string;
  out: string;
  /** The y axis title of values; default from the study's task (user attr "task") or "objective value". */
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

/** The study's declared space, else each parameter's distribution as its first trial recorded it. */
export function studySpace(systemAttrs: Record<string, unknown>, trials: readonly FrozenTrial[]): SearchSpace {
  const stored = systemAttrs[STUDY_ATTR.space];
  if (stored !== undefined) return spaceFromJSON(stored);
  const space: SearchSpace = {};
  for (const trial of trials) for (const [name, distribution] of Object.entries(trial.distributions)) space[name] ??= distribution;
  return space;
}

/** A file name stem for a parameter: slice-learning_rate. */
function sliceName(parameter: string): string {
  return `slice-${parameter.replace(/[^A-Za-z0-9_.-]+/g, "_")}`;
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
  const direction = summary.direction;
  const space = studySpace(summary.systemAttrs, trials);
  const valueLabel = options.valueLabel ?? valueLabelOf(summary.userAttrs, trials);
  const method = typeof summary.userAttrs.method === "string" ? summary.userAttrs.method : undefined;
  const sampler = method ?? storedSamplerName(summary.systemAttrs) ?? "not recorded";
  mkdirSync(out, { recursive: true });

  const plots = await writeStudyPlots(out, options, trials, summary.systemAttrs, space, valueLabel, direction);

  const csvPath = join(out, "trials.csv");
  const jsonPath = join(out, "trials.json");
  writeFileSync(csvPath, trialsCsv(trials));
  writeFileSync(jsonPath, trialsJson(trials));

  const bestTrial = findBestTrial(trials, direction);
  const testLoss = bestTrial?.userAttrs.test_loss;
  const best =
    bestTrial === undefined
      ? null
      : {
          number: bestTrial.number,
          params: bestTrial.params,
          value: bestTrial.value!,
          testLoss: typeof testLoss === "number" ? testLoss : null,
        };
  const counts = {
    total: trials.length,
    complete: trials.filter((t) => t.state === "COMPLETE").length,
    failed: trials.filter((t) => t.state === "FAIL").length,
  };
  const rows = summaryRows(options.study, sampler, direction, counts, best, valueLabel);
  const index = join(out, "index.html");
  const files = [...plots.flatMap((plot) => [plot.svg, plot.png]), csvPath, jsonPath];
  writeFileSync(
    index,
    reportHtml(
      {
        title: `hyperforce report: ${options.study}`,
        summary: rows,
        plots,
        files: [
          { label: "trials.csv", path: csvPath },
          { label: "trials.json", path: jsonPath },
        ],
      },
      out,
    ),
  );
  return { study: options.study, direction, sampler, trials: counts, best, plots, files: [...files, index], index };
}

/** The history, reward (RL samplers), parallel-coordinates and slice plots, written as SVG and PNG. */
async function writeStudyPlots(
  out: string,
  options: StudyReportOptions,
  trials: readonly FrozenTrial[],
  systemAttrs: Record<string, unknown>,
  space: SearchSpace,
  valueLabel: string,
  direction: Direction,
): Promise<WrittenPlot[]> {
  const plots: WrittenPlot[] = [];
  plots.push(
    await writePlot(out, "history", historyPlot(trials, { direction, valueLabel, title: `Optimization history: ${options.study}` })),
  );
  const updates = storedUpdateDiagnostics(systemAttrs);
  if (updates !== undefined && updates.length > 0) {
    const series = [{ name: options.study, points: updates.map((entry) => ({ update: entry.update, meanReward: entry.meanReward })) }];
    const spec = rewardPlot(series, {
      title: `Reward per policy update: ${options.study}`,
      rewardLabel: rewardLabelOf(valueLabel, direction),
      window: options.window,
    });
    plots.push(await writePlot(out, "reward", spec));
  }
  if (Object.keys(space).length > 0) {
    plots.push(
      await writePlot(
        out,
        "parallel-coordinates",
        parallelPlot(trials, space, { direction, valueLabel, title: `Configurations: ${options.study}` }),
      ),
    );
    for (const [parameter, distribution] of Object.entries(space)) {
      plots.push(await writePlot(out, sliceName(parameter), slicePlot(trials, parameter, distribution, { valueLabel })));
    }
  }

  return plots;
}

/** The report's summary table: the study, its sampler, its trials and its best configuration. */
function summaryRows(
  study: string,
  sampler: string,
  direction: Direction,
  counts: StudyReport["trials"],
  best: StudyReport["best"],
  valueLabel: string,
): [string, string][] {
  return [
    ["study", study],
    ["sampler", sampler],
    ["direction", direction],
    ["trials", `${counts.total} (${counts.complete} complete, ${counts.failed} failed)`],
    [
      "best configuration",
      best === null
        ? "no complete trial"
        : Object.entries(best.params)
            .map(([name, value]) => `${name}=${formatParamValue(value)}`)
            .join(", "),
    ],
    [`best value (${valueLabel})`, best === null ? "-" : `${best.value} (trial #${best.number})`],
    ["its test loss", best?.testLoss == null ? "not recorded" : String(best.testLoss)],
  ];
}
