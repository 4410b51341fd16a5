/**
 * Slice plot of one parameter: every complete trial's value against that parameter's value,
 * coloured by trial number (early to late). Log axis for log or geometric parameters.
 */
import type { Distribution } from "../space/types.ts";
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

export function slicePlot(
  trials: readonly FrozenTrial[],
  parameter: string,
  distribution: Distribution,
  options: SlicePlotOptions,
): PlotSpec {
  const scale = parameterScale(distribution);
  const x = scale.numeric
    ? {
        field: "param",
        type: "quantitative",
        title: `${parameter}${scale.log ? " (log scale)" : ""}`,
        scale: scale.log ? { type: "log" } : { zero: false },
      }
    : { field: "param", type: "nominal", title: parameter, sort: scale.labels };
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
