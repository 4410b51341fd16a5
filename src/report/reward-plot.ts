/**
 * Reward per policy update with its moving average, as in the paper's Figures 3 to 6. One series
 * (a study): the batch mean reward and its moving average, in two colours. Several series (seeds of
 * one method): one colour per series, the batch means faint and the moving averages bold.
 */
import type { PlotSpec } from "./render.ts";

export interface RewardPoint {
  /** 1-based policy update. */
  update: number;
  /** Mean reward of the batch the update learned from. */
  meanReward: number;
}

export interface RewardSeries {
  name: string;
  points: readonly RewardPoint[];
}

export interface RewardPlotOptions {
  title: string;
  /** What the reward is, with its unit: "reward (− validation MSE)". */
  rewardLabel: string;
  /** Updates in the trailing moving average; default 10. */
  window?: number;
}

export interface RewardRow {
  series: string;
  kind: "batch" | "average";
  update: number;
  reward: number;
}

/** Trailing mean of the last `window` values (fewer at the start). */
export function movingAverage(values: readonly number[], window: number): number[] {
  if (!Number.isInteger(window) || window < 1) throw new Error(`the moving-average window must be a positive integer, got ${window}`);
  const out: number[] = [];
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i];
    if (i >= window) sum -= values[i - window];
    out.push(sum / Math.min(i + 1, window));
  }
  return out;
}

export function rewardRows(series: readonly RewardSeries[], window: number): RewardRow[] {
  const single = series.length === 1;
  return series.flatMap((one) => {
    const points = one.points.slice().sort((a, b) => a.update - b.update);
    const average = movingAverage(
      points.map((point) => point.meanReward),
      window,
    );
    return points.flatMap((point, i) => [
      { series: single ? "batch mean reward" : one.name, kind: "batch" as const, update: point.update, reward: point.meanReward },
      {
        series: single ? `moving average (${window} updates)` : one.name,
        kind: "average" as const,
        update: point.update,
        reward: average[i],
      },
    ]);
  });
}

/**
 * The y range to draw: everything, unless a few batch means fall far below the moving averages (one
 * diverged batch would flatten every curve); then the axis stops at the averages' lowest value minus
 * half their spread, and the points below are clipped (the subtitle says how many).
 */
export function rewardDomain(rows: readonly RewardRow[]): { domain: [number, number] | null; clipped: number } {
  const averages = rows.filter((row) => row.kind === "average").map((row) => row.reward);
  const all = rows.map((row) => row.reward);
  const top = Math.max(...all);
  const low = Math.min(...averages);
  const floor = low - 0.5 * Math.max(top - low, 1e-12);
  const clipped = rows.filter((row) => row.reward < floor).length;
  return clipped === 0 ? { domain: null, clipped: 0 } : { domain: [floor, top], clipped };
}

export function rewardPlot(series: readonly RewardSeries[], options: RewardPlotOptions): PlotSpec {
  if (series.length === 0) throw new Error("a reward plot needs at least one series of policy updates");
  const window = options.window ?? 10;
  const single = series.length === 1;
  const rows = rewardRows(series, window);
  const { domain, clipped } = rewardDomain(rows);
  const x = {
    field: "update",
    type: "quantitative",
    title: "policy update (one batch of trajectories)",
    axis: { format: "d", tickMinStep: 1 },
  };
  const y = {
    field: "reward",
    type: "quantitative",
    title: options.rewardLabel,
    scale: domain === null ? { zero: false } : { domain, nice: false },
  };
  const color = { field: "series", type: "nominal", title: single ? null : "series", legend: { symbolOpacity: 1, symbolStrokeWidth: 2.5 } };
  const notes = [
    single ? "" : `faint: batch mean reward; bold: moving average over ${window} updates`,
    clipped > 0 ? `${clipped} point${clipped === 1 ? "" : "s"} below the axis not shown` : "",
  ];
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: options.title, subtitle: notes.filter((note) => note !== "").join("; ") },
    width: 560,
    height: 340,
    data: { values: rows },
    layer: [
      {
        transform: [{ filter: "datum.kind === 'batch'" }],
        mark: { type: "line", strokeWidth: 1, opacity: single ? 0.8 : 0.3, point: single ? { size: 12 } : false, clip: true },
        encoding: { x, y, color },
      },
      {
        transform: [{ filter: "datum.kind === 'average'" }],
        mark: { type: "line", strokeWidth: 2.5, clip: true },
        encoding: { x, y, color },
      },
    ],
  } as PlotSpec;
}
