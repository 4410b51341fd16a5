/**
 * The discrete view of a search space that policies act on: for each parameter, in declaration
 * order, its list of choices (discreteChoices), so an action is one index per parameter.
 */
import { choiceIndex, discreteChoices, isDiscrete } from "../space/discrete.ts";
import type { Distribution, Params, ParamValue, SearchSpace } from "../space/types.ts";

export interface PolicySpace {
  readonly names: readonly string[];
  readonly distributions: readonly Distribution[];
  /** choices[i][k]: the value of parameter i at index k. */
  readonly choices: readonly (readonly ParamValue[])[];
  readonly sizes: readonly number[];
  /** levels[i]: the number of levels parameter i was discretised into, or undefined (its own grid). */
  readonly levels: readonly (number | undefined)[];
}

/**
 * `levels` as a number discretises every parameter that has no finite value list of its own (a float
 * without step); as a record it gives levels per parameter name (any numeric parameter).
 */
export type LevelsOption = number | Record<string, number>;

/** Largest number of choices one parameter may have: a softmax head wider than this is a mistake. */
export const MAX_CHOICES_PER_PARAMETER = 4096;

export function policySpace(space: SearchSpace, levels?: LevelsOption): PolicySpace {
  const names = Object.keys(space);
  if (names.length === 0) throw new Error("the RL samplers need a declared search space with at least one parameter");
  if (levels !== undefined && typeof levels === "object") {
    for (const name of Object.keys(levels)) {
      if (!(name in space)) throw new Error(`levels names the parameter "${name}", which is not in the search space`);
    }
  }
  const distributions = names.map((name) => space[name]);
  const parameterLevels = names.map((name, i) => levelsFor(name, distributions[i], levels));
  const choices = names.map((name, i) => {
    const values = discreteChoices(distributions[i], parameterLevels[i]);
    if (values.length > MAX_CHOICES_PER_PARAMETER) {
      throw new Error(
        `parameter "${name}" has ${values.length} choices, more than ${MAX_CHOICES_PER_PARAMETER}: ` +
          `give it fewer levels (levels: { "${name}": 32 })`,
      );
    }
    return values;
  });
  return { names, distributions, choices, sizes: choices.map((c) => c.length), levels: parameterLevels };
}

function levelsFor(name: string, distribution: Distribution, levels: LevelsOption | undefined): number | undefined {
  if (typeof levels === "object") {
    const own = levels[name];
    if (own !== undefined && distribution.type === "categorical") {
      throw new Error(`levels given for the categorical parameter "${name}": only numeric parameters can be discretised`);
    }
    if (own !== undefined) return own;
    if (!isDiscrete(distribution)) throw new Error(continuousMessage(name));
    return undefined;
  }
  if (isDiscrete(distribution)) return undefined;
  if (levels === undefined) throw new Error(continuousMessage(name));
  return levels;
}

function continuousMessage(name: string): string {
  return `parameter "${name}" is continuous: the RL samplers need levels to discretise it (levels: 10, or levels: { "${name}": 10 })`;
}

/** Parameter values for one index per parameter. */
export function paramsOf(space: PolicySpace, indices: ArrayLike<number>): Params {
  const params: Params = {};
  space.names.forEach((name, i) => {
    params[name] = space.choices[i][indices[i]];
  });
  return params;
}

/** Indices of a trial's params in this space, or undefined when one is missing or off the grid. */
export function indicesOf(space: PolicySpace, params: Params): Int32Array | undefined {
  const indices = new Int32Array(space.names.length);
  for (let i = 0; i < space.names.length; i++) {
    const name = space.names[i];
    if (!(name in params)) return undefined;
    const index = choiceIndex(space.distributions[i], params[name], space.levels[i]);
    if (index < 0) return undefined;
    indices[i] = index;
  }
  return indices;
}

/** A compact key for a configuration (its indices), for caches and sets. */
export function configurationKey(indices: ArrayLike<number>): string {
  return Array.prototype.join.call(indices, ",");
}

/** Total number of configurations (may be huge; a float). */
export function configurationCount(space: PolicySpace): number {
  return space.sizes.reduce((product, size) => product * size, 1);
}
