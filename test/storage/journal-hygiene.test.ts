// Journal hygiene (issue 14 item 4): torn bytes at the end of a journal are kept in a side file,
// never silently dropped; a lock is broken only when its holder is provably gone, else after the
// timeout with a warning, and never while a real Optuna writer holds it.
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { appendFileSync, existsSync, lstatSync, lutimesSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { basename, join } from "node:path";
import { test } from "node:test";
import { JournalFileStorage } from "../../src/storage/journal.ts";
import { bootId, pidNamespace, startTicks } from "../../src/storage/process-identity.ts";

const PYTHON = "/usr/bin/python3";
const hasOptuna = spawnSync(PYTHON, ["-c", "import optuna"]).status === 0;
const noOptuna = hasOptuna ? false : `Optuna is not installed for ${PYTHON} (apt-get install -y python3-optuna)`;

const dir = mkdtempSync(join(tmpdir(), "hyperforce-hygiene-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const freshPath = () => join(dir, `j-${files++}.jsonl`);
const HERE = `${hostname()} ${bootId()} ${pidNamespace()}`;

/** The warnings process.emitWarning gave while `work` ran (they are emitted on the next tick). */
async function warningsOf(work: () => void): Promise<Array<{ code?: string; message: string }>> {
  const seen: Array<{ code?: string; message: string }> = [];
  const listener = (warning: Error & { code?: string }) => seen.push({ code: warning.code, message: warning.message });
  process.on("warning", listener);
  try {
    work();
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off("warning", listener);
  }
  return seen;
}

function lstatExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function timed(work: () => void): number {
  const t0 = Date.now();
  work();
  return Date.now() - t0;
}

test("torn bytes at the end are moved to <journal>.torn-<time>, with one warning per storage", async () => {
  const path = freshPath();
  const s = new JournalFileStorage(path);
  const id = s.createStudy("torn", "minimize");
  s.createTrial(id);
  const torn = ['{"op_code":4,"worker_id":"dead","study_id":0,"datet', '{"op_code": 5, "not json'];
  const journal = new JournalFileStorage(path);
  const warnings = await warningsOf(() => {
    for (const bytes of torn) {
      appendFileSync(path, bytes); // a writer killed mid-line
      journal.createTrial(id);
    }
  });
  const sides = readdirSync(dir)
    .filter((name) => name.startsWith(`${basename(path)}.torn-`))
    .sort();
  assert.equal(sides.length, 2);
  assert.deepEqual(sides.map((name) => readFileSync(join(dir, name), "utf8")).sort(), [...torn].sort());
  const mine = warnings.filter((w) => w.code === "HYPERFORCE_JOURNAL_TORN");
  assert.equal(mine.length, 1, "warned once");
  assert.match(mine[0].message, /ended in \d+ bytes of a write cut short .*moved to .*\.torn-/);
  const lines = readFileSync(path, "utf8").trim().split("\n");
  assert.equal(lines.length, 4);
  for (const line of lines) JSON.parse(line);
  s.sync();
  assert.equal(s.getAllTrials(id).length, 3);
});

test("Optuna loads a journal whose torn end was moved aside", { skip: noOptuna }, () => {
  const path = freshPath();
  const s = new JournalFileStorage(path);
  const id = s.createStudy("torn", "minimize");
  s.createTrial(id);
  appendFileSync(path, '{"op_code":4,"worker_id":"de');
  s.setTrialStateValue(id, 0, "COMPLETE", 1.5);
  const script =
    "import sys, optuna; st = optuna.storages.JournalStorage(optuna.storages.JournalFileStorage(sys.argv[1]));" +
    "print([t.value for t in optuna.load_study(study_name='torn', storage=st).trials])";
  const run = spawnSync(PYTHON, ["-c", script, path], { encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout.trim(), "[1.5]");
});

test("a lock whose holder is provably gone is broken at once: a SIGKILLed holder, a pid now another process", async () => {
  const path = freshPath();
  const s = new JournalFileStorage(path, { staleMs: 60_000 });
  const lock = `${path}.lock`;
  // A real holder, killed while it holds the lock.
  const fileLock = JSON.stringify(join(import.meta.dirname, "../../src/storage/file-lock.ts"));
  const holder = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "--input-type=module",
      "-e",
      `import { FileLock } from ${fileLock}; new FileLock(${JSON.stringify(path)}).acquire(); console.log("held");` +
        "setInterval(() => {}, 1000);",
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  await new Promise<void>((resolve) => holder.stdout.once("data", () => resolve()));
  holder.kill("SIGKILL");
  await new Promise((resolve) => holder.on("exit", resolve));
  assert.ok(existsSync(lock));
  assert.ok(timed(() => s.createStudy("a", "minimize")) < 1000, "a killed holder's lock is broken at once");
  // Our own pid, but with another start time: the pid was reused by another process.
  writeFileSync(lock, `${process.pid} ${HERE} ${Number(startTicks("self")) - 1}\n`);
  assert.ok(timed(() => s.createStudy("b", "minimize")) < 1000, "a reused pid's lock is broken at once");
  assert.equal(existsSync(lock), false);
  assert.deepEqual(
    s.listStudies().map((x) => x.name),
    ["a", "b"],
  );
});

test("a lock that cannot be judged (another host, an older format) is broken only after staleMs, with a warning", async () => {
  const path = freshPath();
  const s = new JournalFileStorage(path, { staleMs: 700 });
  const lock = `${path}.lock`;
  for (const [label, content] of [
    ["another host", `999999999 some-other-host ${bootId()} ${pidNamespace()} 1\n`],
    ["another boot", `999999999 ${hostname()} 00000000-0000-0000-0000-000000000000 ${pidNamespace()} 1\n`],
    ["older hyperforce, no boot id", `${process.pid} ${hostname()}\n`],
  ]) {
    writeFileSync(lock, content);
    let waited = 0;
    const warnings = await warningsOf(() => {
      waited = timed(() => s.createStudy(label, "minimize"));
    });
    assert.ok(waited >= 600, `${label}: broken after ${waited} ms, before staleMs`);
    assert.ok(
      warnings.some((w) => w.code === "HYPERFORCE_LOCK_BROKEN" && w.message.includes(lock)),
      `${label}: no warning`,
    );
  }
  assert.equal(s.listStudies().length, 3);
});

/**
 * Starts Optuna 3.1 writing a study into the journal with its own lock (open or symlink), made to
 * hold the lock `holdSeconds` inside its append (a slow fsync). Resolves once the lock is held.
 */
async function optunaHoldingLock(path: string, lockClass: string, holdSeconds: number): Promise<ChildProcess> {
  const script = `
import os, sys, time, optuna
real_fsync = os.fsync
def slow_fsync(fd):
    print("held", flush=True)
    time.sleep(${holdSeconds})
    real_fsync(fd)
os.fsync = slow_fsync
backend = optuna.storages.JournalFileStorage(sys.argv[1], lock_obj=optuna.storages.${lockClass}(sys.argv[1]))
optuna.create_study(study_name="optuna-side", storage=optuna.storages.JournalStorage(backend))
print("done", flush=True)
`;
  const child = spawn(PYTHON, ["-W", "ignore", "-c", script, path], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once("data", () => resolve());
    child.on("exit", (code) => reject(new Error(`Optuna exited ${code} before taking the lock`)));
  });
  return child;
}

for (const lockClass of ["JournalFileOpenLock", "JournalFileSymlinkLock"]) {
  test(`a live Optuna writer's lock (${lockClass}) is never broken, however old; a killed one's only after staleMs`, {
    skip: noOptuna,
    timeout: 60_000,
  }, async () => {
    const path = freshPath();
    const s = new JournalFileStorage(path, { staleMs: 200 });
    const lock = `${path}.lock`;
    const alive = await optunaHoldingLock(path, lockClass, 1.5);
    const old = new Date(Date.now() - 3_600_000);
    lutimesSync(lock, old, old); // an hour old: only the journal it holds open says it is alive
    let output = "";
    alive.stdout!.on("data", (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => alive.on("exit", resolve));
    const waited = timed(() => s.createStudy("hyperforce-side", "minimize"));
    assert.equal(await exited, 0, "Optuna finished its write without losing its lock");
    assert.match(output, /done/);
    assert.ok(waited >= 1000, `waited only ${waited} ms for a live Optuna writer`);
    s.sync();
    assert.deepEqual(
      s
        .listStudies()
        .map((x) => x.name)
        .sort(),
      ["hyperforce-side", "optuna-side"],
    );

    // Killed while it holds the lock: nothing names or holds it any more; broken after staleMs.
    const path2 = freshPath();
    const s2 = new JournalFileStorage(path2, { staleMs: 500 });
    const killed = await optunaHoldingLock(path2, lockClass, 30);
    killed.kill("SIGKILL");
    await new Promise((resolve) => killed.on("exit", resolve));
    assert.ok(existsSync(path2 + ".lock") || lstatExists(path2 + ".lock"), "the killed writer left its lock");
    const warnings = await warningsOf(() => s2.createStudy("after-kill", "minimize"));
    assert.ok(warnings.some((w) => w.code === "HYPERFORCE_LOCK_BROKEN" && w.message.includes("an Optuna lock")));
    // (Optuna was killed in its fsync, after its write: its study line is there too.)
    assert.deepEqual(
      s2.listStudies().map((x) => x.name),
      ["optuna-side", "after-kill"],
    );
  });
}
