import assert from "node:assert/strict";
import { test } from "node:test";
import { randomSampler } from "../../src/samplers/random.ts";
import { createStudy } from "../../src/study/study.ts";

test("a synchronous CPU-bound objective still lets timers and signals run between trials", async () => {
  const study = createStudy({ sampler: randomSampler({ seed: 1 }), seed: 1 });
  const busy = () => {
    const until = Date.now() + 2;
    while (Date.now() < until);
    return 1;
  };
  setTimeout(() => study.stop(), 100);
  const startedAt = Date.now();
  await study.optimize((trial) => trial.suggestFloat("x", 0, 1) + busy(), { nTrials: 100000 });
  assert.ok(study.trials.length < 1000, `stop() from a timer ended the study (${study.trials.length} trials)`);
  assert.ok(Date.now() - startedAt < 5000);
});
