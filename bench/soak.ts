// Soak test: N `hyperforce run` processes on one study (TPE, a command objective) for M minutes,
// with a random process SIGKILLed every few seconds and started again, then the invariants:
//   - every trial number exists once (0..n-1), in hyperforce's reading and in Optuna 3.1's;
//   - no finished trial was lost or changed (each one seen during the run is the same at the end);
//   - no trial is left RUNNING once the study is finished, and every FAIL is a trial of a killed
//     process failed as stale, no sooner than the grace period after its last heartbeat (no live
//     trial was failed);
//   - Optuna 3.1 loads the journal (test/storage/optuna_load.py), with the same trials and states.
// With --queue-workers K (K > 0), also one `hyperforce run --executor queue` controller on its own study
// ("soak-queue", same journal, own queue in the Redis at 127.0.0.1:6379) and K `hyperforce worker`s;
// a random worker (one time in five the controller) is SIGKILLed every few seconds and restarted.
// The same invariants hold for that study, and: every trial a killed worker held ends (COMPLETE: re-run
// by a worker after BullMQ's stalled-job check; or FAIL: stalled twice), and every FAIL there is either a
// killed worker's stalled trial or a killed controller's stale trial.
// Run: node --import tsx bench/soak.ts [--processes 3] [--queue-workers 0] [--minutes 5] [--kill-every 15] [--grace 5]
// Writes bench/results/soak.json. Not part of npm test.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Queue } from "bullmq";
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
const queueWorkers = flag("queue-workers", 0);
const minutes = flag("minutes", 5);
const killEverySeconds = flag("kill-every", 15);
const graceSeconds = flag("grace", 5);
const intervalSeconds = graceSeconds / 10;
const STUDY = "soak";
const QSTUDY = "soak-queue";
const REDIS = "redis://127.0.0.1:6379";
const QUEUE = `hyperforce-soak-${process.pid}-${Date.now()}`;
const LOCK_MS = 4000; // a killed worker's trial goes back to the queue after this (short trials)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const dir = mkdtempSync(join(tmpdir(), "hyperforce-soak-"));
const journal = join(dir, "soak.jsonl");
const space = join(dir, "space.json");
writeFileSync(space, JSON.stringify({ x: { type: "float", low: -5, high: 5 }, n: { type: "int", low: 1, high: 8 } }));

function runArgs(trials: number, queue = false): string[] {
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
    queue ? QSTUDY : STUDY,
    ...(queue ? ["--executor", "queue", "--redis", REDIS, "--queue", QUEUE, "--workers", String(queueWorkers)] : []),
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
function spawnSlot(args: string[], onStdout?: (line: string) => void): Slot {
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", onStdout ? "pipe" : "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  let partial = "";
  child.stdout?.on("data", (chunk) => {
    const lines = (partial + chunk).split("\n");
    partial = lines.pop()!;
    for (const line of lines) onStdout!(line);
  });
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.on("exit", (code, signal) => {
      if (signal === null && code !== 0 && code !== 130) console.error(`pid ${child.pid} exited ${code}: ${stderr.trim()}`);
      resolve(signal === null ? code : signal);
    }),
  );
  return { child, exited };
}
function start(trials: number): Slot {
  starts++;
  return spawnSlot(runArgs(trials));
}

// ---- queue: one controller, K workers; each worker's log says which trials it holds ----
let controllerStarts = 0;
let workerStarts = 0;
function startController(trials: number): Slot {
  controllerStarts++;
  return spawnSlot(runArgs(trials, true));
}
const holding = new Map<string, Set<number>>(); // worker id -> trial numbers started and not ended
const startsOf = new Map<number, string[]>(); // trial number -> worker ids that started it, in order
function startWorker(): Slot & { id: string } {
  const id = `soak-w${++workerStarts}`;
  holding.set(id, new Set());
  const workerArgs = ["--import", "tsx", "src/cli/run.ts", "worker", "--redis", REDIS, "--queue", QUEUE, "--id", id];
  const timing = ["--lock-duration", String(LOCK_MS), "--stalled-interval", String(LOCK_MS / 2), "--heartbeat", "1000"];
  const slot = spawnSlot([...workerArgs, ...timing], (line) => {
    const match = /trial (\d+) of study "([^"]*)" (started|finished|pruned|failed)/.exec(line);
    if (match === null || match[2] !== QSTUDY) return;
    const number = Number(match[1]);
    if (match[3] === "started") {
      holding.get(id)!.add(number);
      startsOf.set(number, [...(startsOf.get(number) ?? []), id]);
    } else holding.get(id)!.delete(number);
  });
  return { ...slot, id };
}

