import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { runOnTable, syntheticPaperTable, TableStudy, tableIndex } from "../../bench/rl-table.ts";
import { indicesOf, policySpace } from "../../src/rl/policy-space.ts";
import { reinforceSampler } from "../../src/samplers/reinforce.ts";
import { paperSpace } from "../../src/space/presets.ts";
import type { SearchSpace } from "../../src/space/types.ts";
import { createStudy } from "../../src/study/study.ts";
import { policyMass } from "./rl-helpers.ts";

const TABLE = syntheticPaperTable(7, 0);

for (const [label, options] of [
  ["mlp", { policy: "mlp" }],
  ["rnn (gru)", { policy: "rnn" }],
] as const) {
  test(`default reinforce (${label}) concentrates its probability on the table's best region, over 3 seeds`, () => {
    const bestPercent: number[] = [];
    for (const seed of [1, 2, 3]) {
      const sampler = reinforceSampler({ seed, ...options });
      const { bestSoFar } = runOnTable(sampler, TABLE, 300);
      const mass = policyMass(sampler, TABLE);
      // A uniform policy puts 5% of its draws in the best 5%, and has a regret ratio of 1.
      assert.ok(mass.bestFivePercent >= 0.15, `seed ${seed}: ${(mass.bestFivePercent * 100).toFixed(1)}% of the draws in the best 5%`);
      assert.ok(mass.regretRatio <= 0.6, `seed ${seed}: mean regret of the draws ${mass.regretRatio.toFixed(2)} of a uniform policy's`);
      assert.ok(bestSoFar[299] - TABLE.values[TABLE.best] < 0.03, `seed ${seed}: regret ${bestSoFar[299] - TABLE.values[TABLE.best]}`);
      assert.ok(sampler.diagnostics().length > 0);
      bestPercent.push(mass.bestPercent);
    }
    const median = bestPercent.sort((a, b) => a - b)[1];
    assert.ok(median >= 0.1, `median share of draws in the best 1%: ${median} (uniform: 0.01)`);
  });
}

test("a sampler restored from saveState mid-batch proposes the same next trials as the uninterrupted one", () => {
  for (const options of [{ policy: "mlp" as const }, { policy: "rnn" as const, cell: "elman" as const, tmax: 3 }]) {
    const table = syntheticPaperTable(3);
    const whole = reinforceSampler({ seed: 11, ...options });
    const first = runOnTable(whole, table, 45); // 45 = 5 batches of 8 and 5 trials of the next
    const saved = JSON.parse(JSON.stringify(whole.saveState()));
    const restored = reinforceSampler({ seed: 11, ...options });
    restored.loadState(saved);
    const studyCopy = new TableStudy();
    studyCopy.list.push(...first.study.list.map((t) => structuredClone(t)));
    const a = runOnTable(whole, table, 30, first.study)
      .study.list.slice(45)
      .map((t) => t.params);
    const b = runOnTable(restored, table, 30, studyCopy)
      .study.list.slice(45)
      .map((t) => t.params);
    assert.deepEqual(b, a);
    assert.deepEqual(restored.diagnostics(), whole.diagnostics());
  }
});

