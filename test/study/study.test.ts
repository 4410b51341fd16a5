import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { gridSampler } from "../../src/samplers/grid.ts";
import { randomSampler } from "../../src/samplers/random.ts";
import type { SearchSpace } from "../../src/space/types.ts";
import { InMemoryStorage } from "../../src/storage/memory.ts";
import { STALE_RUNNING_REASON } from "../../src/study/attrs.ts";
import { savedSamplerState } from "../../src/study/sampler-state.ts";
import { createStudy, loadStudy } from "../../src/study/study.ts";
import { TrialPruned } from "../../src/trial/pruned.ts";
import type { Trial } from "../../src/trial/types.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const square = (trial: Trial) => trial.suggestFloat("x", -2, 2) ** 2;
const SPACE: SearchSpace = { x: { type: "float", low: -2, high: 2 }, k: { type: "int", low: 1, high: 5 } };

test("ask and tell record params, values and states", () => {
  const study = createStudy({ name: "s", sampler: randomSampler({ seed: 1 }) });
  const first = study.ask();
  const x = first.suggestFloat("x", -1, 1);
  assert.equal(first.suggestFloat("x", -1, 1), x, "a second suggestion of the same name returns the same value");
  const finished = study.tell(first, x * x);
  assert.equal(finished.state, "COMPLETE");
  assert.equal(finished.value, x * x);
  assert.deepEqual(finished.params, { x });

  const second = study.ask();
  second.report(0, 3);
  second.setUserAttr("note", "pruned early");
  assert.equal(study.tell(second.number, { state: "PRUNED" }).state, "PRUNED");
  assert.deepEqual(study.trials[1].intermediateValues, { 0: 3 });
  assert.deepEqual(study.trials[1].userAttrs, { note: "pruned early" });

  assert.throws(() => study.tell(first, 1), {
    message: 'trial 0 of study "s" is COMPLETE, not RUNNING; only a running trial can be told its result',
  });
  assert.throws(() => second.report(1, 1), { message: "trial 1 is already finished (PRUNED); cannot report" });
});

test("tell turns errors, NaN, infinities and non-numbers into FAIL trials with the reason stored", () => {
  const study = createStudy({ sampler: randomSampler({ seed: 1 }) });
  const cases: Array<[unknown, string]> = [
    [new Error("boom"), "boom"],
    [Number.NaN, "objective returned NaN"],
    [Number.POSITIVE_INFINITY, "objective returned Infinity"],
    [Number.NEGATIVE_INFINITY, "objective returned -Infinity"],
    ["0.5", 'objective returned a string ("0.5"), not a number'],
    [{ state: "FAIL", reason: "told so" }, "told so"],
  ];
  for (const [result, reason] of cases) {
    const trial = study.ask();
    const frozen = study.tell(trial, result as number);
    assert.equal(frozen.state, "FAIL");
    assert.equal(frozen.failReason, reason);
    assert.equal(frozen.systemAttrs.fail_reason, reason);
    assert.equal(frozen.value, undefined);
  }
});

test("a parameter cannot change its distribution within a trial, and a declared one comes from the space", () => {
  const study = createStudy({ space: SPACE, sampler: randomSampler({ seed: 3 }) });
  const trial = study.ask();
  const declared = trial.params.x as number;
  assert.equal(trial.suggestFloat("x", -2, 2), declared);
  assert.throws(() => trial.suggestFloat("x", -1, 1), {
    message: `trial 0: parameter "x" is declared in the study's space as float [-2, 2]; it cannot change to float [-1, 1] within a trial`,
  });
  trial.suggestCategorical("c", ["a", "b"]);
  assert.throws(() => trial.suggestCategorical("c", ["a", "b", "c"]), {
    message:
      'trial 0: parameter "c" was already suggested in this trial as categorical ["a","b"]; ' +
      'it cannot change to categorical ["a","b","c"] within a trial',
  });
  assert.throws(() => trial.suggestFloat("bad", 2, 1), /parameter "bad"/);
  assert.deepEqual(Object.keys(study.trials[0].params).sort(), ["c", "k", "x"]);
});

test("optimize records each failure kind and goes on", async () => {
  const study = createStudy({ sampler: randomSampler({ seed: 2 }) });
  await study.optimize(
    async (trial) => {
      const x = trial.suggestFloat("x", 0, 1);
      switch (trial.number) {
        case 0:
          throw new Error("objective exploded");
        case 1:
          return Number.NaN;
        case 2:
          return Number.POSITIVE_INFINITY;
        case 3:
          await sleep(400);
          return x;
        case 4: {
          const until = Date.now() + 120; // synchronous overrun: seen when it returns
          while (Date.now() < until);
          return x;
        }
        case 5:
          throw new TrialPruned();
        default:
          return x;
      }
    },
    { nTrials: 7, trialTimeoutMs: 60 },
  );
  const trials = study.trials;
  assert.deepEqual(
    trials.map((trial) => [trial.state, trial.failReason]),
    [
      ["FAIL", "objective exploded"],
      ["FAIL", "objective returned NaN"],
      ["FAIL", "objective returned Infinity"],
      ["FAIL", "timed out after 60 ms"],
      ["FAIL", "timed out after 60 ms"],
      ["PRUNED", undefined],
      ["COMPLETE", undefined],
    ],
  );
  assert.equal(trials[6].value, trials[6].params.x);
});

