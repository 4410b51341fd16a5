// 4 `hyperforce run` processes on one study in Redis and in PostgreSQL, each asking for trials until the
// study holds 100 (the target is checked as each trial is created): exactly 100 trials, numbered 0-99
// once each, all COMPLETE, none RUNNING; and Optuna 3.1 loads the same 100.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { PostgresStorage } from "../../src/storage/postgres/storage.ts";
import { fromPythonJson } from "../../src/storage/python-json.ts";
import { RedisJournalStorage } from "../../src/storage/redis-journal.ts";
import type { Storage } from "../../src/storage/storage.ts";
import { hyperforce } from "../helpers/cli.ts";
import { type OptunaDump, PYTHON, SCRIPT, skip } from "./optuna-compare.ts";
import { cleanUp, createTestDatabase, freshPostgresUrl, freshRedisUrl } from "./servers.ts";

await createTestDatabase(1);
const dir = mkdtempSync(join(tmpdir(), "hyperforce-many-servers-"));
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await cleanUp();
});
const space = join(dir, "space.json");
writeFileSync(space, JSON.stringify({ x: { type: "float", low: -5, high: 5 } }));

async function fourProcesses(url: string, open: () => Storage): Promise<void> {
  const args = ["run", "--command", "sh -c 'echo hyperforce: value={x}'", "--space", space, "--sampler", "random"];
  args.push("--trials", "100", "--storage", url, "--study", "many", "--no-progress", "--seed", "1");
  const outcomes = await Promise.all(Array.from({ length: 4 }, () => hyperforce(args)));
  for (const outcome of outcomes) assert.equal(outcome.code, 0, outcome.stderr);
  const storage = open();
  try {
    const study = storage.findStudy("many");
    assert.ok(study);
    const trials = storage.getAllTrials(study.studyId);
    assert.deepEqual(
      trials.map((t) => t.number),
      Array.from({ length: 100 }, (_, i) => i),
    );
    assert.ok(trials.every((t) => t.state === "COMPLETE" && t.value === t.params.x));
    // Every process ran some of them (they shared the study rather than one running all).
    const pids = new Set(trials.map((t) => (t.systemAttrs.process as { pid?: number } | undefined)?.pid));
    assert.ok(pids.size >= 2, `only ${pids.size} process(es) ran trials`);
    if (skip !== false) return;
    const run = spawnSync(PYTHON, [SCRIPT, "load", url], { encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
    const loaded = (fromPythonJson(run.stdout) as OptunaDump).studies.find((s) => s.name === "many");
    assert.deepEqual(
      loaded?.trials.map((t) => [t.number, t.state, t.values?.[0]]),
      trials.map((t) => [t.number, 1, t.value]),
    );
  } finally {
    storage.close?.();
  }
}

test("redis: 4 processes x 25 trials on one study end with exactly 100 COMPLETE trials, numbered 0-99", { timeout: 300_000 }, async () => {
  const url = freshRedisUrl();
  await fourProcesses(url, () => new RedisJournalStorage(url));
});

test("postgres: 4 processes x 25 trials on one study end with exactly 100 COMPLETE trials, numbered 0-99", {
  timeout: 300_000,
}, async () => {
  const url = freshPostgresUrl();
  await fourProcesses(url, () => new PostgresStorage(url));
});
