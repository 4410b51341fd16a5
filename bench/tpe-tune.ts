// Chooses TPE's defaults on seeds that bench/samplers.ts does not report: median regret after 60 trials
// on quadratic, Branin and paper-toy (the same problems) for TPE options given as JSON, seeds from --first-seed.
// Run: node --import tsx bench/tpe-tune.ts --first-seed 100 --seeds 20 '{"priorWeight": 1}' '{"considerEndpoints": true}' ...
// Writes bench/results/tpe-tune.json (one row per option set).
import { mkdirSync, writeFileSync } from "node:fs";
import { tpeSampler } from "../src/samplers/tpe.ts";
import type { Params } from "../src/space/types.ts";
import { createStudy } from "../src/study/study.ts";
import { integerFlag } from "./flags.ts";
import { problems } from "./problems.ts";

const nTrials = integerFlag("trials", 60);
const nSeeds = integerFlag("seeds", 20);
const at = process.argv.indexOf("--first-seed");
const firstSeed = at < 0 ? 100 : Number(process.argv[at + 1]);
if (!Number.isSafeInteger(firstSeed) || firstSeed < 0) throw new Error(`--first-seed needs an integer >= 0, got ${process.argv[at + 1]}`);
const variants = process.argv.slice(2).filter((arg) => arg.startsWith("{"));
if (variants.length === 0) variants.push("{}");

const median = (values: number[]) => {
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const rows: Array<Record<string, unknown>> = [];
for (const variant of variants) {
  const options = JSON.parse(variant) as Record<string, unknown>;
  const row: Record<string, unknown> = { options };
  // A gamma given as an expression in n, e.g. "Math.min(Math.ceil(0.15 * n), 25)".
  if (typeof options.gamma === "string") options.gamma = new Function("n", `return ${options.gamma};`);
  for (const problem of problems) {
    const best: number[] = [];
    for (let seed = firstSeed; seed < firstSeed + nSeeds; seed++) {
      const study = createStudy({ space: problem.space, sampler: tpeSampler({ ...options, seed }) });
      await study.optimize((trial) => problem.f(trial.params as Params), { nTrials });
      best.push(study.bestValue - problem.optimum);
    }
    row[problem.name] = median(best);
  }
  rows.push(row);
  console.log(JSON.stringify(row));
}
mkdirSync("bench/results", { recursive: true });
writeFileSync("bench/results/tpe-tune.json", JSON.stringify({ nTrials, nSeeds, firstSeed, rows }, null, 2) + "\n");
