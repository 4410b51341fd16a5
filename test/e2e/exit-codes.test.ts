// The command's exit code follows the error's class, not where it was thrown: a bad flag, config
// field or data file is 2 (the user fixes the command), a storage or objective failure is 1.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { type CliOutcome, hyperforce } from "../helpers/cli.ts";

const temp = () => mkdtempSync(join(tmpdir(), "hyperforce-exit-"));

/** Exactly one stderr line, matching `line`, and the exit code. */
function assertFailure(outcome: CliOutcome, code: number, line: RegExp): void {
  assert.equal(outcome.code, code, `exit code (stderr: ${outcome.stderr})`);
  const lines = outcome.stderr.trim().split("\n");
  assert.equal(lines.length, 1, outcome.stderr);
  assert.match(lines[0], line);
}

/** A space for a command objective: checking it loads nothing heavy, so the run reaches the storage fast. */
function commandRun(dir: string, storage: string): string[] {
  const space = join(dir, "space.json");
  writeFileSync(space, JSON.stringify({ x: { type: "float", low: 0, high: 1 } }));
  return ["run", "--command", "node -e 0 {x}", "--space", space, "--trials", "1", "--storage", storage, "--no-progress"];
}

test("a journal path whose parent is a regular file: exit 1 with the storage error (it was 2 inside createStudy)", async () => {
  const dir = temp();
  const file = join(dir, "plain-file");
  writeFileSync(file, "not a folder\n");
  const storage = join(file, "study.jsonl");
  const outcome = await hyperforce(commandRun(dir, storage));
  const quoted = file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  assertFailure(outcome, 1, new RegExp(`^hyperforce: cannot create the folder ${quoted} of journal file ${quoted}/study\\.jsonl: E[A-Z]+`));
});

test("a corrupt journal is a storage failure: exit 1 naming the file and the line", async () => {
  const dir = temp();
  const journal = join(dir, "corrupt.jsonl");
  writeFileSync(journal, '{"op_code": 0, "worker_id": "w", "study_name": "a", "directions": [1]}\n{broken\n{"op_code": 99}\n');
  const [trials, run] = await Promise.all([
    hyperforce(["trials", "--storage", journal, "--study", "a"]),
    hyperforce(commandRun(dir, journal)),
  ]);
  assertFailure(trials, 1, /^hyperforce: journal file .*corrupt\.jsonl line 2 is not valid JSON/);
  assertFailure(run, 1, /^hyperforce: journal file .*corrupt\.jsonl line 2 is not valid JSON/);
});

test("a bad flag is exit 2", async () => {
  const [unknown, value] = await Promise.all([
    hyperforce(["run", "--task", "wine", "--trails", "3"]),
    hyperforce(["run", "--task", "wine", "--workers", "many"]),
  ]);
  assertFailure(unknown, 2, /^hyperforce: unknown option '--trails'/);
  assertFailure(value, 2, /^hyperforce: --workers must be a number, got "many"$/);
});

test("a bad config field is exit 2, naming the file and the field", async () => {
  const dir = temp();
  const config = join(dir, "study.yaml");
  writeFileSync(config, "task: wine\ntrials: -4\n");
  assertFailure(await hyperforce(["run", "--config", config]), 2, /^hyperforce: .*study\.yaml: invalid field trials: /);
});

test("a CSV with a bad value is exit 2, naming the file and the line", async () => {
  const dir = temp();
  const csv = join(dir, "prices.csv");
  const rows = Array.from({ length: 20 }, (_, i) => `${i},${(i * 7) % 5},${3 * i + 1}`);
  rows[6] = "6,1,cheap";
  writeFileSync(csv, ["size,rooms,price", ...rows].join("\n") + "\n");
  const storage = join(dir, "s.jsonl");
  const args = ["--target", "price", "--kind", "regression", "--trials", "1", "--storage", storage];
  const outcome = await hyperforce(["run", "--task", `csv:${csv}`, ...args]);
  const line = /^hyperforce: .*prices\.csv, line 8, column 3 \("price"\): the regression target must be a number, found "cheap"$/;
  assertFailure(outcome, 2, line);
});

// Exit 2 since issue 14 (item 3): the run's dry check finds these before any trial, and the user fixes the file.
test("an objective module that does not exist, or fails to import, is exit 2", async () => {
  const dir = temp();
  const storage = join(dir, "s.jsonl");
  const space = join(dir, "space.json");
  writeFileSync(space, JSON.stringify({ x: { type: "float", low: 0, high: 1 } }));
  const broken = join(dir, "broken.mjs");
  writeFileSync(broken, 'import "./not-there.mjs";\nexport function objective(trial) { return trial.suggestFloat("x", 0, 1); }\n');
  const [missing, failing] = await Promise.all([
    hyperforce(["run", "--objective", `${join(dir, "nope.mjs")}#objective`, "--space", space, "--trials", "1", "--storage", storage]),
    hyperforce(["run", "--objective", `${broken}#objective`, "--space", space, "--trials", "1", "--storage", `${storage}.2`]),
  ]);
  assertFailure(missing, 2, /^hyperforce: --objective: no such file .*nope\.mjs$/);
  assertFailure(failing, 2, /^hyperforce: module objective ".*broken\.mjs#objective": importing .*broken\.mjs failed: /);
});
