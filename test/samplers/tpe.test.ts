import assert from "node:assert/strict";
import { test } from "node:test";
import { logNdtr } from "../../src/nn/normal.ts";
import { Rng } from "../../src/nn/rng.ts";
import { randomSampler } from "../../src/samplers/random.ts";
import { ParameterGroups } from "../../src/samplers/tpe/groups.ts";
import { ParzenEstimator, type ParzenOptions } from "../../src/samplers/tpe/parzen.ts";
import { defaultGamma, defaultWeights, splitTrials } from "../../src/samplers/tpe/split.ts";
import { logCellMass, logGaussMass, logStandardTruncnormPdf, ndtri, sampleStandardTruncnorm } from "../../src/samplers/tpe/truncnorm.ts";
import { tpeSampler } from "../../src/samplers/tpe.ts";
import { containsValue } from "../../src/space/compare.ts";
import type { Params, SearchSpace } from "../../src/space/types.ts";
import { ArrayStudy, bestValue, median, optimize } from "./study-loop.ts";

const close = (actual: number, expected: number, tolerance = 1e-12) =>
  assert.ok(Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)), `${actual} != ${expected}`);

test("normal tails match scipy (golden values)", () => {
  close(logGaussMass(-1, 1), -0.38171514630212616);
  close(logGaussMass(-40, -39), -765.0831565643776);
  close(logGaussMass(30, 31), -454.3212439563433);
  close(logGaussMass(-3, 0.5), -0.3709005595620325);
  close(logGaussMass(2, 8), -3.7831843336820596);
  close(logGaussMass(-0.1, 0.1), -2.5300420015472382);
  close(ndtri(1e-300), -37.0470962993612);
  close(ndtri(1e-20), -9.262340089798409);
  close(ndtri(0.025), -1.9599639845400545);
  close(ndtri(0.9), 1.2815515655446004);
  close(ndtri(1 - 1e-12), 7.0344869100478356, 1e-9);
  close(ndtri(0.5), 0);
  close(logNdtr(-38.5), -745.6952702904113);
  close(logNdtr(-5), -15.064998393988727);
  close(logNdtr(4), -3.1671743377489206e-5);
  close(logNdtr(9), -1.1285884059538324e-19);
  close(logStandardTruncnormPdf(0.3, -0.5, 2), -0.5615372208660976);
  close(logStandardTruncnormPdf(-20.5, -21, -20), -7.126783160916489, 1e-10);
  assert.equal(logStandardTruncnormPdf(2.5, -0.5, 2), -Infinity);
});

test("a cell's mass from edge tails computed beforehand is logGaussMass's number, bit for bit", () => {
  for (const mu of [-3.3, 0, 0.5, 4.2, 9]) {
    for (const sigma of [0.05, 0.7, 3, 40]) {
      for (let j = 0; j < 10; j++) {
        const a = (j - 0.5 - mu) / sigma;
        const b = (j + 0.5 - mu) / sigma;
        const tails = (x: number) => [x <= 0 ? logNdtr(x) : Number.NaN, x >= 0 ? logNdtr(-x) : Number.NaN];
        const [lowerA, upperA] = tails(a);
        const [lowerB, upperB] = tails(b);
        assert.equal(logCellMass(a, b, lowerA, lowerB, upperA, upperB), logGaussMass(a, b), `mu ${mu} sigma ${sigma} cell ${j}`);
      }
    }
  }
});

test("truncated normal draws stay inside, even far in a tail, and have the right mean", () => {
  const rng = new Rng(1);
  let sum = 0;
  for (let i = 0; i < 20000; i++) {
    const x = sampleStandardTruncnorm(rng, 0, Infinity);
    assert.ok(x >= 0);
    sum += x;
  }
  // Half-normal mean sqrt(2/pi) = 0.7979.
  assert.ok(Math.abs(sum / 20000 - 0.7979) < 0.02, `${sum / 20000}`);
  // Far in the upper tail the excess over 30 is nearly exponential with rate 30 (mean 1/30).
  let tail = 0;
  for (let i = 0; i < 2000; i++) {
    const x = sampleStandardTruncnorm(rng, 30, 31);
    assert.ok(x >= 30 && x <= 31, `${x}`);
    tail += x - 30;
    const y = sampleStandardTruncnorm(rng, -12, -11.5);
    assert.ok(y >= -12 && y <= -11.5);
  }
  assert.ok(Math.abs(tail / 2000 - 1 / 30) < 0.004, `${tail / 2000}`);
});

