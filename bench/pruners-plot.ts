/**
 * Regret against epochs spent, one line per pruner (points at each budget, bars for the interquartile
 * range of regret), from the JSON bench/pruners.ts wrote, or from a folder where
 * `hyperforce bench --pruner` wrote its pruning-<pruner>.json files (one table):
 *
 *   npx tsx bench/pruners-plot.ts bench/results/pruners-wine.json bench/results/pruners-wine
 *   npx tsx bench/pruners-plot.ts bench/results/pruners-wine-tpe bench/results/pruners-wine-tpe
 *
 * writes <prefix>.svg and <prefix>.png.
 */
import { readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { TopLevelSpec } from "vega-lite";
import { renderVegaLite } from "../src/experiments/bench-report.ts";
import type { PrunedCell } from "../src/experiments/pruner-bench.ts";

const [input, prefix] = process.argv.slice(2);
if (input === undefined || prefix === undefined) throw new Error("usage: npx tsx bench/pruners-plot.ts results.json out-prefix");
const { readFileSync } = await import("node:fs");
type Results = { results: Array<{ table: string; cells: PrunedCell[] }> };

/** The pruning-<pruner>.json files of one `hyperforce bench --pruner` folder, as one result. */
function fromBenchFolder(folder: string): Results {
  const files = readdirSync(folder).filter((name) => /^pruning-.*\.json$/.test(name));
  if (files.length === 0) throw new Error(`${folder} holds no pruning-<pruner>.json (written by hyperforce bench --pruner)`);
  const runs = files.map((name) => JSON.parse(readFileSync(join(folder, name), "utf8")) as { table: string; cells: PrunedCell[] });
  return { results: [{ table: runs[0].table, cells: runs.flatMap((run) => run.cells) }] };
}

const data: Results = statSync(input).isDirectory() ? fromBenchFolder(input) : JSON.parse(readFileSync(input, "utf8"));
for (const [i, result] of data.results.entries()) {
  const values = result.cells.map((cell) => ({ ...cell, label: `${cell.sampler} + ${cell.pruner}` }));
  const spec: TopLevelSpec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: `Regret against epochs spent, ${result.table}`,
    width: 520,
    height: 320,
    data: { values },
    encoding: { color: { field: "label", type: "nominal", title: "sampler + pruner" } },
    layer: [
      {
        mark: { type: "line", point: true },
        encoding: {
          x: { field: "medianEpochs", type: "quantitative", scale: { type: "log" }, title: "epochs spent (median over repeats)" },
          y: { field: "medianRegret", type: "quantitative", title: "regret (table mean validation loss − best)" },
        },
      },
      {
        mark: { type: "rule" },
        encoding: {
          x: { field: "medianEpochs", type: "quantitative" },
          y: { field: "regretQ1", type: "quantitative" },
          y2: { field: "regretQ3" },
        },
      },
    ],
  };
  const { svg, png } = await renderVegaLite(spec);
  const stem = data.results.length === 1 ? prefix : `${prefix}-${i}`;
  writeFileSync(`${stem}.svg`, svg);
  writeFileSync(`${stem}.png`, png);
  console.log(`${stem}.svg, ${stem}.png`);
}
