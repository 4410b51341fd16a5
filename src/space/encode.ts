/** Parameters <-> index vectors over a space's discrete values (what grid and RL policies work in). */

import { choiceIndex, discreteChoices } from "./discrete.ts";
import type { Params, SearchSpace } from "./types.ts";

/** One index per parameter, in the space's order; a value that is not one of the choices is an error. */
export function encodeParams(space: SearchSpace, params: Params, levels?: number): number[] {
  return Object.entries(space).map(([name, distribution]) => {
    if (!Object.hasOwn(params, name)) throw new Error(`cannot encode: parameter "${name}" is missing`);
    const index = choiceIndex(distribution, params[name], levels);
    if (index < 0) throw new Error(`cannot encode: ${JSON.stringify(params[name])} is not a choice of parameter "${name}"`);
    return index;
  });
}

/** The parameters at these indices (one per parameter, in the space's order). */
export function decodeIndices(space: SearchSpace, indices: readonly number[], levels?: number): Params {
  const names = Object.keys(space);
  if (indices.length !== names.length) throw new Error(`cannot decode: ${indices.length} indices for ${names.length} parameters`);
  const params: Params = {};
  names.forEach((name, i) => {
    const choices = discreteChoices(space[name], levels);
    const index = indices[i];
    if (!Number.isInteger(index) || index < 0 || index >= choices.length) {
      throw new Error(`cannot decode: index ${index} is out of range 0..${choices.length - 1} for parameter "${name}"`);
    }
    params[name] = choices[index];
  });
  return params;
}
