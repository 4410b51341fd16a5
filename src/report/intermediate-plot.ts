/**
 * Intermediate values (trial.report(step, value)): one line per trial against its step, coloured by
 * the trial's state, so pruned trials' short curves stand beside the complete ones.
 */
import type { FrozenTrial } from "../trial/types.ts";
import type { PlotSpec } from "./render.ts";

/** At most this many trials are drawn (the most recent ones), so a large study stays readable and fast. */
export const MAX_INTERMEDIATE_TRIALS = 300;

export interface IntermediateRow {
  trial: number;
  step: number;
  value: number;
  state: string;
}

export function intermediateRows(trials: readonly FrozenTrial[]): { rows: IntermediateRow[]; trials: number; shown: number } {
  const reporting = trials.filter((trial) => Object.keys(trial.intermediateValues).length > 0).sort((a, b) => a.number - b.number);
  const shown = reporting.slice(-MAX_INTERMEDIATE_TRIALS);
  const rows = shown.flatMap((trial) =>
    Object.entries(trial.intermediateValues)
      .map(([step, value]) => ({ trial: trial.number, step: Number(step), value, state: trial.state }))
      .filter((row) => Number.isFinite(row.value))
      .sort((a, b) => a.step - b.step),
  );
  return { rows, trials: reporting.length, shown: shown.length };
}

export function intermediatePlot(trials: readonly FrozenTrial[], options: { valueLabel: string; title: string }): PlotSpec {
  const { rows, trials: reporting, shown } = intermediateRows(trials);
  const subtitle =
    reporting === 0 ? "no trial reported intermediate values" : shown < reporting ? `the latest ${shown} of ${reporting} trials` : "";
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: options.title, subtitle },
    width: 560,
    height: 300,
    data: { values: rows },
    mark: { type: "line", strokeWidth: 1, opacity: 0.7, point: rows.length < 400 ? { size: 10 } : false },
    encoding: {
      x: { field: "step", type: "quantitative", title: "step", axis: { format: "d", tickMinStep: 1 } },
      y: { field: "value", type: "quantitative", title: `intermediate ${options.valueLabel}`, scale: { zero: false } },
      detail: { field: "trial", type: "nominal" },
      color: { field: "state", type: "nominal", title: "trial state", scale: { domain: ["COMPLETE", "PRUNED", "RUNNING", "FAIL"] } },
    },
  } as PlotSpec;
}
