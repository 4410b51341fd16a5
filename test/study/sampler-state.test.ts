import assert from "node:assert/strict";
import { test } from "node:test";
import { SamplerStateWriter, savedSamplerState, stateParts } from "../../src/study/sampler-state.ts";

function store() {
  const attrs: Record<string, unknown> = {};
  const writes: string[] = [];
  return {
    attrs,
    writes,
    write: (name: string, value: unknown) => {
      writes.push(name);
      attrs[name] = value;
    },
  };
}

test("a state round-trips through its parts, with dotted keys escaped", () => {
  const state = { agent: { weights: "AAAA", "odd.key": [1, 2], pending: [] }, rng: [1, 2, 3, 4], empty: {} };
  const s = store();
  new SamplerStateWriter().save("reinforce", state, s.write);
  assert.deepEqual(savedSamplerState(s.attrs, "reinforce"), state);
  assert.ok(stateParts(state).has("sampler_state:agent.odd\\.key"));
});

test("only changed parts are written again", () => {
  const s = store();
  const writer = new SamplerStateWriter();
  writer.save("reinforce", { agent: { weights: [1, 2], pending: [1] }, rng: 1 }, s.write);
  s.writes.length = 0;
  writer.save("reinforce", { agent: { weights: [1, 2], pending: [1, 2] }, rng: 2 }, s.write);
  assert.deepEqual(s.writes.sort(), ["sampler_state:agent.pending", "sampler_state:rng"]);
});

test("a part that disappears from the state is not brought back on load", () => {
  const s = store();
  const writer = new SamplerStateWriter();
  writer.save("ppo", { a: 1, b: { c: 2 } }, s.write);
  writer.save("ppo", { a: 1 }, s.write);
  assert.deepEqual(savedSamplerState(s.attrs, "ppo"), { a: 1 });
});

test("another sampler's state, or none, gives undefined; a loaded study does not rewrite what is stored", () => {
  const s = store();
  new SamplerStateWriter().save("tpe", { rng: [1] }, s.write);
  assert.equal(savedSamplerState(s.attrs, "reinforce"), undefined);
  assert.equal(savedSamplerState({}, "tpe"), undefined);
  const resumed = new SamplerStateWriter();
  resumed.remember(s.attrs);
  s.writes.length = 0;
  resumed.save("tpe", { rng: [1] }, s.write);
  assert.deepEqual(s.writes, []);
});
