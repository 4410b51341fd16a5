import assert from "node:assert/strict";
import { test } from "node:test";
import { ndtr } from "../../src/nn/normal.ts";
import { Rng } from "../../src/nn/rng.ts";
import { logExpectedImprovement, logH } from "../../src/samplers/gp/acquisition.ts";
import { choleskyInto, choleskyWithJitter, inverseFromCholesky, solveLower, solveUpperTransposed } from "../../src/samplers/gp/cholesky.ts";
import { decodeValue, dimensionOf, encodeValue } from "../../src/samplers/gp/encoding.ts";
import { defaultTheta, MarginalLikelihood } from "../../src/samplers/gp/fit.ts";
import { intersectionSpace } from "../../src/samplers/gp/intersection.ts";
import { minimizeLbfgs } from "../../src/samplers/gp/lbfgs.ts";
import { gpSampler } from "../../src/samplers/gp/sampler.ts";
import { containsValue } from "../../src/space/compare.ts";
import type { Distribution, Params, SearchSpace } from "../../src/space/types.ts";
import { createStudy } from "../../src/study/study.ts";
import type { FrozenTrial, Trial } from "../../src/trial/types.ts";
import { ArrayStudy, bestValue, optimize } from "./study-loop.ts";

const close = (actual: number, expected: number, tolerance: number) =>
  assert.ok(
    Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)),
    `${actual} != ${expected} (tolerance ${tolerance})`,
  );

const QUADRATIC: SearchSpace = { x: { type: "float", low: -10, high: 10 }, y: { type: "float", low: -10, high: 10 } };
const quadratic = (p: Params) => ((p.x as number) - 1.5) ** 2 + ((p.y as number) + 2) ** 2;

test("Cholesky reproduces a known factor, and the solves and inverse agree with it", () => {
  const a = Float64Array.from([4, 12, -16, 12, 37, -43, -16, -43, 98]);
  const l = new Float64Array(9);
  assert.equal(choleskyInto(a, 3, l), true);
  assert.deepEqual(Array.from(l), [2, 0, 0, 6, 1, 0, -8, 5, 3]);
  const b = Float64Array.from([1, 2, 3]);
  const x = new Float64Array(3);
  solveLower(l, 3, b, x);
  solveUpperTransposed(l, 3, x, x);
  for (let i = 0; i < 3; i++) close(a[i * 3] * x[0] + a[i * 3 + 1] * x[1] + a[i * 3 + 2] * x[2], b[i], 1e-12);
  const inverse = new Float64Array(9);
  inverseFromCholesky(l, 3, inverse, new Float64Array(9));
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      let sum = 0;
      for (let k = 0; k < 3; k++) sum += a[i * 3 + k] * inverse[k * 3 + j];
      close(sum, i === j ? 1 : 0, 1e-11);
    }
  }
});

test("Cholesky of a singular kernel matrix (repeated points) succeeds with a small jitter", () => {
  // Rank 2: rows 0 and 2 are the same point, rows 1 and 3 too.
  const n = 4;
  const points = [0, 0.5, 0, 0.5];
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = Math.exp(-((points[i] - points[j]) ** 2));
  const l = new Float64Array(n * n);
  assert.equal(choleskyInto(a, n, l), false);
  const jitter = choleskyWithJitter(a, n, l);
  assert.ok(jitter > 0 && jitter <= 1e-2, `jitter ${jitter}`);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += l[i * n + k] * l[j * n + k];
      close(sum, a[i * n + j] + (i === j ? jitter : 0), 1e-12);
    }
  }
  assert.throws(() => choleskyWithJitter(Float64Array.from([1, 0, 0, -1]), 2, new Float64Array(4)), /not positive definite/);
});

