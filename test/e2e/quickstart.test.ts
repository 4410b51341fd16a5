import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import { JournalFileStorage } from "../../src/storage/journal.ts";
import { ROOT } from "../helpers/cli.ts";

/** Runs a TypeScript file with tsx (found in this checkout, whatever the folder) and returns its stdout. */
function runScript(file: string, args: string[], cwd: string): Promise<string> {
  const tsx = pathToFileURL(join(ROOT, "node_modules/tsx/dist/loader.mjs")).href;
  return new Promise<string>((resolve, reject) =>
    execFile(process.execPath, ["--import", tsx, file, ...args], { cwd }, (error, out, err) =>
      error ? reject(new Error(err)) : resolve(out),
    ),
  );
}

/** How many trials of the journal's study "quickstart" completed. */
function completedTrials(storage: string): number {
  const journal = new JournalFileStorage(storage);
  return journal.getAllTrials(journal.findStudy("quickstart")!.studyId).filter((t) => t.state === "COMPLETE").length;
}

test("the README's quick start runs, finds the optimum's neighbourhood and keeps its trials", async () => {
  const storage = join(mkdtempSync(join(tmpdir(), "hyperforce-quickstart-")), "q.jsonl");
  const stdout = await runScript("examples/quickstart.ts", [storage], ROOT);
  const best = Number(stdout.trim().split(" ")[0]);
  assert.ok(best < 2.5, `best value ${best} (the minimum is 1)`);
  const journal = new JournalFileStorage(storage);
  assert.equal(journal.getAllTrials(journal.findStudy("quickstart")!.studyId).length, 61);
  assert.equal(completedTrials(storage), 61);
});

test("the README's TypeScript block runs as written (its import pointed at this checkout)", async () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(block !== undefined, "README.md has no ```ts block");
  const code = block.replace('from "hyperforce"', `from ${JSON.stringify(pathToFileURL(join(ROOT, "src/index.ts")).href)}`);
  assert.notEqual(code, block, 'the block imports from "hyperforce"');
  const dir = mkdtempSync(join(tmpdir(), "hyperforce-readme-"));
  writeFileSync(join(dir, "quickstart.mts"), code);
  const stdout = await runScript("quickstart.mts", [], dir);
  assert.ok(Number(stdout.trim().split(" ")[0]) < 2.5, stdout);
  assert.equal(completedTrials(join(dir, "runs/quickstart.jsonl")), 61, "60 trials of optimize and one of ask and tell");
});
