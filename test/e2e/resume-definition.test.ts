import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { JournalFileStorage } from "../../src/storage/journal.ts";
import { hyperforce } from "../helpers/cli.ts";

const temp = () => mkdtempSync(join(tmpdir(), "hyperforce-definition-"));
const QUICK = ["run", "--no-progress", "--json", "--trials", "2"];

/** A regression CSV: a real-valued target in quarter steps (so it could also be read as 20-odd classes). */
function regressionCsv(dir: string): string {
  const path = join(dir, "houses.csv");
  const rows = Array.from({ length: 120 }, (_, i) => {
    const a = ((i * 37) % 101) / 101;
    const b = ((i * 53) % 97) / 97;
    return `${a},${b},${Math.round((3 * a - 2 * b) * 4) / 4 + 0.25}`;
  });
  writeFileSync(path, ["a,b,price", ...rows].join("\n") + "\n");
  return path;
}

function trialCount(storage: string, study: string): number {
  const journal = new JournalFileStorage(storage);
  return journal.getAllTrials(journal.findStudy(study)!.studyId).length;
}

/** Refused with exit 2, one line naming each field and how to start a new study; no trial added. */
async function assertRefused(args: string[], storage: string, study: string, fields: RegExp[]) {
  const before = trialCount(storage, study);
  const outcome = await hyperforce([...QUICK, ...args, "--storage", storage, "--study", study, "--trials", String(before + 2)]);
  assert.equal(outcome.code, 2, `${args.join(" ")}: ${outcome.stderr}`);
  const message = outcome.stderr.trim();
  assert.equal(message.split("\n").length, 1, message);
  assert.match(message, new RegExp(`study "${study}" was created as a different experiment`));
  for (const field of fields) assert.match(message, field);
  assert.match(message, /use --study NEW or another --storage/);
  assert.equal(trialCount(storage, study), before, "no trial was added");
}

test("a resumed study must be the same experiment: each differing field is named", { timeout: 120_000 }, async () => {
  const dir = temp();
  const storage = join(dir, "runs.jsonl");
  const csv = regressionCsv(dir);
  const csvTask = ["--task", `csv:${csv}`, "--target", "price", "--epochs", "2"];
  const wine = ["--task", "wine", "--epochs", "2"];
  const created = await Promise.all([
    hyperforce([...QUICK, ...csvTask, "--storage", storage, "--study", "houses"]),
    hyperforce([...QUICK, ...wine, "--storage", join(dir, "wine.jsonl"), "--study", "wine"]),
    hyperforce([...QUICK, ...wine, "--sampler", "reinforce", "--storage", join(dir, "rl.jsonl"), "--study", "rl"]),
  ]);
  for (const outcome of created) assert.equal(outcome.code, 0, outcome.stderr);

  // The same command continues: giving the inferred kind or a default explicitly is the same experiment.
  const same = await hyperforce([...QUICK, ...csvTask, "--kind", "regression", "--storage", storage, "--study", "houses", "--trials", "3"]);
  assert.equal(same.code, 0, same.stderr);
  assert.equal(JSON.parse(same.stdout).trials.finished, 3);

  await assertRefused([...csvTask, "--kind", "classification"], storage, "houses", [/kind was regression, now classification/]);
  await assertRefused(wine, storage, "houses", [new RegExp(`task was csv:${csv}, now wine`), /CSV sha256 was [0-9a-f]{64}, now not set/]);
  const wineStorage = join(dir, "wine.jsonl");
  await assertRefused(["--task", "wine", "--epochs", "3"], wineStorage, "wine", [/epochs was 2, now 3/]);
  await assertRefused([...wine, "--split-seed", "7"], wineStorage, "wine", [/split seed was 0, now 7/]);
  await assertRefused([...wine, "--sampler", "tpe"], join(dir, "rl.jsonl"), "rl", [
    /sampler was reinforce, now tpe/,
    /sampler options was/,
  ]);

  // A changed data file is another experiment too.
  appendFileSync(csv, "0.5,0.5,1.25\n");
  await assertRefused(csvTask, storage, "houses", [/CSV sha256 was [0-9a-f]{64}, now [0-9a-f]{64}/]);
});

test("re-running a finished study says it is already complete; --timeout says it stopped the study", { timeout: 120_000 }, async () => {
  const dir = temp();
  const storage = join(dir, "runs.jsonl");
  const args = ["run", "--task", "wine", "--epochs", "2", "--no-progress", "--storage", storage, "--study", "w"];
  const first = await hyperforce([...args, "--trials", "3"]);
  assert.equal(first.code, 0, first.stderr);
  const again = await hyperforce([...args, "--trials", "3"]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /already complete: it holds 3 finished trials of 3, nothing to run/);
  assert.equal(trialCount(storage, "w"), 3);
  const json = JSON.parse((await hyperforce([...args, "--trials", "3", "--json"])).stdout);
  assert.deepEqual([json.alreadyComplete, json.timedOut, json.target], [true, false, 3]);

  const command = ["run", "--command", "sh -c 'sleep 0.3; echo hyperforce: value={x}'", "--no-progress", "--storage", storage];
  const space = join(dir, "space.json");
  writeFileSync(space, JSON.stringify({ x: { type: "float", low: 0, high: 1 } }));
  const timed = await hyperforce([...command, "--space", space, "--study", "slow", "--trials", "1000", "--timeout", "1"]);
  assert.equal(timed.code, 0, timed.stderr);
  const held = trialCount(storage, "slow");
  assert.ok(held >= 1 && held < 1000);
  assert.match(
    timed.stdout,
    new RegExp(`stopped by --timeout: it holds ${held} finished trials of 1000; run the same command to continue it`),
  );
});