test("the marginal likelihood's analytic gradient matches central finite differences (numeric and categorical inputs)", () => {
  const rng = new Rng(5);
  const n = 12;
  const d = 3;
  const x = new Float64Array(n * d);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i * d] = rng.uniform();
    x[i * d + 1] = rng.uniform();
    x[i * d + 2] = rng.int(3);
    y[i] = Math.sin(6 * x[i * d]) + x[i * d + 1] ** 2 + 0.3 * x[i * d + 2] + 0.05 * rng.normal();
  }
  const objective = new MarginalLikelihood({ x, y, n, d, categorical: Uint8Array.from([0, 0, 1]) });
  for (const theta of [defaultTheta(d), Float64Array.from([0.3, 2.1, -0.5, 0.4, -3])]) {
    const grad = new Float64Array(d + 2);
    const value = objective.negativeLogPosterior(theta, grad);
    assert.ok(Number.isFinite(value));
    for (let c = 0; c < d + 2; c++) {
      const h = 1e-5;
      const up = Float64Array.from(theta);
      const down = Float64Array.from(theta);
      up[c] += h;
      down[c] -= h;
      const numeric = (objective.negativeLogPosterior(up) - objective.negativeLogPosterior(down)) / (2 * h);
      close(grad[c], numeric, 1e-6);
    }
  }
});

test("L-BFGS finds the minimum of the Rosenbrock function", () => {
  const result = minimizeLbfgs(
    (p, grad) => {
      const [a, b] = p;
      if (grad !== undefined) {
        grad[0] = -2 * (1 - a) - 400 * a * (b - a * a);
        grad[1] = 200 * (b - a * a);
      }
      return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
    },
    Float64Array.from([-1.2, 1]),
    { maxIterations: 500 },
  );
  close(result.x[0], 1, 1e-4);
  close(result.x[1], 1, 1e-4);
});

test("log EI: log h(z) agrees with the direct formula where it is stable, and with 60-digit values far in the tail", () => {
  const phi = (z: number) => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
  for (let z = -4; z <= 5; z += 0.25) close(logH(z), Math.log(z * ndtr(z) + phi(z)), 1e-10);
  // log(z Φ(z) + φ(z)) from mpmath at 60 digits.
  const golden: Array<[number, number]> = [
    [2, 0.69738354578822831],
    [0, -0.91893853320467274],
    [-1, -2.4851210257126413],
    [-2.5, -6.2125416454435129],
    [-5, -16.74430116266099],
    [-10, -55.553122036122356],
    [-20, -206.9178385094251],
    [-29.9, -454.72299811949632],
    [-30.1, -460.736287398743],
    [-40, -808.29856835661996],
    [-100, -5010.1295788002498],
    [-1000, -500014.73445209116],
    [-100000, -5000000023.9447895],
  ];
  for (const [z, expected] of golden) close(logH(z), expected, 1e-13);
  // EI itself underflows to 0 here; its log is finite and still orders the points.
  assert.ok(Number.isFinite(logExpectedImprovement(50, 1e-4, 0)));
  assert.ok(logExpectedImprovement(50, 1e-4, 0) < logExpectedImprovement(40, 1e-4, 0));
});

test("encoding: log and stepped parameters round-trip through [0, 1], integers round to their grid", () => {
  const cases: Array<[Distribution, number[]]> = [
    [{ type: "float", low: 1e-5, high: 1, log: true }, [1e-5, 3e-3, 1]],
    [{ type: "int", low: 1, high: 1024, log: true }, [1, 7, 1024]],
    [{ type: "int", low: 2, high: 64, step: 2 }, [2, 10, 64]],
    [{ type: "float", low: -1, high: 1, step: 0.25 }, [-1, 0.25, 1]],
  ];
  for (const [distribution, values] of cases) {
    const dimension = dimensionOf("p", distribution);
    for (const value of values) {
      const u = encodeValue(dimension, value);
      assert.ok(u >= 0 && u <= 1, `${value} encodes to ${u}`);
      close(decodeValue(dimension, u) as number, value, 1e-12);
    }
    for (let u = 0; u <= 1; u += 0.01) assert.ok(containsValue(distribution, decodeValue(dimension, u)), `u = ${u}`);
  }
  assert.equal(encodeValue(dimensionOf("log", { type: "float", low: 1e-4, high: 1, log: true }), 1e-2), 0.5);
  const categorical = dimensionOf("c", { type: "categorical", choices: ["a", "b", "c"] });
  assert.equal(encodeValue(categorical, "c"), 2);
  assert.equal(decodeValue(categorical, 1), "b");
});