const flat: ParzenOptions = {
  priorWeight: 1,
  considerMagicClip: true,
  considerEndpoints: false,
  bandwidth: "neighbours-with-prior",
  weights: defaultWeights,
};

test("Parzen estimator log densities match an independent scipy computation", () => {
  const logPdf = (space: SearchSpace, obs: Record<string, number[]>, at: Record<string, number[]>, options = flat) =>
    new ParzenEstimator(obs, space, options).logPdf(at);
  const check = (actual: ArrayLike<number>, expected: number[]) => Array.from(actual).forEach((a, i) => close(a, expected[i], 1e-9));
  check(
    logPdf({ x: { type: "float", low: 0, high: 10 } }, { x: [1, 2, 3] }, { x: [0.5, 2.5, 9] }),
    [-1.8161401212091768, -1.6663264946868457, -3.6972795657355317],
  );
  check(
    logPdf({ x: { type: "float", low: 1e-4, high: 1, log: true } }, { x: [1e-3, 2e-3, 0.1, 0.5] }, { x: [1e-3, 0.05] }),
    [-2.040981952175112, -2.3276813219655987],
  );
  check(
    logPdf({ n: { type: "int", low: 1, high: 10 } }, { n: [2, 3, 3, 8] }, { n: [1, 3, 10] }),
    [-2.1135754513891567, -1.8185779237480257, -3.0545027792544017],
  );
  check(
    logPdf({ n: { type: "int", low: 1, high: 100, log: true } }, { n: [2, 3, 30, 80] }, { n: [1, 3, 100] }),
    [-1.8930663558518632, -2.5305295727142316, -6.13005096109534],
  );
  check(
    logPdf({ c: { type: "categorical", choices: ["a", "b", "c"] } }, { c: [0, 0, 2] }, { c: [0, 1, 2] }),
    [-0.7419373447293773, -1.6582280766035327, -1.0986122886681098],
  );
  const joint: SearchSpace = { x: { type: "float", low: 0, high: 1 }, n: { type: "int", low: 0, high: 4 } };
  check(logPdf(joint, { x: [0.2, 0.4], n: [1, 3] }, { x: [0.3], n: [2] }, { ...flat, bandwidth: "scott" }), [-0.9961353488367808]);
});

test("the log density over a grid, and at value positions, equals logPdf at each point (grid order, any dimension, out of range)", () => {
  const space: SearchSpace = {
    lr: { type: "float", choices: [0.001, 0.01, 0.1, 1], log: true },
    c: { type: "categorical", choices: ["a", "b", "c"] },
    n: { type: "int", low: 1, high: 9, step: 2 },
    x: { type: "float", low: 0, high: 1, step: 0.25 },
    y: { type: "float", low: 0, high: 1 },
  };
  // y = 1.5 lies outside its range: density 0 there.
  const values: Record<string, number[]> = {
    lr: [0, 1, 2, 3],
    c: [0, 1, 2],
    n: [1, 3, 5, 7, 9],
    x: [0, 0.25, 0.5, 0.75, 1],
    y: [0, 0.01, 0.5, 1, 1.5],
  };
  const observed: Record<string, number[]> = {
    lr: [0, 3, 3, 1, 2, 0],
    c: [0, 1, 2, 2, 0, 1],
    n: [1, 9, 3, 3, 7, 5],
    x: [0, 1, 0.5, 0.25, 0.75, 1],
    y: [0.02, 0.5, 0.51, 0.9, 0.2, 0],
  };
  for (const names of [["lr", "c", "n", "x", "y"], ["lr"], ["n", "y", "c"]]) {
    const pick = <T>(of: Record<string, T>) => Object.fromEntries(names.map((name) => [name, of[name]]));
    const lists = names.map((name) => values[name]);
    for (const options of [flat, { ...flat, bandwidth: "neighbours" as const, priorWeight: 0.3 }]) {
      const estimator = new ParzenEstimator(pick(observed), pick(space), options);
      const grid = estimator.logPdfGrid(lists);
      const points: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
      const positions: number[] = [];
      for (let j = 0; j < grid.length; j++) {
        let rest = j;
        const at = names.map(() => 0);
        for (let i = names.length - 1; i >= 0; i--) {
          at[i] = rest % lists[i].length;
          rest = Math.floor(rest / lists[i].length);
        }
        names.forEach((name, i) => points[name].push(lists[i][at[i]]));
        positions.push(...at);
      }
      assert.equal(
        grid.length,
        lists.reduce((a, l) => a * l.length, 1),
      );
      const exact = estimator.logPdf(points);
      const byPosition = estimator.logPdfAt(lists, Int32Array.from(positions));
      for (const scored of [grid, byPosition])
        scored.forEach((g, j) => (exact[j] === -Infinity ? assert.equal(g, -Infinity) : close(g, exact[j], 1e-9)));
      if (names.includes("y")) assert.ok(grid.some((g) => g === -Infinity) && grid.some((g) => Number.isFinite(g)));
    }
  }
  // Past 2^22 half-table entries (here 1101 components x 4097) the grid is scored point by point, in the same order.
  const rng = new Rng(5);
  const wide = new ParzenEstimator(
    { n: Array.from({ length: 1100 }, () => rng.int(4096)) },
    { n: { type: "categorical", choices: Array.from({ length: 4096 }, (_, k) => k) } },
    flat,
  );
  const all = wide.logPdfGrid([Float64Array.from({ length: 4096 }, (_, k) => k)]);
  const some = wide.logPdf({ n: [0, 1, 2047, 4095] });
  [0, 1, 2047, 4095].forEach((k, j) => close(all[k], some[j], 1e-9));
  assert.throws(() => new ParzenEstimator({ lr: [0] }, { lr: space.lr }, flat).logPdfGrid([]), /1 value lists needed, got 0/);
});

