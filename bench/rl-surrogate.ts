/**
 * The surrogate-in-the-loop REINFORCE (src/samplers/policy-surrogate.ts) on a lookup table, one variant
 * (or one baseline label) per call, so two calls run side by side on two cores:
 *
 *   node --import tsx bench/rl-surrogate.ts run --table tables/letter.csv.gz --name ei-s50 \
 *     --options '{"surrogate":"ei","surrogateSteps":50}' --first-seed 0 --repeats 50 --budget 300 --out DIR
 *   node --import tsx bench/rl-surrogate.ts run --table tables/letter.csv.gz --name tpe --label tpe ... --out DIR
 * (a --name a.b is part b of variant a: summary merges the parts' seeds)
 *   node --import tsx bench/rl-surrogate.ts summary --table tables/letter.csv.gz --dir DIR --budgets 25,50,100,300
 *
 * `run` writes DIR/<name>.json: one trace per seed (positions, values, seconds), as `hyperforce bench` records
 * them (runBenchStudy). `summary` prints, per variant and budget, the median regret and the one-sided
 * Mann-Whitney p-values of "lower than random" and of "higher than the best of tpe and gp" (the lower
 * median of the two at that budget), the tests `hyperforce bench` prints.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BenchStudyTrace } from "../src/experiments/sampler-bench.ts";
import { benchTable, pointsOf, runBenchStudy } from "../src/experiments/sampler-bench.ts";
import { mannWhitneyU } from "../src/experiments/statistics.ts";
import { reinforceSampler } from "../src/samplers/reinforce.ts";
import { integerFlag } from "./flags.ts";

function flag(name: string, fallback?: string): string {
  const at = process.argv.indexOf(`--${name}`);
  if (at >= 0 && at + 1 < process.argv.length) return process.argv[at + 1];
  if (fallback !== undefined) return fallback;
  throw new Error(`--${name} is required`);
}

async function run(): Promise<void> {
  const table = flag("table");
  const name = flag("name");
  const label = flag("label", "");
  const options = JSON.parse(flag("options", "{}")) as Record<string, unknown>;
  const firstSeed = Number(flag("first-seed", "0"));
  const repeats = integerFlag("repeats", 50);
  const budget = integerFlag("budget", 300);
  const dir = flag("out");
  mkdirSync(dir, { recursive: true });
  const traces: BenchStudyTrace[] = [];
  for (let seed = firstSeed; seed < firstSeed + repeats; seed++) {
    const make = label === "" ? (s: number) => reinforceSampler({ policy: "mlp", ...options, seed: s }) : undefined;
    traces.push(await runBenchStudy(table, label === "" ? name : label, seed, budget, make));
    writeFileSync(join(dir, `${name}.json`), JSON.stringify({ table, name, label, options, traces }));
  }
  const seconds = traces.map((t) => t.seconds).sort((a, b) => a - b);
  console.log(`${name}: ${traces.length} studies, median ${seconds[seconds.length >> 1].toFixed(2)} s per ${budget}-trial study`);
}

function median(values: number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function summary(): void {
  const table = benchTable(flag("table"));
  const dir = flag("dir");
  const budgets = flag("budgets", "25,50,100,300").split(",").map(Number);
  const regrets = new Map<string, number[][]>();
  const seconds = new Map<string, number>();
  // Parts of one variant run side by side (--name sur.0, sur.25 for two seed ranges) are merged under "sur".
  const byName = new Map<string, BenchStudyTrace[]>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".json"))) {
    const { name, traces } = JSON.parse(readFileSync(join(dir, file), "utf8")) as { name: string; traces: BenchStudyTrace[] };
    const key = name.split(".")[0];
    byName.set(
      key,
      [...(byName.get(key) ?? []), ...traces].sort((a, b) => a.seed - b.seed),
    );
  }
  for (const [name, traces] of byName) {
    const points = traces.map((trace) => pointsOf(table, trace, budgets));
    regrets.set(
      name,
      budgets.map((_, b) => points.map((p) => p[b].regret ?? Infinity)),
    );
    seconds.set(name, median(traces.map((t) => t.seconds)));
  }
  const random = regrets.get("random");
  const rows: string[] = [`| sampler | ${budgets.join(" | ")} | s/study |`, `| --- |${budgets.map(() => " ---: |").join("")} ---: |`];
  for (const [name, byBudget] of regrets) {
    const cells = byBudget.map((values, b) => {
      let cell = median(values).toFixed(4);
      if (random !== undefined && name !== "random") cell += ` (vs random p ${mannWhitneyU(values, random[b]).pLower.toFixed(4)}`;
      const rivals = ["tpe", "gp"].filter((r) => regrets.has(r) && r !== name).map((r) => regrets.get(r)![b]);
      if (rivals.length > 0 && random !== undefined && name !== "random") {
        const best = rivals.reduce((a, c) => (median(c) < median(a) ? c : a));
        cell += `; higher than best(tpe,gp) ${median(best).toFixed(4)} p ${mannWhitneyU(values, best).pHigher.toFixed(4)}`;
      }
      return random !== undefined && name !== "random" ? `${cell})` : cell;
    });
    rows.push(`| ${name} (${byBudget[0].length}) | ${cells.join(" | ")} | ${seconds.get(name)!.toFixed(2)} |`);
  }
  console.log(rows.join("\n"));
}

const command = process.argv[2];
if (command === "run") await run();
else if (command === "summary") summary();
else throw new Error("usage: rl-surrogate.ts run|summary (see the top of bench/rl-surrogate.ts)");
