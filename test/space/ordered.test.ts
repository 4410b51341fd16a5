// Ordered numeric choices: validation, the readable JSON form, the journal form (a categorical of the
// numbers plus hyperforce's marker), and samplers drawing only listed values.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { createSampler } from "../../src/samplers/index.ts";
import {
  discreteChoices,
  isOrderedChoices,
  type SearchSpace,
  sameDistribution,
  spaceFromJSON,
  spaceToJSON,
  validateSpace,
} from "../../src/space/index.ts";
import { JournalFileStorage } from "../../src/storage/journal.ts";
import { createStudy } from "../../src/study/study.ts";
import { ArrayStudy } from "../samplers/study-loop.ts";

const space: SearchSpace = {
  rate: { type: "float", choices: [1e-5, 3e-5, 1e-4, 3e-4, 1e-3], log: true },
  batch: { type: "int", choices: [8, 16, 32, 64], log: true },
  units: { type: "int", choices: [2, 4, 6] },
  act: { type: "categorical", choices: [3, 1, 2] },
};

test("isOrderedChoices tells ordered choices from ranges and categoricals", () => {
  assert.deepEqual(Object.values(space).map(isOrderedChoices), [true, true, true, false]);
  assert.equal(isOrderedChoices({ type: "float", low: 0, high: 1 }), false);
  assert.deepEqual(discreteChoices(space.rate), [1e-5, 3e-5, 1e-4, 3e-4, 1e-3]);
  assert.equal(sameDistribution(space.units, { type: "categorical", choices: [2, 4, 6] }), false);
  assert.equal(sameDistribution(space.units, { type: "int", choices: [2, 4, 6], log: true }), false);
  assert.equal(sameDistribution(space.units, { type: "float", choices: [2, 4, 6] }), false);
  assert.equal(sameDistribution(space.units, { type: "int", choices: [2, 4, 6] }), true);
});

test("validation names the parameter and what is wrong", () => {
  const cases: Array<[SearchSpace, string]> = [
    [
      { lr: { type: "float", choices: [1e-3, 1e-4] } },
      'parameter "lr": ordered choices must be distinct and ascending, but choice 1 (0.0001) is below choice 0 (0.001)',
    ],
    [
      { lr: { type: "float", choices: [1, 2, 2] } },
      'parameter "lr": ordered choices must be distinct and ascending, but choice 2 (2) repeats choice 1 (2)',
    ],
    [{ lr: { type: "float", choices: [] } }, 'parameter "lr": empty choice list'],
    [{ lr: { type: "float", choices: [1, Number.NaN] } }, 'parameter "lr": float choice 1 must be a finite number, got NaN'],
    [{ lr: { type: "float", choices: [0, 1], log: true } }, 'parameter "lr": log scale needs positive choices, got choice 0 = 0'],
    [{ n: { type: "int", choices: [1, 2.5] } }, 'parameter "n": int choice 1 must be an integer, got 2.5'],
    [{ n: { type: "int", choices: ["8"] as never } }, 'parameter "n": int choice 0 must be a finite number, got "8"'],
  ];
  for (const [bad, message] of cases) assert.throws(() => validateSpace(bad), { message });
  assert.throws(() => spaceFromJSON('{"n": {"type": "int", "low": 1, "choices": [1, 2]}}'), {
    message: 'parameter "n": field "low" cannot be combined with "choices" (give one or the other)',
  });
  assert.throws(() => spaceFromJSON('{"n": {"type": "int", "choices": 3}}'), {
    message: 'parameter "n": field "choices" must be an array of numbers',
  });
});

test("round-trips through the readable JSON form", () => {
  const json = spaceToJSON(space);
  assert.deepEqual(json.rate, { type: "float", choices: [1e-5, 3e-5, 1e-4, 3e-4, 1e-3], log: true });
  assert.deepEqual(json.units, { type: "int", choices: [2, 4, 6] });
  assert.deepEqual(spaceFromJSON(JSON.stringify(json)), space);
});

test("the journal stores a categorical of the numbers with a marker, and reading it back restores the ordered kind", () => {
  const dir = mkdtempSync(join(tmpdir(), "hyperforce-ordered-"));
  try {
    const path = join(dir, "journal.jsonl");
    const storage = new JournalFileStorage(path);
    const id = storage.createStudy("s", "minimize");
    const n = storage.createTrial(id);
    for (const [name, value] of [
      ["rate", 1e-4],
      ["batch", 64],
      ["units", 2],
      ["act", 1],
    ] as const) {
      storage.setTrialParam(id, n, name, value, space[name]);
    }
    storage.setTrialStateValue(id, n, "COMPLETE", 1);
    const line = readFileSync(path, "utf8")
      .split("\n")
      .find((l) => l.includes('"rate"'))!;
    const record = JSON.parse(line) as { param_value_internal: number; distribution: string };
    assert.equal(record.param_value_internal, 2);
    assert.deepEqual(JSON.parse(record.distribution), {
      name: "CategoricalDistribution",
      attributes: { choices: [1e-5, 3e-5, 1e-4, 3e-4, 1e-3] },
      ordered_choices: { type: "float", log: true },
    });
    const trial = new JournalFileStorage(path).getAllTrials(id)[0];
    assert.deepEqual(trial.distributions, space);
    assert.deepEqual(trial.params, { rate: 1e-4, batch: 64, units: 2, act: 1 });
    assert.throws(() => storage.setTrialParam(id, storage.createTrial(id), "units", 2, { type: "int", low: 2, high: 6, step: 2 }), {
      message: 'parameter "units" was stored in this study with a list of choices',
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("random, grid, TPE and evolution draw only listed values", () => {
  for (const name of ["random", "grid", "tpe", "evolution"] as const) {
    const sampler = createSampler(name, { seed: 3 } as never);
    const study = new ArrayStudy();
    for (let i = 0; i < 40; i++) {
      const trial = study.ask(sampler, space);
      for (const [param, d] of Object.entries(space)) {
        assert.ok(discreteChoices(d).includes(trial.params[param]), `${name}: ${param} = ${trial.params[param]}`);
      }
      study.tell(sampler, trial, Math.abs(Math.log10(trial.params.rate as number) + 4) + Math.abs((trial.params.units as number) - 4));
    }
  }
});

test("trial.suggestOrdered records ordered choices define-by-run", async () => {
  const study = createStudy({ sampler: createSampler("tpe", { seed: 1, nStartupTrials: 5 }) });
  await study.optimize((trial) => Math.log10(trial.suggestOrdered("rate", [1e-5, 1e-4, 1e-3], { log: true })), { nTrials: 12 });
  const trials = study.trials;
  assert.deepEqual(trials[0].distributions.rate, { type: "float", choices: [1e-5, 1e-4, 1e-3], log: true });
  assert.ok(trials.every((t) => [1e-5, 1e-4, 1e-3].includes(t.params.rate as number)));
  assert.throws(() => createStudy().ask().suggestOrdered("n", [2, 1]), /ordered choices must be distinct and ascending/);
});
