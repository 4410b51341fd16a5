/**
 * Failures told loudly: a run whose every trial failed names the most common reason, and an
 * objective that gives no number is caught at its first trial instead of failing every trial.
 */
import { type FrozenTrial, isFinished } from "../trial/types.ts";

export interface AllFailed {
  /** Trials this run finished, all FAIL. */
  failed: number;
  /** The most common fail reason among them (the earliest trial's on a tie) and how many gave it. */
  reason: string;
  count: number;
}

/** When this run finished at least one trial and every one failed: the most common reason. */
export function allFailed(trials: readonly FrozenTrial[]): AllFailed | undefined {
  const finished = trials.filter((trial) => isFinished(trial.state));
  if (finished.length === 0 || finished.some((trial) => trial.state !== "FAIL")) return undefined;
  const counts = new Map<string, number>();
  for (const trial of [...finished].sort((a, b) => a.number - b.number)) {
    const reason = trial.failReason ?? "(no reason recorded)";
    counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  let reason = "";
  let count = 0;
  for (const [candidate, n] of counts) {
    if (n > count) [reason, count] = [candidate, n];
  }
  return { failed: finished.length, reason, count };
}

/** The line `hyperforce run` ends with when every trial of the run failed. */
export function allFailedLine(report: AllFailed): string {
  const { failed, count, reason } = report;
  return `hyperforce: all ${failed} trials of this run failed; the most common reason (${count} of ${failed}): ${reason}`;
}

/**
 * A trial that failed because its objective gave no number: a function that returned another type
 * (src/trial/outcome.ts's reason), or a command that printed no result line (objectives/command.ts's).
 * NaN, infinity and thrown errors are ordinary failures of one configuration, not of the objective.
 */
export function gaveNoNumber(trial: FrozenTrial): boolean {
  if (trial.state !== "FAIL" || trial.failReason === undefined) return false;
  return (
    /^objective returned .*, not a number$/.test(trial.failReason) || / printed no result line "hyperforce: value=/.test(trial.failReason)
  );
}
