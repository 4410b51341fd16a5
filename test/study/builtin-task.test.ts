// The built-in paper task as an objective (src/objectives/builtin-task.ts) and objective specs
// (src/objectives/spec.ts), driven through the study. (test/objectives/ belongs to another module's owner.)

import assert from "node:assert/strict";
import { test } from "node:test";
import { builtinTaskObjective, DIVERGED_REASON, trialTrainingSeed } from "../../src/objectives/builtin-task.ts";
import { parseObjectiveSpec } from "../../src/objectives/spec.ts";
import { randomSampler } from "../../src/samplers/random.ts";
import type { SearchSpace } from "../../src/space/types.ts";
import { createStudy } from "../../src/study/study.ts";
import { evaluatePaperTask } from "../../src/tasks/paper-task.ts";

process.env.HYPERFORCE_DATA_DIR ??= new URL("../../../shared/data", import.meta.url).pathname;

test("training seeds are a pure function of the study seed and the trial number, and differ between trials", () => {
  assert.equal(trialTrainingSeed(7, 3), trialTrainingSeed(7, 3));
  const seeds = new Set<number>();
  for (let study = 0; study < 20; study++) for (let trial = 0; trial < 50; trial++) seeds.add(trialTrainingSeed(study, trial));
  assert.equal(seeds.size, 1000);
  assert.ok([...seeds].every((seed) => Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32));
});

const WINE_OBJECTIVE_TEST_NAME =
  "the wine objective returns the validation loss of evaluatePaperTask with the derived seed, and keeps the rest as user attrs";

test(WINE_OBJECTIVE_TEST_NAME, async () => {
  const study = createStudy({ seed: 3, sampler: randomSampler({ seed: 3 }) });
  await study.optimize(builtinTaskObjective({ task: "wine", seed: 3, epochs: 2 }), { nTrials: 3 });
  for (const trial of study.trials) {
    assert.deepEqual(
      Object.keys(trial.params),
      ["learning_rate", "weight_decay", "batch_size", "hidden_units"],
      "suggested from the paper space",
    );
    const direct = await evaluatePaperTask(
      "wine",
      {
        learningRate: trial.params.learning_rate as number,
        weightDecay: trial.params.weight_decay as number,
        batchSize: trial.params.batch_size as number,
        hidden: trial.params.hidden_units as number,
        epochs: 2,
      },
      { seed: trialTrainingSeed(3, trial.number), splitSeed: 0 },
    );
    assert.equal(trial.state, "COMPLETE");
    assert.equal(trial.value, direct.validationLoss);
    assert.equal(trial.userAttrs.test_loss, direct.testLoss);
    assert.equal(trial.userAttrs.seed, trialTrainingSeed(3, trial.number));
    assert.equal(trial.userAttrs.diverged, false);
    assert.equal(trial.userAttrs.epochs, 2);
  }
});

test('a diverged run is a FAIL trial with the reason "diverged" and diverged = true', async () => {
  const space: SearchSpace = {
    learning_rate: { type: "categorical", choices: [1e30] },
    weight_decay: { type: "categorical", choices: [0] },
    batch_size: { type: "categorical", choices: [8] },
    hidden_units: { type: "categorical", choices: [20] },
  };
  const study = createStudy({ space, sampler: randomSampler({ seed: 1, allowRepeats: true }) });
  await study.optimize({ kind: "task", task: "wine", epochs: 2 }, { nTrials: 1 });
  const [trial] = study.trials;
  assert.equal(trial.state, "FAIL");
  assert.equal(trial.failReason, DIVERGED_REASON);
  assert.equal(trial.userAttrs.diverged, true);
  assert.equal(trial.userAttrs.test_loss, undefined, "an infinite test loss is not stored");
});

test("the task spec takes the study seed when it has none", async () => {
  const a = createStudy({
    seed: 10,
    space: { learning_rate: { type: "categorical", choices: [1e-3] } },
    sampler: randomSampler({ seed: 1 }),
  });
  await a.optimize({ kind: "task", task: "wine", epochs: 1 }, { nTrials: 1 });
  assert.equal(a.trials[0].userAttrs.seed, trialTrainingSeed(10, 0));
  const b = createStudy({
    seed: 10,
    space: { learning_rate: { type: "categorical", choices: [1e-3] } },
    sampler: randomSampler({ seed: 1 }),
  });
  await b.optimize({ kind: "task", task: "wine", epochs: 1, seed: 99 }, { nTrials: 1 });
  assert.equal(b.trials[0].userAttrs.seed, trialTrainingSeed(99, 0));
});

test("objective specs are checked with clear messages", () => {
  assert.deepEqual(parseObjectiveSpec({ kind: "task", task: "letter", splitSeed: 2 }), { kind: "task", task: "letter", splitSeed: 2 });
  assert.deepEqual(parseObjectiveSpec({ kind: "module", path: "a.js", exportName: "f" }), {
    kind: "module",
    path: "a.js",
    exportName: "f",
  });
  assert.throws(() => parseObjectiveSpec("wine"), { message: 'an objective spec must be an object with a "kind" field' });
  assert.throws(() => parseObjectiveSpec({ kind: "magic" }), /^ConfigError: unknown objective kind "magic"; known kinds: module, task/);
  assert.throws(() => parseObjectiveSpec({ kind: "task", task: "iris" }), {
    message: 'a "task" objective needs "task": one of wine, letter, fashion; got "iris"',
  });
  assert.throws(() => parseObjectiveSpec({ kind: "task", task: "wine", epochs: 0 }), {
    message: '"epochs" must be an integer >= 1, got 0',
  });
  assert.throws(() => parseObjectiveSpec({ kind: "task", task: "wine", splitSeed: 1.5 }), {
    message: '"splitSeed" must be an integer, got 1.5',
  });
  assert.throws(() => parseObjectiveSpec({ kind: "module" }), {
    message: 'a "module" objective needs "path": the file that exports the objective',
  });
  assert.throws(() => builtinTaskObjective({ task: "iris" as "wine" }), {
    message: 'unknown task "iris"; built-in tasks: wine, letter, fashion',
  });
});

test("bad parameter values for the task fail the trial with the parameter named", async () => {
  const study = createStudy({ space: { batch_size: { type: "categorical", choices: [0] } }, sampler: randomSampler({ seed: 1 }) });
  await study.optimize({ kind: "task", task: "wine", epochs: 1 }, { nTrials: 1 });
  assert.equal(study.trials[0].failReason, "batch_size must be an integer >= 1, got 0");
});
