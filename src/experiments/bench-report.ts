/**
 * What the sampler benchmark writes: results.json (every run), results.md (median and interquartile
 * range of regret per sampler and budget, mean rank among the samplers, median rank percentile and
 * median mean test loss, the rank tests against random search and the best non-RL sampler, what the
 * search found against what it reports) and a plot of median regret against budget (log x) with
 * interquartile bands, as a vega-lite spec, SVG and PNG.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { TopLevelSpec } from "vega-lite";
import { renderSvg, svgToPng } from "../report/render.ts";
import type { BenchComparison } from "./bench-comparisons.ts";
import type { BenchCell, SamplerBenchResult } from "./sampler-bench.ts";

function cellOf(result: SamplerBenchResult, sampler: string, budget: number): BenchCell {
  return result.cells.find((cell) => cell.sampler === sampler && cell.budget === budget)!;
}

function number(value: number | null, digits = 4): string {
  return value === null ? "n/a" : value.toFixed(digits);
}

function percent(share: number | null): string {
  return share === null ? "n/a" : `${Math.round(share * 100)}%`;
}

function pValue(p: number): string {
  return p < 1e-4 ? "<0.0001" : p.toFixed(4);
}

function signed(value: number | null): string {
  return value === null ? "n/a" : `${value > 0 ? "+" : ""}${value.toFixed(4)}`;
}

/** One rank-test table: rows the compared samplers, columns the budgets. */
function comparisonTable(
  result: SamplerBenchResult,
  against: BenchComparison["against"],
  title: string,
  text: (comparison: BenchComparison) => string,
): string[] {
  const found = (result.comparisons ?? []).filter((comparison) => comparison.against === against);
  const samplers = result.samplers.filter((sampler) => found.some((comparison) => comparison.sampler === sampler));
  if (samplers.length === 0) return [];
  const at = (sampler: string, budget: number) => found.find((c) => c.sampler === sampler && c.budget === budget);
  const references = result.budgets.map((budget) => at(samplers[0], budget)?.reference ?? "n/a");
  const rows = samplers.map(
    (sampler) =>
      `| ${sampler} | ${result.budgets
        .map((budget) => {
          const comparison = at(sampler, budget);
          return comparison === undefined ? "n/a" : text(comparison);
        })
        .join(" | ")} |`,
  );
  return [
    title,
    "",
    `| sampler | ${result.budgets.join(" | ")} |`,
    `| --- |${result.budgets.map(() => " ---: |").join("")}`,
    `| (against) | ${references.join(" | ")} |`,
    ...rows,
    "",
  ];
}

/** The rank tests of bench-comparisons.ts as two markdown tables. */
export function comparisonMarkdown(result: SamplerBenchResult): string[] {
  const star = (p: number): string => (p < 0.05 ? "*" : "");
  return [
    ...comparisonTable(
      result,
      "random",
      "Against random search: median regret minus random's, and the one-sided Mann-Whitney U test's p-value of " +
        '"lower regret than random" (* below 0.05; per cell, not corrected for the number of cells)',
      (c) => `${signed(c.medianDifference)} (p ${pValue(c.test.pLower)}${star(c.test.pLower)})`,
    ),
    ...comparisonTable(
      result,
      "best non-RL",
      "RL samplers against the best non-RL sampler at each budget (lowest median regret among random, grid, tpe, gp and " +
        'evolution as benchmarked here): median regret difference, one-sided p-values of "lower" and of "higher"',
      (c) =>
        `${signed(c.medianDifference)} (lower p ${pValue(c.test.pLower)}${star(c.test.pLower)}, ` +
        `higher p ${pValue(c.test.pHigher)}${star(c.test.pHigher)})`,
    ),
  ];
}

function table(
  result: SamplerBenchResult,
  title: string,
  cellText: (cell: BenchCell) => string,
  best: (cells: BenchCell[]) => BenchCell | undefined,
): string {
  const header = `| sampler | ${result.budgets.join(" | ")} |`;
  const rule = `| --- |${result.budgets.map(() => " ---: |").join("")}`;
  const winners = new Map(
    result.budgets.map((budget) => [budget, best(result.samplers.map((sampler) => cellOf(result, sampler, budget)))]),
  );
  const rows = result.samplers.map((sampler) => {
    const cells = result.budgets.map((budget) => {
      const cell = cellOf(result, sampler, budget);
      const text = cellText(cell);
      return winners.get(budget) === cell ? `**${text}**` : text;
    });
    return `| ${sampler} | ${cells.join(" | ")} |`;
  });
  return [`${title}`, "", header, rule, ...rows, ""].join("\n");
}

function lowest(pick: (cell: BenchCell) => number | null): (cells: BenchCell[]) => BenchCell | undefined {
  return (cells) => {
    let best: BenchCell | undefined;
    for (const cell of cells) {
      const value = pick(cell);
      if (value !== null && (best === undefined || value < pick(best)!)) best = cell;
    }
    return best;
  };
}

