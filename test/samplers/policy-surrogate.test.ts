// The reinforce sampler with a surrogate in the loop (src/samplers/policy-surrogate.ts): its GP posterior
// grown one observation at a time equals the GP sampler's posterior; same seed, same trials; a restored
// state draws the same next trials; on a synthetic table it finds the exact optimum where random search does not.

import assert from "node:assert/strict";
import { test } from "node:test";
import { runOnTable, syntheticPaperTable, TableStudy } from "../../bench/rl-table.ts";
import { Rng } from "../../src/nn/rng.ts";
import { defaultTheta, hyperparametersOf } from "../../src/samplers/gp/fit.ts";
import { GpPosterior } from "../../src/samplers/gp/posterior.ts";
import { logMixture, normalisedOver } from "../../src/samplers/policy-surrogate.ts";
import { FiniteGpPosterior } from "../../src/samplers/policy-surrogate-gp.ts";
import { ppoSampler } from "../../src/samplers/ppo.ts";
import { randomSampler } from "../../src/samplers/random.ts";
import { reinforceSampler } from "../../src/samplers/reinforce.ts";
import type { SearchSpace } from "../../src/space/types.ts";
import { ArrayStudy, optimize } from "./study-loop.ts";

test("the posterior grown one observation at a time equals the GP sampler's posterior on every candidate", () => {
  const rng = new Rng(4);
  const d = 3;
  const count = 50;
  const candidates = Float64Array.from({ length: count * d }, (_, k) => (k % d === 2 ? rng.int(3) : rng.uniform()));
  const categorical = Uint8Array.from([0, 0, 1]);
  const hyperparameters = hyperparametersOf(defaultTheta(d), d);
  const observed = [3, 17, 17, 8, 41, 0, 29];
  const y = Float64Array.from(observed, () => rng.normal());
  const finite = new FiniteGpPosterior(candidates, count, d, categorical, hyperparameters);
  for (const j of observed) finite.add(j);
  const mean = new Float64Array(count);
  const variance = new Float64Array(count);
  finite.predict(y, mean, variance);
  const x = Float64Array.from(observed.flatMap((j) => Array.from(candidates.subarray(j * d, (j + 1) * d))));
  const reference = new GpPosterior({ x, y, n: observed.length, d, categorical }, hyperparameters);
  for (let j = 0; j < count; j++) {
    reference.predict(candidates, j);
    assert.ok(Math.abs(mean[j] - reference.mean) < 1e-6, `mean of candidate ${j}: ${mean[j]} vs ${reference.mean}`);
    assert.ok(Math.abs(variance[j] - reference.variance) < 1e-6, `variance of candidate ${j}: ${variance[j]} vs ${reference.variance}`);
  }
  assert.ok(variance[41] < 1e-3 && variance[1] > 0.1, "small at an observed candidate, large at most others");
});

/** 6 x 5 x 4 = 120 configurations with one best corner. */
const SMALL: SearchSpace = {
  a: { type: "int", low: 0, high: 5 },
  b: { type: "categorical", choices: ["p", "q", "r", "s", "t"] },
  c: { type: "float", low: 0, high: 0.75, step: 0.25 },
};
const bowl = (params: Record<string, unknown>) =>
  ((params.a as number) - 4) ** 2 + (params.b === "r" ? 0 : 3) + ((params.c as number) - 0.25) ** 2 * 10;
const surrogateOptions = { surrogate: "ei", surrogateStartupTrials: 4, surrogateSteps: 10, surrogateRefitEvery: 3 } as const;

test("the same seed gives the same trials, another seed others", () => {
  const params = (seed: number) => optimize(reinforceSampler({ ...surrogateOptions, seed }), SMALL, bowl, 20).list.map((t) => t.params);
  assert.deepEqual(params(1), params(1));
  assert.notDeepEqual(params(1), params(2));
});

for (const surrogate of ["ei", "ei+tpe", "ei+tpe-adaptive"] as const) {
  test(`a sampler restored from its saved state (with a kernel fit) draws the trials of the uninterrupted one (${surrogate})`, () => {
    const options = { ...surrogateOptions, surrogate, seed: 3 };
    const whole = reinforceSampler(options);
    const study = optimize(whole, SMALL, bowl, 12);
    const saved = JSON.parse(JSON.stringify(whole.saveState())) as { surrogate?: { theta: number[] | null; fittedOn: number } };
    assert.ok(saved.surrogate !== undefined && saved.surrogate.theta !== null && saved.surrogate.fittedOn >= 4, "the fit is saved");
    const restored = reinforceSampler(options);
    restored.loadState(saved);
    const copy = new ArrayStudy();
    for (const trial of study.list) copy.add({ ...trial.params }, trial.value);
    const next = (sampler: typeof whole, on: ArrayStudy) =>
      optimize(sampler, SMALL, bowl, 6, { study: on })
        .list.slice(12)
        .map((t) => t.params);
    assert.deepEqual(next(restored, copy), next(whole, study));
  });
}

