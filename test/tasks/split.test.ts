import assert from "node:assert/strict";
import { test } from "node:test";
import { loadDataset } from "../../src/tasks/datasets.ts";
import { splitDataset, splitIndices } from "../../src/tasks/split.ts";
import type { Dataset } from "../../src/tasks/types.ts";

function columnStats(x: Float32Array, width: number, column: number): { mean: number; std: number } {
  const n = x.length / width;
  let sum = 0;
  for (let r = 0; r < n; r++) sum += x[r * width + column];
  const mean = sum / n;
  let squares = 0;
  for (let r = 0; r < n; r++) squares += (x[r * width + column] - mean) ** 2;
  return { mean, std: Math.sqrt(squares / n) };
}

test("wine split sizes are 1119 / 159 / 321 and the parts are disjoint and cover every row", () => {
  const parts = splitIndices(1599, 0);
  assert.equal(parts.train.length, 1119);
  assert.equal(parts.validation.length, 159);
  assert.equal(parts.test.length, 321);
  const seen = new Uint8Array(1599);
  for (const part of [parts.train, parts.validation, parts.test]) for (const r of part) seen[r]++;
  assert.ok(
    seen.every((count) => count === 1),
    "every row is in exactly one part",
  );
  // letter: 14000 / 2000 / 4000; a small n keeps the floors.
  const letter = splitIndices(20000, 3);
  assert.deepEqual([letter.train.length, letter.validation.length, letter.test.length], [14000, 2000, 4000]);
  const small = splitIndices(9, 1);
  assert.deepEqual([small.train.length, small.validation.length, small.test.length], [6, 0, 3]);
});

test("same split seed, same split; another seed, another split", () => {
  assert.deepEqual(splitIndices(1599, 7), splitIndices(1599, 7));
  assert.notDeepEqual(splitIndices(1599, 7).train, splitIndices(1599, 8).train);
  // The rows are shuffled, not taken in file order.
  assert.notDeepEqual([...splitIndices(1599, 0).train.subarray(0, 10)], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test("wine: training inputs and target have mean 0 and std 1; validation and test use the training statistics", async () => {
  const wine = await loadDataset("wine");
  const split = splitDataset(wine, 0);
  assert.equal(split.kind, "regression");
  assert.deepEqual([split.train.n, split.validation.n, split.test.n], [1119, 159, 321]);
  assert.equal(split.train.x.length, 1119 * 11);
  for (let c = 0; c < 11; c++) {
    const { mean, std } = columnStats(split.train.x, 11, c);
    assert.ok(Math.abs(mean) < 1e-5, `column ${c} mean ${mean}`);
    assert.ok(Math.abs(std - 1) < 1e-5, `column ${c} std ${std}`);
  }
  const target = columnStats(split.train.y, 1, 0);
  assert.ok(Math.abs(target.mean) < 1e-5 && Math.abs(target.std - 1) < 1e-5);

  // Recompute the scaling from the raw training rows only and check every validation and test value.
  const rows = splitIndices(wine.nRows, 0);
  const raw = (r: number, c: number): number => wine.inputs[r * 11 + c];
  for (let c = 0; c < 11; c++) {
    let sum = 0;
    for (const r of rows.train) sum += raw(r, c);
    const mean = sum / rows.train.length;
    let squares = 0;
    for (const r of rows.train) squares += (raw(r, c) - mean) ** 2;
    const std = Math.sqrt(squares / rows.train.length);
    rows.validation.forEach((r, i) => {
      assert.equal(split.validation.x[i * 11 + c], Math.fround((raw(r, c) - mean) / std));
    });
    rows.test.forEach((r, i) => {
      assert.equal(split.test.x[i * 11 + c], Math.fround((raw(r, c) - mean) / std));
    });
  }
  let sum = 0;
  for (const r of rows.train) sum += wine.targets[r];
  const mean = sum / rows.train.length;
  let squares = 0;
  for (const r of rows.train) squares += (wine.targets[r] - mean) ** 2;
  const std = Math.sqrt(squares / rows.train.length);
  rows.validation.forEach((r, i) => assert.equal(split.validation.y[i], Math.fround((wine.targets[r] - mean) / std)));
  // The validation part is not itself standardised: its statistics differ from 0 / 1.
  const validation = columnStats(split.validation.x, 11, 0);
  assert.ok(Math.abs(validation.mean) > 1e-3 || Math.abs(validation.std - 1) > 1e-3);
});

test("letter: inputs scaled, class indices kept as they are", async () => {
  const letter = await loadDataset("letter");
  const split = splitDataset(letter, 0);
  assert.equal(split.kind, "classification");
  assert.equal(split.nOutputs, 26);
  const rows = splitIndices(letter.nRows, 0);
  rows.test.forEach((r, i) => assert.equal(split.test.y[i], letter.targets[r]));
  for (let c = 0; c < 16; c++) {
    const { mean, std } = columnStats(split.train.x, 16, c);
    assert.ok(Math.abs(mean) < 1e-5 && Math.abs(std - 1) < 1e-5, `column ${c}: mean ${mean}, std ${std}`);
  }
});

test("a constant training column is centred but not divided (zero std becomes 1)", () => {
  const dataset: Dataset = {
    name: "tiny",
    kind: "regression",
    inputs: Float32Array.from([5, 1, 5, 2, 5, 3, 5, 4, 5, 5, 5, 6, 5, 7, 5, 8, 5, 9, 5, 10]),
    targets: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
    nRows: 10,
    nInputs: 2,
    nOutputs: 1,
    featureNames: ["constant", "count"],
  };
  const split = splitDataset(dataset, 4);
  for (const part of [split.train, split.validation, split.test]) {
    for (let i = 0; i < part.n; i++) assert.equal(part.x[i * 2], 0);
  }
  assert.deepEqual([split.train.n, split.validation.n, split.test.n], [7, 1, 2]);
});

test("bad split inputs are rejected with a clear message", () => {
  assert.throws(() => splitIndices(2, 0), /a split needs at least 3 rows, got 2/);
  const dataset = { nRows: 10 } as Dataset;
  assert.throws(() => splitDataset(dataset, Number.NaN), /the split seed must be a finite number, got NaN/);
});
