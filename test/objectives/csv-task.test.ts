import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { csvTaskObjective } from "../../src/objectives/csv-task.ts";
import { createStudy } from "../../src/study/study.ts";

const dir = mkdtempSync(join(tmpdir(), "hyperforce-csv-objective-"));
const path = join(dir, "species.csv");
const rows = Array.from({ length: 60 }, (_, i) => {
  const size = (i % 10) + (i % 3) * 0.5;
  return `${size},${i % 7},${size > 6 ? "large" : size > 3 ? "medium" : "small"}`;
});
writeFileSync(path, ["size,noise,species", ...rows].join("\n"));

test("a bad file fails when the objective is made, before any trial runs", () => {
  assert.throws(() => csvTaskObjective({ path, target: "kind" }), {
    message: `${path}: no column "kind" for the target; the columns are: size, noise, species`,
  });
  assert.throws(() => csvTaskObjective({ path, target: "species", epochs: 0 }), { message: "epochs must be an integer >= 1, got 0" });
});

test("trials train the paper's MLP on the file: suggested parameters, seeds and test loss recorded", async () => {
  const objective = csvTaskObjective({ path, target: "species", splitSeed: 2, epochs: 5, seed: 9 });
  const study = createStudy({ seed: 9 });
  study.enqueueTrial({ learning_rate: 0.01, weight_decay: 1e-5, batch_size: 8, hidden_units: 20 });
  await study.optimize(objective, { nTrials: 2 });
  const [good, suggested] = study.trials;
  assert.equal(suggested.state, "COMPLETE");
  assert.deepEqual(Object.keys(suggested.distributions), ["learning_rate", "weight_decay", "batch_size", "hidden_units"]);
  assert.equal(good.state, "COMPLETE");
  assert.ok((good.value as number) > 0 && (good.value as number) < Math.log(3), `cross-entropy ${good.value}`);
  assert.deepEqual(Object.keys(good.params), ["learning_rate", "weight_decay", "batch_size", "hidden_units"]);
  assert.equal(good.userAttrs.epochs, 5);
  assert.equal(typeof good.userAttrs.test_loss, "number");
  assert.equal(typeof good.userAttrs.seed, "number");
  // Same study seed and trial number: the same training seed and value.
  const again = createStudy({ seed: 9 });
  again.enqueueTrial(good.params);
  await again.optimize(objective, { nTrials: 1 });
  assert.equal(again.trials[0].value, good.value);
});
