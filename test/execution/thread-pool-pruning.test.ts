import assert from "node:assert/strict";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { ThreadPoolExecutor } from "../../src/execution/thread-pool.ts";
import { medianPruner, successiveHalvingPruner } from "../../src/pruners/index.ts";
import { randomSampler } from "../../src/samplers/random.ts";
import { createStudy } from "../../src/study/study.ts";

const path = fileURLToPath(new URL("./fixtures/pruned-objectives.ts", import.meta.url));

test("worker threads carry each report to the controller and its pruner's decision back: the same trials as inline", async () => {
  const run = async (threads: boolean) => {
    const study = createStudy({
      space: { x: { type: "float", low: 0, high: 1 } },
      sampler: randomSampler({ seed: 5 }),
      pruner: successiveHalvingPruner({ reductionFactor: 2 }),
      seed: 5,
    });
    const executor = threads ? new ThreadPoolExecutor({ size: 1 }) : undefined;
    try {
      await study.optimize({ kind: "module", path, exportName: "curve" }, { nTrials: 30, concurrency: 1, executor });
    } finally {
      await executor?.close();
    }
    return study.trials.map((t) => [t.state, t.value, t.intermediateValues]);
  };
  const inline = await run(false);
  const threaded = await run(true);
  assert.deepEqual(threaded, inline);
  const states = threaded.map(([state]) => state);
  assert.ok(states.includes("PRUNED") && states.includes("COMPLETE"), states.join(","));
});

test("2000 reports from a thread are all stored, each answered by the pruner (the per-report cost is printed, not asserted)", async () => {
  const study = createStudy({ space: { reports: { type: "int", low: 1, high: 100000 } }, pruner: medianPruner({ startupTrials: 1000 }) });
  // The first trial starts the thread and loads the module; the second is timed.
  study.enqueueTrial({ reports: 10 });
  study.enqueueTrial({ reports: 2000 });
  const executor = new ThreadPoolExecutor({ size: 1 });
  try {
    await study.optimize({ kind: "module", path, exportName: "manyReports" }, { nTrials: 2, concurrency: 1, executor });
  } finally {
    await executor.close();
  }
  const timed = study.trials[1];
  const perReport = (timed.datetimeComplete! - timed.datetimeStart!) / 2000;
  assert.equal(Object.keys(timed.intermediateValues).length, 2000);
  assert.equal(timed.state, "COMPLETE", "the median pruner with 1000 startup trials never prunes");
  console.log(`per report and decision across a thread: ${perReport.toFixed(3)} ms (2000 reports, memory storage)`);
});
