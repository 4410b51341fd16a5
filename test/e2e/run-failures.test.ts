// Failures are loud (issue 14 item 3): a run whose every trial failed exits 1 naming the most common
// reason; a program that is not there, a module that does not load or lacks its export, and an
// objective that gives no number are found before (or at) the first trial and exit 2.
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { JournalFileStorage } from "../../src/storage/journal.ts";
import { type CliOutcome, hyperforce } from "../helpers/cli.ts";

const dir = mkdtempSync(join(tmpdir(), "hyperforce-failures-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
const space = join(dir, "space.json");
writeFileSync(space, JSON.stringify({ x: { type: "float", low: 0, high: 1 } }));
let runs = 0;
const storage = () => join(dir, `s${runs++}.jsonl`);
const RUN = ["run", "--space", space, "--no-progress", "--sampler", "random"];

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function lastLine(outcome: CliOutcome): string {
  return outcome.stderr.trim().split("\n").at(-1) ?? "";
}

test("a run whose every trial failed exits 1 with the most common reason and its count", async () => {
  const failing = file(
    "failing.mjs",
    "export function objective(trial) { trial.suggestFloat('x', 0, 1);" +
      " throw new Error(trial.number === 1 ? 'weird one' : 'CUDA out of memory'); }\n",
  );
  const journal = storage();
  const outcome = await hyperforce([...RUN, "--objective", `${failing}#objective`, "--trials", "4", "--storage", journal]);
  assert.equal(outcome.code, 1, outcome.stderr);
  assert.equal(lastLine(outcome), "hyperforce: all 4 trials of this run failed; the most common reason (3 of 4): CUDA out of memory");
  assert.match(outcome.stdout, /4 finished: 0 complete, 4 failed/);
  // Runs with one success are not failures, however many others failed.
  const flaky = file(
    "flaky.mjs",
    "export function objective(trial) { const x = trial.suggestFloat('x', 0, 1);" +
      " if (trial.number !== 2) throw new Error('no'); return x; }\n",
  );
  const mixed = await hyperforce([...RUN, "--objective", `${flaky}#objective`, "--trials", "4", "--storage", storage()]);
  assert.equal(mixed.code, 0, mixed.stderr);
});

test("a --command whose program is not there exits 2 before any trial", async () => {
  const notExecutable = file("train.sh", "#!/bin/sh\necho 'hyperforce: value=1'\n");
  chmodSync(notExecutable, 0o644);
  const cases: [string, RegExp][] = [
    ["no-such-program-hf14 --x {x}", /^hyperforce: --command: the program "no-such-program-hf14" is not found on PATH/],
    [`${join(dir, "missing.sh")} {x}`, /^hyperforce: --command: the program .*missing\.sh cannot be run: no such file/],
    [`${notExecutable} {x}`, /^hyperforce: --command: the program .*train\.sh cannot be run: not an executable file/],
  ];
  const journals = cases.map(() => storage());
  const outcomes = await Promise.all(
    cases.map(([command], i) => hyperforce([...RUN, "--command", command, "--trials", "2", "--storage", journals[i]])),
  );
  for (const [i, outcome] of outcomes.entries()) {
    assert.equal(outcome.code, 2, `${cases[i][0]}: ${outcome.stderr}`);
    assert.match(lastLine(outcome), cases[i][1]);
  }
});

test("a module with a syntax error or without the export exits 2 before any trial", async () => {
  const syntax = file("syntax.mjs", "export function objective(trial) { return trial.suggestFloat('x', 0, 1) +; }\n");
  const good = file("good.mjs", "export function objective(trial) { return trial.suggestFloat('x', 0, 1); }\n");
  const [broken, missingExport] = await Promise.all([
    hyperforce([...RUN, "--objective", `${syntax}#objective`, "--trials", "2", "--storage", storage()]),
    hyperforce([...RUN, "--objective", `${good}#tune`, "--trials", "2", "--storage", storage()]),
  ]);
  assert.equal(broken.code, 2, broken.stderr);
  assert.match(
    lastLine(broken),
    /^hyperforce: module objective ".*syntax\.mjs#objective": importing .*syntax\.mjs failed: .*Unexpected token/,
  );
  assert.equal(missingExport.code, 2, missingExport.stderr);
  assert.match(lastLine(missingExport), /^hyperforce: module objective ".*good\.mjs#tune": .*good\.mjs has no export named "tune"/);
});

test("an objective that gives no number stops the run at its first trial with exit 2", async () => {
  const text = file("text.mjs", "export function objective(trial) { return String(trial.suggestFloat('x', 0, 1)); }\n");
  const journal = storage();
  const [module, command] = await Promise.all([
    hyperforce([...RUN, "--objective", `${text}#objective`, "--trials", "5", "--storage", journal]),
    hyperforce([...RUN, "--command", "node -e 0 {x}", "--trials", "5", "--storage", storage()]),
  ]);
  assert.equal(module.code, 2, module.stderr);
  assert.match(
    lastLine(module),
    /^hyperforce: the objective gave no number in the run's first trial \(#0\): objective returned a string \("0\.\d+"\), not a number; /,
  );
  const trials = new JournalFileStorage(journal);
  assert.equal(trials.getAllTrials(trials.listStudies()[0].studyId).length, 1, "no trial after the first");
  assert.equal(command.code, 2, command.stderr);
  assert.match(lastLine(command), /gave no number in the run's first trial \(#0\): node printed no result line/);
});
