import assert from "node:assert/strict";
import { test } from "node:test";
import { Rng } from "../../src/nn/rng.ts";
import { logExpectedImprovement } from "../../src/samplers/gp/acquisition.ts";
import { decodeValue, dimensionOf, encodeValue, snapCoordinate } from "../../src/samplers/gp/encoding.ts";
import { ConfigurationGrid, maximizeOverGrid, SolvedKernelRows } from "../../src/samplers/gp/finite-space.ts";
import type { TrainingData } from "../../src/samplers/gp/fit.ts";
import { GpPosterior } from "../../src/samplers/gp/posterior.ts";
import { gpSampler } from "../../src/samplers/gp/sampler.ts";
import type { Params, SearchSpace } from "../../src/space/types.ts";
import { createStudy } from "../../src/study/study.ts";

const RATES = [1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2];

test("ordered choices are numbers on [0, 1] (log scale when log), rounded to the nearest listed value on that scale", () => {
  const dimension = dimensionOf("lr", { type: "float", choices: RATES, log: true });
  assert.equal(dimension.kind, "discrete");
  assert.equal(dimension.count, RATES.length);
  assert.equal(encodeValue(dimension, 1e-5), 0);
  assert.equal(encodeValue(dimension, 1e-2), 1);
  const span = Math.log(1e-2) - Math.log(1e-5);
  assert.ok(Math.abs(encodeValue(dimension, 1e-4) - (Math.log(1e-4) - Math.log(1e-5)) / span) < 1e-15);
  // 6e-5 lies nearer 3e-5 on the linear scale but nearer 1e-4 on the log scale.
  const between = (Math.log(6e-5) - Math.log(1e-5)) / span;
  assert.equal(decodeValue(dimension, between), 1e-4);
  assert.equal(decodeValue(dimension, -3), 1e-5);
  assert.equal(decodeValue(dimension, 7), 1e-2);
  assert.equal(snapCoordinate(dimension, between), encodeValue(dimension, 1e-4));
  const units = dimensionOf("units", { type: "int", choices: [2, 4, 16] });
  assert.equal(encodeValue(units, 4), 1 / 7);
  assert.equal(decodeValue(units, 0.6), 16);
  assert.equal(decodeValue(units, 0.4), 4);
  assert.equal(encodeValue(dimensionOf("one", { type: "int", choices: [3] }), 3), 0.5);
});

/** A random training set on the grid of `space`, standardised values. */
function gridData(space: SearchSpace, n: number, seed: number): { grid: ConfigurationGrid; data: TrainingData } {
  const dimensions = Object.entries(space).map(([name, distribution]) => dimensionOf(name, distribution));
  const grid = new ConfigurationGrid(dimensions);
  const rng = new Rng(seed);
  const d = dimensions.length;
  const x = new Float64Array(n * d);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = rng.int(grid.count);
    x.set(grid.points.subarray(c * d, (c + 1) * d), i * d);
    y[i] = Math.sin(3 * x[i * d]) + (x[i * d + 1] - 0.4) ** 2 + 0.3 * x[i * d + 2] + 0.1 * rng.normal();
  }
  const categorical = Uint8Array.from(dimensions, (dimension) => (dimension.kind === "categorical" ? 1 : 0));
  return { grid, data: { x, y, n, d, categorical } };
}

test("the whole-grid maximum equals one solve per configuration; rows added one trial at a time equal rows built at once", () => {
  const space: SearchSpace = {
    lr: { type: "float", choices: RATES, log: true },
    units: { type: "int", choices: [2, 4, 8, 16, 32] },
    act: { type: "categorical", choices: ["relu", "tanh", "elu"] },
  };
  const { grid, data } = gridData(space, 40, 3);
  const hyperparameters = { lambda: Float64Array.from([2, 5, 0.5]), signalVariance: 1.3, noiseVariance: 0.02 };
  const skip = new Uint8Array(grid.count);
  for (let c = 0; c < grid.count; c += 7) skip[c] = 1;
  const incremental = new SolvedKernelRows();
  let found: ReturnType<typeof maximizeOverGrid>;
  for (const n of [30, 31, 40]) {
    const part: TrainingData = { ...data, n, x: data.x.subarray(0, n * data.d), y: data.y.subarray(0, n) };
    const posterior = new GpPosterior(part, hyperparameters);
    const best = Math.min(...part.y);
    found = maximizeOverGrid(grid, incremental.rowsFor(grid, part, posterior, "fixed"), posterior, best, skip);
    const fresh = maximizeOverGrid(grid, new SolvedKernelRows().rowsFor(grid, part, posterior, "fixed"), posterior, best, skip);
    assert.deepEqual(found, fresh);
    let brute = { c: -1, value: -Infinity };
    for (let c = 0; c < grid.count; c++) {
      if (skip[c] === 1) continue;
      posterior.predict(grid.points, c);
      const value = logExpectedImprovement(posterior.mean, posterior.variance, best);
      if (value > brute.value) brute = { c, value };
    }
    assert.ok(found !== undefined && Math.abs(found.value - brute.value) < 1e-8, `${found?.value} != ${brute.value}`);
    assert.deepEqual(Array.from(found.point), Array.from(grid.points.subarray(brute.c * data.d, (brute.c + 1) * data.d)));
  }
  assert.equal(
    maximizeOverGrid(grid, [], new GpPosterior({ ...data, n: 0 }, hyperparameters), 0, new Uint8Array(grid.count).fill(1)),
    undefined,
  );
});

test("on ordered choices the GP proposes only listed values, repeats none until all are seen, and finds the bowl's bottom", () => {
  const space: SearchSpace = {
    lr: { type: "float", choices: RATES, log: true },
    batch: { type: "int", choices: [8, 16, 32, 64, 128, 256], log: true },
  };
  const bowl = (p: Params) => (Math.log10(p.lr as number) + 3.5) ** 2 + (Math.log2(p.batch as number) - 5) ** 2;
  const study = createStudy({ space, sampler: gpSampler({ seed: 4 }) });
  const seen = new Set<string>();
  let firstBest = -1;
  for (let i = 0; i < 44; i++) {
    const trial = study.ask();
    const params = trial.params as Params;
    assert.ok(RATES.includes(params.lr as number) && [8, 16, 32, 64, 128, 256].includes(params.batch as number), JSON.stringify(params));
    const key = JSON.stringify(params);
    if (i < 42) assert.ok(!seen.has(key), `trial ${i} repeats ${key}`);
    seen.add(key);
    study.tell(trial, bowl(params));
    if (firstBest < 0 && (params.lr === 3e-4 || params.lr === 1e-4) && params.batch === 32) firstBest = i;
  }
  assert.equal(seen.size, 42);
  assert.ok(firstBest >= 0 && firstBest < 20, `the bottom (lr 1e-4 or 3e-4, batch 32) first proposed at trial ${firstBest}`);
});
