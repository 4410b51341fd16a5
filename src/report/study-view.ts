/**
 * What the report and the dashboard show of one stored study, computed once: what it measures, its
 * trial counts, its best trial, its ten best trials, its parameter importances, and every plot as a
 * vega-lite spec with a file-name stem.
 */
import type { SearchSpace } from "../space/types.ts";
import type { StudySummary } from "../storage/storage.ts";
import { findBestTrial } from "../trial/best.ts";
import type { FrozenTrial } from "../trial/types.ts";
import { storedSamplerName, storedUpdateDiagnostics } from "./diagnostics.ts";
import { historyPlot } from "./history-plot.ts";
import { type ParameterImportance, parameterImportances } from "./importance.ts";
import { importancePlot } from "./importance-plot.ts";
import { intermediatePlot } from "./intermediate-plot.ts";
import { rewardLabelOf, roundForPeople, type StudyObjective, studyObjective } from "./labels.ts";
import { parallelPlot } from "./parallel-plot.ts";
import { headPlot } from "./policy-plots.ts";
import type { PlotSpec } from "./render.ts";
import { rewardPlot } from "./reward-plot.ts";
import { formatParamValue } from "./scale.ts";
import { sliceGrid } from "./slice-plot.ts";
import { studySpace } from "./space-of.ts";

export interface NamedPlot {
  /** File-name stem and element id: "history", "importance", ... */
  name: string;
  spec: PlotSpec;
}

export interface TrialCounts {
  total: number;
  complete: number;
  failed: number;
  pruned: number;
  running: number;
}

export interface StudyView {
  study: string;
  direction: StudySummary["direction"];
  sampler: string;
  objective: StudyObjective;
  counts: TrialCounts;
  best: FrozenTrial | undefined;
  top: FrozenTrial[];
  importances: ParameterImportance[];
  space: SearchSpace;
  plots: NamedPlot[];
}

export interface StudyViewOptions {
  valueLabel?: string;
  /** Updates in the reward curve's moving average; default 10. */
  window?: number;
  /** Include the intermediate-values plot even when no trial reported any (the dashboard's fixed layout). */
  alwaysIntermediate?: boolean;
}

export function trialCounts(trials: readonly FrozenTrial[]): TrialCounts {
  const count = (state: FrozenTrial["state"]) => trials.filter((trial) => trial.state === state).length;
  return { total: trials.length, complete: count("COMPLETE"), failed: count("FAIL"), pruned: count("PRUNED"), running: count("RUNNING") };
}

/** The ten best complete trials, best first. */
export function topTrials(trials: readonly FrozenTrial[], direction: StudySummary["direction"], n = 10): FrozenTrial[] {
  return trials
    .filter((trial) => trial.state === "COMPLETE" && Number.isFinite(trial.value))
    .sort((a, b) => (direction === "minimize" ? a.value! - b.value! : b.value! - a.value!) || a.number - b.number)
    .slice(0, n);
}

export function studyView(summary: StudySummary, trials: readonly FrozenTrial[], options: StudyViewOptions = {}): StudyView {
  const found = studyObjective(summary.userAttrs, summary.systemAttrs, trials);
  const objective = options.valueLabel === undefined ? found : { ...found, valueLabel: options.valueLabel };
  const method = typeof summary.userAttrs.method === "string" ? summary.userAttrs.method : undefined;
  const space = studySpace(summary.systemAttrs, trials);
  const importances = parameterImportances(trials, space, summary.direction);
  return {
    study: summary.name,
    direction: summary.direction,
    sampler: method ?? storedSamplerName(summary.systemAttrs) ?? "not recorded",
    objective,
    counts: trialCounts(trials),
    best: findBestTrial(trials, summary.direction),
    top: topTrials(trials, summary.direction),
    importances,
    space,
    plots: studyPlots(summary, trials, space, importances, objective.valueLabel, options),
  };
}

