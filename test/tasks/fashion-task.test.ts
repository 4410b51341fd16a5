import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import { findFashionFolder, loadFashion, readIdx } from "../../src/tasks/fashion-data.ts";
import { fashionSplit, fashionSplitRows } from "../../src/tasks/fashion-split.ts";
import { openTaskSync } from "../../src/tasks/registry.ts";

// Reads Debian's dataset-fashion-mnist (scripts/prepare-test-machine.sh installs it) or $HYPERFORCE_DATA_DIR/fashion-mnist.
const PARAMS = { learning_rate: 3e-3, weight_decay: 1e-4, batch_size: 16, hidden_units: 32, c1: 4, c2: 8 };

test("no folder with the four files: the error names the folders, the files and the Debian package", () => {
  assert.throws(
    () => findFashionFolder(["/nonexistent/a", "/nonexistent/b"]),
    /looked for train-images-idx3-ubyte.gz, .* in \/nonexistent\/a, \/nonexistent\/b; install Debian's dataset-fashion-mnist package/,
  );
});

test("IDX files are checked: magic number, length, gzip", () => {
  const folder = mkdtempSync(join(tmpdir(), "fashion-idx-"));
  const header = (magic: number, ...dims: number[]) =>
    Buffer.from(
      new Uint32Array([magic, ...dims]).map((v) => ((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >> 8) & 0xff00) | (v >>> 24)).buffer,
    );
  writeFileSync(join(folder, "bad-magic.gz"), gzipSync(Buffer.concat([header(0x0803, 2), Buffer.from([1, 2])])));
  writeFileSync(join(folder, "short.gz"), gzipSync(Buffer.concat([header(0x0801, 3), Buffer.from([1, 2])])));
  writeFileSync(join(folder, "plain.gz"), "not gzip");
  writeFileSync(join(folder, "good.gz"), gzipSync(Buffer.concat([header(0x0801, 3), Buffer.from([7, 8, 9])])));
  assert.throws(
    () => readIdx(join(folder, "bad-magic.gz"), 1),
    /bad-magic.gz: IDX magic number 0x803, expected 0x0801 \(unsigned bytes, 1-D\)/,
  );
  assert.throws(() => readIdx(join(folder, "short.gz"), 1), /short.gz: 2 data bytes, expected 3 for dimensions 3/);
  assert.throws(() => readIdx(join(folder, "plain.gz"), 1), /plain.gz: not a readable gzip file/);
  assert.deepEqual([...readIdx(join(folder, "good.gz"), 1).values], [7, 8, 9]);
});

test("the dataset: 60,000 training and 10,000 test images of 10 classes, 6,000 and 1,000 each", () => {
  const data = loadFashion();
  assert.equal(data.train.n, 60_000);
  assert.equal(data.test.n, 10_000);
  const counts = new Array(10).fill(0);
  for (const label of data.train.labels) counts[label]++;
  assert.deepEqual(counts, new Array(10).fill(6000));
});

test("the split is stratified, disjoint, seeded; pixels in [0, 1]; test is t10k", () => {
  const data = loadFashion();
  const rows = fashionSplitRows(data.train, 3, 1005);
  assert.equal(rows.train.length, 1005);
  assert.equal(rows.validation.length, 201);
  const perClass = (list: number[]) => {
    const counts = new Array(10).fill(0);
    for (const row of list) counts[data.train.labels[row]]++;
    return counts;
  };
  assert.deepEqual(perClass(rows.train), [101, 101, 101, 101, 101, 100, 100, 100, 100, 100]);
  assert.deepEqual(perClass(rows.validation), [21, 20, 20, 20, 20, 20, 20, 20, 20, 20]);
  assert.equal(new Set([...rows.train, ...rows.validation]).size, 1206);
  assert.deepEqual(fashionSplitRows(data.train, 3, 1005), rows);
  assert.notDeepEqual(fashionSplitRows(data.train, 4, 1005).train, rows.train);
  const split = fashionSplit(data, 3, 100);
  assert.equal(split.test.n, 10_000);
  assert.ok(split.train.x.every((v) => v >= 0 && v <= 1));
  assert.equal(
    split.train.x[784 * 5 + 300],
    Math.fround(data.train.pixels[fashionSplitRows(data.train, 3, 100).train[5] * 784 + 300] / 255),
  );
});

test("evaluate trains the CNN, is deterministic, reports each epoch and stops when asked", () => {
  const task = openTaskSync({ name: "fashion", options: { trainSize: 400 } }, { epochs: 2 });
  assert.deepEqual(task.reference, { name: "fashion", options: { trainSize: 400 } });
  const reports: number[] = [];
  const full = task.evaluate(PARAMS, 7, {
    onEpoch: (_epoch, loss) => {
      reports.push(loss);
      return false;
    },
  });
  assert.equal(full.diverged, false);
  assert.equal(full.epochsRun, 2);
  assert.deepEqual(full.validationCurve, reports);
  assert.equal(full.validationLoss, reports[1]);
  assert.ok(full.validationLoss < Math.log(10), `validation loss ${full.validationLoss} is no better than chance`);
  assert.ok((full.testAccuracy ?? 0) > 0.3, `test accuracy ${full.testAccuracy}`);
  const again = task.evaluate(PARAMS, 7);
  assert.equal(again.validationLoss, full.validationLoss);
  assert.equal(again.testLoss, full.testLoss);
  const stopped = task.evaluate(PARAMS, 7, { onEpoch: () => true });
  assert.equal(stopped.stoppedAtEpoch, 1);
  assert.equal(stopped.validationLoss, reports[0]);
});

test("bad parameters and options name what is wrong", () => {
  const task = openTaskSync({ name: "fashion", options: { trainSize: 100 } }, { epochs: 1 });
  assert.throws(
    () => task.evaluate({ ...PARAMS, hidden: 3 }, 1),
    /the fashion task has no parameter hidden; its parameters: learning_rate/,
  );
  assert.throws(() => task.evaluate({ ...PARAMS, epochs: 2 }, 1), /epochs is both a parameter \(2\) and a setting \(1\)/);
  assert.throws(() => task.evaluate({ ...PARAMS, c1: 0 }, 1), /c1 must be an integer >= 1, got 0/);
  assert.throws(
    () => openTaskSync({ name: "fashion", options: { trainSize: 60_000 } }),
    /trainSize must be an integer in \[10, 50000\], got 60000/,
  );
  assert.throws(
    () => openTaskSync({ name: "fashion", options: { target: "x" } }),
    /the task fashion takes only the option trainSize, got target/,
  );
});
