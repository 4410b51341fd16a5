/**
 * Slice plot of one parameter: every complete trial's value against that parameter's value,
 * coloured by trial number (early to late). Log axis for log or geometric parameters.
 */
import type { Distribution, SearchSpace } from "../space/types.ts";
import type { FrozenTrial } from "../trial/types.ts";
import type { PlotSpec } from "./render.ts";
import { parameterScale } from "./scale.ts";

export interface SlicePlotOptions {
  valueLabel: string;
  /** Plot title; default "Slice: <parameter>". */
  title?: string;
}

export function sliceRows(trials: readonly FrozenTrial[], parameter: string): { trial: number; param: number | string; value: number }[] {
  return trials
    .filter((trial) => trial.state === "COMPLETE" && Number.isFinite(trial.value) && Object.hasOwn(trial.params, parameter))
    .map((trial) => {
      const raw = trial.params[parameter];
      return { trial: trial.number, param: typeof raw === "number" ? raw : String(raw), value: trial.value! };
    });
}

function sliceX(parameter: string, distribution: Distribution): Record<string, unknown> {
  const scale = parameterScale(distribution);
  return scale.numeric
    ? {
        field: "param",
        type: "quantitative",
        title: `${parameter}${scale.log ? " (log scale)" : ""}`,
        scale: scale.log ? { type: "log" } : { zero: false },
      }
    : { field: "param", type: "nominal", title: parameter, sort: scale.labels };
}

/** Every parameter's slice in one figure, `columns` to a row, small panels sharing one colour legend. */
export function sliceGrid(trials: readonly FrozenTrial[], space: SearchSpace, options: SlicePlotOptions & { columns?: number }): PlotSpec {
  const panels = Object.entries(space).map(([parameter, distribution]) => ({
    width: 220,
    height: 170,
    data: { values: sliceRows(trials, parameter) },
    mark: { type: "point", filled: true, size: 25, opacity: 0.7 },
    encoding: {
      x: sliceX(parameter, distribution),
      y: { field: "value", type: "quantitative", title: options.valueLabel, scale: { zero: false } },
      color: { field: "trial", type: "quantitative", title: "trial number", scale: { scheme: "blues" } },
    },
  }));
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: options.title ?? "Slices: the value against each parameter",
    columns: options.columns ?? 3,
    concat: panels,
    resolve: { scale: { color: "shared", y: "shared" } },
  } as PlotSpec;
}

export function slicePlot(
  trials: readonly FrozenTrial[],
  parameter: string,
  distribution: Distribution,
  options: SlicePlotOptions,
): PlotSpec {
  const x = sliceX(parameter, distribution);
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: options.title ?? `Slice: ${parameter}`,
    width: 360,
    height: 260,
    data: { values: sliceRows(trials, parameter) },
    mark: { type: "point", filled: true, size: 40, opacity: 0.75 },
    encoding: {
      x,
      y: { field: "value", type: "quantitative", title: options.valueLabel, scale: { zero: false } },
      color: { field: "trial", type: "quantitative", title: "trial number", scale: { scheme: "blues" } },
    },
  } as PlotSpec;
}
