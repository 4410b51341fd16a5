// No validation or test row shapes a CSV task's inputs (issue 14 item 6): medians for missing cells,
// one-hot vocabularies, indicators and scaling come from the training rows; a category no training
// row has is unknown. Each number below would differ if the other rows counted.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { csvTaskSplit, loadCsvDataset, loadCsvDatasetWithSummary } from "../../src/tasks/csv-task.ts";
import { splitIndices } from "../../src/tasks/split.ts";

const dir = mkdtempSync(join(tmpdir(), "hyperforce-csv-leaks-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

// Split seed 0 puts rows 3, 6, 1, 5, 0, 4, 2 in training, 9 in validation, 7 and 8 in test.
const ROWS = [
  "n,c,d,y",
  "1,a,x,1.0",
  "NA,,y,2.0",
  "3,a,x,3.5",
  "2,b,y,4.0",
  "4,a,x,5.5",
  "5,b,y,6.0",
  "6,a,x,7.5",
  "1000,z,w,8.0",
  "2000,NA,x,9.5",
  "NA,q,y,10.0",
];

function leakFile(): string {
  const path = join(dir, "leaks.csv");
  writeFileSync(path, `${ROWS.join("\n")}\n`);
  return path;
}

test("the split the expectations below rely on", () => {
  const parts = splitIndices(10, 0);
  assert.deepEqual([...parts.train], [3, 6, 1, 5, 0, 4, 2]);
  assert.deepEqual([...parts.validation], [9]);
  assert.deepEqual([...parts.test], [7, 8]);
});

test("medians, vocabularies and indicators come from the training rows; unseen categories are unknown", () => {
  const { dataset, summary } = loadCsvDatasetWithSummary(leakFile(), { target: "y", kind: "regression" });
  // c=q, c=z and d=w occur outside training only: no inputs of their own.
  assert.deepEqual(dataset.featureNames, ["n", "n_missing", "c=a", "c=b", "c_missing", "d=x", "d=y"]);
  assert.deepEqual(summary.missingFilled, { n: 2, c: 2 });
  assert.deepEqual(summary.unknownCategories, { c: 2, d: 1 });
  const row = (i: number) => [...dataset.inputs.slice(i * 7, i * 7 + 7)];
  // The training median of n is 3.5 (of 2, 6, 5, 1, 4, 3); over all rows it would be 4.5.
  assert.deepEqual(row(1), [3.5, 1, 0, 0, 1, 0, 1]);
  assert.deepEqual(row(9), [3.5, 1, 0, 0, 1, 0, 1]); // n missing; c=q unknown: the missing indicator
  assert.deepEqual(row(7), [1000, 0, 0, 0, 1, 0, 0]); // c=z unknown (indicator 1); d=w unknown (d has no indicator)
  assert.deepEqual(row(8), [2000, 0, 0, 0, 1, 1, 0]); // c missing
  assert.deepEqual(row(0), [1, 0, 1, 0, 0, 1, 0]);
});

test("inputs and target are scaled with the training rows' statistics", () => {
  const dataset = loadCsvDataset(leakFile(), { target: "y", kind: "regression" });
  const split = csvTaskSplit(dataset, 0);
  const column = (x: Float32Array, c: number) => Array.from({ length: x.length / split.nInputs }, (_, i) => x[i * split.nInputs + c]);
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  // In training, n is 1..6 (3.5 filled in): mean 3.5; the test rows' 1000 and 2000 would move it.
  const n = column(split.train.x, 0);
  assert.ok(Math.abs(mean(n)) < 1e-6, `training mean of scaled n is ${mean(n)}`);
  const std = Math.sqrt(mean(n.map((v) => v * v)));
  assert.ok(Math.abs(std - 1) < 1e-6, `training std of scaled n is ${std}`);
  const rawStd = Math.sqrt(mean([1, 3.5, 3, 2, 4, 5, 6].map((v) => (v - 24.5 / 7) ** 2)));
  assert.ok(Math.abs(column(split.test.x, 0)[0] - (1000 - 3.5) / rawStd) < 1e-3);
  assert.ok(Math.abs(mean([...split.train.y])) < 1e-6);
});

test("another split seed encodes the same rows with its own training rows", () => {
  const path = leakFile();
  const dataset = loadCsvDataset(path, { target: "y", kind: "regression" });
  // Split seed 3 trains on rows 2, 7, 0, 1, 9, 6, 4: q, z and w are then training categories.
  const reEncoded = loadCsvDataset(path, { target: "y", kind: "regression" }, 3);
  assert.deepEqual(reEncoded.featureNames, ["n", "n_missing", "c=a", "c=q", "c=z", "c_missing", "d=w", "d=x", "d=y"]);
  const split = csvTaskSplit(dataset, 3);
  assert.equal(split.nInputs, 9);
  assert.deepEqual(split.train.x, csvTaskSplit(reEncoded, 3).train.x);
  assert.equal(csvTaskSplit(dataset, 0).nInputs, 7);
});