test("catch: false records the FAIL trial, then optimize rejects with the error", async () => {
  const study = createStudy({ sampler: randomSampler({ seed: 2 }) });
  await assert.rejects(
    study.optimize(
      (trial) => {
        if (trial.number === 1) throw new RangeError("out of range");
        return 1;
      },
      { nTrials: 5, catch: false },
    ),
    { name: "RangeError", message: "out of range" },
  );
  assert.deepEqual(
    study.trials.map((trial) => trial.state),
    ["COMPLETE", "FAIL"],
  );
  const chosen = createStudy({ sampler: randomSampler({ seed: 2 }) });
  await assert.rejects(
    chosen.optimize(
      (trial) => {
        throw trial.number === 0 ? new Error("caught") : new TypeError("not caught");
      },
      { nTrials: 5, catch: (error) => !(error instanceof TypeError) },
    ),
    { message: "not caught" },
  );
  assert.equal(chosen.trials.length, 2);
});

test("enqueued trials run first with their values; declared values are checked", async () => {
  const study = createStudy({ space: SPACE, sampler: randomSampler({ seed: 4 }) });
  assert.equal(study.enqueueTrial({ x: 0.5, k: 2 }), 0);
  study.enqueueTrial({ x: -1 });
  assert.equal(study.trials[0].state, "WAITING");
  assert.throws(() => study.enqueueTrial({ k: 9 }), { message: 'enqueueTrial: 9 is not a value of parameter "k" (int [1, 5])' });
  await study.optimize((trial) => (trial.params.x as number) + trial.suggestInt("extra", 0, 3), { nTrials: 3 });
  const trials = study.trials;
  assert.deepEqual(trials[0].params.x, 0.5);
  assert.deepEqual(trials[0].params.k, 2);
  assert.equal(trials[1].params.x, -1);
  assert.ok([1, 2, 3, 4, 5].includes(trials[1].params.k as number), "a declared value left out is sampled");
  assert.equal(trials.length, 3);
  assert.ok(trials.every((trial) => trial.state === "COMPLETE"));

  const byRun = createStudy({ sampler: randomSampler({ seed: 4 }) });
  byRun.enqueueTrial({ lr: 0.25 });
  await byRun.optimize((trial) => trial.suggestFloat("lr", 0, 1), { nTrials: 1 });
  assert.equal(byRun.trials[0].value, 0.25);
  byRun.enqueueTrial({ lr: 7 });
  await byRun.optimize((trial) => trial.suggestFloat("lr", 0, 1), { nTrials: 1 });
  assert.equal(byRun.trials[1].failReason, 'trial 1: the fixed value 7 of parameter "lr" is not in float [0, 1]');
});

test("bestTrial follows the direction; ties go to the earliest", () => {
  for (const direction of ["minimize", "maximize"] as const) {
    const study = createStudy({ direction, sampler: randomSampler({ seed: 5 }) });
    assert.throws(() => study.bestTrial, /has no COMPLETE trial yet/);
    for (const value of [3, 1, 7, Number.NaN, 1, 7]) {
      const trial = study.ask();
      trial.suggestInt("v", 0, 10);
      study.tell(trial, value);
    }
    const expected = direction === "minimize" ? 1 : 2;
    assert.equal(study.bestTrial.number, expected);
    assert.equal(study.bestValue, direction === "minimize" ? 1 : 7);
    assert.deepEqual(study.bestParams, study.trials[expected].params);
  }
});

test("callbacks see each finished trial; stop() lets the running trial finish and starts no more", async () => {
  const study = createStudy({ sampler: randomSampler({ seed: 6 }) });
  const seen: Array<[number, string]> = [];
  await study.optimize(square, {
    nTrials: 50,
    callbacks: [
      (current, trial) => {
        seen.push([trial.number, trial.state]);
        if (trial.number === 2) current.stop();
      },
    ],
  });
  assert.deepEqual(seen, [
    [0, "COMPLETE"],
    [1, "COMPLETE"],
    [2, "COMPLETE"],
  ]);
  assert.equal(study.trials.length, 3);
  await study.optimize(square, { nTrials: 2 });
  assert.equal(study.trials.length, 5, "a new optimize call runs again after stop()");
});

