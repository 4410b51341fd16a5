// A child process for the lock contention test: appends trials to one study of a shared journal.
// Usage: node --import tsx test/storage/journal-writer.ts <file> <study> <trials> <tag> [pauseMs]
// pauseMs between trials lets a writer with a slow back-off (Optuna's doubles to 1 s) get the lock.
// It prints "ready" once the storage is open and starts writing when its stdin is closed, so a
// test can start several writers at the same moment.
// Lines are written without fsync (durable: false): the test is about the lock, and fsync on a
// busy disk would make it slow.
import { readFileSync } from "node:fs";
import { JournalFileStorage } from "../../src/storage/journal.ts";

const [file, studyName, count, tag, pause = "0"] = process.argv.slice(2);
const sleeper = new Int32Array(new SharedArrayBuffer(4));
const storage = new JournalFileStorage(file, { durable: false });
const study = storage.findStudy(studyName);
if (study === undefined) throw new Error(`no study ${studyName} in ${file}`);
console.log("ready");
readFileSync(0); // blocks until the test closes stdin
for (let i = 0; i < Number(count); i++) {
  const n = storage.createTrial(study.studyId, {
    params: { i },
    distributions: { i: { type: "int", low: 0, high: 1000 } },
    systemAttrs: { writer: tag },
  });
  storage.setTrialStateValue(study.studyId, n, "COMPLETE", i);
  if (Number(pause) > 0) Atomics.wait(sleeper, 0, 0, Number(pause));
}