test("resuming a study from its journal continues the same policy: same trials as an uninterrupted run", async () => {
  const dir = mkdtempSync(join(tmpdir(), "hyperforce-rl-"));
  try {
    const table = syntheticPaperTable(5);
    const space = table.space;
    const discrete = policySpace(space);
    const objective = (trial: { params: Record<string, unknown> }) =>
      table.values[tableIndex(table.sizes, indicesOf(discrete, trial.params as never)!)];
    const whole = createStudy({
      name: "rl",
      space,
      sampler: reinforceSampler({ seed: 4, batchSize: 4 }),
      storage: join(dir, "whole.jsonl"),
      seed: 4,
    });
    await whole.optimize(objective, { nTrials: 24 });
    const path = join(dir, "split.jsonl");
    const part = createStudy({ name: "rl", space, sampler: reinforceSampler({ seed: 4, batchSize: 4 }), storage: path, seed: 4 });
    await part.optimize(objective, { nTrials: 10 });
    part.close();
    const resumed = createStudy({
      name: "rl",
      space,
      sampler: reinforceSampler({ seed: 4, batchSize: 4 }),
      storage: path,
      seed: 4,
      loadIfExists: true,
    });
    await resumed.optimize(objective, { nTrials: 14 });
    assert.equal((resumed.sampler as ReturnType<typeof reinforceSampler>).diagnostics().length, 6);
    assert.deepEqual(
      resumed.trials.map((t) => t.params),
      whole.trials.map((t) => t.params),
    );
    whole.close();
    resumed.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the default preset never evaluates a configuration twice and is exhausted with the space; the paper preset repeats", () => {
  const space: SearchSpace = { a: { type: "categorical", choices: ["x", "y", "z"] }, b: { type: "int", low: 0, high: 1 } };
  const objective = (p: Record<string, unknown>) => (p.a === "y" ? 0 : 1) + Number(p.b);
  const study = new TableStudy();
  const sampler = reinforceSampler({ seed: 1, batchSize: 2 });
  const seen = new Set<string>();
  while (!sampler.isExhausted(study, space)) {
    const number = study.list.length;
    const trial = {
      number,
      state: "RUNNING" as const,
      params: {},
      distributions: space,
      intermediateValues: {},
      userAttrs: {},
      systemAttrs: {},
    };
    study.list.push(trial as never);
    const params = sampler.sampleRelative(study, number, space);
    const key = JSON.stringify(params);
    assert.ok(!seen.has(key), `repeated ${key}`);
    seen.add(key);
    Object.assign(trial, { params, state: "COMPLETE", value: objective(params) });
    sampler.afterTrial(study, trial as never);
  }
  assert.equal(seen.size, 6);
  const paper = reinforceSampler({ seed: 1, preset: "paper" });
  const paperStudy = new TableStudy();
  const keys = new Set<string>();
  for (let i = 0; i < 20; i++) {
    const trial = {
      number: i,
      state: "RUNNING" as const,
      params: {},
      distributions: space,
      intermediateValues: {},
      userAttrs: {},
      systemAttrs: {},
    };
    paperStudy.list.push(trial as never);
    const params = paper.sampleRelative(paperStudy, i, space);
    keys.add(JSON.stringify(params));
    Object.assign(trial, { params, state: "COMPLETE", value: objective(params) });
    paper.afterTrial(paperStudy, trial as never);
  }
  assert.ok(keys.size <= 6 && paperStudy.list.length === 20, "20 trials over 6 configurations: repeats");
  assert.equal(paper.isExhausted(paperStudy, space), false);
  assert.equal(paper.settings.cache, false);
  assert.equal(paper.diagnostics().length, 1, "one update after 16 trajectories");
});

test("failed trials are learned as the worst reward seen so far", async () => {
  const space: SearchSpace = { a: { type: "categorical", choices: [0, 1, 2, 3] } };
  const study = createStudy({ space, sampler: reinforceSampler({ seed: 2, batchSize: 4, cache: false }), seed: 2 });
  await study.optimize(
    (trial) => {
      const a = trial.params.a as number;
      if (a === 3) throw new Error("diverged");
      return a; // rewards -0, -1, -2; failures count as -2 (the worst so far)
    },
    { nTrials: 4 },
  );
  const sampler = study.sampler as ReturnType<typeof reinforceSampler>;
  const [update] = sampler.diagnostics();
  const values = study.trials.map((t) => (t.state === "COMPLETE" ? -(t.value as number) : undefined));
  const worst = Math.min(...(values.filter((v) => v !== undefined) as number[]));
  const expected = values.reduce((sum: number, v) => sum + (v ?? worst), 0) / 4;
  assert.ok(study.trials.some((t) => t.state === "FAIL") || values.every((v) => v !== undefined));
  assert.ok(Math.abs(update.meanReward - expected) < 1e-5, `${update.meanReward} vs ${expected}`);
  assert.equal(update.evaluations, 4);
  assert.deepEqual(Object.keys(update).sort(), [
    "cachedSteps",
    "entropyCoefficient",
    "evaluations",
    "fallbackDraws",
    "headEntropy",
    "maxReward",
    "meanReward",
    "policyDraws",
    "topChoice",
    "topProbability",
    "update",
  ]);
});

test("maximize: the reward is the value itself", () => {
  const table = syntheticPaperTable(2, 0);
  const flipped = { ...table, values: table.values.map((v) => -v) };
  const sampler = reinforceSampler({ seed: 3 });
  const study = new TableStudy("maximize");
  const discrete = policySpace(table.space);
  for (let i = 0; i < 200; i++) {
    const trial = {
      number: i,
      state: "RUNNING" as const,
      params: {},
      distributions: table.space,
      intermediateValues: {},
      userAttrs: {},
      systemAttrs: {},
    };
    study.list.push(trial as never);
    const params = sampler.sampleRelative(study, i, table.space);
    Object.assign(trial, { params, state: "COMPLETE", value: flipped.values[tableIndex(table.sizes, indicesOf(discrete, params)!)] });
    sampler.afterTrial(study, trial as never);
  }
  const best = Math.max(...study.list.map((t) => t.value as number));
  assert.ok(-best - table.values[table.best] < 0.02, `regret ${-best - table.values[table.best]}`);
  assert.ok(sampler.diagnostics().at(-1)!.meanReward > sampler.diagnostics()[0].meanReward);
});

test("tmax 3: each step's state is the previous step's configuration", () => {
  const sampler = reinforceSampler({ seed: 5, tmax: 3, batchSize: 2 });
  runOnTable(sampler, syntheticPaperTable(1), 5);
  const state = sampler.saveState()!;
  const trajectory = state.live.trajectories[0];
  assert.equal(trajectory.steps.length, 3);
  assert.deepEqual(trajectory.steps[0].state, trajectory.start);
  assert.deepEqual(trajectory.steps[1].state, trajectory.steps[0].action);
  assert.deepEqual(trajectory.steps[2].state, trajectory.steps[1].action);
});

test("warm start: a policy exported from one study starts another over a space of the same shape", () => {
  const trained = reinforceSampler({ seed: 6 });
  runOnTable(trained, syntheticPaperTable(4), 64);
  const exported = JSON.parse(JSON.stringify(trained.exportPolicy()));
  assert.equal(exported.format, "hyperforce-policy");
  assert.deepEqual(exported.names, ["learning_rate", "weight_decay", "batch_size", "hidden_units"]);
  // Same shape, other names: transfer works, and the first update starts from the trained weights.
  const renamed: SearchSpace = Object.fromEntries(Object.entries(paperSpace()).map(([name, d]) => [`other_${name}`, d]));
  const warm = reinforceSampler({ seed: 6, initialPolicy: exported, batchSize: 1 });
  const study = new TableStudy();
  const trial = {
    number: 0,
    state: "RUNNING" as const,
    params: {},
    distributions: renamed,
    intermediateValues: {},
    userAttrs: {},
    systemAttrs: {},
  };
  study.list.push(trial as never);
  warm.sampleRelative(study, 0, renamed);
  assert.deepEqual(warm.exportPolicy().weights, exported.weights);
  // Another shape: a clear error.
  const small = reinforceSampler({ seed: 6, initialPolicy: exported });
  const tiny: SearchSpace = { a: { type: "categorical", choices: [1, 2] } };
  assert.throws(
    () => small.sampleRelative(new TableStudy(), 0, tiny),
    new RegExp(
      "the saved policy is a mlp with choices \\[10, 10, 10, 10\\], hidden \\[64, 16\\] and plain softmax heads; " +
        "this study needs a mlp with choices \\[2\\]",
    ),
  );
  // The same shape with ordinal heads: a clear error too.
  const ordinal = reinforceSampler({ seed: 6, initialPolicy: exported, ordinalWidth: 2 });
  assert.throws(
    () => ordinal.sampleRelative(new TableStudy(), 0, renamed),
    new RegExp(
      "hidden \\[64, 16\\] and plain softmax heads; " +
        "this study needs a mlp with choices \\[10, 10, 10, 10\\], hidden \\[64, 16\\] and ordinal widths \\[2, 2, 2, 2\\]",
    ),
  );
});

test("bad options and spaces get specific errors", () => {
  assert.throws(() => reinforceSampler({ learningrate: 0.1 } as never), /reinforce sampler: unknown option "learningrate"/);
  assert.throws(() => reinforceSampler({ preset: "fast" as never }), /unknown reinforce preset "fast": use "paper" or "default"/);
  assert.throws(() => reinforceSampler({ policy: "lstm" as never }), /unknown policy "lstm": use "mlp" or "rnn"/);
  assert.throws(() => reinforceSampler({ learningRate: -1 }), /learningRate must be a positive number, got -1/);
  assert.throws(() => reinforceSampler({ batchSize: 2.5 }), /batchSize must be a positive integer, got 2.5/);
  const continuous: SearchSpace = { lr: { type: "float", low: 1e-5, high: 1, log: true } };
  assert.throws(
    () => reinforceSampler().sampleRelative(new TableStudy(), 0, continuous),
    /parameter "lr" is continuous: the RL samplers need levels to discretise it/,
  );
  const leveled = reinforceSampler({ levels: 5, seed: 1 }).sampleRelative(new TableStudy(), 0, continuous);
  assert.ok(
    [1e-5, 1e-4, 1e-3, 1e-2, 1].some((v) => Math.abs((leveled.lr as number) - v) < 1e-12 * v + 1e-15),
    `${leveled.lr}`,
  );
  assert.throws(
    () => reinforceSampler().sampleIndependent(new TableStudy(), 0, "x", continuous.lr),
    /needs every parameter declared in the study's search space; "x" was suggested define-by-run/,
  );
  assert.throws(
    () => reinforceSampler().loadState({ sampler: "ppo", version: 1 }),
    /the saved sampler state is not a reinforce sampler state/,
  );
  assert.throws(() => reinforceSampler().exportPolicy(), /has no policy yet: it is built at the study's first trial/);
});

test("with concurrency 4 the study runs several policy draws at once, never the same configuration twice", async () => {
  const table = syntheticPaperTable(6);
  const discrete = policySpace(table.space);
  const sampler = reinforceSampler({ seed: 8 });
  const study = createStudy({ space: table.space, sampler, seed: 8 });
  let running = 0;
  let overlap = 0;
  await study.optimize(
    async (trial) => {
      running++;
      overlap = Math.max(overlap, running);
      await new Promise((resolve) => setTimeout(resolve, 1));
      running--;
      return table.values[tableIndex(table.sizes, indicesOf(discrete, trial.params)!)];
    },
    { nTrials: 40, concurrency: 4 },
  );
  assert.ok(overlap > 1, "trials overlapped");
  const keys = study.trials.map((t) => JSON.stringify(t.params));
  assert.equal(new Set(keys).size, 40);
  assert.equal(sampler.diagnostics().length, 10, "40 trials = 10 batches of 4 trajectories");
});

test("ordinal heads where the policy learns alone; plain heads with the surrogate, in the paper preset, on categoricals", () => {
  const widths = (options: Parameters<typeof reinforceSampler>[0], space: SearchSpace = paperSpace()) => {
    const sampler = reinforceSampler({ seed: 1, ...options });
    sampler.sampleRelative(new TableStudy(), 0, space);
    return sampler.exportPolicy().shape.ordinal;
  };
  assert.equal(widths({}), undefined);
  assert.deepEqual(widths({ surrogate: "none" }), [2, 2, 2, 2]);
  assert.deepEqual(widths({ policy: "rnn" }), [2, 2, 2, 2]);
  assert.deepEqual(widths({ ordinalWidth: 1.5 }), [1.5, 1.5, 1.5, 1.5]);
  assert.equal(widths({ preset: "paper" }), undefined);
  const mixed: SearchSpace = { optimizer: { type: "categorical", choices: ["adam", "sgd", "rmsprop"] }, ...paperSpace() };
  assert.deepEqual(widths({ policy: "rnn" }, mixed), [0, 2, 2, 2, 2]);
  assert.throws(() => reinforceSampler({ ordinalWidth: -1 }), /reinforce sampler: ordinalWidth must be a number in \[0, 1000\], got -1/);
});
