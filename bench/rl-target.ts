/**
 * The RL issue's target, read off `hyperforce bench` outputs: on each table, the default RL sampler's
 * median regret below random search at every budget >= 25, and no higher than the best of TPE and GP at
 * every budget >= 100, with one-sided Mann-Whitney tests (a repeat without a result counts as the worst).
 *   node --import tsx bench/rl-target.ts --sampler reinforce-mlp --out bench/results/rl-target.json DIR...
 * Each DIR holds a results.json written by `hyperforce bench` (with random, tpe, gp and the sampler), or is
 * such a file. With --sampler A,B,C the tables and the JSON are A's, and one line per sampler says how many
 * cells the same rule gives it (tpe and gp judged against the other of the two), so the target can be set
 * beside what the baselines themselves reach.
 * The target judges the regret of the configuration each study reports (its lowest observed loss). Where
 * the runs also record what the search found (bestEvaluatedRegret: the best configuration the study
 * completed, by its seed mean), the same rule is applied to that too, in a second table, with the share of
 * the sampler's studies that a lucky seed misled into reporting a worse configuration than one they completed.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type BenchRun, searchAndReport } from "../src/experiments/sampler-bench.ts";
import { mannWhitneyU } from "../src/experiments/statistics.ts";

interface Results {
  table: { path: string };
  budgets: number[];
  firstSeed: number;
  repeats: number;
  runs: BenchRun[];
}

function flag(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : fallback;
}

const judged = flag("--sampler", "reinforce-mlp").split(",");
const sampler = judged[0];
const out = flag("--out", "bench/results/rl-target.json");
const dirs = process.argv.slice(2).filter((arg, i, all) => !arg.startsWith("--") && !all[i - 1]?.startsWith("--"));

/** "tables/wine.csv.gz" -> "wine". */
function tableName(path: string): string {
  return path.replace(/^.*\//, "").replace(/\.csv(\.gz)?$/, "");
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** One cell judged by the target's rule on one measure of regret. */
interface Judged {
  median: number;
  random: number;
  pLowerThanRandom: number;
  bestOfTpeGp: string;
  bestMedian: number;
  pHigherThanBest: number;
  met: boolean;
}

interface TargetRow extends Judged {
  table: string;
  budget: number;
  /** The rule applied to what the search found, when the runs record it, and the share of studies misled. */
  found?: Judged & { misled: number };
}

function judge(budget: number, regrets: (label: string) => number[], who = sampler): Judged {
  const mine = regrets(who);
  const random = regrets("random");
  const bo = ["tpe", "gp"].filter((label) => label !== who && regrets(label).length > 0);
  const best = bo.reduce((a, c) => (median(regrets(c)) < median(regrets(a)) ? c : a));
  const vsRandom = mannWhitneyU(mine, random);
  const vsBest = mannWhitneyU(mine, regrets(best));
  const belowRandom = median(mine) < median(random) && vsRandom.pLower < 0.05;
  const notAboveBest = budget < 100 || (median(mine) <= median(regrets(best)) && vsBest.pHigher >= 0.05);
  return {
    median: median(mine),
    random: median(random),
    pLowerThanRandom: vsRandom.pLower,
    bestOfTpeGp: best,
    bestMedian: median(regrets(best)),
    pHigherThanBest: vsBest.pHigher,
    met: belowRandom && notAboveBest,
  };
}

const rows: TargetRow[] = [];
/** Per judged sampler, the cells it misses ("wine@100"), over every table and budget. */
const missed = new Map(judged.map((label) => [label, [] as string[]]));
let cells = 0;
for (const dir of dirs) {
  const results = JSON.parse(readFileSync(dir.endsWith(".json") ? dir : join(dir, "results.json"), "utf8")) as Results;
  results.budgets.forEach((budget, b) => {
    const points = (label: string) => results.runs.filter((run) => run.sampler === label).map((run) => run.points[b]);
    const reported = (label: string) => points(label).map((point) => point?.regret ?? Infinity);
    cells++;
    for (const label of judged) {
      if (!judge(budget, reported, label).met) missed.get(label)!.push(`${tableName(results.table.path)}@${budget}`);
    }
    const row: TargetRow = {
      table: results.table.path,
      budget,
      ...judge(budget, reported),
    };
    const found = (label: string) => searchAndReport(points(label));
    if (["random", "tpe", "gp", sampler].every((label) => found(label).misledShare !== null)) {
      const misled = found(sampler).misledShare!;
      row.found = { ...judge(budget, (label) => points(label).map((point) => point.bestEvaluatedRegret!)), misled };
    }
    rows.push(row);
  });
}
writeFileSync(
  out,
  `${JSON.stringify({ sampler, command: `node --import tsx bench/rl-target.ts ${process.argv.slice(2).join(" ")}`, rows }, null, 2)}\n`,
);

function print(title: string, judged: Array<{ table: string; budget: number; cell: Judged; note?: string }>): void {
  console.log(`| table | budget | ${title} | random (p lower) | best of tpe, gp (p higher) | target met |`);
  console.log("| --- | ---: | ---: | ---: | ---: | --- |");
  for (const { table, budget, cell, note } of judged) {
    const name = tableName(table);
    const vsRandom = `${cell.random.toFixed(4)} (${cell.pLowerThanRandom.toFixed(4)})`;
    const vsBest = `${cell.bestOfTpeGp} ${cell.bestMedian.toFixed(4)} (${budget >= 100 ? cell.pHigherThanBest.toFixed(4) : "-"})`;
    console.log(
      `| ${name} | ${budget} | ${cell.median.toFixed(4)}${note ?? ""} | ${vsRandom} | ${vsBest} | ${cell.met ? "yes" : "**no**"} |`,
    );
  }
  console.log(`\nmet in ${judged.filter(({ cell }) => cell.met).length} of ${judged.length} cells\n`);
}

print(
  sampler,
  rows.map((row) => ({ table: row.table, budget: row.budget, cell: row })),
);
const withFound = rows.filter((row) => row.found !== undefined);
if (withFound.length > 0) {
  console.log("What the search found (the best configuration each study completed); in brackets the share of studies misled:\n");
  print(
    `${sampler}, found (misled)`,
    withFound.map((row) => ({
      table: row.table,
      budget: row.budget,
      cell: row.found!,
      note: ` (${Math.round(100 * row.found!.misled)}%)`,
    })),
  );
}
if (judged.length > 1) {
  console.log("The same rule for each sampler (tpe and gp against the other of the two):\n");
  for (const [label, cellsMissed] of missed) {
    console.log(`- ${label}: met in ${cells - cellsMissed.length} of ${cells} cells; not met: ${cellsMissed.join(", ") || "none"}`);
  }
}
