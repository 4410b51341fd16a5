/**
 * Optimization history: each finished trial's value (points), the best value so far (a step line),
 * and the failed trials, which have no value, as red crosses along the top edge.
 */
import type { Direction, FrozenTrial } from "../trial/types.ts";
import type { PlotSpec } from "./render.ts";

export interface HistoryPlotOptions {
  direction: Direction;
  /** The y axis title, with its unit: "validation loss (MSE, z-scored target)". */
  valueLabel: string;
  title: string;
}

export const HISTORY_SERIES = { trial: "trial value", best: "best so far", failed: "failed trial (no value)" } as const;

export interface HistoryRow {
  trial: number;
  value: number;
  series: string;
}

/** The rows the plot draws, in trial order: exported for tests and CSV users. */
export function historyRows(trials: readonly FrozenTrial[], direction: Direction): HistoryRow[] {
  const finished = trials.filter((trial) => trial.state === "COMPLETE" || trial.state === "FAIL").sort((a, b) => a.number - b.number);
  const values = finished.filter((trial) => trial.state === "COMPLETE" && Number.isFinite(trial.value)).map((trial) => trial.value!);
  const ceiling = values.length === 0 ? 0 : direction === "minimize" ? Math.max(...values) : Math.min(...values);
  const rows: HistoryRow[] = [];
  let best: number | undefined;
  for (const trial of finished) {
    if (trial.state === "FAIL" || !Number.isFinite(trial.value)) {
      rows.push({ trial: trial.number, value: ceiling, series: HISTORY_SERIES.failed });
      continue;
    }
    const value = trial.value!;
    rows.push({ trial: trial.number, value, series: HISTORY_SERIES.trial });
    if (best === undefined || (direction === "minimize" ? value < best : value > best)) best = value;
    rows.push({ trial: trial.number, value: best, series: HISTORY_SERIES.best });
  }
  return rows;
}

export function historyPlot(trials: readonly FrozenTrial[], options: HistoryPlotOptions): PlotSpec {
  const rows = historyRows(trials, options.direction);
  const failed = rows.filter((row) => row.series === HISTORY_SERIES.failed).length;
  // The legend names failed trials only when there are some.
  const domain = [HISTORY_SERIES.trial, HISTORY_SERIES.best, ...(failed > 0 ? [HISTORY_SERIES.failed] : [])];
  const range = ["#4c78a8", "#f58518", "#d62728"].slice(0, domain.length);
  const color = { field: "series", type: "nominal", title: null, scale: { domain, range } };
  const x = { field: "trial", type: "quantitative", title: "trial number", axis: { format: "d", tickMinStep: 1 } };
  const y = { field: "value", type: "quantitative", title: options.valueLabel, scale: { zero: false } };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: {
      text: options.title,
      subtitle: failed > 0 ? `${failed} failed trial${failed === 1 ? "" : "s"} marked along the top edge` : "",
    },
    width: 560,
    height: 340,
    data: { values: rows },
    layer: [
      {
        transform: [{ filter: `datum.series === '${HISTORY_SERIES.trial}'` }],
        mark: { type: "point", filled: true, size: 30, opacity: 0.7 },
        encoding: { x, y, color },
      },
      {
        transform: [{ filter: `datum.series === '${HISTORY_SERIES.best}'` }],
        mark: { type: "line", interpolate: "step-after", strokeWidth: 2 },
        encoding: { x, y, color },
      },
      {
        transform: [{ filter: `datum.series === '${HISTORY_SERIES.failed}'` }],
        mark: { type: "point", shape: "cross", filled: true, size: 60 },
        encoding: { x, y, color },
      },
    ],
  } as PlotSpec;
}
