import assert from "node:assert/strict";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { ThreadPoolExecutor } from "../../src/execution/thread-pool.ts";
import type { ObjectiveSpec } from "../../src/objectives/spec.ts";
import { randomSampler } from "../../src/samplers/random.ts";
import { paperSpace } from "../../src/space/presets.ts";
import type { SearchSpace } from "../../src/space/types.ts";
import { createStudy } from "../../src/study/study.ts";

process.env.HYPERFORCE_DATA_DIR ??= new URL("../../../shared/data", import.meta.url).pathname;
const FIXTURE = fileURLToPath(new URL("./fixtures/objectives.ts", import.meta.url));
const SPACE: SearchSpace = { x: { type: "float", low: -2, high: 2 } };
const fixture = (exportName: string): ObjectiveSpec => ({ kind: "module", path: FIXTURE, exportName });
// One pool for the whole file: threads are started once and reused, as in a real study.
const pool = new ThreadPoolExecutor({ size: 2 });
after(() => pool.close());

test("the wine task runs in 2 threads with the same results as inline", async () => {
  {
    const spec: ObjectiveSpec = { kind: "task", task: "wine", epochs: 3 };
    const threaded = createStudy({ seed: 5, space: paperSpace(), sampler: randomSampler({ seed: 5 }) });
    await threaded.optimize(spec, { nTrials: 6, executor: pool });
    assert.equal(pool.threadCount, 2);
    const inline = createStudy({ seed: 5, space: paperSpace(), sampler: randomSampler({ seed: 5 }) });
    await inline.optimize(spec, { nTrials: 6 });
    const summary = (trial: (typeof inline.trials)[number]) => [
      trial.number,
      trial.params,
      trial.state,
      trial.value,
      trial.userAttrs.seed,
      trial.userAttrs.test_loss,
    ];
    assert.deepEqual(threaded.trials.map(summary), inline.trials.map(summary));
    for (const trial of threaded.trials) {
      assert.equal(trial.userAttrs.epochs, trial.userAttrs.diverged ? trial.userAttrs.epochs : 3);
      assert.equal(typeof trial.userAttrs.seconds, "number");
      if (trial.state === "FAIL") assert.equal(trial.failReason, "diverged");
      else assert.ok(trial.value! > 0 && Number.isFinite(trial.value));
    }
    assert.ok(threaded.trials.some((trial) => trial.state === "COMPLETE"));
  }
});

test("reports and user attributes travel back from the worker", async () => {
  {
    const study = createStudy({ space: SPACE, sampler: randomSampler({ seed: 1 }) });
    await study.optimize(fixture("quadratic"), { nTrials: 4, executor: pool });
    for (const trial of study.trials) {
      assert.equal(trial.state, "COMPLETE");
      assert.equal(trial.value, ((trial.params.x as number) - 0.5) ** 2);
      assert.deepEqual(trial.intermediateValues, { 0: trial.params.x });
      assert.deepEqual(trial.userAttrs, { thread: "worker" });
    }
  }
});

test("a worker that exits or dies of an uncaught error is replaced and its trial FAILs", async () => {
  {
    const exits = createStudy({ space: SPACE, sampler: randomSampler({ seed: 2 }) });
    await exits.optimize(fixture("exitOnTrialOne"), { nTrials: 6, executor: pool });
    assert.deepEqual(
      exits.trials.map((trial) => trial.state),
      ["COMPLETE", "FAIL", "COMPLETE", "COMPLETE", "COMPLETE", "COMPLETE"],
    );
    assert.equal(exits.trials[1].failReason, "the worker thread running trial 1 crashed with code 7");
    assert.equal(pool.threadCount, 2);

    const uncaught = createStudy({ space: SPACE, sampler: randomSampler({ seed: 2 }) });
    await uncaught.optimize(fixture("uncaughtOnTrialOne"), { nTrials: 4, executor: pool, concurrency: 1 });
    assert.deepEqual(
      uncaught.trials.map((trial) => trial.state),
      ["COMPLETE", "FAIL", "COMPLETE", "COMPLETE"],
    );
    assert.equal(uncaught.trials[1].failReason, "the worker thread running trial 1 crashed: uncaught in a timer");
    assert.equal(pool.threadCount, 2);
  }
});

test("a trial past its time limit is stopped for real: the thread is terminated and replaced", async () => {
  {
    const study = createStudy({ space: SPACE, sampler: randomSampler({ seed: 3 }) });
    const started = Date.now();
    await study.optimize(fixture("spinOnTrialZero"), { nTrials: 5, executor: pool, trialTimeoutMs: 300 });
    assert.ok(Date.now() - started < 5000, "the 20 s spin was cut short");
    assert.equal(study.trials[0].state, "FAIL");
    assert.equal(study.trials[0].failReason, "timed out after 300 ms");
    assert.ok(study.trials.slice(1).every((trial) => trial.state === "COMPLETE"));
    assert.equal(pool.threadCount, 2);
  }
});

test("objective mistakes in a worker become clear FAIL reasons; a function objective is refused up front", async () => {
  {
    const study = createStudy({ space: SPACE, sampler: randomSampler({ seed: 4 }) });
    await study.optimize(fixture("undeclared"), { nTrials: 1, executor: pool });
    await study.optimize(fixture("notANumber"), { nTrials: 1, executor: pool });
    await study.optimize(fixture("notAFunction"), { nTrials: 1, executor: pool });
    assert.equal(
      study.trials[0].failReason,
      'parameter "y" is not in the study\'s declared search space (x); ' +
        "objectives in worker threads get every parameter from the controller, so declare it in createStudy({ space })",
    );
    assert.equal(study.trials[1].failReason, "objective returned an object, not a number");
    assert.match(study.trials[2].failReason!, /export "notAFunction" .* is a number, not a function/);
    await assert.rejects(
      study.optimize(() => 1, { nTrials: 1, executor: pool }),
      /cannot receive a function/,
    );
    const undeclaredSpace = createStudy({ sampler: randomSampler({ seed: 4 }) });
    await assert.rejects(
      undeclaredSpace.optimize(fixture("quadratic"), { nTrials: 1, executor: pool }),
      /needs the study's search space declared up front/,
    );
    assert.equal(study.trials.length, 3);
  }
});

test("a closed pool ends optimize with a clear error instead of failing trials forever", async () => {
  const closed = new ThreadPoolExecutor({ size: 1 });
  await closed.close();
  const study = createStudy({ space: SPACE, sampler: randomSampler({ seed: 5 }) });
  await assert.rejects(study.optimize(fixture("quadratic"), { executor: closed, concurrency: 1 }), {
    name: "ExecutorUnavailableError",
    message: "this thread pool is closed",
  });
  assert.equal(study.trials.length, 1);
  assert.equal(study.trials[0].failReason, "this thread pool is closed");
});
