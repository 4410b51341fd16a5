import assert from "node:assert/strict";
import { test } from "node:test";
import { randomSampler } from "../../src/samplers/random.ts";
import { containsValue } from "../../src/space/compare.ts";
import type { SearchSpace } from "../../src/space/types.ts";
import { ArrayStudy, median, optimize } from "./study-loop.ts";

const mixed: SearchSpace = {
  lr: { type: "float", low: 1e-5, high: 1, log: true },
  units: { type: "int", low: 2, high: 20, step: 2 },
  depth: { type: "int", low: 1, high: 100, log: true },
  dropout: { type: "float", low: 0, high: 0.5, step: 0.1 },
  momentum: { type: "float", low: 0.5, high: 0.99 },
  act: { type: "categorical", choices: ["relu", "tanh", null] },
};

test("same seed, same trials; another seed, other trials; every value lies in its distribution", () => {
  const run = (seed: number) => optimize(randomSampler({ seed }), mixed, () => 0, 30).list.map((t) => t.params);
  const a = run(7);
  assert.deepEqual(run(7), a);
  assert.notDeepEqual(run(8), a);
  for (const params of a)
    for (const [name, d] of Object.entries(mixed)) assert.ok(containsValue(d, params[name]), `${name}=${params[name]}`);
});

test("define-by-run draws are reproducible too", () => {
  const run = () => optimize(randomSampler({ seed: 3 }), mixed, () => 0, 10, { defineByRun: true }).list.map((t) => t.params);
  assert.deepEqual(run(), run());
});

test("log-uniform really: the median of lr on [1e-5, 1] is near 10^-2.5", () => {
  const sampler = randomSampler({ seed: 11 });
  const study = new ArrayStudy();
  const draws: number[] = [];
  for (let i = 0; i < 4000; i++) draws.push(sampler.sampleIndependent(study, i, "lr", mixed.lr) as number);
  const m = median(draws);
  assert.ok(m > 2e-3 && m < 4.5e-3, `median ${m}`);
  // Each decade gets about a fifth of the draws.
  const decade = draws.filter((x) => x >= 1e-3 && x < 1e-2).length / draws.length;
  assert.ok(Math.abs(decade - 0.2) < 0.03, `decade share ${decade}`);
});

test("ints are inclusive and step grids exact", () => {
  const sampler = randomSampler({ seed: 5 });
  const study = new ArrayStudy();
  const ints = new Set<number>();
  const floats = new Set<number>();
  for (let i = 0; i < 600; i++) {
    ints.add(sampler.sampleIndependent(study, i, "n", { type: "int", low: -2, high: 2 }) as number);
    floats.add(sampler.sampleIndependent(study, i, "x", { type: "float", low: 0, high: 0.5, step: 0.1 }) as number);
  }
  assert.deepEqual(
    [...ints].sort((a, b) => a - b),
    [-2, -1, 0, 1, 2],
  );
  assert.deepEqual(
    [...floats].sort((a, b) => a - b),
    [0, 0.1, 0.2, 0.3, 0.4, 0.5],
  );
  // Log ints cover both ends too.
  const logInts = new Set<number>();
  for (let i = 0; i < 400; i++)
    logInts.add(sampler.sampleIndependent(study, i, "d", { type: "int", low: 1, high: 8, log: true }) as number);
  assert.deepEqual(
    [...logInts].sort((a, b) => a - b),
    [1, 2, 3, 4, 5, 6, 7, 8],
  );
});

test("on a small discrete space no configuration repeats until all are taken, then repeats are allowed", () => {
  const space: SearchSpace = {
    a: { type: "categorical", choices: ["x", "y", "z"] },
    b: { type: "int", low: 1, high: 4 },
    c: { type: "float", low: 0, high: 1, step: 1 },
  };
  const sampler = randomSampler({ seed: 1 });
  const study = optimize(sampler, space, () => 0, 24);
  const keys = study.list.map((t) => JSON.stringify(t.params));
  assert.equal(new Set(keys).size, 24);
  optimize(sampler, space, () => 0, 5, { study });
  assert.equal(study.list.length, 29);
});

test("RUNNING and FAIL trials count as taken; allowRepeats turns avoidance off", () => {
  const space: SearchSpace = { a: { type: "int", low: 0, high: 3 } };
  const study = new ArrayStudy();
  study.add({ a: 0 }, undefined, "FAIL");
  study.add({ a: 1 }, undefined, "RUNNING");
  study.add({ a: 2 }, 1.5);
  const sampler = randomSampler({ seed: 9 });
  for (let i = 0; i < 5; i++) assert.deepEqual(sampler.sampleRelative(study, 3, space), { a: 3 });
  const repeats = randomSampler({ seed: 9, allowRepeats: true });
  const values = new Set<unknown>();
  for (let i = 0; i < 40; i++) values.add(repeats.sampleRelative(study, 3, space).a);
  assert.equal(values.size, 4);
});

test("saveState/loadState continue the same stream", () => {
  const a = randomSampler({ seed: 21 });
  const study = optimize(a, mixed, () => 0, 5);
  const saved = JSON.parse(JSON.stringify(a.saveState()));
  const next = optimize(a, mixed, () => 0, 5, { study })
    .list.slice(5)
    .map((t) => t.params);
  const b = randomSampler({ seed: 999 });
  b.loadState(saved);
  const resumed = new ArrayStudy();
  resumed.list.push(...study.list.slice(0, 5));
  const again = optimize(b, mixed, () => 0, 5, { study: resumed })
    .list.slice(5)
    .map((t) => t.params);
  assert.deepEqual(again, next);
  assert.throws(() => b.loadState({ rng: [1, 2] }), {
    message: 'random sampler: saved state must have an "rng" field of four 32-bit words',
  });
});

test("unknown or malformed options are errors, not ignored", () => {
  assert.throws(() => randomSampler({ seeed: 1 } as never), {
    message: 'random sampler: unknown option "seeed" (options: seed, allowRepeats)',
  });
  assert.throws(() => randomSampler({ seed: "1" } as never), { message: "random sampler: seed must be a finite number, got 1" });
});