test("Parzen samples land on the step grid and inside the bounds", () => {
  const space: SearchSpace = {
    x: { type: "float", low: 0, high: 1, step: 0.1 },
    n: { type: "int", low: 1, high: 1000, log: true },
    y: { type: "float", low: 1e-3, high: 1, log: true },
  };
  const estimator = new ParzenEstimator({ x: [0.1, 0.9], n: [1, 1000], y: [1e-3, 1] }, space, flat);
  const drawn = estimator.sample(new Rng(3), 300);
  for (const name of Object.keys(space)) for (const v of drawn[name]) assert.ok(containsValue(space[name], v), `${name}=${v}`);
});

test("gamma (a quarter, capped at 25), weights and the good/bad split (Optuna's)", () => {
  assert.deepEqual([0, 1, 10, 11, 60, 99, 100, 1000].map(defaultGamma), [0, 1, 3, 3, 15, 25, 25, 25]);
  assert.deepEqual(defaultWeights(3), [1, 1, 1]);
  const w = defaultWeights(30);
  assert.equal(w.length, 30);
  close(w[0], 1 / 30);
  close(w[2], 1 / 30 + (29 / 30) * 0.5);
  assert.deepEqual(w.slice(4), new Array(26).fill(1));
  const study = new ArrayStudy();
  const values = [5, 1, 3, 2, 4];
  values.forEach((v, i) => study.add({ x: i }, v));
  study.add({ x: 5 }, undefined, "FAIL");
  study.list.push({ ...study.list[0], number: 6, state: "PRUNED", value: undefined, intermediateValues: { 1: 0.5, 3: 9 } });
  study.list.push({ ...study.list[0], number: 7, state: "PRUNED", value: undefined, intermediateValues: { 3: 7 } });
  const numbers = (trials: { number: number }[]) => trials.map((t) => t.number);
  let split = splitTrials(study.list, "minimize", () => 2);
  assert.deepEqual(
    [numbers(split.below), numbers(split.above)],
    [
      [1, 3],
      [0, 2, 4, 5, 6, 7],
    ],
  );
  split = splitTrials(study.list, "maximize", () => 2);
  assert.deepEqual(
    [numbers(split.below), numbers(split.above)],
    [
      [0, 4],
      [1, 2, 3, 5, 6, 7],
    ],
  );
  // Pruned trials come after complete ones: deeper first, then by value; FAIL never counts as good.
  split = splitTrials(study.list, "minimize", () => 6);
  assert.deepEqual(
    [numbers(split.below), numbers(split.above)],
    [
      [0, 1, 2, 3, 4, 7],
      [5, 6],
    ],
  );
  split = splitTrials(study.list, "minimize", () => 8);
  assert.deepEqual(numbers(split.above), [5]);
});

const quadratic: SearchSpace = { x: { type: "float", low: -10, high: 10 }, y: { type: "float", low: -10, high: 10 } };
const fQuadratic = (p: Params) => ((p.x as number) - 1.5) ** 2 + ((p.y as number) + 2) ** 2;
const branin: SearchSpace = { x1: { type: "float", low: -5, high: 10 }, x2: { type: "float", low: 0, high: 15 } };
const fBranin = (p: Params) => {
  const x1 = p.x1 as number;
  const x2 = p.x2 as number;
  const b = 5.1 / (4 * Math.PI ** 2);
  return (x2 - b * x1 ** 2 + (5 / Math.PI) * x1 - 6) ** 2 + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x1) + 10;
};

