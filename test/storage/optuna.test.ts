// Round trips with real Optuna (Debian's python3-optuna, run by /usr/bin/python3): a journal
// written by hyperforce is loaded by Optuna, and one written by Optuna is read (and continued) by
// hyperforce. Skipped, with the reason, where Optuna is not installed.

import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { Distribution } from "../../src/space/types.ts";
import { JournalFileStorage } from "../../src/storage/journal.ts";
import { assertSameAsOptuna, continueOptunaStudies, optuna, PYTHON, SCRIPT, skip, writeAndLoadInOptuna } from "./optuna-compare.ts";
import { startTogether } from "./start-together.ts";

const dir = mkdtempSync(join(tmpdir(), "hyperforce-optuna-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

test("Optuna loads a journal written by hyperforce, every field equal", { skip }, () => {
  const path = join(dir, "hyperforce-written.jsonl");
  writeAndLoadInOptuna(new JournalFileStorage(path), path);
});

test("hyperforce reads a journal written by Optuna and continues it; Optuna reads the result", { skip }, () => {
  const path = join(dir, "optuna-written.jsonl");
  continueOptunaStudies(path, () => new JournalFileStorage(path));
});

test("Optuna and hyperforce appending to one journal at once exclude each other through the lock", { skip }, async () => {
  const path = join(dir, "mixed.jsonl");
  const s = new JournalFileStorage(path);
  const id = s.createStudy("mixed", "minimize");
  await startTogether([
    [PYTHON, [SCRIPT, "append", path, "mixed", "40"]],
    [process.execPath, ["--import", "tsx", join(import.meta.dirname, "journal-writer.ts"), path, "mixed", "40", "hyperforce", "40"]],
  ]);
  // Both wrote while the other was writing: their lines interleave.
  const writers = readFileSync(path, "utf8")
    .trim()
    .split("\n")
    .map((line) => (JSON.parse(line) as { worker_id: string }).worker_id);
  const switches = writers.filter((w, i) => i > 1 && w !== writers[i - 1]).length;
  assert.ok(switches >= 4, `the writers did not overlap (${switches} switches)`);
  const trials = s.getAllTrials(id);
  assert.equal(trials.length, 80);
  assert.deepEqual(
    trials.map((t) => t.number),
    Array.from({ length: 80 }, (_, i) => i),
  );
  assert.ok(trials.every((t) => t.state === "COMPLETE" && t.value === t.params.i));
  assert.equal(trials.filter((t) => t.systemAttrs.writer === "optuna").length, 40);
  assertSameAsOptuna(s, optuna("load", path));
});

test("Optuna loads ordered numeric choices as a categorical of the numbers; hyperforce reads them back as ordered", { skip }, () => {
  const path = join(dir, "ordered.jsonl");
  const s = new JournalFileStorage(path);
  const id = s.createStudy("ordered", "minimize");
  const rate: Distribution = { type: "float", choices: [1e-5, 3e-5, 1e-4, 3e-4], log: true };
  const batch: Distribution = { type: "int", choices: [8, 16, 32] };
  const n = s.createTrial(id);
  s.setTrialParam(id, n, "rate", 3e-5, rate);
  s.setTrialParam(id, n, "batch", 32, batch);
  s.setTrialStateValue(id, n, "COMPLETE", 0.5);
  const [theirs] = optuna("load", path).studies[0].trials;
  assert.deepEqual(theirs.params, { rate: 3e-5, batch: 32 });
  assert.deepEqual(theirs.distributions, {
    rate: { name: "CategoricalDistribution", attributes: { choices: [1e-5, 3e-5, 1e-4, 3e-4] } },
    batch: { name: "CategoricalDistribution", attributes: { choices: [8, 16, 32] } },
  });
  const reread = new JournalFileStorage(path).getAllTrials(id)[0];
  assert.deepEqual(reread.distributions, { rate, batch });
  assert.deepEqual(reread.params, { rate: 3e-5, batch: 32 });
});
