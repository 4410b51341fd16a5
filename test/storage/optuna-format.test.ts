import assert from "node:assert/strict";
import { test } from "node:test";
import type { Distribution } from "../../src/space/types.ts";
import {
  datetimeFromOptuna,
  datetimeToOptuna,
  directionFromOptuna,
  distributionFromOptuna,
  distributionToOptuna,
  normalizeDistribution,
  OPTUNA_TRIAL_STATES,
  paramFromInternal,
  paramToInternal,
  stateFromOptuna,
  stateToOptuna,
} from "../../src/storage/optuna-format.ts";
import { fromPythonJson, toPythonJson } from "../../src/storage/python-json.ts";

test("trial states and directions carry Optuna's integer values", () => {
  assert.deepEqual(OPTUNA_TRIAL_STATES, { RUNNING: 0, COMPLETE: 1, PRUNED: 2, FAIL: 3, WAITING: 4 });
  for (const [state, code] of Object.entries(OPTUNA_TRIAL_STATES)) {
    assert.equal(stateToOptuna(state as never), code);
    assert.equal(stateFromOptuna(code), state);
  }
  assert.throws(() => stateFromOptuna(7), { message: "unknown Optuna trial state 7" });
  assert.equal(directionFromOptuna(1), "minimize");
  assert.equal(directionFromOptuna(2), "maximize");
  assert.throws(() => directionFromOptuna(0), { message: "unsupported Optuna study direction 0 (expected 1 = minimize or 2 = maximize)" });
});

test("distributions to Optuna's JSON and back", () => {
  assert.deepEqual(distributionToOptuna({ type: "float", low: 0, high: 1 }), {
    name: "FloatDistribution",
    attributes: { step: null, low: 0, high: 1, log: false },
  });
  assert.deepEqual(distributionToOptuna({ type: "int", low: 1, high: 9 }), {
    name: "IntDistribution",
    attributes: { log: false, step: 1, low: 1, high: 9 },
  });
  assert.deepEqual(distributionToOptuna({ type: "categorical", choices: ["a", null, 1.5, false] }), {
    name: "CategoricalDistribution",
    attributes: { choices: ["a", null, 1.5, false] },
  });
  for (const d of [
    { type: "float", low: 1e-5, high: 1, log: true },
    { type: "float", low: 0, high: 1, step: 0.25 },
    { type: "int", low: 2, high: 64, log: true },
    { type: "int", low: 0, high: 100, step: 5 },
    { type: "categorical", choices: [1, 2, 3] },
  ] as Distribution[]) {
    assert.deepEqual(distributionFromOptuna(JSON.stringify(distributionToOptuna(d))), d);
  }
  assert.deepEqual(normalizeDistribution({ type: "int", low: 1, high: 3, step: 1, log: false }), { type: "int", low: 1, high: 3 });
});

test("Optuna's pre-3.0 and abbreviated distribution forms are read", () => {
  const legacy = (name: string, attributes: object) => distributionFromOptuna({ name, attributes });
  assert.deepEqual(legacy("UniformDistribution", { low: -1, high: 1 }), { type: "float", low: -1, high: 1 });
  assert.deepEqual(legacy("LogUniformDistribution", { low: 0.1, high: 1 }), { type: "float", low: 0.1, high: 1, log: true });
  assert.deepEqual(legacy("DiscreteUniformDistribution", { low: 0, high: 1, q: 0.5 }), { type: "float", low: 0, high: 1, step: 0.5 });
  assert.deepEqual(legacy("IntUniformDistribution", { low: 0, high: 10, step: 2 }), { type: "int", low: 0, high: 10, step: 2 });
  assert.deepEqual(legacy("IntLogUniformDistribution", { low: 1, high: 10, step: 1 }), { type: "int", low: 1, high: 10, log: true });
  assert.deepEqual(distributionFromOptuna('{"type": "int", "low": 1, "high": 4}'), { type: "int", low: 1, high: 4 });
  assert.throws(() => legacy("BetaDistribution", {}), { message: 'unknown Optuna distribution class "BetaDistribution"' });
  assert.throws(() => legacy("FloatDistribution", { low: 0.1, high: 1, step: 0.1, log: true }), {
    message: 'float distribution cannot have both log and step: {"type":"float","low":0.1,"high":1,"step":0.1,"log":true}',
  });
});

