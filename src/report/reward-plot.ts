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
    const average = movingAverage(points.map((point) => point.meanReward), window);
    return points.flatMap((point, i) => [
      { series: single ? "batch mean reward" : one.name, kind: "batch" as const, update: point.update, reward: point.meanReward },
      { series: single ? `moving average (${window} updates)` : one.name, kind: "average" as const, update: point.update, reward: average[i] },
    ]);
  });
}

export function rewardPlot(series: readonly RewardSeries[], options: RewardPlotOptions): PlotSpec {
  if (series.length === 0) throw new Error("a reward plot needs at least one series of policy updates");
  const window = options.window ?? 10;
  const single = series.length === 1;
  const x = { field: "update", type: "quantitative", title: "policy update (one batch of trajectories)", axis: { format: "d", tickMinStep: 1 } };
  const y = { field: "reward", type: "quantitative", title: options.rewardLabel, scale: { zero: false } };
  const color = { field: "series", type: "nominal", title: single ? null : "series" };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: options.title, subtitle: single ? "" : `faint: batch mean reward; bold: moving average over ${window} updates` },
    width: 560,
    height: 300,
    data: { values: rewardRows(series, window) },
    layer: [
      {
        transform: [{ filter: "datum.kind === 'batch'" }],
        mark: { type: "line", strokeWidth: 1, opacity: single ? 0.8 : 0.3, point: single ? { size: 12 } : false },
        encoding: { x, y, color },
      },
      {
        transform: [{ filter: "datum.kind === 'average'" }],
        mark: { type: "line", strokeWidth: 2.5 },
        encoding: { x, y, color },
      },
    ],
  } as PlotSpec;
}
