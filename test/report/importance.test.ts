// PED-ANOVA importance on functions whose importances are known: a parameter the value does not
// depend on gets (almost) none, one that decides the value gets (almost) all, and the order follows
// how strongly the value depends on each parameter.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Rng } from "../../src/nn/rng.ts";
import { parameterImportances, pearsonDivergence } from "../../src/report/importance.ts";
import type { SearchSpace } from "../../src/space/types.ts";
import type { FrozenTrial } from "../../src/trial/types.ts";

function complete(number: number, params: FrozenTrial["params"], value: number): FrozenTrial {
  return { number, state: "COMPLETE", value, params, distributions: {}, intermediateValues: {}, userAttrs: {}, systemAttrs: {} };
}

const SPACE: SearchSpace = {
  x: { type: "float", low: 0, high: 1 },
  y: { type: "float", low: 0, high: 1 },
  lr: { type: "float", low: 1e-5, high: 1, log: true },
  z: { type: "float", low: 0, high: 1 },
  act: { type: "categorical", choices: ["relu", "tanh", "sigmoid"] },
};

function sample(rng: Rng): FrozenTrial["params"] {
  const acts = ["relu", "tanh", "sigmoid"];
  return { x: rng.uniform(), y: rng.uniform(), lr: 10 ** (-5 * rng.uniform()), z: rng.uniform(), act: acts[Math.floor(rng.uniform() * 3)] };
}

test("pearson divergence: 0 for equal distributions, Σ q (p/q − 1)² otherwise", () => {
  assert.equal(pearsonDivergence([0.25, 0.75], [0.25, 0.75]), 0);
  assert.ok(Math.abs(pearsonDivergence([1, 0], [0.5, 0.5]) - 1) < 1e-12);
});

test("importance: a value of x alone gives x nearly everything; parameters it ignores get almost nothing", () => {
  const rng = new Rng(3);
  const trials = Array.from({ length: 1000 }, (_, i) => {
    const params = sample(rng);
    return complete(i, params, ((params.x as number) - 0.3) ** 2);
  });
  const importances = parameterImportances(trials, SPACE, "minimize");
  assert.equal(importances[0].parameter, "x");
  assert.ok(importances[0].importance > 0.85, `x: ${importances[0].importance}`);
  for (const entry of importances.slice(1)) assert.ok(entry.importance < 0.05, `${entry.parameter}: ${entry.importance}`);
  assert.ok(Math.abs(importances.reduce((sum, entry) => sum + entry.importance, 0) - 1) < 1e-12);
});

test("importance: ordered by how much each parameter moves the value (x > log lr > categorical > y > z)", () => {
  const rng = new Rng(5);
  const penalty: Record<string, number> = { relu: 0, tanh: 0.05, sigmoid: 0.1 };
  const trials = Array.from({ length: 2000 }, (_, i) => {
    const p = sample(rng);
    const value =
      4 * ((p.x as number) - 0.5) ** 2 + 0.1 * (Math.log10(p.lr as number) + 3) ** 2 + penalty[p.act as string] + 0.02 * (p.y as number);
    return complete(i, p, value);
  });
  const importances = parameterImportances(trials, SPACE, "minimize");
  assert.deepEqual(
    importances.map((entry) => entry.parameter),
    ["x", "lr", "act", "y", "z"],
    JSON.stringify(importances),
  );
  assert.ok(importances[4].importance < 0.03, `z: ${importances[4].importance}`);
  // Maximizing −f is the same problem: the same importances.
  const flipped = parameterImportances(
    trials.map((trial) => ({ ...trial, value: -trial.value! })),
    SPACE,
    "maximize",
  );
  assert.deepEqual(flipped, importances);
});

test("importance: too few trials give none; failed trials and conditional parameters are handled", () => {
  const few = Array.from({ length: 9 }, (_, i) => complete(i, { x: i / 9 }, i));
  assert.deepEqual(parameterImportances(few, { x: SPACE.x }, "minimize"), []);
  const rng = new Rng(1);
  const trials: FrozenTrial[] = Array.from({ length: 400 }, (_, i) => {
    const x = rng.uniform();
    // y exists only on half the trials (a conditional parameter).
    const params: FrozenTrial["params"] = i % 2 === 0 ? { x, y: rng.uniform() } : { x };
    return complete(i, params, x);
  });
  trials.push({ ...complete(400, { x: 0.5 }, 0), state: "FAIL", value: undefined });
  const importances = parameterImportances(trials, { x: SPACE.x, y: SPACE.y }, "minimize");
  assert.equal(importances[0].parameter, "x");
  assert.ok(importances[1].importance < 0.1, JSON.stringify(importances));
});
