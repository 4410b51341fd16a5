import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
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

test("the README's TypeScript block runs as written (its import pointed at this checkout)", async () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(block !== undefined, "README.md has no ```ts block");
  const code = block.replace('from "hyperforce"', `from ${JSON.stringify(pathToFileURL(join(ROOT, "src/index.ts")).href)}`);
  assert.notEqual(code, block, 'the block imports from "hyperforce"');
  const dir = mkdtempSync(join(tmpdir(), "hyperforce-readme-"));
  writeFileSync(join(dir, "quickstart.mts"), code);
  const tsx = pathToFileURL(join(ROOT, "node_modules/tsx/dist/loader.mjs")).href;
  const stdout = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, ["--import", tsx, "quickstart.mts"], { cwd: dir }, (error, out, err) =>
      error ? reject(new Error(err)) : resolve(out),
    ),
  );
  assert.ok(Number(stdout.trim().split(" ")[0]) < 2.5, stdout);
  const journal = new JournalFileStorage(join(dir, "runs/quickstart.jsonl"));
  const trials = journal.getAllTrials(journal.findStudy("quickstart")!.studyId);
  assert.equal(trials.filter((t) => t.state === "COMPLETE").length, 61, "60 trials of optimize and one of ask and tell");
});
