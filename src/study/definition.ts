/**
 * A study's definition: what experiment its trials measure (the objective's identity, the sampler
 * and its options), as flat named fields. It is stored when the study is created; resuming with a
 * definition that differs would mix incomparable trials (cross-entropy values in an MSE study), so
 * it is refused with every differing field named.
 */
import { UsageError } from "../errors/errors.ts";

/** Field name (as the user knows it: "task", "epochs", "split seed", ...) -> a JSON value. */
export type StudyDefinition = Record<string, unknown>;

export interface DefinitionDifference {
  field: string;
  stored: unknown;
  given: unknown;
}

/** Fields whose values differ; a field missing on one side counts as `null` there. */
export function definitionDifferences(stored: StudyDefinition, given: StudyDefinition): DefinitionDifference[] {
  const fields = [...new Set([...Object.keys(stored), ...Object.keys(given)])];
  const differences: DefinitionDifference[] = [];
  for (const field of fields) {
    const before = stored[field] ?? null;
    const now = given[field] ?? null;
    if (JSON.stringify(before) !== JSON.stringify(now)) differences.push({ field, stored: before, given: now });
  }
  return differences;
}

/** A resume refused because the study was created as another experiment. */
export class StudyDefinitionError extends UsageError {
  constructor(
    readonly studyName: string,
    readonly differences: DefinitionDifference[],
    hint = "start a new study under another name or in another storage",
  ) {
    const listed = differences.map(({ field, stored, given }) => `${field} was ${show(stored)}, now ${show(given)}`).join("; ");
    super(
      `study "${studyName}" was created as a different experiment (${listed}): its trials would not be comparable. ` +
        `Resume it with the settings it was created with, or ${hint}`,
    );
  }
}

function show(value: unknown): string {
  if (value === null) return "not set";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