test("concurrency > 1 overlaps async objectives", async () => {
  const study = createStudy({ sampler: randomSampler({ seed: 7 }) });
  let inFlight = 0;
  let most = 0;
  const started = Date.now();
  await study.optimize(
    async (trial) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await sleep(150);
      inFlight--;
      return square(trial);
    },
    { nTrials: 8, concurrency: 4 },
  );
  const elapsed = Date.now() - started;
  assert.equal(most, 4);
  assert.equal(study.trials.length, 8);
  assert.ok(elapsed < 8 * 150 * 0.6, `8 trials of 150 ms, 4 at a time, took ${elapsed} ms`);
});

test("timeoutMs starts no new trial after the limit; running ones finish", async () => {
  const study = createStudy({ sampler: randomSampler({ seed: 8 }) });
  const started = Date.now();
  await study.optimize(
    async (trial) => {
      await sleep(40);
      return square(trial);
    },
    { timeoutMs: 200 },
  );
  const elapsed = Date.now() - started;
  const count = study.trials.length;
  assert.ok(count >= 2 && count <= 6, `ran ${count} trials`);
  assert.ok(elapsed >= 200 && elapsed < 400, `took ${elapsed} ms`);
  assert.ok(study.trials.every((trial) => trial.state === "COMPLETE"));
});

test("totalTrials counts the whole study, so the same call resumes to its target", async () => {
  const study = createStudy({ sampler: randomSampler({ seed: 9 }) });
  await study.optimize(square, { nTrials: 3 });
  await study.optimize(square, { totalTrials: 5 });
  assert.equal(study.trials.length, 5);
  await study.optimize(square, { totalTrials: 5 });
  assert.equal(study.trials.length, 5);
  await study.optimize(square, { totalTrials: 9, nTrials: 2, concurrency: 3 });
  assert.equal(study.trials.length, 7, "nTrials still bounds this call");
});

test("an exhausted grid ends optimize", async () => {
  const space: SearchSpace = { a: { type: "categorical", choices: ["p", "q"] }, b: { type: "int", low: 0, high: 2 } };
  const study = createStudy({ space, sampler: gridSampler() });
  await study.optimize((trial) => (trial.params.b as number) + (trial.params.a === "p" ? 0 : 10), { nTrials: 100 });
  assert.equal(study.trials.length, 6);
  assert.equal(new Set(study.trials.map((trial) => JSON.stringify(trial.params))).size, 6);
  assert.deepEqual(study.bestParams, { a: "p", b: 0 });
});

test("same seed, same trials (define-by-run and declared space, default TPE sampler)", async () => {
  const run = async (seed: number) => {
    const study = createStudy({ seed, space: { k: { type: "int", low: 0, high: 9 } } });
    await study.optimize(
      (trial) => {
        const x = trial.suggestFloat("x", -3, 3);
        const c = trial.suggestCategorical("c", ["u", "v", "w"]);
        return (x - 1) ** 2 + (trial.params.k as number) + (c === "v" ? 0 : 0.5);
      },
      { nTrials: 25 },
    );
    return study.trials.map((trial) => [trial.params, trial.value]);
  };
  const first = await run(11);
  assert.deepEqual(await run(11), first);
  assert.notDeepEqual(await run(12), first);
});

test("sampler state is stored after each trial and restored on load: a resumed study continues identically", async () => {
  const storage = new InMemoryStorage();
  const straight = createStudy({ name: "straight", storage, space: SPACE, sampler: randomSampler({ seed: 21 }) });
  await straight.optimize((trial) => (trial.params.x as number) * (trial.params.k as number), { nTrials: 6 });

  const split = createStudy({ name: "split", storage, space: SPACE, sampler: randomSampler({ seed: 21 }) });
  await split.optimize((trial) => (trial.params.x as number) * (trial.params.k as number), { nTrials: 3 });
  assert.deepEqual(savedSamplerState(storage.findStudy("split")!.systemAttrs, split.sampler.name), split.sampler.saveState!());
  assert.equal(storage.findStudy("split")!.systemAttrs.sampler, "random");
  const resumed = loadStudy({ name: "split", storage, sampler: randomSampler({ seed: 999 }) });
  assert.deepEqual(resumed.space, SPACE, "the space comes back from storage");
  await resumed.optimize((trial) => (trial.params.x as number) * (trial.params.k as number), { nTrials: 3 });
  assert.deepEqual(
    resumed.trials.map((trial) => trial.params),
    straight.trials.map((trial) => trial.params),
  );
});

const STALE_RUNNING_TEST =
  "loading marks trials left RUNNING with a stale heartbeat as FAIL unless told not to; names are unique unless loadIfExists";