test("on a 2-D quadratic the GP sampler gets within 1e-3 of the optimum in 40 trials", () => {
  const study = optimize(gpSampler({ seed: 1 }), QUADRATIC, quadratic, 40);
  assert.ok(bestValue(study) <= 1e-3, `best ${bestValue(study)}`);
});

test("maximize: the GP climbs to the top of an upside-down quadratic", () => {
  const study = optimize(gpSampler({ seed: 2 }), QUADRATIC, (p) => 5 - quadratic(p), 40, { direction: "maximize" });
  assert.ok(bestValue(study) >= 5 - 1e-3, `best ${bestValue(study)}`);
});

test("one seed gives the same trials; another seed gives different ones", () => {
  const run = (seed: number) => optimize(gpSampler({ seed }), QUADRATIC, quadratic, 16).list.map((trial) => trial.params);
  assert.deepEqual(run(3), run(3));
  assert.notDeepEqual(run(3), run(4));
});

test("saveState / loadState: a restored sampler (through JSON) continues exactly as the original", () => {
  const original = gpSampler({ seed: 6 });
  const study = optimize(original, QUADRATIC, quadratic, 14);
  const saved = JSON.parse(JSON.stringify(original.saveState()));
  assert.ok(Array.isArray(saved.fit.theta) && saved.fit.theta.length === 4);
  const copy = new ArrayStudy();
  for (const trial of study.list) copy.add({ ...trial.params }, trial.value);
  const restored = gpSampler({ seed: 999 });
  restored.loadState(saved);
  optimize(original, QUADRATIC, quadratic, 3, { study });
  optimize(restored, QUADRATIC, quadratic, 3, { study: copy });
  assert.deepEqual(
    copy.list.slice(14).map((trial) => trial.params),
    study.list.slice(14).map((trial) => trial.params),
  );
  assert.throws(() => restored.loadState({ rng: [1, 2, 3, 4], fit: { names: ["x"], theta: [1] } }), /fit/);
  assert.throws(() => restored.loadState({}), /rng/);
});

test("FAIL trials are left out of the fit and their configurations are never proposed again", () => {
  const space: SearchSpace = { n: { type: "int", low: 0, high: 6 }, c: { type: "categorical", choices: ["a", "b", "c"] } };
  // The best configuration (n = 3, c = "b") always fails; its neighbours are the best that complete.
  const fails = (p: Params) => p.n === 3 && p.c === "b";
  const f = (p: Params) => ((p.n as number) - 3) ** 2 + (p.c === "b" ? 0 : 2);
  const sampler = gpSampler({ seed: 7, nStartupTrials: 5, allowRepeats: true });
  const study = new ArrayStudy();
  let failures = 0;
  for (let i = 0; i < 30; i++) {
    const trial = study.ask(sampler, space);
    if (fails(trial.params)) {
      failures++;
      study.tell(sampler, trial, undefined, "FAIL");
    } else study.tell(sampler, trial, f(trial.params));
  }
  assert.ok(failures <= 1, `the failing configuration was proposed ${failures} times`);
  assert.equal(bestValue(study), 1);
  // A study whose only trials failed still samples (at random).
  const failed = new ArrayStudy();
  const alone = gpSampler({ seed: 8, nStartupTrials: 2 });
  for (let i = 0; i < 5; i++) failed.tell(alone, failed.ask(alone, QUADRATIC), undefined, "FAIL");
  assert.equal(failed.list.length, 5);
});

