import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { JobFailedError, runJobs } from "../../src/execution/job-runner.ts";
import type { FixtureJob, FixtureResult } from "./fixtures/job-worker.ts";

const WORKER = new URL("./fixtures/job-worker.ts", import.meta.url);
const square = (value: number, delayMs = 0): FixtureJob => ({ kind: "square", value, delayMs });
const describeJob = (job: FixtureJob) => `${job.kind} ${job.value}`;

test("every job runs once; results come as each job ends, in the order jobs end", async () => {
  const counter = new Int32Array(new SharedArrayBuffer(4));
  // Thread 1 holds job 10 until jobs 11, 12 and 13 have run on thread 2.
  const jobs: FixtureJob[] = [
    { kind: "square-after", value: 10, counter, atLeast: 3 },
    { kind: "count", value: 11, counter },
    { kind: "count", value: 12, counter },
    { kind: "count", value: 13, counter },
  ];
  const results: Array<[FixtureResult, FixtureJob]> = [];
  const progress: Array<{ finished: number; running: number; total?: number }> = [];
  const summary = await runJobs<FixtureJob, FixtureResult>({
    worker: WORKER,
    jobs,
    threads: 2,
    onResult: (result, job) => results.push([result, job]),
    onProgress: (p) => progress.push(p),
  });
  assert.deepEqual(summary, { finished: 4, cancelled: false });
  assert.deepEqual(
    results.map(([result]) => result.value),
    [11, 12, 13, 10],
  );
  for (const [result, job] of results) assert.equal(result.square, job.value ** 2);
  assert.equal(new Set(results.map(([result]) => result.threadId)).size, 2);
  assert.equal(results[0][1], jobs[1], "onResult gets the job object it was given");
  assert.deepEqual(
    progress.map((p) => p.finished),
    [1, 2, 3, 4],
  );
  assert.deepEqual(progress[3], { finished: 4, running: 0, total: 4 });
});

test("jobs are read one at a time as threads free up, so a generator can shape the next job from the results", async () => {
  const seenAtPull: number[] = [];
  let results = 0;
  function* jobs(): Generator<FixtureJob> {
    for (let value = 1; value <= 5; value++) {
      seenAtPull.push(results);
      yield square(value);
    }
  }
  const summary = await runJobs<FixtureJob, FixtureResult>({ worker: WORKER, jobs: jobs(), threads: 1, onResult: () => results++ });
  assert.deepEqual(summary, { finished: 5, cancelled: false });
  assert.deepEqual(seenAtPull, [0, 1, 2, 3, 4]);
  // No job: no thread, and the run ends at once.
  assert.deepEqual(await runJobs({ worker: WORKER, jobs: [], threads: 4 }), { finished: 0, cancelled: false });
});

test("a job that throws ends the run with a JobFailedError naming that job", async () => {
  const failing: FixtureJob = { kind: "fail", value: 7 };
  const delivered: number[] = [];
  await assert.rejects(
    runJobs<FixtureJob, FixtureResult>({
      worker: WORKER,
      jobs: [square(1), failing, square(3, 5_000)],
      threads: 1,
      describeJob,
      onResult: (result) => delivered.push(result.value),
    }),
    (error: unknown) => {
      assert.ok(error instanceof JobFailedError);
      assert.equal(error.message, "fail 7: no square for 7");
      assert.deepEqual(error.job, failing);
      assert.equal((error.cause as Error).name, "RangeError");
      return true;
    },
  );
  assert.deepEqual(delivered, [1], "the job after the failing one was never started");
});

test("a thread that exits or crashes during a job fails the run with that job named; the default name is the job's JSON", async () => {
  await assert.rejects(runJobs({ worker: WORKER, jobs: [square(1), { kind: "exit", value: 2, code: 3 }], threads: 2, describeJob }), {
    name: "JobFailedError",
    message: "exit 2: the worker thread exited with code 3",
  });
  await assert.rejects(runJobs({ worker: WORKER, jobs: [{ kind: "crash", value: 5 }], threads: 1 }), {
    name: "JobFailedError",
    message: '{"kind":"crash","value":5}: the worker thread crashed: boom outside the job\'s promise',
  });
  const missing = new URL("./fixtures/no-such-worker.ts", import.meta.url);
  await assert.rejects(runJobs({ worker: missing, jobs: [square(1)], threads: 1, describeJob }), (error: unknown) => {
    assert.ok(error instanceof JobFailedError);
    assert.match(error.message, /^square 1: the worker thread crashed: .*no-such-worker/);
    return true;
  });
});

test("an error thrown by onResult, or by the jobs' iterator, ends the run with that error", async () => {
  const full = new Error("disk full");
  await assert.rejects(
    runJobs({
      worker: WORKER,
      jobs: [square(1), square(2)],
      threads: 1,
      onResult: () => {
        throw full;
      },
    }),
    (error: unknown) => error === full,
  );
  function* broken(): Generator<FixtureJob> {
    yield square(1);
    throw new Error("no more jobs to read");
  }
  await assert.rejects(runJobs({ worker: WORKER, jobs: broken(), threads: 1 }), { message: "no more jobs to read" });
  await assert.rejects(runJobs({ worker: WORKER, jobs: [], threads: 0 }), { message: "threads must be an integer >= 1, got 0" });
});

test("cancelling starts no new job, tells the running jobs, and still delivers their results", async () => {
  const controller = new AbortController();
  const pulled: number[] = [];
  function* jobs(): Generator<FixtureJob> {
    for (let value = 1; value <= 6; value++) {
      pulled.push(value);
      yield value <= 2 ? { kind: "until-cancelled", value } : square(value);
    }
  }
  const results: FixtureResult[] = [];
  setTimeout(() => controller.abort(), 300);
  const summary = await runJobs<FixtureJob, FixtureResult>({
    worker: WORKER,
    jobs: jobs(),
    threads: 2,
    signal: controller.signal,
    onResult: (result) => results.push(result),
  });
  assert.deepEqual(summary, { finished: 2, cancelled: true });
  assert.deepEqual(results.map((result) => [result.value, result.sawCancel]).sort(), [
    [1, true],
    [2, true],
  ]);
  assert.deepEqual(pulled, [1, 2]);
  const before = await runJobs({ worker: WORKER, jobs: [square(1)], threads: 1, signal: AbortSignal.abort() });
  assert.deepEqual(before, { finished: 0, cancelled: true });
});

test("no thread outlives its run, whether the run failed, was cancelled or finished: the process exits on its own", () => {
  const script = fileURLToPath(new URL("./fixtures/job-runs-then-returns.ts", import.meta.url));
  const child = spawnSync(process.execPath, ["--import", "tsx", script], { encoding: "utf8", timeout: 40_000 });
  assert.equal(child.error, undefined, `the process did not exit by itself: ${child.error?.message}`);
  assert.equal(child.status, 0, child.stderr);
  assert.deepEqual(JSON.parse(child.stdout), { cancelled: { finished: 2, cancelled: true }, finished: { finished: 3, cancelled: false } });
});
