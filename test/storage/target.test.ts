import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { JournalFileStorage } from "../../src/storage/journal.ts";
import { TARGET_TRIALS_ATTR, TargetReachedError } from "../../src/storage/target.ts";

test("a trial created with a target is refused once the study holds that many trials running or finished", () => {
  const dir = mkdtempSync(join(tmpdir(), "hyperforce-target-"));
  try {
    const path = join(dir, "study.jsonl");
    const a = new JournalFileStorage(path);
    const b = new JournalFileStorage(path); // another process's view, replayed only when it writes
    const id = a.createStudy("s", "minimize");
    a.createTrial(id, { state: "WAITING" }); // enqueued trials do not count
    a.createTrial(id, { systemAttrs: { [TARGET_TRIALS_ATTR]: 2 } });
    b.createTrial(id, { systemAttrs: { [TARGET_TRIALS_ATTR]: 2 } });
    assert.throws(() => a.createTrial(id, { systemAttrs: { [TARGET_TRIALS_ATTR]: 2 } }), TargetReachedError);
    assert.throws(() => b.createTrial(id, { systemAttrs: { [TARGET_TRIALS_ATTR]: 2 } }), {
      message: "the study already holds 2 trials running or finished (its target is 2)",
    });
    assert.equal(a.getAllTrials(id).length, 3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
