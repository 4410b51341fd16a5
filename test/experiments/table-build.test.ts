import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { buildRecordPath, buildTable, type TableBuildRecord } from "../../src/experiments/table-build.ts";
import { trainChunk } from "../../src/experiments/table-build-worker.ts";
import { evaluatePaperTaskSync } from "../../src/tasks/paper-task.ts";
import { parseTableText, positionOf, TABLE_HEADER, valuesAt } from "../../src/tasks/table.ts";

process.env.HYPERFORCE_DATA_DIR ??= new URL("../../../shared/data", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "hyperforce-table-build-"));
const ONLY = { learning_rate: [1e-3, 1e-2], weight_decay: [1e-4, 1e-3], batch_size: [512, 1024, 4096] };
const TOTAL = 2 * 2 * 3 * 10 * 2;

function dataLines(path: string): string[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .slice(1)
    .filter((line) => line !== "");
}

test("a table build killed with SIGKILL resumes without redoing or repeating rows", async () => {
  const out = join(dir, "wine-part.csv");
  const child = spawn(process.execPath, ["--import", "tsx", new URL("./fixtures/build-child.ts", import.meta.url).pathname, out], {
    stdio: ["ignore", "ignore", "pipe"],
    env: process.env,
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  // Kill it once a good part of the rows is written.
  await new Promise<void>((resolve, reject) => {
    const poll = setInterval(() => {
      if (existsSync(out) && dataLines(out).length >= 40) {
        clearInterval(poll);
        child.kill("SIGKILL");
        resolve();
      }
    }, 5);
    child.on("exit", (code) => {
      clearInterval(poll);
      if (code !== null) reject(new Error(`the build ended by itself (code ${code}) before it was killed: ${stderr}`));
    });
  });
  await new Promise((resolve) => child.once("close", resolve));
  const before = dataLines(out);
  assert.ok(before.length >= 40 && before.length < TOTAL, `killed after ${before.length} rows`);
  // A kill during a write leaves a cut line: simulate one on top of whatever the kill left.
  appendFileSync(out, "2,6,6,4,0.001,0.0003,512,10,0,0.51");

  const result = await buildTable({ task: "wine", out, seeds: 2, workers: 2, only: ONLY });
  const parsed = parseTableText(readFileSync(out, "utf8"), out);
  assert.equal(parsed.rows.length, TOTAL);
  assert.equal(new Set(parsed.rows.map((row) => `${positionOf(row.indices)}/${row.seed}`)).size, TOTAL);
  // Rows complete before the kill are kept exactly (their recorded seconds too): not trained again.
  const after = new Set(dataLines(out));
  const kept = before.filter((line) => parseTableText(`${TABLE_HEADER}\n${line}\n`, "line").rows.length === 1);
  for (const line of kept) assert.ok(after.has(line), `row kept: ${line}`);
  assert.equal(result.resumed, kept.length);
  assert.equal(result.written, TOTAL - kept.length);
  // Sorted by configuration, then seed, once complete.
  const keys = parsed.rows.map((row) => positionOf(row.indices) * 2 + row.seed);
  assert.deepEqual(
    keys,
    [...keys].sort((a, b) => a - b),
  );
  const record = JSON.parse(readFileSync(buildRecordPath(out), "utf8")) as TableBuildRecord;
  assert.equal(record.complete, true);
  assert.equal(record.configurations, TOTAL / 2);
  assert.equal(record.sessions.length, 2);
  assert.equal(record.sessions[0].finished, false);
  assert.equal(record.sessions[1].finished, true);
  assert.equal(record.sessions[1].rowsWritten, TOTAL - kept.length);

  // Nothing left to do: a third run trains nothing and keeps the file.
  const text = readFileSync(out, "utf8");
  const again = await buildTable({ task: "wine", out, seeds: 2, workers: 1, only: ONLY });
  assert.equal(again.written, 0);
  assert.equal(readFileSync(out, "utf8"), text);
});

test("a table row is the paper task's result for that configuration and seed", () => {
  const pairs: Array<[number, number]> = [
    [positionOf([2, 6, 3, 4]), 0],
    [positionOf([4, 0, 0, 9]), 1],
    [positionOf([9, 9, 9, 0]), 5],
  ];
  const rows = trainChunk({ task: "wine", splitSeed: 0, epochs: 15, items: pairs });
  pairs.forEach(([position, seed], i) => {
    const indices = rows[i].indices;
    assert.equal(positionOf(indices), position);
    const [learningRate, weightDecay, batchSize, hidden] = valuesAt(indices);
    const fresh = evaluatePaperTaskSync("wine", { learningRate, weightDecay, batchSize, hidden }, { seed, splitSeed: 0 });
    assert.equal(rows[i].seed, seed);
    assert.equal(rows[i].validationLoss, fresh.validationLoss);
    assert.equal(rows[i].testLoss, fresh.testLoss);
    assert.equal(rows[i].diverged, fresh.diverged);
  });
});

test("build errors: other settings than the table was built with, an unknown file, bad options", async () => {
  const out = join(dir, "settings.csv");
  await buildTable({
    task: "wine",
    out,
    seeds: 1,
    workers: 1,
    epochs: 1,
    only: { learning_rate: [1e-2], weight_decay: [1e-4], batch_size: [4096], hidden_units: [2] },
  });
  assert.equal(dataLines(out).length, 1);
  await assert.rejects(buildTable({ task: "wine", out, seeds: 1, epochs: 2, only: { learning_rate: [1e-2] } }), {
    message: `${out} was built with epochs 1; continue it with the same settings or write to another --out`,
  });
  const stranger = join(dir, "stranger.csv");
  writeFileSync(stranger, TABLE_HEADER + "\n");
  await assert.rejects(buildTable({ task: "wine", out: stranger, seeds: 1 }), {
    message:
      `${stranger} exists but its build record ${join(dir, "stranger.meta.json")} does not, ` +
      "so its task and settings are unknown; remove it or write to another --out",
  });
  await assert.rejects(buildTable({ task: "wine", out: join(dir, "x.csv.gz"), seeds: 1 }), { message: /must be a \.csv file/ });
  await assert.rejects(buildTable({ task: "wine", out: join(dir, "y.csv"), seeds: 0 }), {
    message: "seeds must be an integer >= 1, got 0",
  });
  await assert.rejects(buildTable({ task: "wine", out: join(dir, "z.csv"), seeds: 1, only: { batch_size: [7] } }), {
    message: "only.batch_size: 7 is not one of the paper space's choices (8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096)",
  });
});

test("hyperforce table build flags: defaults and one clear message per bad value", async () => {
  const { parseTableBuildFlags } = await import("../../src/cli/table.ts");
  const flags = { task: "wine", seeds: "2", out: "tables/wine.csv", splitSeed: "0", epochs: "15", logEvery: "1000" };
  assert.deepEqual(parseTableBuildFlags({ ...flags, workers: "2" }), {
    task: "wine",
    seeds: 2,
    out: "tables/wine.csv",
    splitSeed: 0,
    epochs: 15,
    logEvery: 1000,
    workers: 2,
  });
  assert.throws(() => parseTableBuildFlags({ ...flags, task: "iris" }), {
    message: 'unknown task "iris"; known tasks: wine, letter, fashion',
  });
  assert.throws(() => parseTableBuildFlags({ ...flags, out: "tables/wine.csv.gz" }), {
    message: '--out must name a .csv file, got "tables/wine.csv.gz"',
  });
  assert.throws(() => parseTableBuildFlags({ ...flags, seeds: "0" }), { message: '--seeds must be an integer >= 1, got "0"' });
  assert.throws(() => parseTableBuildFlags({ ...flags, workers: "two" }), { message: '--workers must be an integer >= 1, got "two"' });
  assert.throws(() => parseTableBuildFlags({ ...flags, splitSeed: "-1" }), { message: '--split-seed must be an integer >= 0, got "-1"' });
});
