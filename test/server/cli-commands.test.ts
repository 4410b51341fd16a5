// The commands Optuna users look for: best (text and JSON), delete, enqueue, --study left out when
// the storage holds one study, and a trials table that multi-line fail reasons do not break.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { JournalFileStorage } from "../../src/storage/journal.ts";
import { hyperforce } from "../helpers/cli.ts";
import { writeStudy } from "./studies.ts";

const dir = mkdtempSync(join(tmpdir(), "hyperforce-cli-commands-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("best prints the best trial as text or JSON; --study may be left out with one study", async () => {
  const journal = join(dir, "one.jsonl");
  writeStudy(journal, "only", 20);
  const storage = new JournalFileStorage(journal);
  const trials = storage.getAllTrials(storage.findStudy("only")!.studyId).filter((trial) => trial.state === "COMPLETE");
  storage.close();
  const best = trials.reduce((a, b) => (b.value! < a.value! ? b : a));
  const [json, text, table] = await Promise.all([
    hyperforce(["best", "--storage", journal, "--json"]),
    hyperforce(["best", "--storage", journal, "--study", "only"]),
    hyperforce(["trials", "--storage", journal]),
  ]);
  assert.equal(json.code, 0, json.stderr);
  const record = JSON.parse(json.stdout);
  assert.deepEqual([record.study, record.number, record.value, record.params], ["only", best.number, best.value, best.params]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, new RegExp(`^study only \\(minimize\\)\\nbest trial #${best.number}: value \\d`));
  assert.match(text.stdout, /\n {2}x = /);
  assert.ok(text.stdout.split("\n")[1].length < 40, "the value is rounded for people");
  // 20 trials + header + rule, each trial one line although fail reasons have two.
  assert.equal(table.code, 0, table.stderr);
  const lines = table.stdout.trimEnd().split("\n");
  assert.equal(lines.length, 22);
  assert.match(table.stdout, /diverged at epoch 3 \(\+1 lines\)/);
});

test("with two studies --study is required, naming both; delete removes one; enqueue adds a WAITING trial", async () => {
  const journal = join(dir, "two.jsonl");
  writeStudy(journal, "a", 3);
  writeStudy(journal, "b", 12);
  // Asked before the delete: run beside it, the delete could win the race and leave one study.
  const ambiguous = await hyperforce(["best", "--storage", journal]);
  const [deleted, enqueued, badValue, badChoice] = await Promise.all([
    hyperforce(["delete", "--storage", journal, "--study", "a"]),
    hyperforce(["enqueue", "--storage", journal, "--study", "b", "--param", "x=1.5", "--param", "depth=3", "--param", "optimizer=sgd"]),
    hyperforce(["enqueue", "--storage", journal, "--study", "b", "--param", "depth=2.5"]),
    hyperforce(["enqueue", "--storage", journal, "--study", "b", "--param", "optimizer=rmsprop"]),
  ]);
  assert.equal(ambiguous.code, 2);
  assert.match(ambiguous.stderr, /two\.jsonl holds 2 studies; choose one with --study: a, b/);
  assert.equal(deleted.code, 0, deleted.stderr);
  assert.match(deleted.stdout, /deleted study "a" \(3 trials\)/);
  assert.equal(enqueued.code, 0, enqueued.stderr);
  assert.match(enqueued.stdout, /enqueued trial #12 of study "b": x=1\.5, depth=3, optimizer=sgd/);
  assert.equal(badValue.code, 2);
  assert.match(badValue.stderr, /--param depth=2\.5: depth is an integer/);
  assert.equal(badChoice.code, 2);
  assert.match(badChoice.stderr, /--param optimizer=rmsprop: optimizer is one of adam, sgd/);
  const storage = new JournalFileStorage(journal);
  assert.deepEqual(
    storage.listStudies().map((study) => study.name),
    ["b"],
  );
  const waiting = storage.getAllTrials(storage.findStudy("b")!.studyId).filter((trial) => trial.state === "WAITING");
  storage.close();
  assert.equal(waiting.length, 1);
  assert.deepEqual(waiting[0].systemAttrs.fixed_params, { x: 1.5, depth: 3, optimizer: "sgd" });
  const gone = await hyperforce(["best", "--storage", journal, "--study", "a"]);
  assert.equal(gone.code, 2);
  assert.match(gone.stderr, /no study named "a" in .*two\.jsonl; it holds: b/);
});
