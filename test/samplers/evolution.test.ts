import assert from "node:assert/strict";
import { test } from "node:test";
import { EvolutionSampler, evolutionSampler } from "../../src/samplers/evolution.ts";
import { randomSampler } from "../../src/samplers/random.ts";
import { configurationKey } from "../../src/samplers/seen.ts";
import type { Params, SearchSpace } from "../../src/space/types.ts";
import type { Direction, TrialState } from "../../src/trial/types.ts";
import { ArrayStudy, optimize } from "./study-loop.ts";

/** 10 x 10 x 10 x 4 = 4000 configurations, numeric and categorical. */
const SPACE: SearchSpace = {
  a: { type: "int", low: 0, high: 9 },
  b: { type: "int", low: 0, high: 90, step: 10 },
  c: { type: "categorical", choices: [0.3, 0.1, 0.03, 0.01, 0.003, 0.001, 3, 1, 30, 10] },
  d: { type: "categorical", choices: ["w", "x", "y", "z"] },
};

function differing(x: Params, y: Params): string[] {
  return Object.keys(SPACE).filter((name) => !Object.is(x[name], y[name]));
}

/** Members whose configurations differ pairwise in every parameter, so a child has one parent at distance 1. */
function member(k: number): Params {
  return { a: k, b: 10 * k, c: [0.3, 0.1, 0.03, 0.01, 0.003, 0.001, 3, 1, 30, 10][k], d: ["w", "x", "y", "z"][k % 4] };
}

/** A study of finished trials member(0..), with the given values (undefined: the trial FAILed). */
function studyOf(values: Array<number | undefined>, direction: Direction = "minimize"): ArrayStudy {
  const study = new ArrayStudy(direction);
  values.forEach((value, k) => {
    const state: TrialState = value === undefined ? "FAIL" : "COMPLETE";
    study.add(member(k), value, state);
  });
  return study;
}

/** The member the child was mutated from (the only one at one parameter's distance). */
function parentOf(child: Params, members: number): number {
  const parents = Array.from({ length: members }, (_, k) => k).filter((k) => differing(child, member(k)).length === 1);
  assert.equal(parents.length, 1, `child ${JSON.stringify(child)} has one parent`);
  return parents[0];
}

test("the first populationSize trials are random search's trials with the same seed", () => {
  const objective = (params: Params) => (params.a as number) + (params.b as number);
  const evolution = optimize(evolutionSampler({ seed: 3, populationSize: 12 }), SPACE, objective, 12).list.map((t) => t.params);
  assert.deepEqual(
    evolution,
    optimize(randomSampler({ seed: 3 }), SPACE, objective, 12).list.map((t) => t.params),
  );
});

test("aging: only the youngest populationSize finished trials are parents, however good an older one was", () => {
  // Trial 0 is by far the best but has aged out of a population of 3: members are trials 3, 4, 5.
  for (let seed = 0; seed < 30; seed++) {
    const study = studyOf([-100, 1, 1, 7, 5, 6]);
    const sampler = evolutionSampler({ seed, populationSize: 3, tournamentSize: 3 });
    const child = study.ask(sampler, SPACE).params;
    // A tournament over the whole population picks its best: trial 4.
    assert.equal(parentOf(child, 6), 4);
    assert.deepEqual(differing(child, member(4)).length, 1, "exactly one parameter changed");
  }
});

test("tournament: size 1 picks a uniform member; size 2 of 4 picks the best half the time and the worst never", () => {
  const counts = (tournamentSize: number): number[] => {
    const tally = [0, 0, 0, 0];
    for (let seed = 0; seed < 400; seed++) {
      const study = studyOf([3, 1, 4, 2]);
      tally[parentOf(study.ask(evolutionSampler({ seed, populationSize: 4, tournamentSize }), SPACE).params, 4)]++;
    }
    return tally;
  };
  for (const count of counts(1)) assert.ok(count > 70 && count < 130, `uniform parents: ${counts(1)}`);
  const two = counts(2);
  // Member 1 (value 1) wins unless both drawn are others: 1 - C(3,2)/C(4,2) = 1/2; member 2 (value 4) never.
  assert.ok(two[1] > 160 && two[1] < 240, `best: ${two}`);
  assert.equal(two[2], 0);
  // Member 3 (value 2) wins when drawn with 0 or 2: 2/6; member 0 (value 3) with 2: 1/6.
  assert.ok(two[3] > two[0], `${two}`);
});

test("FAIL members lose every tournament; maximize picks the largest value", () => {
  for (let seed = 0; seed < 20; seed++) {
    const sampler = (): EvolutionSampler => evolutionSampler({ seed, populationSize: 3, tournamentSize: 3 });
    assert.equal(parentOf(studyOf([undefined, 1, 2]).ask(sampler(), SPACE).params, 3), 1);
    assert.equal(parentOf(studyOf([undefined, 1, 2], "maximize").ask(sampler(), SPACE).params, 3), 2);
  }
  // With only failed members the first drawn wins; the child is still one mutation away from a member.
  const child = studyOf([undefined, undefined, undefined]).ask(evolutionSampler({ seed: 1, populationSize: 3 }), SPACE).params;
  parentOf(child, 3);
});

