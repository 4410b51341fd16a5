/**
 * Trials as CSV (one row per trial, pandas/Optuna-style columns: params_<name>, user_attrs_<key>)
 * and as JSON (the stored records, NaN-free).
 */
import type { FrozenTrial } from "../trial/types.ts";

function csvCell(value: unknown): string {
  const text = value === undefined || value === null ? "" : typeof value === "string" ? value : JSON.stringify(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows of cells as CSV text (RFC 4180 quoting, "\n" line ends). */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(",")).join("\n") + "\n";
}

function durationSeconds(trial: FrozenTrial): number | undefined {
  if (trial.datetimeStart === undefined || trial.datetimeComplete === undefined) return undefined;
  return (trial.datetimeComplete - trial.datetimeStart) / 1000;
}

export function trialsCsv(trials: readonly FrozenTrial[]): string {
  const params = [...new Set(trials.flatMap((trial) => Object.keys(trial.params)))];
  const attrs = [...new Set(trials.flatMap((trial) => Object.keys(trial.userAttrs)))].sort();
  const header = [
    "number",
    "state",
    "value",
    ...params.map((name) => `params_${name}`),
    ...attrs.map((key) => `user_attrs_${key}`),
    "duration_seconds",
    "fail_reason",
  ];
  const rows = trials.map((trial) => [
    trial.number,
    trial.state,
    trial.value,
    ...params.map((name) => trial.params[name]),
    ...attrs.map((key) => trial.userAttrs[key]),
    durationSeconds(trial),
    trial.failReason,
  ]);
  return toCsv(header, rows);
}

/** Each trial's number, state, value, params, user attributes, timings and fail reason, as a JSON array. */
export function trialsJson(trials: readonly FrozenTrial[]): string {
  const records = trials.map((trial) => ({
    number: trial.number,
    state: trial.state,
    value: trial.value ?? null,
    params: trial.params,
    userAttrs: trial.userAttrs,
    datetimeStart: trial.datetimeStart === undefined ? null : new Date(trial.datetimeStart).toISOString(),
    datetimeComplete: trial.datetimeComplete === undefined ? null : new Date(trial.datetimeComplete).toISOString(),
    durationSeconds: durationSeconds(trial) ?? null,
    failReason: trial.failReason ?? null,
  }));
  return JSON.stringify(records, null, 1) + "\n";
}
