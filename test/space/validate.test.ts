import assert from "node:assert/strict";
import { test } from "node:test";
import { defineSpace, validateSpace } from "../../src/space/index.ts";
import type { SearchSpace } from "../../src/space/types.ts";

function message(space: unknown): string {
  try {
    validateSpace(space as SearchSpace);
  } catch (error) {
    return (error as Error).message;
  }
  return "(valid)";
}

test("a sound space passes", () => {
  validateSpace({
    lr: { type: "float", low: 1e-5, high: 1, log: true },
    units: { type: "int", low: 2, high: 20, step: 2 },
    dropout: { type: "float", low: 0, high: 0.5, step: 0.1 },
    act: { type: "categorical", choices: ["relu", "tanh", null, 1, true] },
  });
});

test("each problem has its own exact message naming the parameter", () => {
  const cases: Array<[unknown, string]> = [
    [{ lr: { type: "float", low: 2, high: 1 } }, 'parameter "lr": low (2) is greater than high (1)'],
    [{ lr: { type: "float", low: 0, high: 1, log: true } }, 'parameter "lr": log scale needs low > 0, got low = 0'],
    [{ n: { type: "int", low: -1, high: 5, log: true } }, 'parameter "n": log scale needs low > 0, got low = -1'],
    [{ lr: { type: "float", low: 0, high: 1, step: 0 } }, 'parameter "lr": step must be a positive number, got 0'],
    [{ n: { type: "int", low: 0, high: 10, step: -2 } }, 'parameter "n": step must be a positive number, got -2'],
    [{ n: { type: "int", low: 0, high: 10, step: 1.5 } }, 'parameter "n": an int step must be an integer, got 1.5'],
    [{ lr: { type: "float", low: 0.1, high: 1, step: 0.1, log: true } }, 'parameter "lr": a float cannot have both step and log'],
    [{ n: { type: "int", low: 1, high: 9, step: 2, log: true } }, 'parameter "n": a log int cannot have a step other than 1, got step = 2'],
    [
      { x: { type: "float", low: 0, high: 0.95, step: 0.1 } },
      'parameter "x": high - low (0.95) is not a multiple of step (0.1); use high = 0.9',
    ],
    [{ n: { type: "int", low: 0, high: 10, step: 3 } }, 'parameter "n": high - low (10) is not a multiple of step (3); use high = 9'],
    [{ c: { type: "categorical", choices: [] } }, 'parameter "c": empty choice list'],
    [{ c: { type: "categorical", choices: ["a", "b", "a"] } }, 'parameter "c": duplicate choice "a" (indices 0 and 2)'],
    [{ c: { type: "categorical", choices: [{ a: 1 }] } }, 'parameter "c": choice 0 must be a string, number, boolean or null, got object'],
    [{ lr: { type: "float", low: -Infinity, high: 1 } }, 'parameter "lr": low must be a finite number, got -Infinity'],
    [{ lr: { type: "float", low: 0, high: NaN } }, 'parameter "lr": high must be a finite number, got NaN'],
    [{ n: { type: "int", low: 0.5, high: 3 } }, 'parameter "n": int bounds must be integers, got low = 0.5'],
    [{ q: { type: "normal", low: 0, high: 1 } }, 'parameter "q": unknown type "normal" (expected "float", "int" or "categorical")'],
    [{}, "a search space needs at least one parameter"],
    [[], "a search space must be an object mapping parameter names to distributions"],
  ];
  for (const [space, expected] of cases) assert.equal(message(space), expected, JSON.stringify(space));
});

test("categorical 1 and '1' are different choices; 0.1 steps tolerate float drift", () => {
  assert.equal(message({ c: { type: "categorical", choices: [1, "1"] } }), "(valid)");
  assert.equal(message({ x: { type: "float", low: 0.1, high: 0.7, step: 0.2 } }), "(valid)");
  assert.equal(message({ x: { type: "float", low: 3, high: 3 } }), "(valid)");
});

test("all problems of a space are reported together, one per line", () => {
  assert.equal(
    message({ a: { type: "float", low: 2, high: 1 }, b: { type: "categorical", choices: [] } }),
    'parameter "a": low (2) is greater than high (1)\nparameter "b": empty choice list',
  );
});

test("defineSpace keeps the list order and rejects repeated names", () => {
  const space = defineSpace([
    { name: "b", type: "int", low: 1, high: 3 },
    { name: "a", type: "categorical", choices: ["x"] },
  ]);
  assert.deepEqual(Object.keys(space), ["b", "a"]);
  assert.deepEqual(space.b, { type: "int", low: 1, high: 3 });
  assert.throws(
    () =>
      defineSpace([
        { name: "lr", type: "float", low: 0, high: 1 },
        { name: "n", type: "int", low: 0, high: 1 },
        { name: "lr", type: "float", low: 0, high: 2 },
      ]),
    { message: 'duplicate parameter name "lr" (positions 0 and 2)' },
  );
  assert.throws(() => defineSpace([{ name: "lr", type: "float", low: 1, high: 0 }]), {
    message: 'parameter "lr": low (1) is greater than high (0)',
  });
});
