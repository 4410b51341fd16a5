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

const JOURNAL_SIZE_TEST =
  "journal size: a 300-trial REINFORCE study on a table stays under 3x a random study's; " +
  "resuming between weight snapshots matches the uninterrupted run";
test(JOURNAL_SIZE_TEST, async () => {
  const { mkdtempSync, rmSync, statSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const { tableObjective } = await import("../../src/objectives/table.ts");
  const { randomSampler } = await import("../../src/samplers/random.ts");
  const { reinforceSampler } = await import("../../src/samplers/reinforce.ts");
  const { createStudy } = await import("../../src/study/study.ts");
  const { JournalFileStorage } = await import("../../src/storage/journal.ts");
  const { loadTable } = await import("../../src/tasks/table.ts");
  const table = loadTable("tables/wine.csv.gz");
  const space = table.coveredSpace();
  const dir = mkdtempSync(join(tmpdir(), "hyperforce-journal-"));
  const run = async (name: string, sampler: () => import("../../src/samplers/sampler.ts").Sampler, totalTrials: number) => {
    // Not fsync'ed: the sizes are the same, and the test stays fast.
    const storage = new JournalFileStorage(join(dir, `${name}.jsonl`), { durable: false });
    const study = createStudy({ name, storage, space, sampler: sampler(), seed: 4, loadIfExists: true });
    await study.optimize(tableObjective({ table, seed: 4 }), { totalTrials });
    const trials = study.trials.map((t) => JSON.stringify(t.params));
    study.close();
    storage.close();
    return trials;
  };
  try {
    await run("random", () => randomSampler({ seed: 4 }), 300);
    const full = await run("rl", () => reinforceSampler({ seed: 4 }), 300);
    const ratio = statSync(join(dir, "rl.jsonl")).size / statSync(join(dir, "random.jsonl")).size;
    assert.ok(ratio < 3, `the RL journal is ${ratio.toFixed(2)}x the random one`);
    // Stop at 130 trials (update 32: 7 batches after the weights saved at update 25), then continue with a
    // fresh sampler, which loads the saved state and replays those batches.
    await run("resumed", () => reinforceSampler({ seed: 4 }), 130);
    const resumed = await run("resumed", () => reinforceSampler({ seed: 4 }), 170);
    assert.deepEqual(resumed, full.slice(0, 170));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
