import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { JournalFileStorage } from "../../src/storage/journal.ts";
import { ROOT } from "../helpers/cli.ts";

test("the README's quick start runs, finds the optimum's neighbourhood and keeps its trials", async () => {
  const storage = join(mkdtempSync(join(tmpdir(), "hyperforce-quickstart-")), "q.jsonl");
  const stdout = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, ["--import", "tsx", "examples/quickstart.ts", storage], { cwd: ROOT }, (error, out, err) =>
      error ? reject(new Error(err)) : resolve(out),
    ),
  );
  const best = Number(stdout.trim().split(" ")[0]);
  assert.ok(best < 2.5, `best value ${best} (the minimum is 1)`);
  const journal = new JournalFileStorage(storage);
  const trials = journal.getAllTrials(journal.findStudy("quickstart")!.studyId);
  assert.equal(trials.length, 61);
  assert.equal(trials.filter((t) => t.state === "COMPLETE").length, 61);
});
