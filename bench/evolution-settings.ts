/**
 * Chooses regularized evolution's defaults on the exhaustive tables with seeds 0-49 only (the
 * benchmark reports seeds 100-149): population size x mutation kind, tournament size 5, budgets
 * 25/50/100/300. Writes bench/results/evolution-settings.json: per setting and table the median
 * regret at each budget, and the random fallbacks (every one-parameter mutation of the winner taken).
 *
 *   HYPERFORCE_DATA_DIR=... npx tsx bench/evolution-settings.ts
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { benchTable, pointsOf, quantile, runBenchStudy } from "../src/experiments/sampler-bench.ts";
import { EvolutionSampler } from "../src/samplers/evolution.ts";

const TABLES = ["tables/wine.csv.gz", "tables/letter.csv.gz"];
const BUDGETS = [25, 50, 100, 300];
const SEEDS = Array.from({ length: 50 }, (_, i) => i);
const SETTINGS = [10, 20, 50].flatMap((populationSize) =>
  (["uniform", "neighbour"] as const).map((mutation) => ({ populationSize, tournamentSize: 5, mutation })),
);

const rows = [];
const started = performance.now();
for (const setting of SETTINGS) {
  for (const path of TABLES) {
    const table = benchTable(path);
    const regrets: number[][] = BUDGETS.map(() => []);
    let fallbacks = 0;
    for (const seed of SEEDS) {
      let sampler: EvolutionSampler | undefined;
      const trace = await runBenchStudy(path, "evolution", seed, BUDGETS[BUDGETS.length - 1], (s) => {
        sampler = new EvolutionSampler({ ...setting, seed: s });
        return sampler;
      });
      fallbacks += sampler!.randomFallbacks;
      pointsOf(table, trace, BUDGETS).forEach((point, b) => regrets[b].push(point.regret ?? Infinity));
    }
    const medians = regrets.map((values) => quantile(values, 0.5));
    rows.push({ ...setting, table: path, medianRegret: medians, randomFallbacks: fallbacks, trials: SEEDS.length * 300 });
    console.log(JSON.stringify(rows[rows.length - 1]));
  }
}
mkdirSync("bench/results", { recursive: true });
writeFileSync(
  "bench/results/evolution-settings.json",
  JSON.stringify({ seeds: "0-49", budgets: BUDGETS, seconds: (performance.now() - started) / 1000, rows }, null, 1) + "\n",
);
