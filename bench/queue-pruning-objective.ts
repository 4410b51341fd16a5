/**
 * The module objective of bench/queue-pruning.ts and test/execution/queue-pruning.test.ts: reports
 * (x - 0.5)^2 + 1/step for steps 1..$HF_PRUNING_STEPS (default 8), asks trial.shouldPrune() after each
 * report, and keeps the milliseconds each question took in the user attribute prune_ms (set before
 * it returns or is pruned), so the round trip through the controller is measured where the objective
 * sees it.
 */
import { TrialPruned } from "../src/trial/pruned.ts";
import type { Trial } from "../src/trial/types.ts";

export function stepwise(trial: Trial): number {
  const x = trial.suggestFloat("x", -2, 2);
  const steps = Number(process.env.HF_PRUNING_STEPS ?? 8);
  const waits: number[] = [];
  let value = Number.NaN;
  for (let step = 1; step <= steps; step++) {
    value = (x - 0.5) ** 2 + 1 / step;
    trial.report(step, value);
    const asked = performance.now();
    const prune = trial.shouldPrune();
    waits.push(performance.now() - asked);
    if (prune) {
      trial.setUserAttr("prune_ms", waits);
      throw new TrialPruned(`pruned at step ${step}`);
    }
  }
  trial.setUserAttr("prune_ms", waits);
  return value;
}
