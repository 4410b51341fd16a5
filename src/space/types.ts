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

export type Distribution = FloatDistribution | IntDistribution | CategoricalDistribution;

export type ParamValue = number | CategoricalChoice;
export type Params = Record<string, ParamValue>;

/** An ordered search space: names in declaration order (the order RL policies emit them in). */
export type SearchSpace = Record<string, Distribution>;
