/**
 * Parallel coordinates: one line per complete trial across one axis per parameter, each axis
 * normalised to its parameter's range (log-scaled for log or geometric parameters), coloured by the
 * trial's value; the best trials are drawn last, on top. Each axis end is labelled with its value.
 */
import type { SearchSpace } from "../space/types.ts";
import type { Direction, FrozenTrial } from "../trial/types.ts";
import type { PlotSpec } from "./render.ts";
import { formatParamValue, parameterScale, positionOf } from "./scale.ts";

export interface ParallelPlotOptions {
  direction: Direction;
  valueLabel: string;
  title: string;
}

export interface ParallelRow {
  trial: number;
  parameter: string;
  position: number;
  value: number;
  /** Drawing order: the best trial is last. */
  rank: number;
}

export function parallelRows(trials: readonly FrozenTrial[], space: SearchSpace, direction: Direction): ParallelRow[] {
  const names = Object.keys(space);
  const complete = trials.filter(
    (trial) => trial.state === "COMPLETE" && Number.isFinite(trial.value) && names.every((name) => Object.hasOwn(trial.params, name)),
  );
  // Worst first, best last.
  const ordered = complete
    .slice()
    .sort((a, b) => (direction === "minimize" ? b.value! - a.value! : a.value! - b.value!) || a.number - b.number);
  return ordered.flatMap((trial, rank) =>
    names.map((parameter) => ({
      trial: trial.number,
      parameter,
      position: positionOf(space[parameter], trial.params[parameter]),
      value: trial.value!,
      rank,
    })),
  );
}

function axisEnds(space: SearchSpace): { parameter: string; position: number; label: string }[] {
  return Object.entries(space).flatMap(([parameter, distribution]) => {
    const scale = parameterScale(distribution);
    const low = scale.numeric ? formatParamValue(scale.min) : (scale.labels[0] ?? "");
    const high = scale.numeric ? formatParamValue(scale.max) : (scale.labels[scale.labels.length - 1] ?? "");
    const suffix = scale.log ? " (log)" : "";
    return [
      { parameter, position: 0, label: low },
      { parameter, position: 1, label: high + suffix },
    ];
  });
}

export function parallelPlot(trials: readonly FrozenTrial[], space: SearchSpace, options: ParallelPlotOptions): PlotSpec {
  const names = Object.keys(space);
  const x = {
    field: "parameter",
    type: "nominal",
    sort: names,
    title: "hyperparameter",
    axis: { labelAngle: 0, domain: false, grid: true, gridColor: "#888" },
  };
  const y = { field: "position", type: "quantitative", title: "position in range (0 lowest, 1 highest)", scale: { domain: [0, 1] } };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: options.title,
    width: Math.max(360, 150 * names.length),
    height: 300,
    layer: [
      {
        data: { values: parallelRows(trials, space, options.direction) },
        mark: { type: "line", strokeWidth: 1.2, opacity: 0.7 },
        encoding: {
          x,
          y,
          detail: { field: "trial", type: "nominal" },
          order: { field: "rank", type: "quantitative" },
          color: {
            field: "value",
            type: "quantitative",
            title: options.valueLabel,
            scale: { scheme: "viridis", reverse: options.direction === "maximize" },
          },
        },
      },
      {
        data: { values: axisEnds(space) },
        mark: { type: "text", dx: 4, align: "left", baseline: "middle", fontSize: 10, color: "#333" },
        encoding: { x, y, text: { field: "label", type: "nominal" } },
      },
    ],
  } as PlotSpec;
}
