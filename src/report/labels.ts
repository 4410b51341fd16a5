/** Axis titles with units, and the dataset and target named, from what the study records about its objective. */
import { STUDY_ATTR } from "../study/attrs.ts";
import type { Direction, FrozenTrial } from "../trial/types.ts";

const REGRESSION_LABEL = "validation MSE of the standardised target";
const CLASSIFICATION_LABEL = "validation cross-entropy (nats)";

/** The built-in tasks' validation losses and their units. */
export const TASK_VALUE_LABELS: Record<string, string> = {
  wine: REGRESSION_LABEL,
  letter: CLASSIFICATION_LABEL,
};

/** The built-in tasks' data and the column they predict. */
const TASK_DATA: Record<string, { dataset: string; target: string }> = {
  wine: { dataset: "UCI Wine Quality, red wines (1599 rows, 11 inputs)", target: "residual sugar (regression)" },
  letter: { dataset: "UCI Letter Recognition (20000 rows, 16 inputs)", target: "the letter (26 classes)" },
};

/** What a study measures: its value's label with unit, and when known the dataset and target. */
export interface StudyObjective {
  valueLabel: string;
  dataset?: string;
  target?: string;
  classification: boolean;
}

function definitionOf(systemAttrs: Record<string, unknown>): Record<string, unknown> {
  const stored = systemAttrs[STUDY_ATTR.definition];
  return stored !== null && typeof stored === "object" ? (stored as Record<string, unknown>) : {};
}

/** From the study's stored definition (hyperforce run), else its user attr "task" (reproduce), else what the trials record. */
export function studyObjective(
  studyUserAttrs: Record<string, unknown>,
  systemAttrs: Record<string, unknown>,
  trials: readonly FrozenTrial[],
): StudyObjective {
  const definition = definitionOf(systemAttrs);
  const task = typeof definition.task === "string" ? definition.task : studyUserAttrs.task;
  if (typeof task === "string" && Object.hasOwn(TASK_DATA, task)) {
    return { valueLabel: TASK_VALUE_LABELS[task], ...TASK_DATA[task], classification: task === "letter" };
  }
  if (typeof task === "string" && task.startsWith("csv:")) {
    const classification = definition.kind === "classification";
    const target = typeof definition.target === "string" ? definition.target : undefined;
    return {
      valueLabel: classification ? CLASSIFICATION_LABEL : REGRESSION_LABEL,
      dataset: task.slice(4),
      ...(target !== undefined ? { target } : {}),
      classification,
    };
  }
  const classification = trials.some((trial) => typeof trial.userAttrs.validation_accuracy === "number");
  if (typeof task === "string" && task.startsWith("table:")) {
    return { valueLabel: "validation loss (from the lookup table)", dataset: task.slice(6), classification };
  }
  if (trials.some((trial) => typeof trial.userAttrs.test_loss === "number")) return { valueLabel: "validation loss", classification };
  return { valueLabel: "objective value", classification };
}

/** The value label alone (see studyObjective). */
export function valueLabelOf(
  studyUserAttrs: Record<string, unknown>,
  trials: readonly FrozenTrial[],
  systemAttrs: Record<string, unknown> = {},
): string {
  return studyObjective(studyUserAttrs, systemAttrs, trials).valueLabel;
}

/** Reward is − value when minimizing (the paper's reward = − validation loss). */
export function rewardLabelOf(valueLabel: string, direction: Direction): string {
  return direction === "minimize" ? `reward (− ${valueLabel})` : `reward (${valueLabel})`;
}

/** A number for people: 4 significant digits, exponent form outside 1e-3..1e5 (0.3546, 1.234e-5, 12345). */
export function roundForPeople(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value !== 0 && (Math.abs(value) < 1e-3 || Math.abs(value) >= 1e5)) return value.toExponential(3).replace(/\.?0+e/, "e");
  return String(Number(value.toPrecision(4)));
}
