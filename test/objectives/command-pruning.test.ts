import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { commandObjective } from "../../src/objectives/command.ts";
import type { Pruner } from "../../src/pruners/pruner.ts";
import { createStudy } from "../../src/study/study.ts";
import { program } from "./pruning-program.ts";

const dir = mkdtempSync(join(tmpdir(), "hyperforce-command-pruning-"));
/** Prunes at step 3, whatever the values. */
const atStep3: Pruner = { name: "step3", prune: (_study, trial) => Object.keys(trial.intermediateValues).length >= 3 };
const space = { x: { type: "float" as const, low: 0, high: 1 } };

async function runOne(readsStdin: boolean, killGraceMs: number) {
  const marker = join(dir, `${readsStdin ? "stdin" : "sigterm"}.txt`);
  const study = createStudy({ space, pruner: atStep3, seed: 1 });
  const objective = commandObjective({ command: ["python3", "-c", program(readsStdin, marker)], space, killGraceMs });
  const started = Date.now();
  await study.optimize(objective, { nTrials: 1 });
  return { trial: study.trials[0], how: readFileSync(marker, "utf8"), seconds: (Date.now() - started) / 1000 };
}

test("a command told to stop on stdin (hyperforce: prune) stops there, and its trial is PRUNED with its steps", async () => {
  const { trial, how, seconds } = await runOne(true, 5000);
  assert.equal(trial.state, "PRUNED");
  assert.equal(how, "stdin");
  assert.ok(seconds < 8, `${seconds} s (the program runs 10 s when not stopped)`);
  assert.deepEqual(Object.keys(trial.intermediateValues).slice(0, 3), ["1", "2", "3"]);
  assert.equal(trial.value, trial.intermediateValues[3]);
});

test("a command that ignores stdin gets SIGTERM after the grace period, and its trial is PRUNED", async () => {
  const { trial, how, seconds } = await runOne(false, 500);
  assert.equal(trial.state, "PRUNED");
  assert.equal(how, "sigterm");
  assert.ok(seconds < 8, `${seconds} s (the program runs 10 s when not stopped)`);
  assert.ok(Object.keys(trial.intermediateValues).length >= 3);
});
