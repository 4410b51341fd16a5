/**
 * Best value so far against trials for several runs at once: one line per series (the seeds of a
 * method, or the methods of an experiment averaged over seeds).
 */
import type { Direction, FrozenTrial } from "../trial/types.ts";
import type { PlotSpec } from "./render.ts";

export interface ConvergenceSeries {
  name: string;
  /** best[i]: the best value among the first i + 1 trials (NaN until one completes). */
  best: readonly number[];
}

/** Best value so far after each trial, in trial order (FAIL trials carry the previous best). */
export function bestSoFar(trials: readonly FrozenTrial[], direction: Direction): number[] {
  let best = Number.NaN;
  return trials
    .slice()
    .sort((a, b) => a.number - b.number)
    .filter((trial) => trial.state === "COMPLETE" || trial.state === "FAIL")
    .map((trial) => {
      const value = trial.state === "COMPLETE" ? trial.value : undefined;
      if (value !== undefined && Number.isFinite(value) && (Number.isNaN(best) || (direction === "minimize" ? value < best : value > best)))
        best = value;
      return best;
    });
}

/** Element-wise mean of several best-so-far curves, over as many trials as the shortest one has. */
export function meanCurve(curves: readonly (readonly number[])[]): number[] {
  if (curves.length === 0) return [];
  const length = Math.min(...curves.map((curve) => curve.length));
  return Array.from({ length }, (_, i) => curves.reduce((sum, curve) => sum + curve[i], 0) / curves.length);
}

export interface ConvergencePlotOptions {
  title: string;
  valueLabel: string;
  /** Legend title: "seed", "method". */
  seriesTitle: string;
}

export function convergencePlot(series: readonly ConvergenceSeries[], options: ConvergencePlotOptions): PlotSpec {
  const rows = series.flatMap((one) =>
    one.best.flatMap((value, i) => (Number.isFinite(value) ? [{ series: one.name, trial: i + 1, best: value }] : [])),
  );
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: options.title,
    width: 560,
    height: 340,
    data: { values: rows },
    mark: { type: "line", interpolate: "step-after", strokeWidth: 2 },
    encoding: {
      x: { field: "trial", type: "quantitative", title: "trials evaluated", axis: { format: "d", tickMinStep: 1 } },
      y: { field: "best", type: "quantitative", title: `best ${options.valueLabel}`, scale: { zero: false } },
      color: { field: "series", type: "nominal", title: options.seriesTitle, sort: series.map((one) => one.name) },
    },
  } as PlotSpec;
}
