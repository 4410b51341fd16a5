/**
 * The RL levers of issue 12 measured on exhaustive tables: each variant (reinforce or ppo options) runs
 * one study per seed through the benchmark's own loop (runBenchStudy), read off at each budget; the
 * baselines (sampler labels) run the same way. Prints median regret per budget and the one-sided
 * Mann-Whitney p-value of "lower than random" and "higher than the best of the baselines other than random";
 * --out keeps every seed's regret as well (regrets[budget][seed]), for paired comparisons between runs.
 *   node --import tsx bench/rl-levers.ts --table tables/letter.csv.gz --variants base,elite8x4 \
 *     --baselines random,tpe --seeds 0-19 --budgets 25,50,100,300 --out bench/results/rl-levers-letter.json
 * Choose on seeds 0-49; seeds 100-149 are the lead's report.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { benchTable, pointsOf, quantile, runBenchStudy } from "../src/experiments/sampler-bench.ts";
import { mannWhitneyU } from "../src/experiments/statistics.ts";
import type { PpoSamplerOptions, ReinforceSamplerOptions } from "../src/samplers/options.ts";
import { ppoSampler } from "../src/samplers/ppo.ts";
import { reinforceSampler } from "../src/samplers/reinforce.ts";
import type { Sampler } from "../src/samplers/sampler.ts";

type Variant = { sampler: "reinforce"; options: ReinforceSamplerOptions } | { sampler: "ppo"; options: PpoSamplerOptions };

const reinforce = (options: ReinforceSamplerOptions): Variant => ({ sampler: "reinforce", options });
const ppo = (options: PpoSamplerOptions): Variant => ({ sampler: "ppo", options });

export const VARIANTS: Record<string, Variant> = {
  base: reinforce({}),
  "base-rnn": reinforce({ policy: "rnn" }),
  elite4x4: reinforce({ eliteSize: 4, eliteSteps: 4 }),
  elite8x4: reinforce({ eliteSize: 8, eliteSteps: 4 }),
  elite8x16: reinforce({ eliteSize: 8, eliteSteps: 16 }),
  elite16x8: reinforce({ eliteSize: 16, eliteSteps: 8 }),
  elite8x4e0: reinforce({ eliteSize: 8, eliteSteps: 4, entropy: 0 }),
  rank: reinforce({ rankRewards: true }),
  risk50: reinforce({ riskSeeking: 0.5 }),
  risk25b8: reinforce({ riskSeeking: 0.25, batchSize: 8 }),
  "elite8x4-rank": reinforce({ eliteSize: 8, eliteSteps: 4, rankRewards: true }),
  "elite8x4-risk": reinforce({ eliteSize: 8, eliteSteps: 4, riskSeeking: 0.5 }),
  "elite8x4-rnn": reinforce({ eliteSize: 8, eliteSteps: 4, policy: "rnn" }),
  edits50: reinforce({ edits: 0.5 }),
  edits80: reinforce({ edits: 0.8 }),
  "elite8x4-edits50": reinforce({ eliteSize: 8, eliteSteps: 4, edits: 0.5 }),
  "elite8x4-edits80": reinforce({ eliteSize: 8, eliteSteps: 4, edits: 0.8 }),
  "elite4x4-edits50": reinforce({ eliteSize: 4, eliteSteps: 4, edits: 0.5 }),
  "elite8x4-edits50-rnn": reinforce({ eliteSize: 8, eliteSteps: 4, edits: 0.5, policy: "rnn" }),
  "ppo-elite8x4-edits50": ppo({ eliteSize: 8, eliteSteps: 4, edits: 0.5 }),
  "ppo-elite8x4-edits80": ppo({ eliteSize: 8, eliteSteps: 4, edits: 0.8 }),
  edits90: reinforce({ edits: 0.9 }),
  edits100: reinforce({ edits: 1 }),
  "elite8x4-edits90": reinforce({ eliteSize: 8, eliteSteps: 4, edits: 0.9 }),
  "ppo-edits80": ppo({ edits: 0.8 }),
  "ppo-edits90": ppo({ edits: 0.9 }),
  "ppo-elite8x4-edits90": ppo({ eliteSize: 8, eliteSteps: 4, edits: 0.9 }),
  ppo: ppo({}),
  // Ordinal heads (src/rl/ordinal.ts), width 0 (plain softmax) against 1 and 2, without and with the surrogate.
  "plain-ordinal0": reinforce({ surrogate: "none", ordinalWidth: 0 }),
  "plain-ordinal1": reinforce({ surrogate: "none", ordinalWidth: 1 }),
  "plain-ordinal2": reinforce({ surrogate: "none", ordinalWidth: 2 }),
  "surrogate-ordinal0": reinforce({ surrogate: "ei", ordinalWidth: 0 }),
  "surrogate-ordinal2": reinforce({ surrogate: "ei", ordinalWidth: 2 }),
  "rnn-ordinal0": reinforce({ policy: "rnn", ordinalWidth: 0 }),
  "rnn-ordinal2": reinforce({ policy: "rnn", ordinalWidth: 2 }),
  "ppo-ordinal0": ppo({ ordinalWidth: 0 }),
  "ppo-ordinal2": ppo({ ordinalWidth: 2 }),
  "ppo-elite8x4": ppo({ eliteSize: 8, eliteSteps: 4 }),
  // The surrogate's Boltzmann temperature (default 0.1, chosen on letter at 100 trials): more exploration later on?
  "surrogate-t03": reinforce({ surrogate: "ei", surrogateTemperature: 0.3 }),
  "surrogate-t1": reinforce({ surrogate: "ei", surrogateTemperature: 1 }),
  // Fewer trials drawn before the surrogate starts (it was 10; 5 is the default now): more guided trials at 25-50.
  startup10: reinforce({ surrogate: "ei", surrogateStartupTrials: 10 }),
  startup5: reinforce({ surrogate: "ei", surrogateStartupTrials: 5 }),
  startup3: reinforce({ surrogate: "ei", surrogateStartupTrials: 3 }),
  // PPO with reinforce's default surrogate in the loop.
  "ppo-surrogate": ppo({ surrogate: "ei" }),
  // PPO's surrogate starting after 5 completed trials, as REINFORCE's default does (PPO's default: 10).
  "ppo-startup5": ppo({ surrogateStartupTrials: 5 }),
  // The surrogate's target: the even mixture of EI's Boltzmann target (T 0.1) and of TPE's density ratio's
  // (log l - log g, T 0.3). TPE's ratio alone and the two in turn were measured as well and are gone
  // (bench/results/rl-levers-tpe-*.json, rl-levers-ensemble-*.json).
  "ei+tpe": reinforce({ surrogate: "ei+tpe" }),
  // The mixture's weight set per study by which model ranks the good trials higher: the default since
  // wave 2, session 7 ("ei", the default before, pinned above where a variant was measured with it).
  "ei+tpe-adaptive": reinforce({ surrogate: "ei+tpe-adaptive" }),
  ei: reinforce({ surrogate: "ei" }),
  // Wave 2, session 8: the adaptive default nearer its target (more steps) or with a flatter EI target.
  "adaptive-steps50": reinforce({ surrogate: "ei+tpe-adaptive", surrogateSteps: 50 }),
  "adaptive-t03": reinforce({ surrogate: "ei+tpe-adaptive", surrogateTemperature: 0.3 }),
  // A sharper EI target, nearer the GP sampler's argmax (whose search leads from 100 trials on letter and diabetes).
  "adaptive-t003": reinforce({ surrogate: "ei+tpe-adaptive", surrogateTemperature: 0.03 }),
  // Wave 2, session 9, pre-screened on seeds 0-9 and gone (commits 6b183ce, 7487809 and e77175b): the
  // mixture's weight by GP-Hedge ("ei+tpe-hedge", bench/results/rl-levers-hedge-*.json), EI improving on the
  // lowest posterior mean at the completed trials ("adaptive-mean-incumbent", rl-levers-incumbent-*.json), and
  // the kernel refitted on the GP sampler's schedule, after 20% more trials ("adaptive-refit-gp",
  // rl-levers-refit-*.json).
  // Wave 2, session 10, pre-screened on seeds 0-9 and gone (commit d09fbbb): Thompson sampling's distribution,
  // P(x is the posterior's argmin) from 1024 joint draws, as the target alone ("ts") and in place of EI's in the
  // adaptive mixture ("ts+tpe-adaptive"), bench/results/rl-levers-ts-*.json.
  // Wave 2, session 12, pre-screened on seeds 0-9 and gone (commit b578525): the weighted geometric mean of the
  // two targets (a product of experts) instead of their mixture ("ei*tpe-adaptive"), rl-levers-product-*.json;
  // and, measured on seeds 0-49 and gone (commit 7723313), the mixture for the first 100 completed trials and the
  // product after ("ei*tpe-late"), rl-levers-late-product-*.json.
};

function makeSampler(variant: Variant, seed: number): Sampler {
  return variant.sampler === "ppo" ? ppoSampler({ ...variant.options, seed }) : reinforceSampler({ ...variant.options, seed });
}

function seedRange(text: string): number[] {
  const match = /^(\d+)-(\d+)$/.exec(text);
  if (match === null) throw new Error(`--seeds must be FIRST-LAST, got "${text}"`);
  const seeds: number[] = [];
  for (let s = Number(match[1]); s <= Number(match[2]); s++) seeds.push(s);
  return seeds;
}

const { values: flags } = parseArgs({
  options: {
    table: { type: "string" },
    variants: { type: "string", default: "base" },
    baselines: { type: "string", default: "random,tpe" },
    seeds: { type: "string", default: "0-9" },
    budgets: { type: "string", default: "25,50,100,300" },
    out: { type: "string" },
  },
});
if (flags.table === undefined) throw new Error("--table is required");
const tablePath = flags.table;
const table = benchTable(tablePath);
const seeds = seedRange(flags.seeds);
const budgets = flags.budgets.split(",").map(Number);
const budget = Math.max(...budgets);
const baselines = flags.baselines.split(",").filter((b) => b !== "");
const variants = flags.variants.split(",");
for (const name of variants)
  if (VARIANTS[name] === undefined) throw new Error(`unknown variant "${name}": ${Object.keys(VARIANTS).join(", ")}`);

interface Row {
  name: string;
  regrets: number[][];
  secondsPerStudy: number;
}

async function run(name: string, make: ((seed: number) => Sampler) | undefined): Promise<Row> {
  const regrets: number[][] = budgets.map(() => []);
  let seconds = 0;
  for (const seed of seeds) {
    const trace = await runBenchStudy(tablePath, name, seed, budget, make);
    seconds += trace.seconds;
    pointsOf(table, trace, budgets).forEach((point, b) => regrets[b].push(point.regret ?? Infinity));
  }
  return { name, regrets, secondsPerStudy: seconds / seeds.length };
}

const rows: Row[] = [];
for (const label of baselines) rows.push(await run(label, undefined));
for (const name of variants) {
  rows.push(await run(name, (seed) => makeSampler(VARIANTS[name], seed)));
  console.error(`${name} done`);
}

const random = rows.find((r) => r.name === "random");
const others = rows.filter((r) => baselines.includes(r.name) && r.name !== "random");
const fmt = (x: number) => x.toFixed(4);
const result = rows.map((row) => {
  const cells = budgets.map((b, i) => {
    const median = quantile(row.regrets[i], 0.5);
    const cell: Record<string, number | string> = { budget: b, median };
    if (random !== undefined && row !== random) cell.pLowerThanRandom = mannWhitneyU(row.regrets[i], random.regrets[i]).pLower;
    const best = others.filter((o) => o !== row).sort((x, y) => quantile(x.regrets[i], 0.5) - quantile(y.regrets[i], 0.5))[0];
    if (best !== undefined && !baselines.includes(row.name)) {
      cell.best = best.name;
      cell.pHigherThanBest = mannWhitneyU(row.regrets[i], best.regrets[i]).pHigher;
    }
    return cell;
  });
  const text = cells
    .map((c) => {
      const pr = c.pLowerThanRandom === undefined ? "" : ` r${(c.pLowerThanRandom as number).toFixed(3)}`;
      const pb = c.pHigherThanBest === undefined ? "" : ` ${c.best}>${(c.pHigherThanBest as number).toFixed(3)}`;
      return `${c.budget}: ${fmt(c.median as number)}${pr}${pb}`;
    })
    .join(" | ");
  console.log(`${row.name.padEnd(16)} ${row.secondsPerStudy.toFixed(2)}s/study  ${text}`);
  return { name: row.name, secondsPerStudy: row.secondsPerStudy, cells, regrets: row.regrets };
});

if (flags.out !== undefined) {
  mkdirSync(dirname(flags.out), { recursive: true });
  const command = `node --import tsx bench/rl-levers.ts ${process.argv.slice(2).join(" ")}`;
  writeFileSync(flags.out, `${JSON.stringify({ command, table: tablePath, seeds: flags.seeds, variants: VARIANTS, result }, null, 2)}\n`);
}