// ---- observe: every finished trial, as first seen ----
const reader = { storage: undefined as JournalFileStorage | undefined };
function readTrials(name = STUDY): FrozenTrial[] {
  try {
    reader.storage ??= new JournalFileStorage(journal);
    const study = reader.storage.findStudy(name);
    return study === undefined ? [] : reader.storage.getAllTrials(study.studyId);
  } catch {
    return [];
  }
}
const seenFinished = new Map<string, string>(); // "study:number" -> snapshot
const snapshot = (trial: FrozenTrial) =>
  JSON.stringify([trial.state, trial.value ?? null, trial.params, trial.datetimeComplete ?? null, trial.failReason ?? null]);
const violations: string[] = [];
function observe(name = STUDY): FrozenTrial[] {
  const trials = readTrials(name);
  for (const trial of trials) {
    if (!isFinished(trial.state)) continue;
    const key = `${name}:${trial.number}`;
    const before = seenFinished.get(key);
    const now = snapshot(trial);
    if (before === undefined) seenFinished.set(key, now);
    else if (before !== now) violations.push(`${name} trial ${trial.number} changed after it finished: ${before} -> ${now}`);
  }
  return trials;
}

// ---- run: N processes, random kills and restarts ----
const HUGE = 1_000_000;
const slots: Slot[] = Array.from({ length: processes }, () => start(HUGE));
const workers = Array.from({ length: queueWorkers }, () => startWorker());
let controller = queueWorkers > 0 ? startController(HUGE) : undefined;
const killedControllerPids = new Set<number>();
const killedWorkerTrials = new Map<number, string>(); // trial number -> the killed worker that held it
let workerKills = 0;
let controllerKills = 0;
const startedAt = Date.now();
const endAt = startedAt + minutes * 60_000;
let kills = 0;
const nextAfter = () => Date.now() + (0.5 + Math.random()) * killEverySeconds * 1000;
let nextKill = startedAt + (0.5 + Math.random()) * killEverySeconds * 1000;
let nextQueueKill = nextAfter();
while (Date.now() < endAt) {
  await sleep(250);
  observe();
  if (controller !== undefined) observe(QSTUDY);
  if (controller !== undefined && Date.now() >= nextQueueKill) {
    if (Math.random() < 0.2) {
      killedControllerPids.add(controller.child.pid!);
      controller.child.kill("SIGKILL");
      await controller.exited;
      controllerKills++;
      await sleep(Math.random() * 2000);
      controller = startController(HUGE);
    } else {
      const index = Math.floor(Math.random() * workers.length);
      const victim = workers[index];
      victim.child.kill("SIGKILL");
      await victim.exited;
      for (const number of holding.get(victim.id)!) killedWorkerTrials.set(number, victim.id);
      workerKills++;
      await sleep(Math.random() * 2000);
      workers[index] = startWorker();
    }
    nextQueueKill = nextAfter();
  }
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
for (const slot of [...slots, ...(controller ? [controller] : [])]) slot.child.kill("SIGINT");
const codes = await Promise.all(slots.map((slot) => slot.exited));
const controllerCode = await controller?.exited;
const held = observe().filter((trial) => trial.state !== "WAITING").length;
const finalRun = start(held);
const finalCode = await finalRun.exited;
const trials = observe();
// the queue study: one last controller to the trials it holds (the workers still run), then SIGTERM the workers
const qHeld = controller ? observe(QSTUDY).filter((trial) => trial.state !== "WAITING").length : 0;
const qFinalCode = controller ? await startController(qHeld).exited : undefined;
for (const worker of workers) worker.child.kill("SIGTERM");
const workerCodes = await Promise.all(workers.map((worker) => worker.exited));
const qTrials = controller ? observe(QSTUDY) : [];

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
function checkStudy(name: string, list: FrozenTrial[], killed: Set<number>, otherwiseFailed = (_: FrozenTrial) => false): void {
  check(
    list.every((trial, i) => trial.number === i),
    `${name}: every trial number once, 0..n-1`,
  );
  check(
    list.every((trial) => trial.state !== "RUNNING"),
    `${name}: no trial left RUNNING (${list.filter((t) => t.state === "RUNNING").length})`,
  );
  for (const key of seenFinished.keys()) {
    const [study, number] = [key.slice(0, key.lastIndexOf(":")), Number(key.slice(key.lastIndexOf(":") + 1))];
    if (study === name) check(number < list.length, `${name}: finished trial ${number} lost`);
  }
  for (const trial of list.filter((t) => t.state === "FAIL")) {
    if (otherwiseFailed(trial)) continue;
    const pid = (trial.systemAttrs.process as { pid?: number } | undefined)?.pid;
    const what = `${name}: trial ${trial.number}`;
    check(trial.failReason === STALE_RUNNING_REASON, `${what} failed for another reason: ${trial.failReason}`);
    check(pid !== undefined && killed.has(pid), `${what} of a live process (pid ${pid}) was failed`);
    const silentMs = trial.datetimeComplete! - lastSignOfLife(trial);
    check(silentMs > graceSeconds * 1000, `${what} failed after only ${silentMs} ms without a heartbeat`);
  }
}
checkStudy(STUDY, trials, killedPids);
// queue study: a stalled-twice FAIL must be a trial a killed worker held; every such trial must have ended
const stalledTwice = (trial: FrozenTrial) => /stalled/.test(trial.failReason ?? "") && killedWorkerTrials.has(trial.number);
let reRun = 0;
let stalledFailed = 0;
if (controller !== undefined) {
  check(controllerCode === 130 || controllerCode === 0 || controllerCode === "SIGINT", `controller stopped with ${controllerCode}`);
  check(qFinalCode === 0, `the final queue controller exits 0, got ${qFinalCode}`);
  check(
    workerCodes.every((code) => code === 0 || code === "SIGTERM"),
    `workers stopped with SIGTERM (exit 0), got ${workerCodes.join(", ")}`,
  );
  checkStudy(QSTUDY, qTrials, killedControllerPids, stalledTwice);
  for (const [number, id] of killedWorkerTrials) {
    const trial = qTrials[number];
    check(trial !== undefined && isFinished(trial.state), `${QSTUDY}: trial ${number} held by killed ${id} never ended`);
    const starters = startsOf.get(number) ?? [];
    const startedElsewhere = starters.slice(starters.lastIndexOf(id) + 1).some((other) => other !== id);
    if (trial?.state === "COMPLETE" && startedElsewhere) reRun++;
    if (trial?.state === "FAIL" && stalledTwice(trial)) stalledFailed++;
  }
}
const optunaJson = execFileSync("/usr/bin/python3", [join(ROOT, "test/storage/optuna_load.py"), "load", journal], {
  encoding: "utf8",
  maxBuffer: 256 * 1024 * 1024,
});
const optuna = JSON.parse(optunaJson) as {
  optuna_version: string;
  studies: { name: string; trials: { number: number; state: number }[] }[];
};
const OPTUNA_STATE: Record<number, string> = { 0: "RUNNING", 1: "COMPLETE", 2: "PRUNED", 3: "FAIL", 4: "WAITING" };
for (const [name, list] of controller ? [[STUDY, trials] as const, [QSTUDY, qTrials] as const] : [[STUDY, trials] as const]) {
  const optunaTrials = optuna.studies.find((study) => study.name === name)?.trials ?? [];
  check(optunaTrials.length === list.length, `${name}: Optuna reads ${optunaTrials.length} trials, hyperforce ${list.length}`);
  check(
    optunaTrials.every((trial, i) => trial.number === i && OPTUNA_STATE[trial.state] === list[i]?.state),
    `${name}: Optuna reads the same numbers and states`,
  );
}

const count = (state: string, list = trials) => list.filter((trial) => trial.state === state).length;
const result = {
  date: new Date().toISOString(),
  loadavg: loadavg(),
  settings: { processes, minutes, killEverySeconds, graceSeconds, heartbeatIntervalSeconds: intervalSeconds },
  processStarts: starts,
  stoppedWith: codes,
  kills,
  trials: { total: trials.length, complete: count("COMPLETE"), failed: count("FAIL"), running: count("RUNNING") },
  finishedTrialsWatched: seenFinished.size,
  queue:
    controller === undefined
      ? undefined
      : {
          workers: queueWorkers,
          lockDurationMs: LOCK_MS,
          maxStalled: 1,
          controllerStarts,
          workerStarts,
          controllerKills,
          workerKills,
          controllerStoppedWith: controllerCode,
          workersStoppedWith: workerCodes,
          trials: { total: qTrials.length, complete: count("COMPLETE", qTrials), failed: count("FAIL", qTrials) },
          failedStaleAfterControllerKill: qTrials.filter((t) => t.state === "FAIL" && !stalledTwice(t)).length,
          killedWorkersTrials: killedWorkerTrials.size,
          killedWorkersTrialsReRunComplete: reRun,
          killedWorkersTrialsFailedStalledTwice: stalledFailed,
        },
  optunaVersion: optuna.optuna_version,
  violations,
  held: violations.length === 0,
};
mkdirSync(join(ROOT, "bench/results"), { recursive: true });
writeFileSync(join(ROOT, "bench/results/soak.json"), JSON.stringify(result, null, 2) + "\n");
console.log(JSON.stringify(result, null, 2));
rmSync(dir, { recursive: true, force: true });
if (controller !== undefined) {
  const queue = new Queue(QUEUE, { connection: { host: "127.0.0.1", port: 6379 } });
  await queue.obliterate({ force: true }).finally(() => queue.close());
}
process.exitCode = violations.length === 0 ? 0 : 1;