test("parameters to Optuna's internal floats and back", () => {
  const act: Distribution = { type: "categorical", choices: ["relu", NaN, null, true] };
  assert.equal(paramToInternal("relu", act), 0);
  assert.equal(paramToInternal(NaN, act), 1);
  assert.equal(paramToInternal(null, act), 2);
  assert.equal(paramFromInternal(3, act), true);
  assert.equal(paramFromInternal(2.0, act), null);
  assert.throws(() => paramFromInternal(4, act), { message: 'choice index 4 is outside ["relu",null,null,true]' });
  assert.throws(() => paramToInternal(1, act), { message: '1 is not one of the choices ["relu",null,null,true]' });
  const int: Distribution = { type: "int", low: 1, high: 9 };
  assert.equal(paramToInternal(4, int), 4);
  assert.equal(paramFromInternal(4.0, int), 4);
  assert.throws(() => paramToInternal(4.5, int), { message: "4.5 is not an integer for an int distribution" });
  assert.throws(() => paramToInternal("4" as never, int), { message: '"4" is not a number for a int distribution' });
  assert.equal(paramFromInternal(0.125, { type: "float", low: 0, high: 1 }), 0.125);
});

test("datetimes as Optuna writes them (local time, microseconds) and with zones", () => {
  const ms = new Date(2026, 10, 27, 7, 5, 9, 42).getTime();
  assert.equal(datetimeToOptuna(ms), "2026-11-27T07:05:09.042000");
  assert.equal(datetimeFromOptuna("2026-11-27T07:05:09.042999"), ms);
  assert.equal(datetimeFromOptuna("2026-11-27 07:05:09"), ms - 42);
  assert.equal(datetimeFromOptuna("2026-11-27T07:05:09.5+02:00"), Date.UTC(2026, 10, 27, 5, 5, 9, 500));
  assert.equal(datetimeFromOptuna("2026-11-27T07:05:09Z"), Date.UTC(2026, 10, 27, 7, 5, 9));
  assert.throws(() => datetimeFromOptuna("yesterday"), { message: 'not an ISO datetime: "yesterday"' });
});

test("Python's JSON: NaN and Infinity tokens outside strings only", () => {
  const value = { a: NaN, b: [Infinity, -Infinity], s: 'NaN Infinity "x"', n: null, d: undefined };
  const text = toPythonJson(value);
  assert.equal(text, '{"a":NaN,"b":[Infinity,-Infinity],"s":"NaN Infinity \\"x\\"","n":null}');
  assert.deepEqual(fromPythonJson(text), { a: NaN, b: [Infinity, -Infinity], s: 'NaN Infinity "x"', n: null });
  assert.deepEqual(fromPythonJson('{"v": "@@nonfinite", "w": NaN}'), { v: "@@nonfinite", w: NaN });
  assert.equal(toPythonJson(new Date(Date.UTC(2026, 0, 1))), '"2026-01-01T00:00:00.000Z"');
  assert.throws(() => toPythonJson({ big: 1n }, "attr"), { message: "attr cannot be stored as JSON: bigint at .big" });
  assert.deepEqual(fromPythonJson("NaN"), NaN);
  assert.deepEqual(fromPythonJson('[1, NaN, {"k": -Infinity}]'), [1, NaN, { k: -Infinity }]);
  assert.throws(() => fromPythonJson("{NaN: 1}"), SyntaxError);
  assert.throws(() => fromPythonJson('{"a": 1, NaN: 2}'), SyntaxError);
});
