/**
 * Chooses the RL samplers' default settings by measurement on synthetic tables over the paper's
 * 10^4 space (bench/rl-table.ts): for each setting, the median over runs (tables x seeds) of the
 * regret of the best configuration found after 50, 100, 300 and 1000 evaluations, next to random
 * search without repeats. Drives the PolicyAgent directly (the samplers add only study bookkeeping).
 *   node --import tsx bench/rl-settings.ts --seeds 3 --tables 2                  (the grid: bench/results/rl-settings.json)
 *   node --import tsx bench/rl-settings.ts --defaults --seeds 5 --tables 4 --out bench/results/rl-defaults.json
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { Rng } from "../src/nn/rng.ts";
import { PolicyAgent } from "../src/rl/agent.ts";
import { createPolicy } from "../src/rl/checkpoint.ts";
import type { PolicyKind, RecurrentCellKind } from "../src/rl/policy.ts";
import { Ppo } from "../src/rl/ppo.ts";
import { Reinforce } from "../src/rl/reinforce.ts";
import type { BaselineKind } from "../src/rl/trajectory.ts";
import { median, syntheticPaperTable, type Table, tableIndex } from "./rl-table.ts";

export interface Setting {
  name: string;
  algorithm: "reinforce" | "ppo" | "random";
  policy?: PolicyKind;
  cell?: RecurrentCellKind;
  learningRate?: number;
  batchSize?: number;
  baseline?: BaselineKind;
  standardize?: boolean;
  entropy?: number;
  entropyDecay?: number;
  cache?: boolean;
  epochs?: number;
  minibatchSize?: number;
}

export const CHECKPOINTS = [50, 100, 300, 1000];

/** Best value after each evaluation of one run. */
export function runSetting(
  setting: Setting,
  table: Table,
  seed: number,
  evaluations: number,
  sources: Record<string, number> = {},
): number[] {
  const bestSoFar: number[] = [];
  let best = Infinity;
  const record = (indices: ArrayLike<number>) => {
    const value = table.values[tableIndex(table.sizes, indices)];
    best = Math.min(best, value);
    bestSoFar.push(best);
    return value;
  };
  if (setting.algorithm === "random") {
    const rng = new Rng(seed);
    const order = rng.permutation(table.values.length);
    for (let e = 0; e < evaluations; e++) {
      const value = table.values[order[e]];
      best = Math.min(best, value);
      bestSoFar.push(best);
    }
    return bestSoFar;
  }
  const root = new Rng(seed);
  const policy = createPolicy(table.sizes, { policy: setting.policy ?? "mlp", cell: setting.cell }, root.fork());
  const rng = root.fork();
  const common = {
    learningRate: setting.learningRate ?? 1e-3,
    gamma: 0.99,
    baseline: setting.baseline ?? "batch-mean",
    standardize: setting.standardize ?? true,
    movingAverageRate: 0.1,
    entropy: setting.entropy ?? 0,
    entropyDecay: setting.entropyDecay ?? 1,
  };
  const learner =
    setting.algorithm === "ppo"
      ? new Ppo(policy, { ...common, clip: 0.2, epochs: setting.epochs ?? 4, minibatchSize: setting.minibatchSize ?? 8 }, rng)
      : new Reinforce(policy, common);
  const agent = new PolicyAgent(table.sizes, learner, rng, {
    batchSize: setting.batchSize ?? 16,
    tmax: 1,
    cache: setting.cache ?? true,
  });
  for (let e = 0; e < evaluations; e++) {
    const { indices, source } = agent.propose(e);
    sources[source] = (sources[source] ?? 0) + 1;
    agent.observe(e, indices, -record(indices));
  }
  return bestSoFar;
}

export function measure(setting: Setting, tables: Table[], seeds: number, evaluations = 1000) {
  const regrets = CHECKPOINTS.map(() => [] as number[]);
  const sources: Record<string, number> = {};
  const started = Date.now();
  for (const table of tables) {
    const min = table.values[table.best];
    for (let seed = 0; seed < seeds; seed++) {
      const bestSoFar = runSetting(setting, table, 1000 + seed, evaluations, sources);
      CHECKPOINTS.forEach((n, k) => regrets[k].push(bestSoFar[Math.min(n, bestSoFar.length) - 1] - min));
    }
  }
  const proposals = Object.values(sources).reduce((a, b) => a + b, 0);
  return {
    ...setting,
    medianRegret: Object.fromEntries(CHECKPOINTS.map((n, k) => [n, Number(median(regrets[k]).toFixed(4))])),
    /** Share of trials that were random unseen configurations because the policy kept drawing known ones. */
    fallbackShare: proposals === 0 ? 0 : Number((1 - (sources.policy ?? 0) / proposals).toFixed(3)),
    seconds: (Date.now() - started) / 1000,
  };
}

