import assert from "node:assert/strict";
import { test } from "node:test";
import { gridSampler } from "../../src/samplers/grid.ts";
import type { SearchSpace } from "../../src/space/types.ts";
import { ArrayStudy, optimize } from "./study-loop.ts";

const space: SearchSpace = {
  a: { type: "categorical", choices: ["x", "y", "z"] },
  b: { type: "int", low: 0, high: 30, step: 10 },
  c: { type: "float", low: 0, high: 0.5, step: 0.5 },
};

const key = (params: object) => JSON.stringify(params);

test("lexicographic order, last parameter fastest, every point once, then exhausted", () => {
  const sampler = gridSampler();
  const study = new ArrayStudy();
  const seen: string[] = [];
  while (!sampler.isExhausted(study, space)) {
    const trial = study.ask(sampler, space);
    seen.push(key(trial.params));
    study.tell(sampler, trial, 0);
  }
  assert.equal(seen.length, 24);
  assert.equal(new Set(seen).size, 24);
  assert.deepEqual(study.list[0].params, { a: "x", b: 0, c: 0 });
  assert.deepEqual(study.list[1].params, { a: "x", b: 0, c: 0.5 });
  assert.deepEqual(study.list[2].params, { a: "x", b: 10, c: 0 });
  assert.deepEqual(study.list[23].params, { a: "z", b: 30, c: 0.5 });
  assert.throws(() => sampler.sampleRelative(study, 24, space), {
    message: "grid sampler: all 24 configurations have been proposed; the grid is exhausted",
  });
});

test("shuffled: every point once; the same seed gives the same order, other seeds others", () => {
  const order = (seed: number) => optimize(gridSampler({ shuffle: true, seed }), space, () => 0, 24).list.map((t) => key(t.params));
  const first = order(4);
  assert.equal(new Set(first).size, 24);
  assert.deepEqual(order(4), first);
  const lexicographic = optimize(gridSampler(), space, () => 0, 24).list.map((t) => key(t.params));
  assert.deepEqual(first.slice().sort(), lexicographic.slice().sort());
  assert.notDeepEqual(first, lexicographic);
  assert.notDeepEqual(order(5), first);
});

test("a resumed grid skips what the study already holds, running or failed included", () => {
  const first = gridSampler({ shuffle: true, seed: 2 });
  const study = optimize(first, space, () => 0, 10);
  study.list[3].state = "FAIL";
  study.list[9].state = "RUNNING";
  const saved = JSON.parse(JSON.stringify(first.saveState()));
  const resumed = gridSampler();
  resumed.loadState(saved);
  optimize(resumed, space, () => 0, 14, { study });
  assert.equal(new Set(study.list.map((t) => key(t.params))).size, 24);
  assert.equal(resumed.isExhausted(study, space), true);
  // The resumed sampler kept the shuffled order of the first one.
  const uninterrupted = optimize(gridSampler({ shuffle: true, seed: 2 }), space, () => 0, 24).list.map((t) => key(t.params));
  assert.deepEqual(
    study.list.map((t) => key(t.params)),
    uninterrupted,
  );
});

test("enqueued configurations are not proposed again", () => {
  const study = new ArrayStudy();
  study.add({ a: "x", b: 0, c: 0 }, undefined, "WAITING");
  const sampler = gridSampler();
  assert.deepEqual(sampler.sampleRelative(study, 1, space), { a: "x", b: 0, c: 0.5 });
});

test("a continuous parameter needs levels; with levels it is discretised (log scale too)", () => {
  const continuous: SearchSpace = {
    lr: { type: "float", low: 1e-4, high: 1e-1, log: true },
    n: { type: "int", low: 1, high: 2 },
  };
  assert.throws(() => optimize(gridSampler(), continuous, () => 0, 1), {
    message: 'grid sampler: parameter "lr" is a continuous float; give levels (values per continuous parameter) or a step',
  });
  assert.throws(() => gridSampler({ space: continuous }), {
    message: 'grid sampler: parameter "lr" is a continuous float; give levels (values per continuous parameter) or a step',
  });
  const sampler = gridSampler({ space: continuous, levels: 4 });
  const study = optimize(sampler, continuous, () => 0, 8);
  assert.deepEqual(
    study.list.map((t) => t.params.lr),
    [1e-4, 1e-4, 1e-3, 1e-3, 1e-2, 1e-2, 1e-1, 1e-1],
  );
  assert.equal(sampler.isExhausted(study, continuous), true);
});

test("parameters outside the grid and bad options are clear errors", () => {
  const sampler = gridSampler({ space });
  assert.throws(() => sampler.sampleIndependent(new ArrayStudy(), 0, "extra", { type: "int", low: 0, high: 1 }), {
    message: 'grid sampler: parameter "extra" is not in the grid\'s space; declare every parameter in the space up front',
  });
  assert.throws(() => gridSampler({ shufle: true } as never), {
    message: 'grid sampler: unknown option "shufle" (options: space, levels, shuffle, seed)',
  });
  assert.throws(() => gridSampler({ levels: 0 }), { message: "grid sampler: levels must be an integer >= 1, got 0" });
  assert.throws(() => gridSampler().sampleRelative(new ArrayStudy(), 0, {}), {
    message: "grid sampler: needs a search space (give one to the sampler or the study)",
  });
});