test("mutations: one parameter each; uniform reaches far values, neighbour moves numeric ones by one step in value", () => {
  const moves = (mutation: "uniform" | "neighbour"): Map<string, Set<string>> => {
    const seen = new Map<string, Set<string>>();
    for (let seed = 0; seed < 300; seed++) {
      // The winner is member 5 (the younger of the two members): a = 5, b = 50, c = 0.001, d = "y".
      const study = studyOf([9, 9, 9, 9, 9, 0]);
      const child = study.ask(evolutionSampler({ seed, populationSize: 2, tournamentSize: 2, mutation }), SPACE).params;
      const changed = differing(child, member(5));
      assert.equal(changed.length, 1);
      if (!seen.has(changed[0])) seen.set(changed[0], new Set());
      seen.get(changed[0])!.add(String(child[changed[0]]));
    }
    return seen;
  };
  const neighbour = moves("neighbour");
  assert.deepEqual([...neighbour.get("a")!].sort(), ["4", "6"]);
  assert.deepEqual([...neighbour.get("b")!].sort(), ["40", "60"]);
  // c = 0.001 is the smallest value: its only neighbour in value is 0.003.
  assert.deepEqual([...neighbour.get("c")!], ["0.003"]);
  // A categorical of strings has no order: any other choice.
  assert.deepEqual([...neighbour.get("d")!].sort(), ["w", "y", "z"]);
  const uniform = moves("uniform");
  assert.equal(uniform.get("a")!.size, 9);
  assert.equal(uniform.get("c")!.size, 9);
});

test("a continuous parameter gets a fresh value; the others stay", () => {
  const space: SearchSpace = { lr: { type: "float", low: 1e-5, high: 1, log: true }, units: { type: "int", low: 1, high: 4 } };
  const study = new ArrayStudy();
  study.add({ lr: 0.5, units: 2 }, 9);
  study.add({ lr: 0.01, units: 3 }, 0);
  for (let seed = 0; seed < 20; seed++) {
    const child = study.ask(evolutionSampler({ seed, populationSize: 2, tournamentSize: 2 }), space).params;
    study.list.pop();
    const changed = ["lr", "units"].filter((name) => child[name] !== { lr: 0.01, units: 3 }[name]);
    assert.equal(changed.length, 1);
    assert.ok((child.lr as number) >= 1e-5 && (child.lr as number) <= 1);
  }
});

test("no repeats: a mutation onto a held configuration is redrawn; with every mutation held, a random unseen one, counted", () => {
  const space: SearchSpace = { a: { type: "int", low: 0, high: 2 }, b: { type: "int", low: 0, high: 2 } };
  const build = (held: Array<[number, number]>): ArrayStudy => {
    const study = new ArrayStudy();
    for (const [a, b] of held) study.add({ a, b }, 5);
    study.add({ a: 0, b: 0 }, 0);
    return study;
  };
  for (let seed = 0; seed < 20; seed++) {
    const sampler = evolutionSampler({ seed, populationSize: 2, tournamentSize: 2, mutation: "uniform" });
    // (0, 2) is the one mutation of the winner (0, 0) not held; a RUNNING trial holds its configuration too.
    const study = build([
      [1, 0],
      [2, 0],
    ]);
    const running = study.ask(evolutionSampler({ seed: 99, populationSize: 9 }), space);
    running.params = { a: 0, b: 1 };
    assert.deepEqual(study.ask(sampler, space).params, { a: 0, b: 2 });
    assert.equal(sampler.randomFallbacks, 0);
    const full = build([
      [1, 0],
      [2, 0],
      [0, 1],
      [0, 2],
    ]);
    const child = full.ask(sampler, space).params;
    assert.ok((child.a as number) > 0 && (child.b as number) > 0, `unseen, not a mutation: ${JSON.stringify(child)}`);
    assert.equal(sampler.randomFallbacks, 1);
  }
});

test("200 trials on 4000 configurations: no repeat, the same trials for a seed, restored state carries on exactly", () => {
  const objective = (params: Params) =>
    ((params.a as number) - 6) ** 2 + ((params.b as number) - 30) ** 2 / 100 + (params.d === "y" ? 0 : 1);
  const first = optimize(evolutionSampler({ seed: 5 }), SPACE, objective, 200);
  const keys = first.list.map((trial) => configurationKey(SPACE, trial.params));
  assert.equal(new Set(keys).size, 200);
  assert.deepEqual(
    optimize(evolutionSampler({ seed: 5 }), SPACE, objective, 200).list.map((t) => t.params),
    first.list.map((t) => t.params),
  );
  assert.notDeepEqual(
    optimize(evolutionSampler({ seed: 6 }), SPACE, objective, 200).list.map((t) => t.params),
    first.list.map((t) => t.params),
  );
  // Resume after 120 trials with a fresh sampler given the saved state.
  const original = evolutionSampler({ seed: 5 });
  const study = optimize(original, SPACE, objective, 120);
  const restored = evolutionSampler({ seed: 0 });
  restored.loadState(JSON.parse(JSON.stringify(original.saveState())));
  optimize(restored, SPACE, objective, 80, { study });
  assert.deepEqual(
    study.list.map((t) => t.params),
    first.list.map((t) => t.params),
  );
  // It finds the optimum's neighbourhood: the best found is within one unit of a = 6, b = 30, d = "y".
  assert.ok(Math.min(...first.list.map((t) => t.value as number)) <= 1.01);
});

test("options are checked", () => {
  assert.throws(() => evolutionSampler({ populationSize: 1 }), /evolution sampler: populationSize must be an integer >= 2, got 1/);
  assert.throws(
    () => evolutionSampler({ populationSize: 4, tournamentSize: 5 }),
    /tournamentSize \(5\) must not exceed populationSize \(4\)/,
  );
  assert.throws(() => evolutionSampler({ mutation: "gaussian" } as never), /unknown mutation "gaussian": use "uniform" or "neighbour"/);
  assert.throws(() => new EvolutionSampler().loadState({}), /saved state must have an "rng" field/);
});
