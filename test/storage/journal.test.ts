import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { StorageError } from "../../src/errors/errors.ts";
import { JournalFileStorage } from "../../src/storage/journal.ts";
import { InMemoryStorage } from "../../src/storage/memory.ts";
import { openStorage } from "../../src/storage/open.ts";
import { datetimeToOptuna } from "../../src/storage/optuna-format.ts";
import { bootId, pidNamespace } from "../../src/storage/process-identity.ts";
import { RedisJournalStorage } from "../../src/storage/redis-journal.ts";
import { startTogether } from "./start-together.ts";

const dir = mkdtempSync(join(tmpdir(), "hyperforce-journal-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const freshPath = () => join(dir, `j-${files++}.jsonl`);
const lines = (path: string) =>
  readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l !== "");
const ISO_LOCAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}000$/;

test("each operation is one line in Optuna's journal format", () => {
  const path = freshPath();
  const s = new JournalFileStorage(path);
  const w = s.workerId;
  const id = s.createStudy("fmt", "maximize");
  s.setStudyUserAttr(id, "owner", "ml");
  s.setStudySystemAttr(id, "seed", 1);
  const n = s.createTrial(id);
  s.setTrialParam(id, n, "lr", 0.001, { type: "float", low: 1e-5, high: 0.1, log: true });
  s.setTrialParam(id, n, "units", 32, { type: "int", low: 16, high: 64, step: 16 });
  s.setTrialParam(id, n, "act", "tanh", { type: "categorical", choices: ["relu", "tanh"] });
  s.setTrialIntermediateValue(id, n, 0, 0.5);
  s.setTrialIntermediateValue(id, n, 1, NaN);
  s.setTrialUserAttr(id, n, "note", "hi");
  s.setTrialSystemAttr(id, n, "fail_reason", "boom");
  s.setTrialStateValue(id, n, "FAIL");
  const q = s.createTrial(id, { state: "WAITING", systemAttrs: { fixed_params: { lr: 0.01 } } });
  s.setTrialStateValue(id, q, "RUNNING");
  s.setTrialStateValue(id, q, "COMPLETE", 0.75);

  const raw = lines(path);
  assert.equal(raw.length, 15);
  assert.equal(raw[0], `{"op_code":0,"worker_id":"${w}","study_name":"fmt","directions":[2]}`);
  // Python's json writes a NaN float as the bare token NaN, and Optuna reads it back.
  assert.equal(raw[8], `{"op_code":7,"worker_id":"${w}","trial_id":0,"step":1,"intermediate_value":NaN}`);
  const ops = raw.map((line) => JSON.parse(line.replace(":NaN}", ':"NaN"}')) as Record<string, unknown>);
  const start = ops[3].datetime_start as string;
  assert.match(start, ISO_LOCAL);
  assert.equal(start, datetimeToOptuna(s.getTrial(id, n).datetimeStart!));
  for (const i of [11, 14]) assert.match(ops[i].datetime_complete as string, ISO_LOCAL);
  assert.match(ops[13].datetime_start as string, ISO_LOCAL);
  assert.deepEqual(ops, [
    { op_code: 0, worker_id: w, study_name: "fmt", directions: [2] },
    { op_code: 2, worker_id: w, study_id: 0, user_attr: { owner: "ml" } },
    { op_code: 3, worker_id: w, study_id: 0, system_attr: { seed: 1 } },
    { op_code: 4, worker_id: w, study_id: 0, datetime_start: start },
    {
      op_code: 5,
      worker_id: w,
      trial_id: 0,
      param_name: "lr",
      param_value_internal: 0.001,
      distribution: '{"name":"FloatDistribution","attributes":{"step":null,"low":0.00001,"high":0.1,"log":true}}',
    },
    {
      op_code: 5,
      worker_id: w,
      trial_id: 0,
      param_name: "units",
      param_value_internal: 32,
      distribution: '{"name":"IntDistribution","attributes":{"log":false,"step":16,"low":16,"high":64}}',
    },
    {
      op_code: 5,
      worker_id: w,
      trial_id: 0,
      param_name: "act",
      param_value_internal: 1,
      distribution: '{"name":"CategoricalDistribution","attributes":{"choices":["relu","tanh"]}}',
    },
    { op_code: 7, worker_id: w, trial_id: 0, step: 0, intermediate_value: 0.5 },
    { op_code: 7, worker_id: w, trial_id: 0, step: 1, intermediate_value: "NaN" },
    { op_code: 8, worker_id: w, trial_id: 0, user_attr: { note: "hi" } },
    { op_code: 9, worker_id: w, trial_id: 0, system_attr: { fail_reason: "boom" } },
    { op_code: 6, worker_id: w, trial_id: 0, state: 3, values: null, datetime_complete: ops[11].datetime_complete },
    {
      op_code: 4,
      worker_id: w,
      study_id: 0,
      datetime_start: null,
      state: 4,
      value: null,
      values: null,
      distributions: {},
      params: {},
      user_attrs: {},
      system_attrs: { fixed_params: { lr: 0.01 } },
      intermediate_values: {},
    },
    { op_code: 6, worker_id: w, trial_id: 1, state: 0, values: null, datetime_start: ops[13].datetime_start },
    { op_code: 6, worker_id: w, trial_id: 1, state: 1, values: [0.75], datetime_complete: ops[14].datetime_complete },
  ]);
  assert.equal(s.getTrial(id, n).failReason, "boom");
});

