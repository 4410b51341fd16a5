import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { tableObjective } from "../../src/objectives/table.ts";
import { hyperbandPruner, medianPruner, successiveHalvingPruner } from "../../src/pruners/index.ts";
import type { PrunerStudy } from "../../src/pruners/pruner.ts";
import { randomSampler } from "../../src/samplers/random.ts";
import { paperSpace } from "../../src/space/presets.ts";
import { createStudy } from "../../src/study/study.ts";
import type { FrozenTrial, TrialState } from "../../src/trial/types.ts";

function trial(number: number, state: TrialState, curve: number[]): FrozenTrial {
  const intermediateValues: Record<number, number> = {};
  curve.forEach((value, i) => (intermediateValues[i + 1] = value));
  return { number, state, params: {}, distributions: {}, intermediateValues, userAttrs: {}, systemAttrs: {} };
}

const studyOf = (trials: FrozenTrial[]): PrunerStudy => ({ name: "s", direction: "minimize", trials: () => trials });

test("median: prunes a trial whose best value is above the completed trials' median at its step, after startup and warm-up", () => {
  const done = [trial(0, "COMPLETE", [1, 0.5]), trial(1, "COMPLETE", [2, 1]), trial(2, "COMPLETE", [3, 2])];
  const pruner = medianPruner({ startupTrials: 3, warmupSteps: 1 });
  const bad = trial(3, "RUNNING", [2.5]);
  assert.equal(pruner.prune(studyOf([...done, bad]), bad), true); // median 2 at step 1
  assert.equal(pruner.prune(studyOf([...done, trial(3, "RUNNING", [1.5])]), trial(3, "RUNNING", [1.5])), false);
  assert.equal(medianPruner({ startupTrials: 3, warmupSteps: 2 }).prune(studyOf([...done, bad]), bad), false); // warm-up
  assert.equal(medianPruner({ startupTrials: 4 }).prune(studyOf([...done, bad]), bad), false); // startup
  // Its best value so far counts: 0.9 at step 1 beats step 2's median of 1.
  const recovering = trial(3, "RUNNING", [0.9, 1.8]);
  assert.equal(pruner.prune(studyOf([...done, recovering]), recovering), false);
});

test("asha: rungs at minResource * rf^(rate + k); the best 1/rf of the values at a rung go on, the first trial always", () => {
  const pruner = successiveHalvingPruner({ minResource: 1, reductionFactor: 3 });
  assert.deepEqual(
    [0, 1, 2].map((k) => pruner.rungStep(k)),
    [1, 3, 9],
  );
  assert.equal(successiveHalvingPruner({ minResource: 2, reductionFactor: 2, minEarlyStoppingRate: 1 }).rungStep(0), 4);
  const first = trial(0, "RUNNING", [5]);
  assert.equal(pruner.prune(studyOf([first]), first), false);
  const others = [trial(0, "PRUNED", [1]), trial(1, "PRUNED", [2]), trial(2, "COMPLETE", [3, 3, 3])];
  // 4 values at rung 0 (step 1): floor(4 / 3) = 1 goes on, so only a value <= the lowest.
  assert.equal(pruner.prune(studyOf([...others, trial(3, "RUNNING", [1])]), trial(3, "RUNNING", [1])), false);
  assert.equal(pruner.prune(studyOf([...others, trial(3, "RUNNING", [1.5])]), trial(3, "RUNNING", [1.5])), true);
  // Between rungs nothing is judged again: step 2 is no rung.
  assert.equal(pruner.prune(studyOf([...others, trial(3, "RUNNING", [1, 9])]), trial(3, "RUNNING", [1, 9])), false);
  assert.equal(pruner.prune(studyOf([trial(0, "RUNNING", [Number.NaN])]), trial(0, "RUNNING", [Number.NaN])), true);
  assert.throws(() => successiveHalvingPruner({ reductionFactor: 1 }), { message: "reductionFactor must be an integer >= 2, got 1" });
});

test("hyperband: brackets of successive halving, a stable bracket per trial, more trials in the aggressive brackets", () => {
  const pruner = hyperbandPruner({ minResource: 1, maxResource: 15, reductionFactor: 3 });
  assert.deepEqual(
    pruner.brackets.map((b) => b.rungStep(0)),
    [1, 3, 9],
  );
  assert.deepEqual(pruner.bracketShares, [9, 5, 3]);
  const counts = [0, 0, 0];
  for (let n = 0; n < 3400; n++) counts[pruner.bracketOf("study", n)]++;
  assert.equal(pruner.bracketOf("study", 7), pruner.bracketOf("study", 7));
  counts.forEach((count, b) => assert.ok(Math.abs(count / 3400 - pruner.bracketShares[b] / 17) < 0.03, `bracket ${b}: ${count}`));
  // The last bracket's first rung is at step 9: a trial there is never judged at step 1.
  const last = [...Array(200).keys()].find((n) => pruner.bracketOf("s", n) === 2)!;
  const others = [...Array(50).keys()].filter((n) => n !== last).map((n) => trial(n, "COMPLETE", [0]));
  assert.equal(pruner.prune(studyOf([...others, trial(last, "RUNNING", [9])]), trial(last, "RUNNING", [9])), false);
});

test("a pruned study on a curve table: PRUNED trials keep reports and last value, count in the budget; Optuna 3.1 loads them", async () => {
  const path = join(mkdtempSync(join(tmpdir(), "hyperforce-pruned-")), "pruned.jsonl");
  const study = createStudy({
    name: "pruned",
    storage: path,
    space: paperSpace(),
    sampler: randomSampler({ seed: 3 }),
    pruner: successiveHalvingPruner(),
    seed: 3,
  });
  await study.optimize(tableObjective({ table: new URL("../../tables/wine.csv.gz", import.meta.url).pathname, seed: 3 }), {
    totalTrials: 40,
  });
  const trials = study.trials;
  study.close();
  assert.equal(trials.length, 40);
  const pruned = trials.filter((t) => t.state === "PRUNED");
  const complete = trials.filter((t) => t.state === "COMPLETE");
  assert.ok(pruned.length >= 20, `${pruned.length} pruned`);
  for (const t of pruned) {
    const steps = Object.keys(t.intermediateValues).map(Number);
    assert.ok(steps.length < 15);
    assert.equal(t.value, t.intermediateValues[Math.max(...steps)]);
  }
  for (const t of complete) assert.equal(Object.keys(t.intermediateValues).length, 15);
  const python = `
import json, optuna, sys
optuna.logging.set_verbosity(optuna.logging.WARNING)
storage = optuna.storages.JournalStorage(optuna.storages.JournalFileStorage(sys.argv[1]))
study = optuna.load_study(study_name="pruned", storage=storage)
print(json.dumps([[t.state.name, t.value, {str(k): v for k, v in t.intermediate_values.items()}] for t in study.trials]))
`;
  const loaded = JSON.parse(execFileSync("/usr/bin/python3", ["-c", python, path], { encoding: "utf8" })) as Array<
    [string, number | null, Record<string, number>]
  >;
  assert.deepEqual(
    loaded.map(([state]) => state),
    trials.map((t) => t.state),
  );
  loaded.forEach(([, value, intermediate], i) => {
    assert.equal(value ?? undefined, trials[i].value);
    assert.deepEqual(intermediate, Object.fromEntries(Object.entries(trials[i].intermediateValues).map(([k, v]) => [k, v])));
  });
});
