// No accepted-but-ignored flag (issue 14 item 7): --epochs and --split-seed only where a task trains,
// --log-dir only with --command, and a --space naming parameters a built-in task does not read are
// usage errors naming the flag.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { RunConfig } from "../../src/cli/run-config.ts";
import { planRun } from "../../src/cli/run-setup.ts";
import { hyperforce } from "../helpers/cli.ts";

const dir = mkdtempSync(join(tmpdir(), "hyperforce-run-flags-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
const table = join(dir, "wine-table.csv");
writeFileSync(table, "learning_rate,weight_decay,batch_size,hidden_units,seed,validation_loss,test_loss\n");
const module = join(dir, "tune.mjs");
writeFileSync(module, "export function objective(trial) { return trial.suggestFloat('x', 0, 1); }\n");
const data = join(dir, "data.csv");
writeFileSync(data, `a,y\n${Array.from({ length: 12 }, (_, i) => `${i},${i * 2}`).join("\n")}\n`);
const lrSpace = join(dir, "lr.json");
writeFileSync(lrSpace, JSON.stringify({ lr: { type: "float", low: 1e-5, high: 1, log: true } }));
const xSpace = { x: { type: "float", low: 0, high: 1 } };

function usageError(config: RunConfig, message: RegExp): void {
  assert.throws(
    () => planRun(config),
    (error: Error) => {
      assert.equal(error.name, "UsageError", `${JSON.stringify(config)}: ${error.message}`);
      assert.match(error.message, message);
      return true;
    },
  );
}

test("--epochs and --split-seed apply only to tasks that train; --log-dir only to --command", () => {
  usageError({ task: `table:${table}`, epochs: 3 }, /^--epochs applies to --task wine, letter or csv:FILE/);
  usageError({ task: `table:${table}`, splitSeed: 7 }, /^--split-seed applies to --task wine, letter or csv:FILE/);
  usageError({ objective: `${module}#objective`, space: xSpace, epochs: 3 }, /^--epochs applies to/);
  usageError({ command: "echo {x}", space: xSpace, splitSeed: 1 }, /^--split-seed applies to/);
  usageError({ task: "wine", logDir: dir }, /^--log-dir applies to --command/);
  usageError({ task: `table:${table}`, logDir: dir }, /^--log-dir applies to --command/);
  // Where they are used they are accepted.
  assert.equal(planRun({ task: "wine", epochs: 3, splitSeed: 7 }).objective.kind, "task");
  assert.equal(planRun({ task: `csv:${data}`, target: "y", epochs: 2, splitSeed: 1 }).objective.kind, "csv");
  assert.equal(planRun({ command: "echo {x}", space: xSpace, logDir: dir }).objective.kind, "command");
});

test("a --space naming parameters a built-in task does not read is refused, naming them and the task's parameters", () => {
  const expected =
    /^--space names lr, which the task wine does not use; its parameters: learning_rate, weight_decay, batch_size, hidden_units$/;
  usageError({ task: "wine", space: lrSpace }, expected);
  usageError({ task: `table:${table}`, space: { lr: { type: "float", low: 0.1, high: 1 } } }, /^--space names lr, which the task table:/);
  usageError(
    {
      task: `csv:${data}`,
      target: "y",
      space: { learning_rate: { type: "float", low: 1e-4, high: 1e-1, log: true }, units: { type: "int", low: 2, high: 8 } },
    },
    /^--space names units, /,
  );
  // A part of the task's space is fine: the task samples the rest itself.
  const part = { learning_rate: { type: "float", low: 1e-4, high: 1e-1, log: true } };
  assert.deepEqual(Object.keys(planRun({ task: "wine", space: part }).space ?? {}), ["learning_rate"]);
  assert.equal(Object.keys(planRun({ task: "letter", space: "paper" }).space ?? {}).length, 4);
});

test("hyperforce run with an ignored flag exits 2 with one line naming it", async () => {
  const outcome = await hyperforce(["run", "--task", "wine", "--space", lrSpace, "--trials", "1", "--storage", join(dir, "s.jsonl")]);
  assert.equal(outcome.code, 2, outcome.stderr);
  assert.match(outcome.stderr, /^hyperforce: --space names lr, which the task wine does not use; /);
  assert.equal(outcome.stderr.trim().split("\n").length, 1);
});
