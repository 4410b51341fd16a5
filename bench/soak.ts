// Soak test: N `hyperforce run` processes on one study (TPE, a command objective) for M minutes,
// with a random process SIGKILLed every few seconds and started again, then the invariants:
//   - every trial number exists once (0..n-1), in hyperforce's reading and in Optuna 3.1's;
//   - no finished trial was lost or changed (each one seen during the run is the same at the end);
//   - no trial is left RUNNING once the study is finished, and every FAIL is a trial of a killed
//     process failed as stale, no sooner than the grace period after its last heartbeat (no live
//     trial was failed);
//   - Optuna 3.1 loads the journal (test/storage/optuna_load.py), with the same trials and states.
// Run: node --import tsx bench/soak.ts [--processes 3] [--minutes 5] [--kill-every 15] [--grace 5]
// Writes bench/results/soak.json. Not part of npm test.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { JournalFileStorage } from "../src/storage/journal.ts";
import { STALE_RUNNING_REASON } from "../src/study/attrs.ts";
import { lastSignOfLife } from "../src/study/heartbeat.ts";
import { type FrozenTrial, isFinished } from "../src/trial/types.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} needs a positive number, got ${process.argv[at + 1]}`);
  return value;
}
const processes = flag("processes", 3);
const minutes = flag("minutes", 5);
const killEverySeconds = flag("kill-every", 15);
const graceSeconds = flag("grace", 5);
const intervalSeconds = graceSeconds / 10;
const STUDY = "soak";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const dir = mkdtempSync(join(tmpdir(), "hyperforce-soak-"));
const journal = join(dir, "soak.jsonl");
const space = join(dir, "space.json");
writeFileSync(space, JSON.stringify({ x: { type: "float", low: -5, high: 5 }, n: { type: "int", low: 1, high: 8 } }));

function runArgs(trials: number): string[] {
  return [
    "--import",
    "tsx",
    "src/cli/run.ts",
    "run",
    "--command",
    "sh -c 'sleep 0.$((RANDOM % 4 + 1)); echo hyperforce: value={x}'",
    "--space",
    space,
    "--sampler",
    "tpe",
    "--trials",
    String(trials),
    "--storage",
    journal,
    "--study",
    STUDY,
    "--no-progress",
    "--json",
    "--heartbeat-interval",
    String(intervalSeconds),
    "--grace-period",
    String(graceSeconds),
  ];
}

interface Slot {
  child: ChildProcess;
  exited: Promise<number | NodeJS.Signals | null>;
}

