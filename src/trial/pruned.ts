/**
 * Thrown by an objective to stop a trial early on purpose (after trial.report showed it is not
 * promising): the trial is recorded as PRUNED, not FAIL. Matched by name as well as by class, so it
 * also works when the error crosses a worker-thread boundary.
 */
export class TrialPruned extends Error {
  constructor(message = "trial pruned") {
    super(message);
    this.name = "TrialPruned";
  }
}

export function isTrialPruned(error: unknown): boolean {
  return error instanceof TrialPruned || (error instanceof Error && error.name === "TrialPruned");
}