test('a study saved under the surrogate "ei" (the default before) resumes under the adaptive default, its weight starting even', () => {
  const before = reinforceSampler({ ...surrogateOptions, seed: 3 });
  const study = optimize(before, SMALL, bowl, 12);
  const after = reinforceSampler({ ...surrogateOptions, surrogate: "ei+tpe-adaptive", seed: 3 });
  after.loadState(JSON.parse(JSON.stringify(before.saveState())));
  const resumed = optimize(after, SMALL, bowl, 4, { study });
  assert.equal(new Set(resumed.list.map((t) => JSON.stringify(t.params))).size, 16, "four more distinct trials");
  const mixture = (after.saveState() as { surrogate?: { mixture?: { good: number[]; bad: number[] } } }).surrogate?.mixture;
  assert.ok(mixture !== undefined && mixture.good[0] + mixture.bad[0] >= 2, "the new trials are scored");
});

test("the ei+tpe target is the even mixture of the two Boltzmann distributions over the unseen configurations", () => {
  const rng = new Rng(8);
  const a = Float64Array.from({ length: 40 }, () => 5 * rng.normal());
  const b = Float64Array.from({ length: 40 }, () => 3 * rng.normal());
  b[7] = -Infinity;
  const unseen = Uint8Array.from({ length: 40 }, (_, j) => (j % 5 === 0 ? 0 : 1));
  const softmax = (x: Float64Array) => {
    const e = Array.from(x, (v, j) => (unseen[j] === 1 ? Math.exp(v) : 0));
    const total = e.reduce((s, v) => s + v, 0);
    return e.map((v) => v / total);
  };
  const pa = softmax(a);
  const pb = softmax(b);
  const mixed = logMixture(normalisedOver(a, unseen), normalisedOver(b, unseen), 0.5);
  let mass = 0;
  for (let j = 0; j < 40; j++) {
    if (unseen[j] === 0) continue;
    const expected = Math.log(0.5 * pa[j] + 0.5 * pb[j]);
    assert.ok(Math.abs(mixed[j] - expected) < 1e-12, `configuration ${j}: ${mixed[j]} against ${expected}`);
    mass += Math.exp(mixed[j]);
  }
  assert.ok(Math.abs(mass - 1) < 1e-12, `the mixture's mass over the unseen configurations is ${mass}`);
});

test("ei+tpe on a space too large to enumerate plans on the sample: distinct trials, the same for the same seed, lower than random", () => {
  // 12^5 = 248832 configurations, more than the surrogate enumerates.
  const space: SearchSpace = Object.fromEntries(["p", "q", "r", "s", "t"].map((name) => [name, { type: "int", low: 0, high: 11 }]));
  const sphere = (params: Record<string, unknown>) => Object.values(params).reduce((sum: number, v) => sum + ((v as number) - 7) ** 2, 0);
  const run = (sampler: ReturnType<typeof reinforceSampler> | ReturnType<typeof randomSampler>) =>
    optimize(sampler, space, sphere, 40).list;
  const mixed = (seed: number) => run(reinforceSampler({ surrogate: "ei+tpe", surrogateSteps: 10, seed }));
  const trials = mixed(1);
  assert.equal(new Set(trials.map((t) => JSON.stringify(t.params))).size, 40, "no configuration twice");
  assert.deepEqual(
    trials.map((t) => t.params),
    mixed(1).map((t) => t.params),
  );
  const best = (list: { value?: number }[]) => Math.min(...list.map((t) => t.value as number));
  const medianOf = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  const seeds = [1, 2, 3, 4, 5];
  const ours = medianOf(seeds.map((seed) => best(seed === 1 ? trials : mixed(seed))));
  const random = medianOf(seeds.map((seed) => best(run(randomSampler({ seed })))));
  assert.ok(ours < random, `median best ${ours} against random's ${random}`);
});

test("on a synthetic 10^4 table it reaches the exact optimum within 100 trials on most tables; random search does not", () => {
  let surrogateHits = 0;
  let randomHits = 0;
  for (const seed of [1, 2, 3]) {
    const table = syntheticPaperTable(seed);
    const best = table.values[table.best];
    const found = (sampler: ReturnType<typeof randomSampler> | ReturnType<typeof reinforceSampler>) =>
      runOnTable(sampler, table, 100, new TableStudy()).bestSoFar[99] === best;
    if (found(reinforceSampler({ surrogate: "ei", surrogateSteps: 20, seed }))) surrogateHits++;
    if (found(randomSampler({ seed }))) randomHits++;
  }
  assert.ok(surrogateHits >= 2, `the surrogate found the optimum on ${surrogateHits} of 3 tables`);
  assert.ok(randomHits <= 1, `random search found it on ${randomHits} of 3 tables (1% per table)`);
});