function argument(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : fallback;
}

function grid(): Setting[] {
  const settings: Setting[] = [
    { name: "random (no repeats)", algorithm: "random" },
    {
      name: "paper: reinforce mlp lr 1e-3 batch 16, no baseline, no standardisation, no entropy, no cache",
      algorithm: "reinforce",
      learningRate: 1e-3,
      batchSize: 16,
      baseline: "none",
      standardize: false,
      cache: false,
    },
    {
      name: "reinforce mlp lr 1e-3 batch 16 entropy 0 (paper optimiser, standardised, cache)",
      algorithm: "reinforce",
      learningRate: 1e-3,
      batchSize: 16,
    },
  ];
  for (const learningRate of [0.01, 0.03])
    for (const batchSize of [4, 8, 16])
      for (const entropy of [0.03, 0.1, 0.3])
        for (const entropyDecay of [1, 0.995]) {
          settings.push({
            name: `reinforce mlp lr ${learningRate} batch ${batchSize} entropy ${entropy} decay ${entropyDecay}`,
            algorithm: "reinforce",
            policy: "mlp",
            learningRate,
            batchSize,
            entropy,
            entropyDecay,
          });
        }
  for (const learningRate of [0.003, 0.01, 0.03])
    for (const entropy of [0.03, 0.1]) {
      settings.push({
        name: `ppo mlp lr ${learningRate} batch 16 epochs 4 minibatch 8 entropy ${entropy}`,
        algorithm: "ppo",
        policy: "mlp",
        learningRate,
        batchSize: 16,
        entropy,
      });
    }
  for (const cell of ["gru", "elman"] as const) {
    settings.push({
      name: `reinforce rnn ${cell} lr 0.01 batch 8 entropy 0.1`,
      algorithm: "reinforce",
      policy: "rnn",
      cell,
      learningRate: 0.01,
      batchSize: 8,
      entropy: 0.1,
    });
  }
  return settings;
}

/** The shipped defaults next to random and the paper, measured on more runs than the grid. */
function defaults(): Setting[] {
  const reinforce = { algorithm: "reinforce" as const, learningRate: 0.01, batchSize: 4, entropy: 0.1, entropyDecay: 1 };
  const ppo = { algorithm: "ppo" as const, learningRate: 0.03, batchSize: 16, entropy: 0.1, entropyDecay: 1 };
  return [
    { name: "random (no repeats)", algorithm: "random" },
    {
      name: "paper preset (reinforce mlp lr 1e-3 batch 16, no baseline, no cache)",
      algorithm: "reinforce",
      learningRate: 1e-3,
      batchSize: 16,
      baseline: "none",
      standardize: false,
      cache: false,
    },
    { name: "default reinforce, mlp", ...reinforce, policy: "mlp" },
    { name: "default reinforce, rnn gru", ...reinforce, policy: "rnn", cell: "gru" },
    { name: "default reinforce, rnn elman", ...reinforce, policy: "rnn", cell: "elman" },
    { name: "default ppo, mlp", ...ppo, policy: "mlp" },
    { name: "default ppo, rnn gru", ...ppo, policy: "rnn", cell: "gru" },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const runs = Number(argument("--seeds", "4"));
  const tableCount = Number(argument("--tables", "3"));
  const only = argument("--only", "");
  const out = argument("--out", "bench/results/rl-settings.json");
  const tables = Array.from({ length: tableCount }, (_, t) => syntheticPaperTable(t + 1));
  const results = [];
  for (const setting of process.argv.includes("--defaults") ? defaults() : grid()) {
    if (only && !setting.name.includes(only)) continue;
    const result = measure(setting, tables, runs);
    results.push(result);
    console.log(`${JSON.stringify(result.medianRegret)}  ${result.seconds.toFixed(1)}s  ${setting.name}`);
  }
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    JSON.stringify(
      { command: process.argv.slice(1).join(" "), tables: tableCount, seedsPerTable: runs, checkpoints: CHECKPOINTS, results },
      null,
      2,
    ) + "\n",
  );
}