test("two storage objects on one file see each other's writes", () => {
  const path = freshPath();
  const a = new JournalFileStorage(path);
  const b = new JournalFileStorage(path);
  const id = a.createStudy("shared", "minimize");
  assert.equal(b.findStudy("shared")?.studyId, id);
  const n0 = a.createTrial(id);
  const n1 = b.createTrial(id); // b replays a's trial before appending its own
  assert.deepEqual([n0, n1], [0, 1]);
  b.setTrialStateValue(id, n0, "COMPLETE", 3);
  a.sync();
  assert.equal(a.getTrial(id, n0).value, 3);
  assert.throws(() => a.setTrialStateValue(id, n0, "FAIL"), {
    message: 'trial 0 of study "shared" is already COMPLETE and cannot be updated',
  });
  assert.throws(() => b.createStudy("shared", "maximize"), { message: 'a study named "shared" already exists' });
  // A WAITING trial can be claimed by one of them only.
  const q = a.createTrial(id, { state: "WAITING" });
  b.setTrialStateValue(id, q, "RUNNING");
  assert.throws(() => a.setTrialStateValue(id, q, "RUNNING"), { message: 'trial 2 of study "shared" is already RUNNING' });
});

test("a journal moved away and copied back is written at its path, not into the moved file", () => {
  const path = freshPath();
  const s = new JournalFileStorage(path);
  const id = s.createStudy("moved", "minimize");
  s.setTrialStateValue(id, s.createTrial(id), "COMPLETE", 1);
  // The storage keeps its file open: a backup tool may replace the file under it (copy, then rename).
  renameSync(path, `${path}.old`);
  copyFileSync(`${path}.old`, path);
  s.setTrialStateValue(id, s.createTrial(id), "COMPLETE", 2);
  assert.equal(lines(`${path}.old`).length, 3);
  assert.equal(lines(path).length, 5);
  assert.deepEqual(
    new JournalFileStorage(path).getAllTrials(id).map((trial) => trial.value),
    [1, 2],
  );
  s.close();
});

test("replay after reopening gives identical studies and trials", () => {
  const path = freshPath();
  const s = new JournalFileStorage(path);
  const id = s.createStudy("replay", "minimize");
  s.setStudyUserAttr(id, "space", { x: { type: "float", low: -1, high: 1 } });
  for (let i = 0; i < 5; i++) {
    const n = s.createTrial(id);
    s.setTrialParam(id, n, "x", i / 10 - 0.2, { type: "float", low: -1, high: 1 });
    s.setTrialParam(id, n, "c", i % 2 === 0, { type: "categorical", choices: [true, false] });
    s.setTrialIntermediateValue(id, n, 0, i * 2);
    if (i === 3) s.setTrialSystemAttr(id, n, "fail_reason", "timed out after 5000 ms");
    if (i < 4) s.setTrialStateValue(id, n, i === 3 ? "FAIL" : "COMPLETE", i === 3 ? undefined : i * 0.5);
  }
  const reopened = new JournalFileStorage(path);
  assert.deepEqual(reopened.listStudies(), s.listStudies());
  assert.deepEqual(reopened.getAllTrials(id), s.getAllTrials(id));
  assert.equal(reopened.getTrial(id, 3).failReason, "timed out after 5000 ms");
  assert.equal(reopened.getTrial(id, 4).state, "RUNNING");
});

