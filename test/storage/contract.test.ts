// The same behaviour from every storage: each case runs against InMemoryStorage, a JournalFileStorage
// on a fresh file, a RedisJournalStorage under a fresh key prefix and a PostgresStorage in a fresh
// schema of a throw-away database (the machine's Redis and PostgreSQL, see servers.ts).

import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import type { Distribution } from "../../src/space/types.ts";
import { JournalFileStorage } from "../../src/storage/journal.ts";
import { InMemoryStorage } from "../../src/storage/memory.ts";
import { PostgresStorage } from "../../src/storage/postgres/storage.ts";
import { RedisJournalStorage } from "../../src/storage/redis-journal.ts";
import type { Storage } from "../../src/storage/storage.ts";
import { TargetReachedError } from "../../src/storage/target.ts";
import { cleanUp, createTestDatabase, freshPostgresUrl, freshRedisUrl } from "./servers.ts";

const dir = mkdtempSync(join(tmpdir(), "hyperforce-contract-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
let files = 0;

await createTestDatabase(20);
const opened: Storage[] = [];
after(async () => {
  for (const storage of opened) storage.close?.();
  await cleanUp();
});
const keep = <S extends Storage>(storage: S): S => {
  opened.push(storage);
  return storage;
};

/** Each kind: a function that opens `count` storage objects on one new, empty store. */
const shared: Record<string, (count: number) => Storage[]> = {
  journal: (count) => {
    const path = join(dir, `contract-${files++}.jsonl`);
    return Array.from({ length: count }, () => new JournalFileStorage(path));
  },
  redis: (count) => {
    const url = freshRedisUrl();
    return Array.from({ length: count }, () => keep(new RedisJournalStorage(url)));
  },
  postgres: (count) => {
    const url = freshPostgresUrl();
    return Array.from({ length: count }, () => keep(new PostgresStorage(url)));
  },
};

const makers: Record<string, () => Storage> = {
  memory: () => new InMemoryStorage(),
  journal: () => shared.journal(1)[0],
  redis: () => shared.redis(1)[0],
  postgres: () => shared.postgres(1)[0],
};

const lr: Distribution = { type: "float", low: 1e-5, high: 1e-1, log: true };
const units: Distribution = { type: "int", low: 16, high: 256, step: 16 };
const act: Distribution = { type: "categorical", choices: ["relu", "tanh", null, 3, true] };

for (const [kind, make] of Object.entries(makers)) {
  test(`${kind}: create, find and list studies; names are unique`, () => {
    const s = make();
    assert.equal(s.findStudy("a"), undefined);
    const a = s.createStudy("a", "minimize");
    const b = s.createStudy("b", "maximize");
    assert.deepEqual([a, b], [0, 1]);
    assert.deepEqual(s.findStudy("b"), { studyId: 1, name: "b", direction: "maximize", userAttrs: {}, systemAttrs: {} });
    assert.deepEqual(
      s.listStudies().map((x) => [x.studyId, x.name, x.direction]),
      [
        [0, "a", "minimize"],
        [1, "b", "maximize"],
      ],
    );
    assert.throws(() => s.createStudy("a", "maximize"), { message: 'a study named "a" already exists' });
    assert.throws(() => s.createStudy("", "minimize"), { message: 'a study name must be a non-empty string, got ""' });
    assert.throws(() => s.createStudy("c", "up" as never), { message: 'unknown direction "up" (expected "minimize" or "maximize")' });
    assert.equal(s.listStudies().length, 2);
  });

  test(`${kind}: study attrs are stored as JSON copies`, () => {
    const s = make();
    const id = s.createStudy("attrs", "minimize");
    const value = { layers: [1, 2], nested: { ok: true }, dropped: undefined };
    s.setStudyUserAttr(id, "arch", value);
    s.setStudySystemAttr(id, "seed", 42);
    value.layers.push(3);
    assert.deepEqual(s.findStudy("attrs")?.userAttrs, { arch: { layers: [1, 2], nested: { ok: true } } });
    assert.deepEqual(s.findStudy("attrs")?.systemAttrs, { seed: 42 });
    assert.throws(() => s.setStudyUserAttr(id, "bad", () => 1), {
      message: 'study user attr "bad" cannot be stored as JSON: function at top level',
    });
    assert.throws(() => s.setStudyUserAttr(id, "map", { m: new Map() }), {
      message: 'study user attr "map" cannot be stored as JSON: a Map at .m (use plain objects and arrays)',
    });
    assert.throws(() => s.setStudyUserAttr(7, "k", 1), { message: "no study with id 7" });
  });

  test(`${kind}: trials, params and values`, () => {
    const s = make();
    const id = s.createStudy("t", "minimize");
    const n0 = s.createTrial(id);
    const n1 = s.createTrial(id);
    assert.deepEqual([n0, n1], [0, 1]);
    s.setTrialParam(id, n0, "lr", 0.01, lr);
    s.setTrialParam(id, n0, "units", 64, units);
    s.setTrialParam(id, n0, "act", null, act);
    s.setTrialStateValue(id, n0, "COMPLETE", 0.25);
    const t = s.getTrial(id, n0);
    assert.equal(t.number, 0);
    assert.equal(t.state, "COMPLETE");
    assert.equal(t.value, 0.25);
    assert.deepEqual(t.params, { lr: 0.01, units: 64, act: null });
    assert.deepEqual(t.distributions, { lr, units, act });
    assert.equal(typeof t.datetimeStart, "number");
    assert.ok(t.datetimeComplete! >= t.datetimeStart!);
    assert.equal(s.getTrial(id, n1).state, "RUNNING");
    assert.equal(s.getTrial(id, n1).datetimeComplete, undefined);
    assert.deepEqual(
      s.getAllTrials(id).map((x) => x.number),
      [0, 1],
    );
    // Trials are immutable records.
    assert.throws(() => {
      (t.params as Record<string, unknown>).lr = 5;
    }, TypeError);
    assert.throws(() => s.getTrial(id, 2), { message: 'study "t" has no trial number 2 (it has 2 trials)' });
  });

  test(`${kind}: distributions are normalized; bad params are rejected with the reason`, () => {
    const s = make();
    const id = s.createStudy("p", "minimize");
    const n = s.createTrial(id);
    s.setTrialParam(id, n, "x", 2, { type: "float", low: 0, high: 4, log: false });
    s.setTrialParam(id, n, "k", 3, { type: "int", low: 1, high: 5, step: 1, log: false });
    assert.deepEqual(s.getTrial(id, n).distributions, { x: { type: "float", low: 0, high: 4 }, k: { type: "int", low: 1, high: 5 } });
    assert.throws(() => s.setTrialParam(id, n, "c", "gelu", act), {
      message: 'parameter "c": "gelu" is not one of the choices ["relu","tanh",null,3,true]',
    });
    assert.throws(() => s.setTrialParam(id, n, "k2", 2.5, units), {
      message: 'parameter "k2": 2.5 is not an integer for an int distribution',
    });
    assert.throws(() => s.setTrialParam(id, n, "y", 1, { type: "float", low: 2, high: 1 }), {
      message: 'distribution low must not exceed high: {"type":"float","low":2,"high":1}',
    });
    // Optuna's rule: a parameter keeps its kind, log scale and choices within a study.
    const m = s.createTrial(id);
    assert.throws(() => s.setTrialParam(id, m, "x", 2, { type: "int", low: 0, high: 4 }), {
      message: 'parameter "x" was stored in this study as float, not int',
    });
    assert.throws(() => s.setTrialParam(id, m, "x", 2, { type: "float", low: 1, high: 4, log: true }), {
      message: 'parameter "x" was stored in this study with log false, not true',
    });
    s.setTrialParam(id, m, "x", 3, { type: "float", low: 0, high: 8 });
    assert.equal(s.getTrial(id, m).params.x, 3);
  });

  test(`${kind}: state transitions`, () => {
    const s = make();
    const id = s.createStudy("st", "maximize");
    const done = s.createTrial(id);
    s.setTrialStateValue(id, done, "COMPLETE", 1.5);
    assert.throws(() => s.setTrialStateValue(id, done, "COMPLETE", 2), {
      message: 'trial 0 of study "st" is already COMPLETE and cannot be updated',
    });
    assert.throws(() => s.setTrialStateValue(id, done, "FAIL"), {
      message: 'trial 0 of study "st" is already COMPLETE and cannot be updated',
    });
    assert.throws(() => s.setTrialIntermediateValue(id, done, 1, 0.5), {
      message: 'trial 0 of study "st" is already COMPLETE and cannot be updated',
    });
    assert.throws(() => s.setTrialUserAttr(id, done, "k", 1), {
      message: 'trial 0 of study "st" is already COMPLETE and cannot be updated',
    });
    assert.equal(s.getTrial(id, done).value, 1.5);

    const running = s.createTrial(id);
    assert.throws(() => s.setTrialStateValue(id, running, "COMPLETE"), {
      message: 'trial 1 of study "st": a COMPLETE trial needs a value',
    });
    assert.throws(() => s.setTrialStateValue(id, running, "COMPLETE", NaN), {
      message: 'trial 1 of study "st": the value must be a number, got NaN',
    });
    assert.throws(() => s.setTrialStateValue(id, running, "FAIL", 3), { message: 'trial 1 of study "st": a FAIL trial has no value' });
    assert.throws(() => s.setTrialStateValue(id, running, "RUNNING"), { message: 'trial 1 of study "st" is already RUNNING' });
    assert.throws(() => s.setTrialStateValue(id, running, "WAITING"), { message: 'trial 1 of study "st" cannot be set back to WAITING' });
    assert.throws(() => s.setTrialStateValue(id, running, "DONE" as never), {
      message: 'unknown trial state "DONE" (expected RUNNING, COMPLETE, PRUNED, FAIL or WAITING)',
    });
    s.setTrialSystemAttr(id, running, "fail_reason", "objective returned NaN");
    s.setTrialStateValue(id, running, "FAIL");
    const failed = s.getTrial(id, running);
    assert.equal(failed.state, "FAIL");
    assert.equal(failed.value, undefined);
    assert.equal(failed.failReason, "objective returned NaN");
    assert.equal(failed.systemAttrs.fail_reason, "objective returned NaN");

    const pruned = s.createTrial(id);
    s.setTrialIntermediateValue(id, pruned, 0, 0.1);
    s.setTrialStateValue(id, pruned, "PRUNED", 0.1); // Optuna keeps the last intermediate value
    assert.equal(s.getTrial(id, pruned).state, "PRUNED");
    assert.equal(s.getTrial(id, pruned).value, 0.1);
    assert.equal(s.getTrial(id, pruned).failReason, undefined);
  });

  test(`${kind}: enqueued (WAITING) trials carry params and system attrs, then run`, () => {
    const s = make();
    const id = s.createStudy("q", "minimize");
    const n = s.createTrial(id, {
      state: "WAITING",
      params: { act: "tanh" },
      distributions: { act },
      systemAttrs: { fixed_params: { act: "tanh", lr: 0.001 } },
    });
    const waiting = s.getTrial(id, n);
    assert.equal(waiting.state, "WAITING");
    assert.equal(waiting.datetimeStart, undefined);
    assert.deepEqual(waiting.params, { act: "tanh" });
    assert.deepEqual(waiting.systemAttrs, { fixed_params: { act: "tanh", lr: 0.001 } });
    s.setTrialStateValue(id, n, "RUNNING");
    assert.equal(s.getTrial(id, n).state, "RUNNING");
    assert.equal(typeof s.getTrial(id, n).datetimeStart, "number");
    assert.throws(() => s.createTrial(id, { state: "COMPLETE" }), { message: 'a new trial is RUNNING or WAITING, not "COMPLETE"' });
    assert.throws(() => s.createTrial(id, { params: { z: 1 } }), { message: 'parameter "z" has no distribution' });
    assert.throws(() => s.createTrial(9), { message: "no study with id 9" });
  });

  test(`${kind}: intermediate values and attrs`, () => {
    const s = make();
    const id = s.createStudy("iv", "minimize");
    const n = s.createTrial(id);
    s.setTrialIntermediateValue(id, n, 0, 0.9);
    s.setTrialIntermediateValue(id, n, 1, 0.7);
    s.setTrialIntermediateValue(id, n, 1, 0.6); // a step reported again keeps the latest value
    s.setTrialIntermediateValue(id, n, 2, NaN);
    s.setTrialUserAttr(id, n, "note", { text: "héllo", list: [1, null] });
    s.setTrialSystemAttr(id, n, "worker", 3);
    const t = s.getTrial(id, n);
    assert.deepEqual(t.intermediateValues, { 0: 0.9, 1: 0.6, 2: NaN });
    assert.deepEqual(t.userAttrs, { note: { text: "héllo", list: [1, null] } });
    assert.deepEqual(t.systemAttrs, { worker: 3 });
    assert.throws(() => s.setTrialIntermediateValue(id, n, -1, 0), {
      message: "trial 0: an intermediate value's step must be a non-negative integer, got -1",
    });
    assert.throws(() => s.setTrialIntermediateValue(id, n, 1.5, 0), {
      message: "trial 0: an intermediate value's step must be a non-negative integer, got 1.5",
    });
    assert.throws(() => s.setTrialUserAttr(id, n, "", 0), { message: 'an attr key must be a non-empty string, got ""' });
  });

  test(`${kind}: trials of different studies are numbered per study`, () => {
    const s = make();
    const a = s.createStudy("a", "minimize");
    const b = s.createStudy("b", "minimize");
    assert.equal(s.createTrial(a), 0);
    assert.equal(s.createTrial(b), 0);
    assert.equal(s.createTrial(a), 1);
    s.setTrialStateValue(b, 0, "COMPLETE", 7);
    assert.deepEqual(
      s.getAllTrials(a).map((t) => t.state),
      ["RUNNING", "RUNNING"],
    );
    assert.deepEqual(
      s.getAllTrials(b).map((t) => [t.number, t.value]),
      [[0, 7]],
    );
  });
}

for (const [kind, open] of Object.entries(shared)) {
  test(`${kind}: two storage objects on one store see each other's writes; the checks hold across them`, () => {
    const [s, t] = open(2);
    const id = s.createStudy("shared", "minimize");
    assert.equal(t.findStudy("shared")?.studyId, id);
    const n = t.createTrial(id);
    s.setTrialParam(id, n, "lr", 0.01, lr);
    t.setTrialStateValue(id, n, "COMPLETE", 0.5);
    assert.deepEqual(
      s.getAllTrials(id).map((x) => [x.number, x.state, x.value, x.params.lr]),
      [[0, "COMPLETE", 0.5, 0.01]],
    );
    assert.throws(() => s.setTrialStateValue(id, n, "FAIL"), {
      message: 'trial 0 of study "shared" is already COMPLETE and cannot be updated',
    });
    assert.throws(() => s.createStudy("shared", "maximize"), { message: 'a study named "shared" already exists' });
    // The trial target: the second object is refused the trial the first one took.
    s.createTrial(id, { systemAttrs: { target_trials: 2 } });
    assert.throws(() => t.createTrial(id, { systemAttrs: { target_trials: 2 } }), TargetReachedError);
    assert.equal(t.getAllTrials(id).length, 2);
    // The lease's compare-and-swap: a writer naming a holder that is no longer the holder is refused.
    const lease = (holder: string, previous: string | null) => ({ holder, previous, host: "h", pid: 1, since: 1, heartbeat: 1 });
    s.setStudySystemAttr(id, "study_lease", lease("A", null));
    assert.throws(() => t.setStudySystemAttr(id, "study_lease", lease("B", null)), { message: /the study lease is held by A/ });
    t.setStudySystemAttr(id, "study_lease", lease("B", "A"));
    assert.equal((s.findStudy("shared")?.systemAttrs.study_lease as { holder?: string } | undefined)?.holder, "B");
  });
}