test("same seed, same trials; another seed, other trials", () => {
  const run = (seed: number, multivariate = false) =>
    optimize(tpeSampler({ seed, multivariate }), quadratic, fQuadratic, 25, { defineByRun: !multivariate }).list.map((t) => t.params);
  assert.deepEqual(run(4), run(4));
  assert.notDeepEqual(run(5), run(4));
  assert.deepEqual(run(4, true), run(4, true));
});

test("after 60 trials TPE beats random on a quadratic and on Branin (median over 5 seeds)", () => {
  const seeds = [0, 1, 2, 3, 4];
  for (const [space, f, ratio, multivariateRatio] of [
    [quadratic, fQuadratic, 0.25, 0.25],
    [branin, fBranin, 0.75, 0.85],
  ] as const) {
    const tpe = median(seeds.map((seed) => bestValue(optimize(tpeSampler({ seed }), space, f, 60, { defineByRun: true }))));
    const multivariate = median(seeds.map((seed) => bestValue(optimize(tpeSampler({ seed, multivariate: true }), space, f, 60))));
    const random = median(seeds.map((seed) => bestValue(optimize(randomSampler({ seed }), space, f, 60))));
    assert.ok(tpe < ratio * random, `tpe ${tpe} vs random ${random}`);
    assert.ok(multivariate < multivariateRatio * random, `multivariate tpe ${multivariate} vs random ${random}`);
  }
});

test("a categorical parameter learns the best choice; maximize works", () => {
  const space: SearchSpace = {
    optimizer: { type: "categorical", choices: ["sgd", "adam", "rmsprop", "adagrad"] },
    x: { type: "float", low: 0, high: 1 },
  };
  const score = (p: Params) => (p.optimizer === "adam" ? 2 : 0) - ((p.x as number) - 0.3) ** 2;
  const study = optimize(tpeSampler({ seed: 8, multivariate: false }), space, score, 60, { direction: "maximize", defineByRun: true });
  const late = study.list.slice(30).filter((t) => t.params.optimizer === "adam").length;
  assert.ok(late >= 20, `adam chosen ${late} of the last 30 trials`);
  // The joint model tries other optimizers with a good x more often (about 17 of 30 on seeds 0-9), still twice random's share.
  const joint = optimize(tpeSampler({ seed: 8 }), space, score, 60, { direction: "maximize", defineByRun: true });
  const jointLate = joint.list.slice(30).filter((t) => t.params.optimizer === "adam").length;
  assert.ok(jointLate >= 14, `multivariate: adam chosen ${jointLate} of the last 30 trials`);
  assert.ok(bestValue(study) > 1.99, `best ${bestValue(study)}`);
  const random = bestValue(optimize(randomSampler({ seed: 8 }), space, score, 60, { direction: "maximize" }));
  const flipped = optimize(tpeSampler({ seed: 8 }), quadratic, (p) => -fQuadratic(p), 60, { direction: "maximize", defineByRun: true });
  assert.ok(bestValue(flipped) > -1, `maximize best ${bestValue(flipped)}`);
  assert.ok(random <= bestValue(study) + 1e-9);
});

test("FAIL trials count as bad: TPE moves away from the region that crashes", () => {
  const space: SearchSpace = { x: { type: "float", low: -1, high: 1 } };
  const sampler = tpeSampler({ seed: 2 });
  const study = new ArrayStudy();
  for (let i = 0; i < 50; i++) {
    const trial = study.ask(sampler, space, true);
    const x = trial.params.x as number;
    if (x > 0) study.tell(sampler, trial, undefined, "FAIL");
    else study.tell(sampler, trial, (x + 0.5) ** 2);
  }
  const crashes = study.list.slice(25).filter((t) => t.state === "FAIL").length;
  assert.ok(crashes <= 5, `${crashes} crashes among the last 25 trials`);
});