test("a truncated last line is ignored, then moved aside by the next append", () => {
  const path = freshPath();
  const s = new JournalFileStorage(path);
  const id = s.createStudy("cut", "minimize");
  s.createTrial(id);
  const before = readFileSync(path, "utf8");
  appendFileSync(path, '{"op_code":4,"worker_id":"dead","study_id":0,"datet'); // a writer killed mid-line
  const reopened = new JournalFileStorage(path);
  assert.equal(reopened.getAllTrials(id).length, 1);
  const n = reopened.createTrial(id);
  assert.equal(n, 1);
  const after = readFileSync(path, "utf8");
  assert.ok(after.startsWith(before));
  assert.equal(lines(path).length, 3);
  assert.doesNotThrow(() => lines(path).forEach((l) => JSON.parse(l)));
  s.sync();
  assert.equal(s.getAllTrials(id).length, 2);
});

test("a last line missing only its newline is kept and terminated", () => {
  const path = freshPath();
  const s = new JournalFileStorage(path);
  const id = s.createStudy("nl", "minimize");
  appendFileSync(path, `{"op_code":4,"worker_id":"w","study_id":0,"datetime_start":"2026-01-02T03:04:05.678901"}`);
  assert.equal(s.getAllTrials(id).length, 0); // not trusted until the line is complete
  s.createTrial(id);
  const trials = s.getAllTrials(id);
  assert.equal(trials.length, 2);
  assert.equal(trials[0].datetimeStart, new Date(2026, 0, 2, 3, 4, 5, 678).getTime());
  assert.equal(lines(path).length, 3);
});

test("a damaged line in the middle of the file is a clear error", () => {
  const path = freshPath();
  writeFileSync(
    path,
    '{"op_code":0,"worker_id":"w","study_name":"a","directions":[1]}\n' +
      '{"op_code":4,"wor\n' +
      '{"op_code":4,"worker_id":"w","study_id":0,"datetime_start":null}\n',
  );
  assert.throws(() => new JournalFileStorage(path), {
    message: new RegExp(`^journal file ${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} line 2 is not valid JSON`),
  });
  const unknown = freshPath();
  writeFileSync(unknown, '{"op_code":42,"worker_id":"w"}\n');
  assert.throws(() => new JournalFileStorage(unknown), { message: `journal file ${unknown} line 1: unknown journal op_code 42` });
});

test("operations Optuna would skip on replay are skipped (duplicate study, unknown ids, finished trial)", () => {
  const path = freshPath();
  const w = '"worker_id":"other"';
  writeFileSync(
    path,
    [
      `{"op_code":0,${w},"study_name":"a","directions":[1]}`,
      `{"op_code":0,${w},"study_name":"a","directions":[2]}`,
      `{"op_code":0,${w},"study_name":"multi","directions":[1,2]}`,
      `{"op_code":4,${w},"study_id":5,"datetime_start":null}`,
      `{"op_code":4,${w},"study_id":0,"datetime_start":null}`,
      `{"op_code":6,${w},"trial_id":0,"state":1,"values":[2.0],"datetime_complete":"2026-01-01T00:00:00.000000"}`,
      `{"op_code":6,${w},"trial_id":0,"state":3,"values":null,"datetime_complete":"2026-01-01T00:00:01.000000"}`,
      `{"op_code":8,${w},"trial_id":9,"user_attr":{"k":1}}`,
      `{"op_code":0,${w},"study_name":"b","directions":[2]}`,
      "",
    ].join("\n"),
  );
  const s = new JournalFileStorage(path);
  assert.deepEqual(
    s.listStudies().map((x) => [x.studyId, x.name, x.direction]),
    [
      [0, "a", "minimize"],
      [2, "b", "maximize"],
    ],
  );
  assert.throws(() => s.findStudy("multi"), { message: 'study "multi" has 2 objectives; hyperforce reads single-objective studies only' });
  const [t] = s.getAllTrials(0);
  assert.equal(t.state, "COMPLETE");
  assert.equal(t.value, 2);
  assert.equal(t.datetimeComplete, new Date(2026, 0, 1).getTime());
});

test("a stale lock is broken: its process is gone, or it is older than the grace period", () => {
  const path = freshPath();
  const s = new JournalFileStorage(path, { staleMs: 400 });
  const lock = `${path}.lock`;
  // A pid that cannot exist, written on this host, boot and pid namespace: provably gone.
  writeFileSync(lock, `999999999 ${hostname()} ${bootId()} ${pidNamespace()} 1\n`);
  let t0 = Date.now();
  s.createStudy("a", "minimize");
  assert.ok(Date.now() - t0 < 300, "a dead owner's lock is broken at once");
  assert.equal(existsSync(lock), false);

  writeFileSync(lock, ""); // Optuna's lock file: no owner recorded, judged by age
  const old = new Date(Date.now() - 60_000);
  utimesSync(lock, old, old);
  t0 = Date.now();
  s.createStudy("b", "minimize");
  assert.ok(Date.now() - t0 < 300);

  assert.deepEqual(
    s.listStudies().map((x) => x.name),
    ["a", "b"],
  );
  assert.equal(existsSync(lock), false);
});