function studyPlots(
  summary: StudySummary,
  trials: readonly FrozenTrial[],
  space: SearchSpace,
  importances: readonly ParameterImportance[],
  valueLabel: string,
  options: StudyViewOptions,
): NamedPlot[] {
  const { name, direction } = summary;
  const plots: NamedPlot[] = [
    { name: "history", spec: historyPlot(trials, { direction, valueLabel, title: `Optimization history: ${name}` }) },
  ];
  if (importances.length > 0) plots.push({ name: "importance", spec: importancePlot(importances, `Parameter importance: ${name}`) });
  if (Object.keys(space).length > 0) {
    const title = `Configurations: ${name}`;
    plots.push({ name: "parallel-coordinates", spec: parallelPlot(trials, space, { direction, valueLabel, title }) });
    plots.push({ name: "slices", spec: sliceGrid(trials, space, { valueLabel, title: `Slices: ${name}` }) });
  }
  if (options.alwaysIntermediate || trials.some((trial) => Object.keys(trial.intermediateValues).length > 0)) {
    plots.push({ name: "intermediate-values", spec: intermediatePlot(trials, { valueLabel, title: `Intermediate values: ${name}` }) });
  }
  const updates = storedUpdateDiagnostics(summary.systemAttrs);
  if (updates !== undefined && updates.length > 0) {
    const points = updates.map((entry) => ({ update: entry.update, meanReward: entry.meanReward }));
    const rewardLabel = rewardLabelOf(valueLabel, direction);
    const reward = rewardPlot([{ name, points }], { title: `Reward per policy update: ${name}`, rewardLabel, window: options.window });
    const heads = Object.keys(space);
    plots.push({ name: "reward", spec: reward });
    plots.push({ name: "entropy", spec: headPlot(updates, heads, "entropy", `Policy entropy per head: ${name}`) });
    plots.push({ name: "top-probability", spec: headPlot(updates, heads, "top", `Probability of each head's top choice: ${name}`) });
  }
  return plots;
}

/** "learning_rate=1e-3, batch_size=64" */
export function formatParams(params: FrozenTrial["params"]): string {
  return Object.entries(params)
    .map(([name, value]) => `${name}=${formatParamValue(value)}`)
    .join(", ");
}

function attrNumber(trial: FrozenTrial, key: string): string {
  const value = trial.userAttrs[key];
  return typeof value === "number" ? roundForPeople(value) : "-";
}

/** The top-10 table: rank, trial, value, test loss, accuracy (classification), parameters; numbers rounded. */
export function topTable(view: StudyView): { header: string[]; rows: string[][] } {
  const names = [...new Set(view.top.flatMap((trial) => Object.keys(trial.params)))];
  const accuracy = view.objective.classification;
  const header = ["rank", "trial", view.objective.valueLabel, "test loss", ...(accuracy ? ["validation accuracy"] : []), ...names];
  const rows = view.top.map((trial, i) => [
    String(i + 1),
    `#${trial.number}`,
    roundForPeople(trial.value!),
    attrNumber(trial, "test_loss"),
    ...(accuracy ? [attrNumber(trial, "validation_accuracy")] : []),
    ...names.map((name) => (Object.hasOwn(trial.params, name) ? formatParamValue(trial.params[name]) : "-")),
  ]);
  return { header, rows };
}

/** The report's summary: label / value pairs, numbers rounded for people. */
export function summaryRows(view: StudyView): [string, string][] {
  const { best, counts, objective } = view;
  const rows: [string, string][] = [["study", view.study]];
  if (objective.dataset !== undefined) rows.push(["dataset", objective.dataset]);
  if (objective.target !== undefined) rows.push(["target", objective.target]);
  rows.push(["sampler", view.sampler], ["direction", view.direction]);
  const others = [counts.pruned > 0 ? `, ${counts.pruned} pruned` : "", counts.running > 0 ? `, ${counts.running} running` : ""].join("");
  rows.push(["trials", `${counts.total} (${counts.complete} complete, ${counts.failed} failed${others})`]);
  rows.push(["best configuration", best === undefined ? "no complete trial" : formatParams(best.params)]);
  rows.push([`best value (${objective.valueLabel})`, best === undefined ? "-" : `${roundForPeople(best.value!)} (trial #${best.number})`]);
  if (objective.classification && best !== undefined) {
    rows.push(["its validation accuracy", attrNumber(best, "validation_accuracy").replace(/^-$/, "not recorded")]);
    rows.push(["its test accuracy", attrNumber(best, "test_accuracy").replace(/^-$/, "not recorded")]);
  }
  rows.push(["its test loss", best === undefined ? "-" : attrNumber(best, "test_loss").replace(/^-$/, "not recorded")]);
  if (view.importances.length > 0) {
    const shares = view.importances.map((entry) => `${entry.parameter} ${entry.importance.toFixed(2)}`).join(", ");
    rows.push(["parameter importance (PED-ANOVA)", shares]);
  }
  return rows;
}
