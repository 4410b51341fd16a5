/**
 * Which configurations of a discrete space the study already holds, so samplers can avoid proposing
 * them again. A configuration is keyed by its choice indices, so 0.1 * 3 and 0.3 are the same point.
 * Every trial other than the one being sampled counts: RUNNING, WAITING (enqueued) and finished ones.
 */

import type { Rng } from "../nn/rng.ts";
import { choiceAt, choiceCount, choiceIndex, isDiscrete } from "../space/discrete.ts";
import type { Params, SearchSpace } from "../space/types.ts";
import type { StudyView } from "./sampler.ts";

/** Above this many configurations we never list the unseen ones; random probing finds them instead. */
const ENUMERATION_LIMIT = 1_000_000;

export function isDiscreteSpace(space: SearchSpace): boolean {
  const names = Object.keys(space);
  return names.length > 0 && names.every((name) => isDiscrete(space[name]));
}

/** The number of configurations (a product of choice counts; may exceed 2^53 for huge spaces). */
export function configurationCount(space: SearchSpace, levels?: number): number {
  let total = 1;
  for (const distribution of Object.values(space)) total *= choiceCount(distribution, levels);
  return total;
}

/** "i,j,k" choice indices of params over the space, or undefined when a value is missing or not a choice. */
export function configurationKey(space: SearchSpace, params: Params, levels?: number): string | undefined {
  const indices: number[] = [];
  for (const [name, distribution] of Object.entries(space)) {
    if (!Object.hasOwn(params, name)) return undefined;
    const index = choiceIndex(distribution, params[name], levels);
    if (index < 0) return undefined;
    indices.push(index);
  }
  return indices.join(",");
}

/** Keys of every configuration held by a trial of the study other than `exceptTrial`. */
export function seenConfigurations(study: StudyView, space: SearchSpace, exceptTrial?: number, levels?: number): Set<string> {
  const seen = new Set<string>();
  for (const trial of study.trials()) {
    if (trial.number === exceptTrial) continue;
    const key = configurationKey(space, trial.params, levels);
    if (key !== undefined) seen.add(key);
  }
  return seen;
}

/** The configuration at a mixed-radix position (last parameter fastest). */
export function configurationAt(space: SearchSpace, position: number, levels?: number): Params {
  const names = Object.keys(space);
  const params: Params = {};
  let rest = position;
  for (let i = names.length - 1; i >= 0; i--) {
    const count = choiceCount(space[names[i]], levels);
    params[names[i]] = choiceAt(space[names[i]], rest % count, levels);
    rest = Math.floor(rest / count);
  }
  // Rebuild in declaration order (the loop above filled it backwards).
  return Object.fromEntries(names.map((name) => [name, params[name]]));
}

/** A uniformly random configuration not in `seen`, or undefined when every one has been seen. */
export function randomUnseen(rng: Rng, space: SearchSpace, seen: ReadonlySet<string>, levels?: number): Params | undefined {
  const total = configurationCount(space, levels);
  if (seen.size >= total) return undefined;
  const names = Object.keys(space);
  const counts = names.map((name) => choiceCount(space[name], levels));
  const probe = (): Params | undefined => {
    const params: Params = {};
    const indices = counts.map((count) => rng.int(count));
    names.forEach((name, i) => (params[name] = choiceAt(space[name], indices[i], levels)));
    return seen.has(indices.join(",")) ? undefined : params;
  };
  for (let attempt = 0; attempt < 64; attempt++) {
    const found = probe();
    if (found !== undefined) return found;
  }
  if (total <= ENUMERATION_LIMIT) {
    const unseen: number[] = [];
    for (let position = 0; position < total; position++) {
      const key = configurationKey(space, configurationAt(space, position, levels), levels);
      if (key !== undefined && !seen.has(key)) unseen.push(position);
    }
    return configurationAt(space, unseen[rng.int(unseen.length)], levels);
  }
  for (;;) {
    const found = probe();
    if (found !== undefined) return found;
  }
}
