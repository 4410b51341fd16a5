import assert from "node:assert/strict";
import { test } from "node:test";
import { type GroupRun, groupableSplit, trainGroup } from "../../src/experiments/table-build-group.ts";
import { trainAndEvaluate } from "../../src/tasks/train.ts";
import type { SplitData } from "../../src/tasks/types.ts";

process.env.HYPERFORCE_DATA_DIR ??= new URL("../../../shared/data", import.meta.url).pathname;

// Each run of a group must get exactly what trainAndEvaluate gives it alone (as the table build calls
// it, reporting epochs): losses, divergence and the validation curve, bit for bit.
function checkAgainstAlone(split: SplitData, hidden: number, batchSize: number, seed: number, epochs: number, runs: GroupRun[]): number {
  const grouped = trainGroup(split, { hidden, batchSize, seed, epochs }, runs);
  let diverged = 0;
  runs.forEach((run, m) => {
    const alone = trainAndEvaluate(split, { ...run, batchSize, hidden, epochs }, seed, { path: "wasm", onEpoch: () => false });
    const label = `lr ${run.learningRate} wd ${run.weightDecay} hidden ${hidden} batch ${batchSize} seed ${seed}`;
    assert.equal(grouped[m].diverged, alone.diverged, label);
    assert.equal(grouped[m].validationLoss, alone.validationLoss, label);
    assert.equal(grouped[m].testLoss, alone.testLoss, label);
    assert.deepEqual(grouped[m].curve, alone.validationCurve, label);
    if (alone.diverged) diverged++;
  });
  return diverged;
}

const RATES = [1e-5, 1e-3, 3e-2, 0.3];
const DECAYS = [0, 1e-4, 3e-2];

function runsOf(rates: number[], decays: number[]): GroupRun[] {
  return rates.flatMap((learningRate) => decays.map((weightDecay) => ({ learningRate, weightDecay })));
}

test("a group of wine runs equals each run trained alone, diverged runs included", () => {
  const split = groupableSplit("wine", 0)!;
  // Learning rates of 1e20 and 1e30 overflow the outputs within the first epochs (Adam moves each weight by about the rate).
  const runs = runsOf([...RATES, 1e20, 1e30], DECAYS);
  const diverged = checkAgainstAlone(split, 18, 16, 1, 6, runs) + checkAgainstAlone(split, 5, 8, 3, 3, runs);
  assert.ok(diverged >= 2, `${diverged} runs diverged: the check needs some`);
  checkAgainstAlone(split, 2, 4096, 0, 4, runs);
});

test("a group of letter runs equals each run trained alone (partial tiles of 32 rows, a last partial batch)", () => {
  const split = groupableSplit("letter", 0)!;
  checkAgainstAlone(split, 10, 200, 2, 2, runsOf(RATES, [1e-4, 1e-2]));
});

test("a group of one run and an empty group", () => {
  const split = groupableSplit("wine", 0)!;
  checkAgainstAlone(split, 20, 64, 4, 2, [{ learningRate: 1e-2, weightDecay: 1e-3 }]);
  assert.deepEqual(trainGroup(split, { hidden: 4, batchSize: 8, seed: 0, epochs: 1 }, []), []);
});