test("conditional parameters: the GP models the parameters every trial has and samples the rest at random", () => {
  const sampler = gpSampler({ seed: 9 });
  const study = new ArrayStudy();
  const branches: Record<string, Distribution> = {
    wide: { type: "float", low: 0, high: 10 },
    narrow: { type: "int", low: 1, high: 5 },
  };
  const shared: Distribution = { type: "float", low: -1, high: 1 };
  const kindOf: Distribution = { type: "categorical", choices: ["wide", "narrow"] };
  for (let i = 0; i < 35; i++) {
    const trial: FrozenTrial = {
      number: i,
      state: "RUNNING",
      params: {},
      distributions: {},
      intermediateValues: {},
      userAttrs: {},
      systemAttrs: {},
    };
    study.list.push(trial);
    const suggest = (name: string, distribution: Distribution) => {
      const value = sampler.sampleIndependent(study, i, name, distribution);
      assert.ok(containsValue(distribution, value), `${name} = ${value}`);
      trial.params[name] = value;
      trial.distributions[name] = distribution;
      return value;
    };
    const kind = suggest("kind", kindOf) as string;
    const z = suggest("z", shared) as number;
    const extra = suggest(kind, branches[kind]) as number;
    // The branch's own parameter (random, outside the modelled part) changes the value only a little.
    study.tell(sampler, trial, (z - 0.3) ** 2 + (kind === "wide" ? 1e-4 * ((extra - 4) / 10) ** 2 : 0.5));
  }
  const completed = study.list.filter((trial) => trial.state === "COMPLETE");
  assert.deepEqual(Object.keys(intersectionSpace(completed)).sort(), ["kind", "z"]);
  const best = completed.reduce((a, b) => ((a.value as number) <= (b.value as number) ? a : b));
  assert.equal(best.params.kind, "wide");
  assert.ok(Math.abs((best.params.z as number) - 0.3) < 0.01, `best z ${best.params.z}`);
});

test("concurrency: RUNNING trials are pending points (constant liar), so a batch asked at once is spread out", () => {
  const minimumDistance = (hideRunning: boolean) => {
    const sampler = gpSampler({ seed: 10 });
    const study = optimize(sampler, QUADRATIC, quadratic, 15);
    const batch = [0, 1, 2, 3].map(() => {
      const trial = study.ask(sampler, QUADRATIC);
      // WAITING trials are not pending points: the contrast shows what the liar does.
      if (hideRunning) trial.state = "WAITING";
      return trial;
    });
    let smallest = Infinity;
    for (let i = 0; i < batch.length; i++) {
      for (let j = 0; j < i; j++) {
        const [a, b] = [batch[i].params, batch[j].params];
        smallest = Math.min(smallest, Math.hypot((a.x as number) - (b.x as number), (a.y as number) - (b.y as number)));
      }
    }
    return smallest;
  };
  const withLiar = minimumDistance(false);
  const without = minimumDistance(true);
  // The acquisition search refines to steps of 1e-4 of the range (2e-3 here), so repeated asks agree to about that.
  assert.ok(without < 2e-3, `without pending points the batch coincides, got ${without}`);
  assert.ok(withLiar > 10 * without && withLiar > 5e-3, `with pending points the batch is spread out, got ${withLiar}`);
});

test("through a real Study, declared and define-by-run, with a discrete space never repeating a configuration", async () => {
  const declared = createStudy({ space: QUADRATIC, sampler: gpSampler({ seed: 11 }) });
  await declared.optimize((trial) => quadratic(trial.params as Params), { nTrials: 25 });
  assert.ok(declared.bestValue < 0.05, `best ${declared.bestValue}`);
  const byRun = createStudy({ sampler: gpSampler({ seed: 12 }) });
  const objective = (trial: Trial) =>
    (trial.suggestFloat("lr", 1e-5, 1, { log: true }) - 0.01) ** 2 + (trial.suggestInt("units", 2, 64, { step: 2 }) - 30) ** 2 / 1000;
  await byRun.optimize(objective, { nTrials: 25 });
  assert.equal(byRun.trials.filter((trial) => trial.state === "COMPLETE").length, 25);
  const discrete: SearchSpace = { a: { type: "int", low: 0, high: 4 }, b: { type: "categorical", choices: [1, 2, 3] } };
  const small = createStudy({ space: discrete, sampler: gpSampler({ seed: 13, nStartupTrials: 3 }) });
  await small.optimize((trial) => (trial.params.a as number) + (trial.params.b as number), { nTrials: 15 });
  const keys = small.trials.map((trial) => JSON.stringify([trial.params.a, trial.params.b]));
  assert.equal(new Set(keys).size, 15);
});

test("options are checked", () => {
  assert.throws(() => gpSampler({ nStartupTrials: -1 }), /nStartupTrials/);
  assert.throws(() => gpSampler({ nCandidates: 0 }), /nCandidates/);
  assert.throws(() => gpSampler({ seeds: 1 } as never), /unknown option "seeds"/);
});