test("on a discrete space no configuration repeats until all are tried (independent and multivariate)", () => {
  const space: SearchSpace = {
    lr: { type: "categorical", choices: [1e-3, 1e-2, 1e-1] },
    units: { type: "int", low: 2, high: 6, step: 2 },
    act: { type: "categorical", choices: ["relu", "tanh"] },
  };
  const f = (p: Params) => Math.abs(Math.log10(p.lr as number) + 2) + (p.units as number) / 10 + (p.act === "relu" ? 0 : 0.5);
  for (const multivariate of [false, true]) {
    const sampler = tpeSampler({ seed: 1, nStartupTrials: 4, multivariate });
    const study = optimize(sampler, space, f, 18);
    assert.equal(new Set(study.list.map((t) => JSON.stringify(t.params))).size, 18);
    optimize(sampler, space, f, 3, { study });
    assert.equal(study.list.length, 21);
  }
  const repeating = optimize(tpeSampler({ seed: 1, nStartupTrials: 4, allowRepeats: true }), space, f, 18);
  assert.ok(new Set(repeating.list.map((t) => JSON.stringify(t.params))).size < 18);
});

test("saveState/loadState resume the same trials", () => {
  const full = optimize(tpeSampler({ seed: 6 }), quadratic, fQuadratic, 30, { defineByRun: true }).list.map((t) => t.params);
  const first = tpeSampler({ seed: 6 });
  const study = optimize(first, quadratic, fQuadratic, 15, { defineByRun: true });
  const second = tpeSampler({ seed: 123 });
  second.loadState(JSON.parse(JSON.stringify(first.saveState())));
  optimize(second, quadratic, fQuadratic, 15, { defineByRun: true, study });
  assert.deepEqual(
    study.list.map((t) => t.params),
    full,
  );
});

test("bad options are clear errors", () => {
  assert.throws(() => tpeSampler({ n_startup_trials: 5 } as never), {
    message:
      'tpe sampler: unknown option "n_startup_trials" (options: seed, nStartupTrials, nEiCandidates, gamma, weights, priorWeight, ' +
      "considerEndpoints, considerMagicClip, multivariate, constantLiar, allowRepeats)",
  });
  assert.throws(() => tpeSampler({ multivariate: "yes" } as never), {
    message: 'tpe sampler: multivariate must be true or false, got "yes"',
  });
  assert.throws(() => tpeSampler({ gamma: 0.25 } as never), { message: "tpe sampler: gamma must be a function of the number of trials" });
  assert.throws(() => tpeSampler({ nEiCandidates: 0 }), { message: "tpe sampler: nEiCandidates must be a positive integer, got 0" });
  assert.throws(() => tpeSampler({ nStartupTrials: -1 }), {
    message: "tpe sampler: nStartupTrials must be a non-negative integer, got -1",
  });
  assert.throws(() => tpeSampler({ priorWeight: 0 }), { message: "tpe sampler: priorWeight must be a positive number, got 0" });
  const broken = tpeSampler({ nStartupTrials: 0, gamma: () => 1.5 });
  assert.throws(() => broken.sampleIndependent(optimize(randomSampler(), quadratic, fQuadratic, 3), 3, "x", quadratic.x), {
    message: "tpe sampler: gamma(3) must be a non-negative integer, got 1.5",
  });
});

test("define-by-run conditional parameters: each is modelled from the trials that have it", () => {
  const sampler = tpeSampler({ seed: 12 });
  const study = new ArrayStudy();
  const kind = { type: "categorical" as const, choices: ["linear", "tree"] };
  const depth = { type: "int" as const, low: 1, high: 32, log: true };
  const slope = { type: "float" as const, low: -1, high: 1 };
  for (let i = 0; i < 60; i++) {
    const trial = study.ask(sampler, { kind }, true);
    let value: number;
    if (trial.params.kind === "tree") {
      trial.params.depth = sampler.sampleIndependent(study, trial.number, "depth", depth);
      assert.ok(containsValue(depth, trial.params.depth));
      value = Math.abs(Math.log2(trial.params.depth as number) - 3);
    } else {
      trial.params.slope = sampler.sampleIndependent(study, trial.number, "slope", slope);
      assert.ok(containsValue(slope, trial.params.slope));
      value = 1 + Math.abs(trial.params.slope as number);
    }
    study.tell(sampler, trial, value);
  }
  const late = study.list.slice(40);
  assert.ok(late.filter((t) => t.params.kind === "tree").length >= 14, "prefers the better branch");
  // Log-uniform depths would be about 1.25 octaves from 8 in the median.
  const octaves = late.filter((t) => t.params.kind === "tree").map((t) => Math.abs(Math.log2(t.params.depth as number) - 3));
  assert.ok(median(octaves) < 0.7, `median distance ${median(octaves)} octaves from the best depth`);
});

