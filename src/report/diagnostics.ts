/**
 * The RL samplers' per-update diagnostics, read back from a stored study: the sampler saves its state
 * (src/samplers/policy-sampler.ts) in the study's system attributes "sampler_state:...", whose
 * diagnostics parts keep one entry per policy update (src/rl/agent.ts UpdateDiagnostics).
 */

import type { UpdateDiagnostics } from "../rl/agent.ts";
import { savedUpdateDiagnostics } from "../samplers/policy-sampler.ts";
import { STUDY_ATTR } from "../study/attrs.ts";
import { savedSamplerState } from "../study/sampler-state.ts";

export type { UpdateDiagnostics };

/** The updates a stored RL sampler made, in order; undefined when the study's sampler keeps none. */
export function storedUpdateDiagnostics(systemAttrs: Record<string, unknown>): UpdateDiagnostics[] | undefined {
  const diagnostics = savedUpdateDiagnostics(savedSamplerState(systemAttrs));
  if (diagnostics === undefined) return undefined;
  return diagnostics.filter(
    (entry): entry is UpdateDiagnostics =>
      entry !== null && typeof entry === "object" && typeof entry.update === "number" && typeof entry.meanReward === "number",
  );
}

/** The name of the sampler that wrote the stored state ("reinforce", "ppo", ...), if any. */
export function storedSamplerName(systemAttrs: Record<string, unknown>): string | undefined {
  const name = systemAttrs[STUDY_ATTR.sampler];
  return typeof name === "string" ? name : undefined;
}
