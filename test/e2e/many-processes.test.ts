import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { JournalFileStorage } from "../../src/storage/journal.ts";
import { STALE_RUNNING_REASON } from "../../src/study/attrs.ts";
import { lastSignOfLife } from "../../src/study/heartbeat.ts";
import { type FrozenTrial, isFinished } from "../../src/trial/types.ts";
import { hyperforce, startHyperforce } from "../helpers/cli.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const GRACE_MS = 5000;
const INTERVAL_MS = 200;

const readers = new Map<string, JournalFileStorage>();

/** The study's trials as the journal holds them now (one reader per file, so each poll reads only new lines). */
function readTrials(journal: string, study: string): FrozenTrial[] {
  if (!existsSync(journal)) return [];
  let reader = readers.get(journal);
  if (reader === undefined) {
    reader = new JournalFileStorage(journal);
    readers.set(journal, reader);
  }
  const found = reader.findStudy(study);
  return found === undefined ? [] : reader.getAllTrials(found.studyId);
}

const children: ChildProcess[] = [];
// A test that times out skips its finally block: no child may outlive the file.
after(() => {
  for (const child of children) child.kill("SIGKILL");
});

function started(args: string[]) {
  const child = startHyperforce(args);
  children.push(child);
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, output: () => output };
}

const pidOf = (trial: FrozenTrial) => (trial.systemAttrs.process as { pid?: number } | undefined)?.pid;

test("4 processes x 25 TPE trials on one journal, one SIGKILLed and restarted: 100 trials, " +
  "only the dead one's trial failed, after the grace period", {
  timeout: 120_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), "hyperforce-many-"));
  const journal = join(dir, "study.jsonl");
  const space = join(dir, "space.json");
  writeFileSync(space, JSON.stringify({ x: { type: "float", low: -5, high: 5 } }));
  const args = [
    "run",
    "--command",
    "sh -c 'sleep 0.15; echo hyperforce: value={x}'",
    "--space",
    space,
    "--sampler",
    "tpe",
    "--trials",
    "100",
    "--storage",
    journal,
    "--study",
    "many",
    "--no-progress",
    "--json",
    "--heartbeat-interval",
    String(INTERVAL_MS / 1000),
    "--grace-period",
    String(GRACE_MS / 1000),
  ];
  const processes: ReturnType<typeof started>[] = [];
  try {
    for (let i = 0; i < 4; i++) processes.push(started(args));
    const victim = processes[0];
    // Kill the first process while it runs a trial, once the study is under way.
    let before: FrozenTrial[] = [];
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      before = readTrials(journal, "many");
      const complete = before.filter((trial) => trial.state === "COMPLETE").length;
      if (complete >= 20 && before.some((trial) => trial.state === "RUNNING" && pidOf(trial) === victim.child.pid)) break;
      await sleep(50);
    }
    victim.child.kill("SIGKILL");
    const killedAt = Date.now();
    assert.equal((await victim.exited).signal, "SIGKILL", `the victim ended before the kill:\n${victim.output()}`);
    before = readTrials(journal, "many");
    const orphans = before.filter((trial) => trial.state === "RUNNING" && pidOf(trial) === victim.child.pid);
    assert.equal(orphans.length, 1, "the killed process left its trial RUNNING");
    const completeBefore = before.filter((trial) => trial.state === "COMPLETE");
    assert.ok(completeBefore.length < 95, `killed mid-way (${completeBefore.length} complete)`);

    const restarted = started(args);
    processes.push(restarted);
    // While the grace period runs, the orphan stays RUNNING (nobody can tell it from a slow live trial).
    await sleep(GRACE_MS / 2);
    assert.equal(readTrials(journal, "many")[orphans[0].number].state, "RUNNING", "failed before its grace period ended");

    for (const [index, process] of processes.entries()) {
      if (process === victim) continue;
      const outcome = await process.exited;
      assert.deepEqual(outcome, { code: 0, signal: null }, `process ${index} failed:\n${process.output()}`);
    }
    const after = readTrials(journal, "many");
    assert.deepEqual(
      after.map((trial) => trial.number),
      Array.from({ length: 100 }, (_, i) => i),
      "exactly 100 trials, numbered once each",
    );
    assert.equal(after.filter((trial) => isFinished(trial.state)).length, 100, "every trial finished");
    for (const trial of completeBefore) {
      assert.deepEqual([after[trial.number].state, after[trial.number].value], ["COMPLETE", trial.value], `trial ${trial.number} kept`);
    }
    // No live trial was ever failed: the only FAIL is the dead process's trial, failed after its grace period.
    const failed = after.filter((trial) => trial.state === "FAIL");
    assert.deepEqual(
      failed.map((trial) => trial.number),
      [orphans[0].number],
    );
    const orphan = failed[0];
    assert.equal(orphan.failReason, STALE_RUNNING_REASON);
    assert.ok(orphan.datetimeComplete! - lastSignOfLife(orphan) > GRACE_MS, "failed only once its heartbeat was older than the grace");
    assert.ok(orphan.datetimeComplete! > killedAt, "failed after the kill");
    const pids = new Set(after.map(pidOf));
    assert.equal(pids.size, 5, "all five processes ran trials");
  } finally {
    for (const process of processes) process.child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a second controller of a reinforce study is refused, naming the holder; it takes over once the lease is stale", {
  timeout: 120_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), "hyperforce-lease-"));
  const journal = join(dir, "study.jsonl");
  const space = join(dir, "space.json");
  writeFileSync(space, JSON.stringify({ x: { type: "int", low: 0, high: 99 }, y: { type: "int", low: 0, high: 99 } }));
  const args = (trials: number) => [
    "run",
    "--command",
    "sh -c 'sleep 0.1; echo hyperforce: value={x}'",
    "--space",
    space,
    "--sampler",
    "reinforce",
    "--trials",
    String(trials),
    "--storage",
    journal,
    "--study",
    "rl",
    "--no-progress",
    "--json",
    "--heartbeat-interval",
    "0.2",
    "--grace-period",
    "5",
    // Bounds a run that is wrongly let through, so the test fails instead of hanging.
    "--timeout",
    "60",
  ];
  const first = started(args(100000));
  try {
    while (readTrials(journal, "rl").filter((trial) => trial.state === "COMPLETE").length < 3) {
      assert.equal(first.child.exitCode, null, first.output());
      await sleep(20);
    }
    const second = await hyperforce(args(100000));
    assert.equal(second.code, 2, second.stderr);
    const message = second.stderr.trim();
    assert.match(message, /study "rl" is controlled by another process/);
    assert.match(message, new RegExp(`pid ${first.child.pid}`));
    assert.match(message, /host \S+, pid \d+, since \d{4}-\d\d-\d\dT/);
    assert.match(message, /its lease is stale once it has had no heartbeat for 5 s/);
    assert.equal(message.split("\n").length, 1, "one line");
    // The holder keeps running, unharmed.
    assert.equal(first.child.exitCode, null);

    first.child.kill("SIGKILL");
    await first.exited;
    // Once the lease is stale, the same command takes the study over (test/study/lease.test.ts checks the refusal until then).
    await sleep(5200);
    const held = readTrials(journal, "rl").length;
    const takeover = await hyperforce(args(held + 3));
    assert.equal(takeover.code, 0, takeover.stderr);
    const trials = readTrials(journal, "rl");
    assert.equal(trials.filter((trial) => isFinished(trial.state)).length, held + 3);
    assert.ok(trials.every((trial) => trial.state !== "RUNNING"));
  } finally {
    first.child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
});