const killedPids = new Set<number>();
let starts = 0;
function start(trials: number): Slot {
  starts++;
  const child = spawn(process.execPath, runArgs(trials), { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.on("exit", (code, signal) => {
      if (signal === null && code !== 0 && code !== 130) console.error(`pid ${child.pid} exited ${code}: ${stderr.trim()}`);
      resolve(signal === null ? code : signal);
    }),
  );
  return { child, exited };
}

// ---- observe: every finished trial, as first seen ----
const reader = { storage: undefined as JournalFileStorage | undefined };
function readTrials(): FrozenTrial[] {
  try {
    reader.storage ??= new JournalFileStorage(journal);
    const study = reader.storage.findStudy(STUDY);
    return study === undefined ? [] : reader.storage.getAllTrials(study.studyId);
  } catch {
    return [];
  }
}
const seenFinished = new Map<number, string>();
const snapshot = (trial: FrozenTrial) =>
  JSON.stringify([trial.state, trial.value ?? null, trial.params, trial.datetimeComplete ?? null, trial.failReason ?? null]);
const violations: string[] = [];
function observe(): FrozenTrial[] {
  const trials = readTrials();
  for (const trial of trials) {
    if (!isFinished(trial.state)) continue;
    const before = seenFinished.get(trial.number);
    const now = snapshot(trial);
    if (before === undefined) seenFinished.set(trial.number, now);
    else if (before !== now) violations.push(`trial ${trial.number} changed after it finished: ${before} -> ${now}`);
  }
  return trials;
}

// ---- run: N processes, random kills and restarts ----
const HUGE = 1_000_000;
const slots: Slot[] = Array.from({ length: processes }, () => start(HUGE));
const startedAt = Date.now();
const endAt = startedAt + minutes * 60_000;
let kills = 0;
let nextKill = startedAt + (0.5 + Math.random()) * killEverySeconds * 1000;
while (Date.now() < endAt) {
  await sleep(250);
  observe();
  if (Date.now() >= nextKill) {
    const index = Math.floor(Math.random() * slots.length);
    const victim = slots[index];
    killedPids.add(victim.child.pid!);
    victim.child.kill("SIGKILL");
    await victim.exited;
    kills++;
    await sleep(Math.random() * 2000); // restart after a moment, as a supervisor would
    slots[index] = start(HUGE);
    nextKill = Date.now() + (0.5 + Math.random()) * killEverySeconds * 1000;
  }
}
// ---- stop: Ctrl-C for every process (running trials finish), then one run to the trials it holds ----
for (const slot of slots) slot.child.kill("SIGINT");
const codes = await Promise.all(slots.map((slot) => slot.exited));
const held = observe().filter((trial) => trial.state !== "WAITING").length;
const finalRun = start(held);
const finalCode = await finalRun.exited;
const trials = observe();

// ---- invariants ----
const check = (ok: boolean, what: string) => {
  if (!ok) violations.push(what);
};
// A process still starting when Ctrl-C comes has no handler yet and dies of the signal: that is a kill too.
check(
  codes.every((code) => code === 130 || code === 0 || code === "SIGINT"),
  `the processes stopped with Ctrl-C (exit 130, 0, or SIGINT while starting), got ${codes.join(", ")}`,
);
check(finalCode === 0, `the final run exits 0, got ${finalCode}`);
check(
  trials.every((trial, i) => trial.number === i),
  "every trial number once, 0..n-1",
);
check(
  trials.every((trial) => trial.state !== "RUNNING"),
  `no trial left RUNNING (${trials.filter((t) => t.state === "RUNNING").length})`,
);
for (const number of seenFinished.keys()) check(number < trials.length, `finished trial ${number} lost`);
const failed = trials.filter((trial) => trial.state === "FAIL");
for (const trial of failed) {
  const pid = (trial.systemAttrs.process as { pid?: number } | undefined)?.pid;
  check(trial.failReason === STALE_RUNNING_REASON, `trial ${trial.number} failed for another reason: ${trial.failReason}`);
  check(pid !== undefined && killedPids.has(pid), `trial ${trial.number} of a live process (pid ${pid}) was failed`);
  const silentMs = trial.datetimeComplete! - lastSignOfLife(trial);
  check(silentMs > graceSeconds * 1000, `trial ${trial.number} failed after only ${silentMs} ms without a heartbeat`);
}
const optunaJson = execFileSync("/usr/bin/python3", [join(ROOT, "test/storage/optuna_load.py"), "load", journal], {
  encoding: "utf8",
  maxBuffer: 256 * 1024 * 1024,
});
const optuna = JSON.parse(optunaJson) as {
  optuna_version: string;
  studies: { name: string; trials: { number: number; state: number }[] }[];
};
const optunaTrials = optuna.studies.find((study) => study.name === STUDY)?.trials ?? [];
const OPTUNA_STATE: Record<number, string> = { 0: "RUNNING", 1: "COMPLETE", 2: "PRUNED", 3: "FAIL", 4: "WAITING" };
check(optunaTrials.length === trials.length, `Optuna reads ${optunaTrials.length} trials, hyperforce ${trials.length}`);
check(
  optunaTrials.every((trial, i) => trial.number === i && OPTUNA_STATE[trial.state] === trials[i]?.state),
  "Optuna reads the same numbers and states",
);

const count = (state: string) => trials.filter((trial) => trial.state === state).length;
const result = {
  date: new Date().toISOString(),
  loadavg: loadavg(),
  settings: { processes, minutes, killEverySeconds, graceSeconds, heartbeatIntervalSeconds: intervalSeconds },
  processStarts: starts,
  stoppedWith: codes,
  kills,
  trials: { total: trials.length, complete: count("COMPLETE"), failed: count("FAIL"), running: count("RUNNING") },
  finishedTrialsWatched: seenFinished.size,
  optunaVersion: optuna.optuna_version,
  violations,
  held: violations.length === 0,
};
mkdirSync(join(ROOT, "bench/results"), { recursive: true });
writeFileSync(join(ROOT, "bench/results/soak.json"), JSON.stringify(result, null, 2) + "\n");
console.log(JSON.stringify(result, null, 2));
rmSync(dir, { recursive: true, force: true });
process.exitCode = violations.length === 0 ? 0 : 1;
