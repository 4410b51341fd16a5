/**
 * Parallel coordinates: one line per complete trial across one axis per parameter, each axis
 * normalised to its parameter's range (log-scaled for log or geometric parameters), coloured by the
 * trial's value; the best trials are drawn last, on top. Each axis end is labelled with its value.
 * A conditional parameter a trial does not have is drawn at NOT_SET_POSITION, below the axis's range,
 * labelled "not set", so trials of every branch of a conditional space appear.
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

export const NOT_SET_POSITION = -0.12;
/** At most this many trials are drawn, the best ones, so that a study of 10,000 trials stays readable and fast. */
export const MAX_PARALLEL_TRIALS = 1000;

/** The complete trials drawn (the best MAX_PARALLEL_TRIALS), worst first and best last. */
function drawnTrials(trials: readonly FrozenTrial[], space: SearchSpace, direction: Direction): FrozenTrial[] {
  const names = Object.keys(space);
  const complete = trials.filter(
    (trial) => trial.state === "COMPLETE" && Number.isFinite(trial.value) && names.some((name) => Object.hasOwn(trial.params, name)),
  );
  const bestFirst = complete
    .slice()
    .sort((a, b) => (direction === "minimize" ? a.value! - b.value! : b.value! - a.value!) || a.number - b.number);
  return bestFirst.slice(0, MAX_PARALLEL_TRIALS).reverse();
}

export function parallelRows(trials: readonly FrozenTrial[], space: SearchSpace, direction: Direction): ParallelRow[] {
  const names = Object.keys(space);
  return drawnTrials(trials, space, direction).flatMap((trial, rank) =>
    names.map((parameter) => ({
      trial: trial.number,
      parameter,
      position: Object.hasOwn(trial.params, parameter) ? positionOf(space[parameter], trial.params[parameter]) : NOT_SET_POSITION,
      value: trial.value!,
      rank,
    })),
  );
}

function axisEnds(space: SearchSpace, rows: readonly ParallelRow[]): { parameter: string; position: number; label: string }[] {
  const notSet = new Set(rows.filter((row) => row.position === NOT_SET_POSITION).map((row) => row.parameter));
  return Object.entries(space).flatMap(([parameter, distribution]) => {
    const scale = parameterScale(distribution);
    const low = scale.numeric ? formatParamValue(scale.min) : (scale.labels[0] ?? "");
    const high = scale.numeric ? formatParamValue(scale.max) : (scale.labels[scale.labels.length - 1] ?? "");
    const suffix = scale.log ? " (log)" : "";
    const ends = [
      { parameter, position: 0, label: low },
      { parameter, position: 1, label: high + suffix },
    ];
    return notSet.has(parameter) ? [...ends, { parameter, position: NOT_SET_POSITION, label: "not set" }] : ends;
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
  const rows = parallelRows(trials, space, options.direction);
  const conditional = rows.some((row) => row.position === NOT_SET_POSITION);
  const domain = [conditional ? NOT_SET_POSITION - 0.03 : 0, 1];
  const y = { field: "position", type: "quantitative", title: "position in range (0 lowest, 1 highest)", scale: { domain } };
  const drawn = new Set(rows.map((row) => row.trial)).size;
  const complete = trials.filter((trial) => trial.state === "COMPLETE" && Number.isFinite(trial.value)).length;
  const subtitle = drawn === 0 ? "no complete trial yet" : drawn < complete ? `the best ${drawn} of ${complete} complete trials` : "";
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: options.title, subtitle },
    width: Math.max(360, 150 * names.length),
    height: 300,
    layer: [
      {
        data: { values: rows },
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
            // With no trial the colour scale has no domain and its legend would read "NaN".
            ...(rows.length === 0 ? { legend: null } : {}),
          },
        },
      },
      {
        data: { values: axisEnds(space, rows) },
        mark: { type: "text", dx: 4, align: "left", baseline: "middle", fontSize: 10, color: "#333" },
        encoding: { x, y, text: { field: "label", type: "nominal" } },
      },
    ],
  } as PlotSpec;
}
