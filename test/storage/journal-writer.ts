// A child process for the lock contention test: appends trials to one study of a shared journal.
// Usage: node --import tsx test/storage/journal-writer.ts <file> <study> <trials> <tag>
// Lines are written without fsync (durable: false): the test is about the lock, and fsync on a
// busy disk would make it slow.
import { JournalFileStorage } from "../../src/storage/journal.ts";

const [file, studyName, count, tag] = process.argv.slice(2);
const storage = new JournalFileStorage(file, { durable: false });
const study = storage.findStudy(studyName);
if (study === undefined) throw new Error(`no study ${studyName} in ${file}`);
for (let i = 0; i < Number(count); i++) {
  const n = storage.createTrial(study.studyId, {
    params: { i },
    distributions: { i: { type: "int", low: 0, high: 1000 } },
    systemAttrs: { writer: tag },
  });
  storage.setTrialStateValue(study.studyId, n, "COMPLETE", i);
}