/** The markdown summary (budgets as columns, samplers as rows, the best cell of each column in bold). */
export function benchMarkdown(result: SamplerBenchResult): string {
  const summary = result.table;
  const best = Object.entries(summary.bestConfiguration)
    .map(([name, value]) => `${name} ${value}`)
    .join(", ");
  const lines = [
    `Table \`${summary.path}\`: ${summary.configurations} configurations x seeds ${summary.seeds.join(", ")}; ` +
      `best mean validation loss ${summary.bestMeanValidationLoss.toFixed(4)} ` +
      `(${best}; its mean test loss ${summary.bestMeanTestLoss.toFixed(4)}).` +
      (summary.seedRankCorrelation !== null
        ? ` Spearman rank correlation of the two seeds' validation losses: ${summary.seedRankCorrelation.toFixed(4)}.`
        : "") +
      " Exhaustive search under noise (every configuration evaluated once with a random seed; " +
      `median regret of the best observed): ${summary.exhaustiveMedianRegret.toFixed(4)}.`,
    `${result.repeats} repeats (seeds ${result.firstSeed}..${result.firstSeed + result.repeats - 1}) per sampler, ` +
      `each one study of ${result.budgets[result.budgets.length - 1]} evaluations read off at every budget; ` +
      `${result.runs.length} studies, ${result.runs.reduce((sum, run) => sum + run.seconds, 0).toFixed(0)} s of study time in all ` +
      "(studies recorded by an earlier call are reused and counted).",
    "",
    table(
      result,
      "Regret of the configuration each sampler reports as best " +
        "(its mean validation loss over the table's seeds minus the table's best): median [first quartile, third quartile]",
      (cell) => `${number(cell.medianRegret)} [${number(cell.regretQ1)}, ${number(cell.regretQ3)}]`,
      lowest((cell) => cell.medianRegret),
    ),
    ...comparisonMarkdown(result),
    table(
      result,
      "Mean rank among the samplers (1 = lowest regret in a repeat; ties share their average rank)",
      (cell) => cell.meanRank.toFixed(2),
      lowest((cell) => cell.meanRank),
    ),
    table(
      result,
      "Median rank percentile of the reported configuration in the table (0 = the best configuration)",
      (cell) => number(cell.medianRankPercentile, 2),
      lowest((cell) => cell.medianRankPercentile),
    ),
    table(
      result,
      "Median mean test loss of the reported configuration",
      (cell) => number(cell.medianMeanTestLoss),
      lowest((cell) => cell.medianMeanTestLoss),
    ),
  ];
  // Runs recorded before bestEvaluatedRegret existed have none: their samplers are left out of this table.
  const recorded = (cell: BenchCell) => cell.medianBestEvaluatedRegret !== null && cell.medianBestEvaluatedRegret !== undefined;
  const searched = result.samplers.filter((sampler) => result.cells.some((cell) => cell.sampler === sampler && recorded(cell)));
  if (searched.length > 0) {
    lines.push(
      table(
        { ...result, samplers: searched },
        "What the search found: median regret of the best configuration each study completed (by its mean over the " +
          "table's seeds, which no sampler sees), and in brackets the share of studies that completed a better " +
          "configuration than the one they report (misled: a lucky seed of a worse one hid it)",
        (cell) => `${number(cell.medianBestEvaluatedRegret ?? null)} [${percent(cell.misledShare ?? null)}]`,
        lowest((cell) => cell.medianBestEvaluatedRegret ?? null),
      ),
    );
  }
  return lines.join("\n");
}

/** Vega-lite: median regret against budget (log x), one line per sampler, interquartile band around it. */
export function benchPlotSpec(result: SamplerBenchResult, title = `Median regret on ${result.table.path}`): TopLevelSpec {
  const values = result.cells
    .filter((cell) => cell.medianRegret !== null)
    .map((cell) => ({ sampler: cell.sampler, budget: cell.budget, median: cell.medianRegret, q1: cell.regretQ1, q3: cell.regretQ3 }));
  const x = {
    field: "budget",
    type: "quantitative" as const,
    scale: { type: "log" as const, domain: [result.budgets[0], result.budgets[result.budgets.length - 1]], nice: false },
    title: "evaluations (log scale)",
    axis: { values: result.budgets },
  };
  const color = { field: "sampler", type: "nominal" as const, sort: result.samplers, title: "sampler" };
  // Symmetric log: small regrets stay apart even next to grid's large ones, and a regret of 0 still plots.
  const y = { type: "symlog" as const, constant: 0.005 };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    width: 560,
    height: 360,
    background: "white",
    config: { legend: { symbolType: "stroke", symbolOpacity: 1, symbolStrokeWidth: 3 } },
    data: { values },
    layer: [
      {
        mark: { type: "area", opacity: 0.12 },
        encoding: { x, y: { field: "q1", type: "quantitative", scale: y }, y2: { field: "q3" }, color },
      },
      {
        mark: { type: "line", point: true },
        encoding: {
          x,
          y: {
            field: "median",
            type: "quantitative",
            title: "regret in mean validation loss (median, band: IQR; symlog)",
            scale: y,
            axis: { values: [0, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5], format: "~g" },
          },
          color,
        },
      },
    ],
  };
}

/** Renders a vega-lite spec to SVG and PNG through the project's plotting module (src/report/render.ts). */
export async function renderVegaLite(spec: TopLevelSpec, scale = 2): Promise<{ svg: string; png: Buffer }> {
  const svg = await renderSvg(spec);
  return { svg, png: svgToPng(svg, scale) };
}

/** Writes results.json, results.md, regret.vl.json, regret.svg and regret.png into `dir`; returns their paths. */
export async function writeBenchOutputs(result: SamplerBenchResult, dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const spec = benchPlotSpec(result);
  const { svg, png } = await renderVegaLite(spec);
  const files: Array<[string, string | Buffer]> = [
    ["results.json", JSON.stringify(result, (_, value) => (typeof value === "number" && !Number.isFinite(value) ? null : value), 1) + "\n"],
    ["results.md", benchMarkdown(result)],
    ["regret.vl.json", JSON.stringify(spec, null, 2) + "\n"],
    ["regret.svg", svg],
    ["regret.png", png],
  ];
  return files.map(([name, content]) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  });
}
