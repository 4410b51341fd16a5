// `table build` on a CSV task (any registered task, not only the paper's): the library call, the
// command line with --only, its build record, and `hyperforce bench` on the table it writes.

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { buildRecordPath, buildTable, type TableBuildRecord } from "../../src/experiments/table-build.ts";
import { trainChunk } from "../../src/experiments/table-build-worker.ts";
import { csvTask } from "../../src/tasks/csv-task.ts";
import { loadTable, positionOf, valuesAt } from "../../src/tasks/table.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const dataDir = process.env.HYPERFORCE_DATA_DIR ?? fileURLToPath(new URL("../../../shared/data", import.meta.url));
const diabetes = join(dataDir, "diabetes.csv");
const dir = mkdtempSync(join(tmpdir(), "hyperforce-table-build-csv-"));
const TASK = { name: `csv:${diabetes}`, options: { target: "progression" } };
const ONLY = { learning_rate: [1e-3, 1e-2], weight_decay: [1e-4], batch_size: [64] };

function hyperforce(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", "src/cli/run.ts", ...args], { cwd: ROOT, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

test("a CSV table's rows are the CSV task's results; its record names the task, its options and kind", async () => {
  const out = join(dir, "diabetes.csv");
  const result = await buildTable({ task: TASK, out, seeds: 2, workers: 2, only: ONLY });
  assert.equal(result.written, 2 * 10 * 2);
  const record = JSON.parse(readFileSync(buildRecordPath(out), "utf8")) as TableBuildRecord;
  assert.deepEqual(record.task, TASK);
  assert.equal(record.kind, "regression");
  const table = loadTable(out);
  const task = csvTask(diabetes, { target: "progression" }, { splitSeed: 0 });
  for (const indices of [
    [2, 1, 3, 0],
    [3, 1, 3, 9],
  ]) {
    const [learning_rate, weight_decay, batch_size, hidden_units] = valuesAt(indices);
    const run = table.run(positionOf(indices), 1)!;
    const direct = task.evaluate({ learning_rate, weight_decay, batch_size, hidden_units }, 1);
    assert.deepEqual([run.validationLoss, run.testLoss], [direct.validationLoss, direct.testLoss]);
  }
  // Another target is another task: the build refuses to continue this table with it.
  await assert.rejects(buildTable({ task: { ...TASK, options: { target: "bmi" } }, out, seeds: 2, only: ONLY }), {
    message: new RegExp(
      `^${out.replace(/[.]/g, "\\.")} was built with task \\{"name":"csv:.*","options":\\{"target":"progression"\\}\\}; continue it`,
    ),
  });
  // The same task with its options in another order continues it: nothing left to train.
  assert.equal((await buildTable({ task: { name: TASK.name, options: { target: "progression" } }, out, seeds: 2, only: ONLY })).written, 0);
});

test("a worker chunk names its task as data: a csv task with its options trains like the task itself", () => {
  const position = positionOf([2, 1, 3, 4]);
  const [row] = trainChunk({ task: TASK, splitSeed: 3, epochs: 2, items: [[position, 5]] });
  const [learning_rate, weight_decay, batch_size, hidden_units] = valuesAt([2, 1, 3, 4]);
  const direct = csvTask(diabetes, { target: "progression" }, { splitSeed: 3, epochs: 2 }).evaluate(
    { learning_rate, weight_decay, batch_size, hidden_units },
    5,
  );
  assert.equal(row.validationLoss, direct.validationLoss);
  assert.equal(row.seed, 5);
});

test("a csv task needs its target; an unknown task lists the known ones", async () => {
  await assert.rejects(buildTable({ task: { name: `csv:${diabetes}` }, out: join(dir, "no-target.csv"), seeds: 1 }), {
    message: "a csv task needs the option target: the column to predict (its name, or its 1-based position)",
  });
  await assert.rejects(buildTable({ task: "iris", out: join(dir, "iris.csv"), seeds: 1 }), {
    message: 'unknown task "iris"; known tasks: wine, letter, fashion',
  });
});

test("hyperforce table build --task csv:FILE --target COL --out t.csv, then hyperforce bench --table t.csv", async () => {
  const out = join(dir, "cli.csv");
  const only = ["--only", "learning_rate=0.001,0.01", "--only", "weight_decay=0.0001", "--only", "batch_size=64,128"];
  const built = await hyperforce([
    "table",
    "build",
    "--task",
    `csv:${diabetes}`,
    "--target",
    "progression",
    "--out",
    out,
    "--seeds",
    "2",
    "--workers",
    "2",
    ...only,
  ]);
  assert.equal(built.code, 0, built.stderr);
  assert.match(built.stdout, new RegExp(`^table ${out.replace(/[.]/g, "\\.")}: 80 rows \\(0 already there, 80 trained now\\)`));
  assert.equal(loadTable(out).rowCount, 80);

  const benchDir = join(dir, "bench");
  const bench = await hyperforce([
    "bench",
    "--table",
    out,
    "--samplers",
    "random,tpe",
    "--budgets",
    "5,20",
    "--repeats",
    "2",
    "--workers",
    "0",
    "--out",
    benchDir,
  ]);
  assert.equal(bench.code, 0, bench.stderr);
  const results = JSON.parse(readFileSync(join(benchDir, "results.json"), "utf8"));
  assert.equal(results.table.configurations, 40);
  assert.deepEqual(results.samplers, ["random", "tpe"]);
  assert.ok(existsSync(join(benchDir, "results.md")));

  const noTarget = await hyperforce(["table", "build", "--task", `csv:${diabetes}`, "--out", join(dir, "x.csv")]);
  assert.equal(noTarget.code, 2);
  assert.equal(noTarget.stderr, `hyperforce: --task csv:${diabetes} needs --target COLUMN (the column to predict)\n`);
  const badOnly = await hyperforce(["table", "build", "--task", "wine", "--out", join(dir, "y.csv"), "--only", "batch_size=7"]);
  assert.equal(badOnly.code, 2);
  assert.equal(
    badOnly.stderr,
    'hyperforce: --only batch_size: "7" is not one of the paper space\'s choices (8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096)\n',
  );
});
