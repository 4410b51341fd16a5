/** The best finished trial: lowest (minimize) or highest (maximize) value among COMPLETE trials; ties go to the earliest. */
import type { Direction, FrozenTrial } from "./types.ts";

export function findBestTrial(trials: readonly FrozenTrial[], direction: Direction): FrozenTrial | undefined {
  let best: FrozenTrial | undefined;
  for (const trial of trials) {
    if (trial.state !== "COMPLETE" || trial.value === undefined) continue;
    if (best === undefined) best = trial;
    else if (direction === "minimize" ? trial.value < best.value! : trial.value > best.value!) best = trial;
  }
  return best;
}
