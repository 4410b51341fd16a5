/**
 * The RL samplers' per-update diagnostics beside the reward curve: each head's entropy (nats) and the
 * probability of each head's most likely choice, per policy update. A head is one hyperparameter.
 */
import type { UpdateDiagnostics } from "./diagnostics.ts";
import type { PlotSpec } from "./render.ts";

export interface HeadRow {
  update: number;
  parameter: string;
  value: number;
}

/** One row per update and head, heads named by the space's parameter order (head i = parameter i). */
export function headRows(updates: readonly UpdateDiagnostics[], parameters: readonly string[], pick: "entropy" | "top"): HeadRow[] {
  return updates.flatMap((entry) => {
    const values = pick === "entropy" ? entry.headEntropy : entry.topProbability;
    if (!Array.isArray(values)) return [];
    return values.map((value, head) => ({ update: entry.update, parameter: parameters[head] ?? `head ${head + 1}`, value }));
  });
}

export function headPlot(
  updates: readonly UpdateDiagnostics[],
  parameters: readonly string[],
  pick: "entropy" | "top",
  title: string,
): PlotSpec {
  const yTitle = pick === "entropy" ? "entropy of the head (nats)" : "probability of the head's top choice";
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    width: 560,
    height: 260,
    data: { values: headRows(updates, parameters, pick) },
    mark: { type: "line", strokeWidth: 1.5 },
    encoding: {
      x: { field: "update", type: "quantitative", title: "policy update", axis: { format: "d", tickMinStep: 1 } },
      y: { field: "value", type: "quantitative", title: yTitle, ...(pick === "top" ? { scale: { domain: [0, 1] } } : {}) },
      color: { field: "parameter", type: "nominal", title: "hyperparameter", sort: [...parameters] },
    },
  } as PlotSpec;
}
