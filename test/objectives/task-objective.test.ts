// Any task as an objective (src/objectives/task-objective.ts): what a trial records, by task kind.

import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { csvTaskObjective } from "../../src/objectives/csv-task.ts";
import { trialTrainingSeed } from "../../src/objectives/task-objective.ts";
import { createStudy } from "../../src/study/study.ts";
import { csvTask } from "../../src/tasks/csv-task.ts";

const dataDir = process.env.HYPERFORCE_DATA_DIR ?? fileURLToPath(new URL("../../../shared/data", import.meta.url));
const CONFIG = { learning_rate: 0.01, weight_decay: 1e-4, batch_size: 32, hidden_units: 20 };

test("a classification task records validation and test accuracy per trial, beside the losses", async () => {
  const path = join(dataDir, "digits.csv");
  const study = createStudy({ seed: 5 });
  study.enqueueTrial(CONFIG);
  await study.optimize(csvTaskObjective({ path, target: "digit", epochs: 3, seed: 5 }), { nTrials: 1 });
  const [trial] = study.trials;
  assert.equal(trial.state, "COMPLETE");
  const direct = csvTask(path, { target: "digit" }, { epochs: 3 }).evaluate(CONFIG, trialTrainingSeed(5, 0));
  assert.equal(trial.value, direct.validationLoss);
  assert.equal(trial.userAttrs.validation_accuracy, direct.validationAccuracy);
  assert.equal(trial.userAttrs.test_accuracy, direct.testAccuracy);
  assert.ok((trial.userAttrs.validation_accuracy as number) > 0.5, `accuracy ${trial.userAttrs.validation_accuracy}`);
});

test("a regression task records no accuracy", async () => {
  const study = createStudy({ seed: 5 });
  study.enqueueTrial(CONFIG);
  await study.optimize(csvTaskObjective({ path: join(dataDir, "diabetes.csv"), target: "progression", epochs: 2 }), { nTrials: 1 });
  const [trial] = study.trials;
  assert.equal(trial.state, "COMPLETE");
  assert.equal(trial.userAttrs.epochs, 2);
  assert.ok(!("validation_accuracy" in trial.userAttrs) && !("test_accuracy" in trial.userAttrs));
});
