import assert from "node:assert/strict";
import { test } from "node:test";
import { paperSpace, spaceFromJSON, spaceToJSON } from "../../src/space/index.ts";
import type { SearchSpace } from "../../src/space/types.ts";

const space: SearchSpace = {
  lr: { type: "float", low: 1e-5, high: 1, log: true },
  units: { type: "int", low: 2, high: 20, step: 2 },
  depth: { type: "int", low: 1, high: 64, log: true },
  dropout: { type: "float", low: 0, high: 0.5, step: 0.1 },
  act: { type: "categorical", choices: ["relu", "tanh", null, 3, false] },
};

test("round-trips through JSON text with the parameter order kept", () => {
  const text = JSON.stringify(spaceToJSON(space));
  const back = spaceFromJSON(text);
  assert.deepEqual(back, space);
  assert.deepEqual(Object.keys(back), Object.keys(space));
  assert.deepEqual(spaceFromJSON(spaceToJSON(paperSpace())), paperSpace());
});

test("the readable form is the documented one", () => {
  assert.equal(
    JSON.stringify(spaceToJSON({ lr: { type: "float", low: 1e-5, high: 1, log: true }, n: { type: "int", low: 1, high: 4, log: false } })),
    '{"lr":{"type":"float","low":0.00001,"high":1,"log":true},"n":{"type":"int","low":1,"high":4}}',
  );
});

test("parsing names the bad field", () => {
  const cases: Array<[string, string]> = [
    ["{", "search space JSON does not parse: "],
    ["[1]", "search space JSON must be an object mapping parameter names to distributions"],
    ['{"lr": 3}', 'parameter "lr": must be an object with a "type" field'],
    ['{"lr": {"low": 0, "high": 1}}', 'parameter "lr": field "type" must be "float", "int" or "categorical", got undefined'],
    ['{"lr": {"type": "float", "low": "0", "high": 1}}', 'parameter "lr": field "low" must be a number, got "0"'],
    [
      '{"lr": {"type": "float", "low": 0, "hihg": 1}}',
      'parameter "lr": unknown field "hihg" for a float parameter\nparameter "lr": field "high" must be a number, got undefined',
    ],
    ['{"lr": {"type": "float", "low": 0, "high": 1, "log": "yes"}}', 'parameter "lr": field "log" must be true or false, got "yes"'],
    ['{"n": {"type": "int", "low": 0, "high": 4, "step": null}}', 'parameter "n": field "step" must be a number, got null'],
    ['{"c": {"type": "categorical", "choices": "ab"}}', 'parameter "c": field "choices" must be an array'],
    ['{"c": {"type": "categorical", "choices": ["a"], "low": 0}}', 'parameter "c": unknown field "low" for a categorical parameter'],
    ['{"lr": {"type": "float", "low": 1, "high": 0}}', 'parameter "lr": low (1) is greater than high (0)'],
    ['{"__proto__": {"type": "float", "low": 0, "high": 1}}', 'parameter name "__proto__" is reserved'],
  ];
  for (const [text, expected] of cases) {
    assert.throws(
      () => spaceFromJSON(text),
      (error: Error) => {
        if (expected.endsWith(": ")) assert.ok(error.message.startsWith(expected), error.message);
        else assert.equal(error.message, expected);
        return true;
      },
    );
  }
});
