/** The search space of a stored study, for its plots and importances. */
import { spaceFromJSON } from "../space/json.ts";
import type { SearchSpace } from "../space/types.ts";
import { STUDY_ATTR } from "../study/attrs.ts";
import type { FrozenTrial } from "../trial/types.ts";

/** The study's declared space, else each parameter's distribution as its first trial recorded it. */
export function studySpace(systemAttrs: Record<string, unknown>, trials: readonly FrozenTrial[]): SearchSpace {
  const stored = systemAttrs[STUDY_ATTR.space];
  if (stored !== undefined) return spaceFromJSON(stored);
  const space: SearchSpace = {};
  for (const trial of trials) for (const [name, distribution] of Object.entries(trial.distributions)) space[name] ??= distribution;
  return space;
}
