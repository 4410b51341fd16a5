// Journal storage costs: milliseconds per appended operation (fsync'ed and not), the time to
// replay a large journal when a study is reopened, and the same workload in memory.
// Run: node --import tsx bench/storage.ts [--trials 5000] [--appends 300]
// Writes bench/results/storage.json. The machine is shared: quote ratios from one run.
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import type { Distribution } from "../src/space/types.ts";
import { JournalFileStorage } from "../src/storage/journal.ts";
import { InMemoryStorage } from "../src/storage/memory.ts";
import type { Storage } from "../src/storage/storage.ts";

function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} needs a positive integer, got ${process.argv[at + 1]}`);
  return value;
}
const trials = flag("trials", 5000);
const appends = flag("appends", 300);

const space: Record<string, Distribution> = {
  lr: { type: "float", low: 1e-5, high: 1e-1, log: true },
  units: { type: "int", low: 16, high: 256, step: 16 },
  layers: { type: "int", low: 1, high: 4 },
  dropout: { type: "float", low: 0, high: 0.5 },
  act: { type: "categorical", choices: ["relu", "tanh", "sigmoid"] },
};

/** One trial as a study writes it: create, 5 params, 3 intermediate values, complete (10 operations). */
function writeTrial(storage: Storage, studyId: number, i: number): void {
  const n = storage.createTrial(studyId);
  storage.setTrialParam(studyId, n, "lr", 1e-5 * (1 + (i % 97)), space.lr);
  storage.setTrialParam(studyId, n, "units", 16 * (1 + (i % 16)), space.units);
  storage.setTrialParam(studyId, n, "layers", 1 + (i % 4), space.layers);
  storage.setTrialParam(studyId, n, "dropout", (i % 50) / 100, space.dropout);
  storage.setTrialParam(studyId, n, "act", ["relu", "tanh", "sigmoid"][i % 3], space.act);
  for (let step = 0; step < 3; step++) storage.setTrialIntermediateValue(studyId, n, step, 1 / (i + step + 1));
  storage.setTrialStateValue(studyId, n, "COMPLETE", 1 / (i + 1));
}

function timed(work: () => void): number {
  const t0 = performance.now();
  work();
  return performance.now() - t0;
}

const dir = mkdtempSync(join(tmpdir(), "hyperforce-bench-storage-"));
try {
  const perOp = (durable: boolean) => {
    const s = new JournalFileStorage(join(dir, `append-${durable}.jsonl`), { durable });
    const id = s.createStudy("append", "minimize");
    const trialCount = Math.ceil(appends / 10);
    return (
      timed(() => {
        for (let i = 0; i < trialCount; i++) writeTrial(s, id, i);
      }) /
      (trialCount * 10)
    );
  };
  const msPerOpDurable = perOp(true);
  const msPerOpNoFsync = perOp(false);

  // A large journal, written without fsync to keep the bench short, then replayed by a new storage.
  const bigPath = join(dir, "big.jsonl");
  const writer = new JournalFileStorage(bigPath, { durable: false });
  const id = writer.createStudy("big", "minimize");
  const writeMs = timed(() => {
    for (let i = 0; i < trials; i++) writeTrial(writer, id, i);
  });
  let replayed = 0;
  const replayMs = timed(() => {
    replayed = new JournalFileStorage(bigPath).getAllTrials(id).length;
  });
  if (replayed !== trials) throw new Error(`replayed ${replayed} trials, wrote ${trials}`);

  const memory = new InMemoryStorage();
  const memoryId = memory.createStudy("big", "minimize");
  const memoryMs = timed(() => {
    for (let i = 0; i < trials; i++) writeTrial(memory, memoryId, i);
  });

  const result = {
    date: new Date().toISOString(),
    loadavg: loadavg(),
    operationsPerTrial: 10,
    msPerOperationFsync: msPerOpDurable,
    msPerOperationNoFsync: msPerOpNoFsync,
    trials,
    journalBytes: statSync(bigPath).size,
    writeMsNoFsync: writeMs,
    replayMs,
    memoryWriteMs: memoryMs,
  };
  mkdirSync("bench/results", { recursive: true });
  writeFileSync("bench/results/storage.json", `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
