/** Parameter importance as horizontal bars, most important on top (PED-ANOVA, importance.ts). */
import type { ParameterImportance } from "./importance.ts";
import type { PlotSpec } from "./render.ts";

export function importancePlot(importances: readonly ParameterImportance[], title: string): PlotSpec {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: title, subtitle: "PED-ANOVA: how the best 10% of trials differ from all trials, as shares of 1" },
    width: 400,
    height: Math.max(60, 28 * importances.length),
    data: { values: importances.map((entry) => ({ parameter: entry.parameter, importance: entry.importance })) },
    layer: [
      {
        mark: { type: "bar", color: "#4c78a8" },
        encoding: {
          y: { field: "parameter", type: "nominal", sort: "-x", title: null },
          x: { field: "importance", type: "quantitative", title: "importance (share)", scale: { domain: [0, 1] } },
        },
      },
      {
        mark: { type: "text", align: "left", dx: 4, fontSize: 11 },
        encoding: {
          y: { field: "parameter", type: "nominal", sort: "-x" },
          x: { field: "importance", type: "quantitative" },
          text: { field: "importance", type: "quantitative", format: ".2f" },
        },
      },
    ],
  } as PlotSpec;
}
