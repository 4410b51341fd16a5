/**
 * Turns what an objective produced (a value, or the error it threw) into how the trial ends:
 * COMPLETE with a finite number, PRUNED on TrialPruned, FAIL with a reason for everything else.
 */
import { isTrialPruned } from "./pruned.ts";

export type TrialOutcome = { state: "COMPLETE"; value: number } | { state: "PRUNED" } | { state: "FAIL"; reason: string };

/** What tell() accepts: the objective's value, the error it threw, or an explicit end state. */
export type TellResult = number | Error | { state: "PRUNED" } | { state: "FAIL"; reason: string };

export function outcomeOfValue(value: unknown): TrialOutcome {
  if (typeof value === "number") {
    if (Number.isFinite(value)) return { state: "COMPLETE", value };
    return { state: "FAIL", reason: `objective returned ${value}` };
  }
  return { state: "FAIL", reason: `objective returned ${describeValue(value)}, not a number` };
}

export function outcomeOfError(error: unknown): TrialOutcome {
  if (isTrialPruned(error)) return { state: "PRUNED" };
  if (error instanceof Error) return { state: "FAIL", reason: error.message === "" ? error.name : error.message };
  return { state: "FAIL", reason: `objective threw ${describeValue(error)}` };
}

/** Reads a tell() argument; anything that is not an Error nor an explicit state is taken as a value. */
export function outcomeOfTell(result: TellResult | unknown): TrialOutcome {
  if (result instanceof Error) return outcomeOfError(result);
  if (result !== null && typeof result === "object" && "state" in result) {
    const state = (result as { state: unknown }).state;
    if (state === "PRUNED") return { state: "PRUNED" };
    if (state === "FAIL") {
      const reason = (result as { reason?: unknown }).reason;
      if (typeof reason !== "string" || reason === "") throw new Error('tell with { state: "FAIL" } needs a non-empty reason string');
      return { state: "FAIL", reason };
    }
    throw new Error(
      `tell accepts a number, an Error, { state: "PRUNED" } or { state: "FAIL", reason }; got state ${JSON.stringify(state)}`,
    );
  }
  return outcomeOfValue(result);
}

/** A short, readable description of a value that is not a finite number (for fail reasons). */
export function describeValue(value: unknown): string {
  if (value === undefined) return "undefined";
  if (value === null) return "null";
  if (typeof value === "string") {
    const shown = value.length > 40 ? `${value.slice(0, 40)}...` : value;
    return `a string (${JSON.stringify(shown)})`;
  }
  if (typeof value === "bigint") return `a bigint (${value}n)`;
  if (typeof value === "boolean") return `a boolean (${value})`;
  if (Array.isArray(value)) return "an array";
  if (typeof value === "function") return "a function";
  if (typeof value === "object") return "an object";
  return `a ${typeof value}`;
}
