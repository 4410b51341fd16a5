/**
 * Parameter distributions, as discriminated unions that mirror Optuna's distributions
 * (FloatDistribution, IntDistribution, CategoricalDistribution), so they round-trip through
 * Optuna's JSON form in the journal storage.
 */
export type CategoricalChoice = string | number | boolean | null;

export interface FloatDistribution {
  type: "float";
  low: number;
  high: number;
  /** Grid step; the values are low, low+step, ... <= high. Not allowed with log. */
  step?: number;
  log?: boolean;
}

export interface IntDistribution {
  type: "int";
  low: number;
  high: number;
  /** Default 1. */
  step?: number;
  log?: boolean;
}

export interface CategoricalDistribution {
  type: "categorical";
  choices: CategoricalChoice[];
}

/**
 * A finite set of numbers in ascending order, e.g. `{ type: "float", choices: [1e-5, 3e-5, 1e-4], log: true }`
 * or `{ type: "int", choices: [8, 16, 32] }`. Samplers that model order (TPE, GP, evolution) treat
 * neighbouring choices as close; `log` says closeness is measured on the log scale.
 * Optuna has no such distribution: the journal stores it as a CategoricalDistribution of the numbers.
 */
export interface OrderedChoicesDistribution {
  type: "float" | "int";
  choices: number[];
  log?: boolean;
}

/** A numeric range (low..high, maybe stepped): every float or int that is not a list of choices. */
export type RangeDistribution = FloatDistribution | IntDistribution;

export type Distribution = FloatDistribution | IntDistribution | OrderedChoicesDistribution | CategoricalDistribution;

/** True for ordered numeric choices (a float or int distribution with a `choices` list). */
export function isOrderedChoices(distribution: Distribution): distribution is OrderedChoicesDistribution {
  return distribution.type !== "categorical" && Array.isArray((distribution as { choices?: unknown }).choices);
}

/** True for any distribution that is a list of choices: categorical or ordered numeric choices. */
export function hasChoices(distribution: Distribution): distribution is CategoricalDistribution | OrderedChoicesDistribution {
  return Array.isArray((distribution as { choices?: unknown }).choices);
}

export type ParamValue = number | CategoricalChoice;
export type Params = Record<string, ParamValue>;

/** An ordered search space: names in declaration order (the order RL policies emit them in). */
export type SearchSpace = Record<string, Distribution>;