test("group decomposition: parameters always suggested together form one group", () => {
  const groups = new ParameterGroups();
  const study = new ArrayStudy();
  study.add({ kind: "tree", depth: 3, leaves: 8 }, 1);
  study.add({ kind: "linear", slope: 0.5 }, 2);
  study.add({ kind: "tree", depth: 5, leaves: 2 }, 3);
  study.add({ kind: "linear", slope: 0.1 }, undefined, "FAIL");
  const sorted = (g: ReadonlyArray<ReadonlySet<string>>) => g.map((group) => [...group].sort().join(",")).sort();
  assert.deepEqual(sorted(groups.update(study, study.list)), ["depth,leaves", "kind", "slope"]);
  study.add({ kind: "tree", depth: 4 }, 4);
  assert.deepEqual(sorted(groups.update(study, study.list)), ["depth", "kind", "leaves", "slope"]);
  assert.deepEqual([...groups.groupOf("depth")!], ["depth"]);
  assert.equal(groups.groupOf("width"), undefined);
  // Another study starts afresh.
  const other = new ArrayStudy();
  other.add({ x: 1, y: 2 }, 1);
  assert.deepEqual(sorted(groups.update(other, other.list)), ["x,y"]);
});

test("define-by-run, the default draws a group at its first suggest; the group's other suggests take that draw", () => {
  const kind = { type: "categorical" as const, choices: ["pair", "single"] };
  const unit = { type: "float" as const, low: 0, high: 1 };
  const run = (multivariate: boolean, yDistribution = unit) => {
    const sampler = tpeSampler({ seed: 4, multivariate });
    const study = new ArrayStudy();
    const rng = new Rng(4);
    for (let i = 0; i < 30; i++) {
      const [x, y] = [rng.uniform(), rng.uniform()];
      if (i % 3 === 2) study.add({ kind: "single", z: x }, 1 + x);
      else study.add({ kind: "pair", x, y }, Math.abs(x - y));
      study.list[i].distributions = i % 3 === 2 ? { kind, z: unit } : { kind, x: unit, y: unit };
    }
    const trial = study.ask(sampler, { kind }, true);
    const x = sampler.sampleIndependent(study, trial.number, "x", unit);
    const before = JSON.stringify(sampler.saveState());
    const y = sampler.sampleIndependent(study, trial.number, "y", yDistribution);
    assert.ok(containsValue(yDistribution, y), `y = ${y}`);
    const drewForY = JSON.stringify(sampler.saveState()) !== before;
    const z = sampler.sampleIndependent(study, trial.number, "z", unit);
    const drewForZ = JSON.stringify(sampler.saveState()) !== before;
    for (const value of [x, z]) assert.ok(containsValue(unit, value), `${value} in [0, 1]`);
    return { drewForY, drewForZ };
  };
  assert.deepEqual(run(true), { drewForY: false, drewForZ: true });
  assert.deepEqual(run(false), { drewForY: true, drewForZ: true });
  // y suggested with another range than the group's trials had: drawn afresh, inside the new range.
  assert.deepEqual(run(true, { type: "float", low: 2, high: 3 }), { drewForY: true, drewForZ: true });
});

test("constant liar: trials asked together spread out instead of crowding the best point", () => {
  const spread = (constantLiar: boolean, seed: number) => {
    const sampler = tpeSampler({ seed, constantLiar });
    const study = optimize(sampler, quadratic, fQuadratic, 30);
    const asked = Array.from({ length: 8 }, () => study.ask(sampler, quadratic));
    let nearest = Infinity;
    for (const a of asked) {
      for (const b of asked) {
        if (a !== b)
          nearest = Math.min(
            nearest,
            Math.hypot((a.params.x as number) - (b.params.x as number), (a.params.y as number) - (b.params.y as number)),
          );
      }
    }
    return nearest;
  };
  const seeds = [0, 1, 2, 3, 4, 5, 6];
  const withLiar = median(seeds.map((seed) => spread(true, seed)));
  const without = median(seeds.map((seed) => spread(false, seed)));
  assert.ok(withLiar > 1.5 * without, `closest pair among 8 concurrent asks: liar ${withLiar}, no liar ${without}`);
  // One trial at a time there is nothing to lie about: the same trials either way.
  const one = (constantLiar: boolean) =>
    optimize(tpeSampler({ seed: 3, constantLiar }), quadratic, fQuadratic, 25).list.map((t) => t.params);
  assert.deepEqual(one(true), one(false));
});
