/**
 * The default REINFORCE (mlp policy) and PPO against random search on the real wine task: 300 trials
 * each, 5 seeds. Seed s gives every method the same split (splitSeed s) and the same per-trial
 * training seeds (study seed s), so the pairs are compared seed for seed.
 *   HYPERFORCE_DATA_DIR=/work/shared/data node --import tsx bench/rl-vs-random.ts [--trials 300] [--seeds 5]
 * Options: --first-seed N (seeds N..N+seeds-1), --methods random,reinforce-mlp,ppo, and
 * --reinforce '{"learningRate":0.01,"entropy":0.1}' to override the default REINFORCE settings.
 * Writes --out (default bench/results/rl-vs-random.json) after every finished study (a partial run keeps its pairs).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { builtinTaskObjective } from "../src/objectives/builtin-task.ts";
import { ppoSampler } from "../src/samplers/ppo.ts";
import { randomSampler } from "../src/samplers/random.ts";
import { reinforceSampler } from "../src/samplers/reinforce.ts";
import type { Sampler } from "../src/samplers/sampler.ts";
import { paperSpace } from "../src/space/presets.ts";
import { createStudy } from "../src/study/study.ts";

function argument(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : fallback;
}

const trials = Number(argument("--trials", "300"));
const seeds = Number(argument("--seeds", "5"));
const firstSeed = Number(argument("--first-seed", "0"));
const out = argument("--out", "bench/results/rl-vs-random.json");
const reinforceOverrides = JSON.parse(argument("--reinforce", "{}")) as Record<string, unknown>;
const allMethods: Record<string, (seed: number) => Sampler> = {
  random: (seed) => randomSampler({ seed }),
  "reinforce-mlp": (seed) => reinforceSampler({ seed, policy: "mlp", ...reinforceOverrides }),
  ppo: (seed) => ppoSampler({ seed, policy: "mlp" }),
};
const methods = Object.fromEntries(
  argument("--methods", Object.keys(allMethods).join(","))
    .split(",")
    .map((m) => {
      if (allMethods[m] === undefined) throw new Error(`unknown method "${m}"; known: ${Object.keys(allMethods).join(", ")}`);
      return [m, allMethods[m]];
    }),
);

interface Run {
  method: string;
  seed: number;
  bestValidationLoss: number;
  testLossOfBest: number | null;
  bestParams: Record<string, unknown>;
  failedTrials: number;
  /** Best validation loss after 50, 100 and 300 trials. */
  bestAfter: Record<string, number>;
  seconds: number;
}

const runs: Run[] = [];

function pairs(method: string) {
  return Array.from({ length: seeds }, (_, k) => {
    const seed = firstSeed + k;
    const rl = runs.find((r) => r.method === method && r.seed === seed);
    const random = runs.find((r) => r.method === "random" && r.seed === seed);
    if (rl === undefined || random === undefined) return undefined;
    return {
      seed,
      [method]: rl.bestValidationLoss,
      random: random.bestValidationLoss,
      rlLower: rl.bestValidationLoss < random.bestValidationLoss,
    };
  }).filter((p) => p !== undefined);
}

function save(): void {
  mkdirSync(dirname(out), { recursive: true });
  const summary = Object.fromEntries(
    Object.keys(methods)
      .filter((m) => m !== "random")
      .map((m) => {
        const p = pairs(m);
        return [m, { pairs: p, seedsWhereLower: p.filter((x) => x.rlLower).length, seedsCompared: p.length }];
      }),
  );
  writeFileSync(
    out,
    JSON.stringify(
      {
        command: `node --import tsx ${process.argv.slice(1).join(" ")}`,
        task: "wine",
        trials,
        seeds,
        firstSeed,
        reinforceOverrides,
        summary,
        runs,
      },
      null,
      2,
    ) + "\n",
  );
}

for (let seed = firstSeed; seed < firstSeed + seeds; seed++) {
  for (const [method, make] of Object.entries(methods)) {
    const started = Date.now();
    const study = createStudy({ space: paperSpace(), sampler: make(seed), seed });
    const bestAfter: Record<string, number> = {};
    let best = Infinity;
    await study.optimize(builtinTaskObjective({ task: "wine", splitSeed: seed, seed }), {
      nTrials: trials,
      callbacks: [
        (_study, trial) => {
          if (trial.state === "COMPLETE" && (trial.value as number) < best) best = trial.value as number;
          const done = trial.number + 1;
          if (done === 50 || done === 100 || done === 300) bestAfter[done] = best;
        },
      ],
    });
    const bestTrial = study.bestTrial;
    const run: Run = {
      method,
      seed,
      bestValidationLoss: study.bestValue as number,
      testLossOfBest: (bestTrial?.userAttrs.test_loss as number | undefined) ?? null,
      bestParams: bestTrial?.params ?? {},
      failedTrials: study.trials.filter((t) => t.state === "FAIL").length,
      bestAfter,
      seconds: (Date.now() - started) / 1000,
    };
    runs.push(run);
    console.log(JSON.stringify(run));
    save();
  }
}
