/** Axis titles with units, from what the study records about its objective. */
import type { Direction, FrozenTrial } from "../trial/types.ts";

/** The built-in tasks' validation losses and their units. */
export const TASK_VALUE_LABELS: Record<string, string> = {
  wine: "validation MSE (z-scored target)",
  letter: "validation cross-entropy (nats)",
};

/** From the study user attr "task" (set by reproduce), else "validation loss" for task trials (they record test_loss). */
export function valueLabelOf(studyUserAttrs: Record<string, unknown>, trials: readonly FrozenTrial[]): string {
  const task = studyUserAttrs.task;
  if (typeof task === "string" && Object.hasOwn(TASK_VALUE_LABELS, task)) return TASK_VALUE_LABELS[task];
  if (trials.some((trial) => typeof trial.userAttrs.test_loss === "number")) return "validation loss";
  return "objective value";
}

/** Reward is − value when minimizing (the paper's reward = − validation loss). */
export function rewardLabelOf(valueLabel: string, direction: Direction): string {
  return direction === "minimize" ? `reward (− ${valueLabel})` : `reward (${valueLabel})`;
}