test("by default reinforce's surrogate starts after 5 completed trials, ppo's after 10; an option overrides either", () => {
  const fittedOn = (sampler: ReturnType<typeof reinforceSampler>, trials: number) => {
    optimize(sampler, SMALL, bowl, trials);
    const saved = JSON.parse(JSON.stringify(sampler.saveState())) as { surrogate?: { theta: number[] | null } };
    return saved.surrogate?.theta !== null && saved.surrogate?.theta !== undefined;
  };
  // The kernel is fitted when the trial after the last startup one is drawn.
  assert.equal(fittedOn(reinforceSampler({ seed: 5 }), 5), false);
  assert.equal(fittedOn(reinforceSampler({ seed: 5 }), 6), true);
  assert.equal(fittedOn(reinforceSampler({ seed: 5, surrogateStartupTrials: 10 }), 10), false);
  assert.equal(fittedOn(ppoSampler({ seed: 5 }), 10), false);
  assert.equal(fittedOn(ppoSampler({ seed: 5 }), 11), true);
  assert.equal(fittedOn(ppoSampler({ seed: 5, surrogateStartupTrials: 5 }), 6), true);
});

test("bad combinations are refused with the option's name", () => {
  assert.throws(() => reinforceSampler({ surrogate: "ei", policy: "rnn" }), /surrogate needs policy "mlp".*got "rnn"/);
  assert.throws(
    () => reinforceSampler({ preset: "paper", surrogateSteps: 5 }),
    /surrogate options need surrogate "ei", "ucb", "ei\+tpe" or "ei\+tpe-adaptive" \(got surrogateSteps alone\)/,
  );
  assert.throws(
    () => reinforceSampler({ surrogate: "pi" as "ei" }),
    /unknown surrogate "pi": use "none", "ei", "ucb", "ei\+tpe" or "ei\+tpe-adaptive"/,
  );
  assert.throws(
    () => reinforceSampler({ surrogate: "ei", surrogateStartupTrials: 1 }),
    /surrogateStartupTrials must be an integer >= 2, got 1/,
  );
});

test("the default reinforce sampler (mlp policy) plans against the adaptive mixture; the paper preset and the rnn policy do not", () => {
  const params = (options: Parameters<typeof reinforceSampler>[0]) =>
    optimize(reinforceSampler({ seed: 5, ...options }), SMALL, bowl, 16).list.map((t) => t.params);
  assert.deepEqual(params({}), params({ surrogate: "ei+tpe-adaptive" }));
  assert.notDeepEqual(params({}), params({ surrogate: "ei" }));
  assert.notDeepEqual(params({}), params({ surrogate: "none" }));
  assert.deepEqual(params({ preset: "paper" }), params({ preset: "paper", surrogate: "none" }));
  assert.doesNotThrow(() => reinforceSampler({ policy: "rnn" }), "the rnn policy's default has no surrogate (it would be refused)");
});

test("ppo with the mlp policy plans against the surrogate by default, with the same checks as reinforce", () => {
  const params = (options: Parameters<typeof ppoSampler>[0]) =>
    optimize(ppoSampler({ seed: 5, batchSize: 4, ...options }), SMALL, bowl, 16).list.map((t) => t.params);
  assert.deepEqual(params({}), params({ surrogate: "ei" }));
  assert.notDeepEqual(params({}), params({ surrogate: "none" }));
  assert.doesNotThrow(() => ppoSampler({ policy: "rnn" }), "the rnn policy's default has no surrogate");
  assert.deepEqual(params(surrogateOptions), params(surrogateOptions));
  assert.throws(() => ppoSampler({ surrogate: "ei", policy: "rnn" }), /^Error: ppo sampler: surrogate needs policy "mlp".*got "rnn"/);
  assert.throws(
    () => ppoSampler({ surrogate: "none", surrogateSteps: 5 }),
    /ppo sampler: surrogate options need surrogate "ei", "ucb", "ei\+tpe" or "ei\+tpe-adaptive" \(got surrogateSteps alone\)/,
  );
  const state = (sampler: ReturnType<typeof ppoSampler>) => {
    optimize(sampler, SMALL, bowl, 12);
    return sampler.saveState() as { surrogate?: unknown };
  };
  assert.ok(state(ppoSampler({ seed: 2, ...surrogateOptions })).surrogate !== undefined, "the kernel fit is saved");
});