test(STALE_RUNNING_TEST, async () => {
  const storage = new InMemoryStorage();
  const study = createStudy({ name: "owned", storage, seed: 1, sampler: randomSampler({ seed: 1 }) });
  study.tell(study.ask(), 1);
  study.ask();
  assert.throws(() => createStudy({ name: "owned", storage }), {
    message: 'a study named "owned" already exists in this storage; pass loadIfExists: true to continue it',
  });
  assert.throws(() => createStudy({ name: "owned", storage, loadIfExists: true, direction: "maximize" }), {
    message: 'study "owned" was created to minimize; it cannot be continued to maximize',
  });
  const shared = loadStudy({ name: "owned", storage, failStaleRunning: false });
  assert.equal(shared.trials[1].state, "RUNNING");
  assert.equal(shared.seed, 1);
  // Within the grace period a RUNNING trial may belong to a live process: it is left alone.
  assert.equal(createStudy({ name: "owned", storage, loadIfExists: true }).trials[1].state, "RUNNING");
  await new Promise((resolve) => setTimeout(resolve, 20));
  const owner = createStudy({ name: "owned", storage, loadIfExists: true, heartbeat: { intervalMs: 5, gracePeriodMs: 10 } });
  assert.equal(owner.trials[1].state, "FAIL");
  assert.equal(owner.trials[1].failReason, STALE_RUNNING_REASON);
  assert.equal(owner.trials[0].value, 1);
  assert.throws(() => loadStudy({ name: "nope", storage }), { message: 'no study named "nope" in this storage; it holds "owned"' });
});

test("bad options get clear errors", async () => {
  assert.throws(() => createStudy({ direction: "up" as "minimize" }), { message: 'direction must be "minimize" or "maximize", got "up"' });
  assert.throws(() => createStudy({ sampler: gridSampler() }), {
    message: 'sampler "grid" needs the whole search space up front: pass space to createStudy',
  });
  const study = createStudy({ sampler: randomSampler({ seed: 1 }) });
  await assert.rejects(study.optimize(square, { nTrials: -1 }), { message: "nTrials must be an integer >= 0, got -1" });
  await assert.rejects(study.optimize(square, { concurrency: 0 }), { message: "concurrency must be an integer >= 1, got 0" });
  await assert.rejects(study.optimize(square, { trialTimeoutMs: 0 }), {
    message: "trialTimeoutMs must be a positive number of milliseconds, got 0",
  });
  await assert.rejects(study.optimize(42 as never, { nTrials: 1 }), /the objective must be a function/);
});

test("two processes' studies on one journal: an enqueued trial is claimed once, trials are shared", async () => {
  const { mkdtempSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const dir = mkdtempSync(join(tmpdir(), "hyperforce-study-"));
  try {
    const path = join(dir, "shared.jsonl");
    const a = createStudy({ name: "shared", storage: path, space: SPACE, sampler: randomSampler({ seed: 1 }) });
    const b = loadStudy({ name: "shared", storage: path, sampler: randomSampler({ seed: 2 }), failStaleRunning: false });
    a.enqueueTrial({ x: 1, k: 1 });
    const fromB = b.ask();
    const fromA = a.ask();
    assert.deepEqual([fromB.number, fromB.params.x], [0, 1], "b claimed the enqueued trial");
    assert.equal(fromA.number, 1, "a saw it claimed and started a new trial");
    a.tell(fromA, 2);
    b.tell(fromB, 1);
    assert.deepEqual(
      a.trials.map((trial) => trial.value),
      [1, 2],
    );
    assert.equal(a.bestTrial.number, 0);
    a.close();
    b.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a sampler that throws fails the trial it was sampling for, and optimize rejects with its error", async () => {
  const sampler = {
    name: "broken",
    needsFullSpace: false,
    sampleRelative: () => {
      throw new Error("no idea");
    },
    sampleIndependent: () => 0,
  };
  const study = createStudy({ space: SPACE, sampler });
  await assert.rejects(
    study.optimize(() => 1, { nTrials: 3 }),
    { message: "no idea" },
  );
  assert.equal(study.trials.length, 1);
  assert.equal(study.trials[0].state, "FAIL");
  assert.equal(study.trials[0].failReason, "could not sample the trial's parameters: no idea");
});

test("createStudy and loadStudy that fail close the journal file they opened", () => {
  const dir = mkdtempSync(join(tmpdir(), "hyperforce-study-close-"));
  const path = join(dir, "s.jsonl");
  const openFiles = () =>
    readdirSync("/proc/self/fd").filter((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`) === path;
      } catch {
        return false; // the directory's own descriptor, gone once listed
      }
    }).length;
  try {
    createStudy({ name: "a", storage: path, seed: 1 }).close();
    const before = openFiles();
    for (let i = 0; i < 3; i++) {
      assert.throws(() => createStudy({ name: "a", storage: path }), /already exists/);
      assert.throws(() => loadStudy({ name: "b", storage: path }), /no study named "b"/);
    }
    assert.equal(openFiles(), before);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
