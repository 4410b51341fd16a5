/**
 * Pruners replayed on learning-curve tables: for each table, sampler, pruner setting and repeat, one
 * in-memory study (src/experiments/pruner-bench.ts); median regret with its interquartile range and
 * the epochs spent at each budget, against the unpruned run (same sampler and seeds).
 *
 *   npx tsx bench/pruners.ts --tables tables/wine.csv.gz --samplers random --first-seed 100 --repeats 50 \
 *     --settings none,asha:rf=3,hyperband:rf=3 --budgets 50,100,200,300 --out bench/results/pruners.json
 *
 * A setting is a pruner name with options: asha:rf=4:min=1 (reductionFactor, minResource),
 * median:startup=5:warmup=2.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { type PrunedStudyTrace, runPrunedStudy, summarizePruned } from "../src/experiments/pruner-bench.ts";
import type { PrunerOptions } from "../src/pruners/index.ts";
import { loadTable } from "../src/tasks/table.ts";
import { integerFlag } from "./flags.ts";

function textFlag(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? fallback : process.argv[at + 1];
}

const OPTION_NAMES: Record<string, keyof PrunerOptions> = {
  rf: "reductionFactor",
  min: "minResource",
  rate: "minEarlyStoppingRate",
  startup: "startupTrials",
  warmup: "warmupSteps",
};

function parseSetting(text: string): { label: string; name: string; options: PrunerOptions } {
  const [name, ...parts] = text.split(":");
  const options: PrunerOptions = {};
  for (const part of parts) {
    const [key, value] = part.split("=");
    if (!(key in OPTION_NAMES))
      throw new Error(`unknown pruner option ${key} in ${text}; options: ${Object.keys(OPTION_NAMES).join(", ")}`);
    options[OPTION_NAMES[key]] = Number(value);
  }
  return { label: text, name, options };
}

const tables = textFlag("tables", "tables/wine.csv.gz").split(",");
const samplers = textFlag("samplers", "random").split(",");
const settings = textFlag("settings", "none,asha,hyperband").split(",").map(parseSetting);
const budgets = textFlag("budgets", "50,100,200,300").split(",").map(Number);
const firstSeed = Number(textFlag("first-seed", "100"));
const repeats = integerFlag("repeats", 50);
const out = textFlag("out", "bench/results/pruners.json");
const started = performance.now();
const results = [];
for (const path of tables) {
  const table = loadTable(path);
  const traces: PrunedStudyTrace[] = [];
  for (const sampler of samplers) {
    for (const setting of settings) {
      for (let seed = firstSeed; seed < firstSeed + repeats; seed++) {
        const trace = await runPrunedStudy(table, sampler, setting, seed, Math.max(...budgets));
        traces.push({ ...trace, pruner: setting.label });
      }
      console.error(`${path} ${sampler} ${setting.label}: ${repeats} studies, ${((performance.now() - started) / 1000).toFixed(0)} s`);
    }
  }
  const cells = summarizePruned(table, traces, budgets);
  for (const cell of cells) {
    console.log(
      `${path} ${cell.sampler} ${cell.pruner} @${cell.budget}: median regret ${cell.medianRegret.toFixed(4)} ` +
        `[${cell.regretQ1.toFixed(4)}, ${cell.regretQ3.toFixed(4)}], ` +
        `epochs ${cell.medianEpochs} (${(100 * cell.medianEpochShare).toFixed(1)}%)`,
    );
  }
  results.push({ table: path, bestMeanValidationLoss: table.best().meanValidationLoss, cells, traces });
}
mkdirSync(dirname(out), { recursive: true });
const command = `npx tsx bench/pruners.ts ${process.argv.slice(2).join(" ")}`;
writeFileSync(
  out,
  JSON.stringify({ command, firstSeed, repeats, budgets, wallSeconds: (performance.now() - started) / 1000, results }) + "\n",
);