test("a lock held by a live process is waited for, however old", async () => {
  const path = freshPath();
  const s = new JournalFileStorage(path, { staleMs: 50 });
  // The child takes the lock with hyperforce's FileLock, holds it 600 ms, then releases it.
  const fileLock = JSON.stringify(join(import.meta.dirname, "../../src/storage/file-lock.ts"));
  const holder = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "--input-type=module",
      "-e",
      `import { FileLock } from ${fileLock}; const l = new FileLock(${JSON.stringify(path)}); l.acquire(); console.log("held");` +
        "setTimeout(() => l.release(), 600);",
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  await new Promise<void>((resolve) => holder.stdout.once("data", () => resolve()));
  const t0 = Date.now();
  s.createStudy("after", "minimize");
  const waited = Date.now() - t0;
  await new Promise((resolve) => holder.on("exit", resolve));
  assert.ok(waited >= 300, `waited only ${waited} ms`);
  assert.equal(s.findStudy("after")?.studyId, 0);
});

test("two processes appending at once lose nothing (200 trials, distinct numbers)", async () => {
  const path = freshPath();
  const s = new JournalFileStorage(path);
  const id = s.createStudy("race", "minimize");
  const writer = join(import.meta.dirname, "journal-writer.ts");
  // A short pause between trials lets the other writer take the lock even when nothing else slows the
  // first one down (on a quiet machine one writer could otherwise finish before the other starts).
  await startTogether(["A", "B"].map((tag) => [process.execPath, ["--import", "tsx", writer, path, "race", "100", tag, "15"]]));
  const writers = lines(path).map((line) => (JSON.parse(line) as { worker_id: string }).worker_id);
  const switches = writers.filter((w, i) => i > 1 && w !== writers[i - 1]).length;
  assert.ok(switches >= 4, `the writers did not overlap (${switches} switches)`);
  const trials = s.getAllTrials(id);
  assert.equal(trials.length, 200);
  assert.deepEqual(
    trials.map((t) => t.number),
    Array.from({ length: 200 }, (_, i) => i),
  );
  assert.ok(trials.every((t) => t.state === "COMPLETE" && t.value === t.params.i));
  for (const tag of ["A", "B"]) {
    const mine = trials.filter((t) => t.systemAttrs.writer === tag).map((t) => t.params.i);
    assert.deepEqual(
      mine,
      Array.from({ length: 100 }, (_, i) => i),
    );
  }
  assert.equal(lines(path).length, 1 + 200 * 2);
});

test("openStorage: memory, journal paths (folders created), clear errors", () => {
  assert.ok(openStorage(undefined) instanceof InMemoryStorage);
  const given = new InMemoryStorage();
  assert.equal(openStorage(given), given);
  for (const ext of ["jsonl", "log", "journal"]) {
    const path = join(dir, "nested", ext, `study.${ext}`);
    const s = openStorage(path);
    assert.ok(s instanceof JournalFileStorage);
    assert.ok(existsSync(path));
  }
  assert.throws(() => openStorage("runs/study.db"), {
    message:
      'storage "runs/study.db" is not a journal file path or a server URL: use a path ending in .jsonl, .log, .journal, ' +
      "a URL redis://host:port/db or postgresql://user@host/db, or leave the storage out to keep the study in memory",
  });
  // A server URL opens its storage; an unreachable server is a StorageError naming it (password hidden).
  const redis = openStorage("redis://127.0.0.1:6379/0?prefix=hf-open-test");
  assert.ok(redis instanceof RedisJournalStorage);
  assert.equal(redis.prefix, "hf-open-test");
  redis.close?.();
  assert.throws(
    () => openStorage("postgresql://postgres:secret@127.0.0.1:1/nowhere"),
    (error: Error) =>
      error instanceof StorageError &&
      /^PostgreSQL storage postgresql:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/nowhere: cannot connect: .*ECONNREFUSED/.test(error.message),
  );
  assert.throws(() => openStorage(42 as never), { message: "storage must be a Storage object, a journal file path or undefined, got 42" });
});

test("a closed journal storage refuses further use", () => {
  const s = new JournalFileStorage(freshPath());
  s.close();
  assert.throws(() => s.createStudy("x", "minimize"), { message: /is closed$/ });
});
