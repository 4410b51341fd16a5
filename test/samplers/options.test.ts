import assert from "node:assert/strict";
import { test } from "node:test";
import {
  createSampler,
  SAMPLER_LABELS,
  SAMPLER_NAMES,
  SAMPLER_OPTION_SCHEMAS,
  samplerFromLabel,
  samplersWithOption,
} from "../../src/samplers/index.ts";
import { optionNames } from "../../src/samplers/options.ts";
import { ppoSampler } from "../../src/samplers/ppo.ts";
import { reinforceSampler } from "../../src/samplers/reinforce.ts";

test("every sampler of the registry has a schema; the policy samplers share their common fields", () => {
  assert.deepEqual(Object.keys(SAMPLER_OPTION_SCHEMAS).sort(), [...SAMPLER_NAMES].sort());
  const reinforce = optionNames(SAMPLER_OPTION_SCHEMAS.reinforce);
  const ppo = optionNames(SAMPLER_OPTION_SCHEMAS.ppo);
  assert.deepEqual(
    reinforce.filter((name) => !ppo.includes(name)),
    ["preset"],
  );
  assert.deepEqual(samplersWithOption("surrogateSteps"), ["reinforce", "ppo"]);
  assert.deepEqual(
    ppo.filter((name) => !reinforce.includes(name)),
    ["clip", "epochs", "minibatchSize"],
  );
  assert.deepEqual(samplersWithOption("policy"), ["reinforce", "ppo"]);
  assert.deepEqual(samplersWithOption("preset"), ["reinforce"]);
  assert.deepEqual(samplersWithOption("levels"), ["grid", "reinforce", "ppo"]);
  assert.deepEqual(samplersWithOption("allowRepeats"), ["random", "tpe", "gp", "evolution"]);
});

test("a bad option names the sampler, the field and what was expected, when the sampler is made", () => {
  assert.throws(() => reinforceSampler({ cell: "lstm" as never }), {
    message: 'reinforce sampler: unknown cell "lstm": use "elman" or "gru"',
  });
  assert.throws(() => ppoSampler({ hidden: [16, 0] }), { message: "ppo sampler: hidden must be two positive integers, got [16,0]" });
  assert.throws(() => ppoSampler({ baseline: "mean" as never }), {
    message: 'ppo sampler: unknown baseline "mean": use "none", "batch-mean" or "moving-average"',
  });
  assert.throws(() => reinforceSampler({ levels: { lr: 0 } }), {
    message: 'reinforce sampler: levels must be an integer >= 1 or { parameter: integer >= 1 }, got {"lr":0}',
  });
  assert.throws(() => reinforceSampler({ cache: "yes" as never }), {
    message: 'reinforce sampler: cache must be true or false, got "yes"',
  });
  assert.throws(() => ppoSampler({ gamma: 1.5 }), { message: "ppo sampler: gamma must be in [0, 1], got 1.5" });
  assert.throws(() => createSampler("random", null as never), { message: "random sampler: options must be an object" });
});

test("labels are a sampler and its options", () => {
  for (const label of SAMPLER_LABELS) assert.ok(samplerFromLabel(label, 1).name.length > 0, label);
  assert.equal(samplerFromLabel("ppo-rnn", 3).name, "ppo");
  assert.throws(() => samplerFromLabel("sobol", 1), /unknown sampler label "sobol"; labels: grid, random, tpe/);
});
