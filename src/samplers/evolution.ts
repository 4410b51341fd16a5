/**
 * Regularized evolution (Real et al. 2019, "aging evolution"): the population is the
 * `populationSize` most recently started finished trials; each new trial copies the winner of a
 * tournament (`tournamentSize` members drawn without replacement, the best value wins) and changes
 * exactly one of its parameters. The oldest member leaves as each child joins, so a configuration
 * survives by being re-found, not by having been lucky once.
 *
 * - The first `populationSize` trials (and any trial asked before one has finished) are random.
 * - The population is read off the study each time (finished trials, by trial number), so the
 *   sampler's own state is its random generator and the count of random fallbacks; it works with
 *   trials running concurrently (they are not members yet, but count as seen).
 * - A mutation picks one parameter with more than one value, uniformly, and gives it another value:
 *   "uniform" any other value of a discrete parameter; "neighbour" (the default) the next value
 *   up or down in value for a numeric one (int, stepped float, a categorical of numbers), any other
 *   choice for other categoricals. A continuous float always gets a fresh value drawn on its own scale.
 * - On a discrete space no configuration the study holds is proposed again: a mutation that lands
 *   on one is redrawn; when every one-parameter mutation of the winner is taken, a random unseen
 *   configuration is proposed instead and counted in `randomFallbacks`.
 * - FAIL and PRUNED members rank below every completed one.
 */

import { Rng, type RngState } from "../nn/rng.ts";
import { choiceAt, choiceCount, choiceIndex, isDiscrete } from "../space/discrete.ts";
import { type Distribution, hasChoices, type Params, type ParamValue, type SearchSpace } from "../space/types.ts";
import type { FrozenTrial } from "../trial/types.ts";
import { EvolutionOptionsSchema, type EvolutionSamplerOptions, parseSamplerOptions } from "./options.ts";
import { readRngState, sampleSpace, sampleUnseen, sampleValue } from "./random.ts";
import type { Sampler, StudyView } from "./sampler.ts";
import { configurationKey, isDiscreteSpace, seenConfigurations } from "./seen.ts";

export type { EvolutionSamplerOptions } from "./options.ts";

/**
 * Chosen on the wine and letter tables with seeds 0-49 only (bench/evolution-settings.ts, population
 * 10/20/50 x uniform/neighbour at 25-300 evaluations); the benchmark reports seeds 100-149.
 */
export const EVOLUTION_DEFAULTS = { populationSize: 10, tournamentSize: 5, mutation: "neighbour" } as const;

/** Redraws of a mutation that hit a seen configuration before the unseen ones are listed. */
const REDRAWS = 16;

interface Member {
  params: Params;
  /** The value to minimise: the trial's value (negated when maximizing); Infinity for FAIL and PRUNED. */
  fitness: number;
}

export interface EvolutionState {
  rng: RngState;
  randomFallbacks: number;
}

export class EvolutionSampler implements Sampler {
  readonly name = "evolution";
  readonly needsFullSpace = true;
  readonly populationSize: number;
  readonly tournamentSize: number;
  readonly mutation: "uniform" | "neighbour";
  private readonly rng: Rng;
  private readonly allowRepeats: boolean;
  private fallbacks = 0;

  constructor(given: EvolutionSamplerOptions = {}) {
    const options = parseSamplerOptions("evolution", EvolutionOptionsSchema, given);
    this.rng = new Rng(options.seed ?? 0);
    this.populationSize = options.populationSize ?? EVOLUTION_DEFAULTS.populationSize;
    this.tournamentSize = options.tournamentSize ?? Math.min(EVOLUTION_DEFAULTS.tournamentSize, this.populationSize);
    this.mutation = options.mutation ?? EVOLUTION_DEFAULTS.mutation;
    this.allowRepeats = options.allowRepeats ?? false;
    if (this.tournamentSize > this.populationSize) {
      throw new Error(`evolution sampler: tournamentSize (${this.tournamentSize}) must not exceed populationSize (${this.populationSize})`);
    }
  }

  /** Trials proposed as a random unseen configuration because every mutation of the winner was taken. */
  get randomFallbacks(): number {
    return this.fallbacks;
  }

  sampleRelative(study: StudyView, trialNumber: number, space: SearchSpace): Params {
    const discrete = !this.allowRepeats && isDiscreteSpace(space);
    const population = trialNumber < this.populationSize ? [] : this.population(study, space);
    if (population.length === 0) {
      return (discrete ? sampleUnseen(this.rng, study, trialNumber, space) : undefined) ?? sampleSpace(this.rng, space);
    }
    const parent = this.tournament(population);
    if (!discrete) return this.mutate(parent.params, space);
    const seen = seenConfigurations(study, space, trialNumber);
    for (let draw = 0; draw < REDRAWS; draw++) {
      const child = this.mutate(parent.params, space);
      if (!seen.has(configurationKey(space, child)!)) return child;
    }
    const unseen = this.unseenMutations(parent.params, space, seen);
    if (unseen.length > 0) return unseen[this.rng.int(unseen.length)];
    const fresh = sampleUnseen(this.rng, study, trialNumber, space);
    if (fresh === undefined) return this.mutate(parent.params, space); // the space is exhausted
    this.fallbacks++;
    return fresh;
  }

  sampleIndependent(_study: StudyView, _trialNumber: number, _name: string, distribution: Distribution): ParamValue {
    return sampleValue(this.rng, distribution);
  }

  /** The youngest `populationSize` finished trials that fit the space, oldest first. */
  private population(study: StudyView, space: SearchSpace): Member[] {
    const sign = study.direction === "maximize" ? -1 : 1;
    const members: Member[] = [];
    for (const trial of study.trials()) {
      if (!isMemberState(trial) || !fitsSpace(trial.params, space)) continue;
      const fitness = trial.state === "COMPLETE" && Number.isFinite(trial.value) ? sign * trial.value! : Infinity;
      members.push({ params: trial.params, fitness });
    }
    return members.slice(-this.populationSize);
  }

  /** The best of `tournamentSize` members drawn without replacement (the first drawn wins ties). */
  private tournament(population: readonly Member[]): Member {
    const pool = population.slice();
    let best: Member | undefined;
    for (let k = 0; k < Math.min(this.tournamentSize, pool.length); k++) {
      const at = k + this.rng.int(pool.length - k);
      [pool[k], pool[at]] = [pool[at], pool[k]];
      if (best === undefined || pool[k].fitness < best.fitness) best = pool[k];
    }
    return best!;
  }

  /** A copy of `params` with one parameter (among those with another value) changed. */
  private mutate(params: Params, space: SearchSpace): Params {
    const names = Object.keys(space).filter((name) => hasOtherValues(space[name]));
    const child: Params = { ...params };
    if (names.length === 0) return child;
    const name = names[this.rng.int(names.length)];
    const distribution = space[name];
    if (!isDiscrete(distribution)) {
      child[name] = sampleValue(this.rng, distribution);
      return child;
    }
    const options = this.mutationIndices(distribution, choiceIndex(distribution, params[name]));
    child[name] = choiceAt(distribution, options[this.rng.int(options.length)]);
    return child;
  }

  /** The indices a discrete parameter at index `at` may move to (-1: the value is not on the grid). */
  private mutationIndices(distribution: Distribution, at: number): number[] {
    const count = choiceCount(distribution);
    const order = this.mutation === "neighbour" && at >= 0 ? valueOrder(distribution) : undefined;
    if (order !== undefined) {
      const rank = order.indexOf(at);
      return [order[rank - 1], order[rank + 1]].filter((index) => index !== undefined);
    }
    const others: number[] = [];
    for (let index = 0; index < count; index++) if (index !== at) others.push(index);
    return others;
  }

  /** Every one-parameter mutation of `params` (as `mutate` may make it) not in `seen`, in parameter order. */
  private unseenMutations(params: Params, space: SearchSpace, seen: ReadonlySet<string>): Params[] {
    const found: Params[] = [];
    for (const [name, distribution] of Object.entries(space)) {
      if (!hasOtherValues(distribution)) continue;
      for (const index of this.mutationIndices(distribution, choiceIndex(distribution, params[name]))) {
        const child = { ...params, [name]: choiceAt(distribution, index) };
        if (!seen.has(configurationKey(space, child)!)) found.push(child);
      }
    }
    return found;
  }

  saveState(): EvolutionState {
    return { rng: this.rng.getState(), randomFallbacks: this.fallbacks };
  }

  loadState(state: unknown): void {
    this.rng.setState(readRngState(state, "evolution"));
    const fallbacks = (state as { randomFallbacks?: unknown }).randomFallbacks;
    this.fallbacks = typeof fallbacks === "number" && Number.isInteger(fallbacks) && fallbacks >= 0 ? fallbacks : 0;
  }
}

function isMemberState(trial: FrozenTrial): boolean {
  return trial.state === "COMPLETE" || trial.state === "FAIL" || trial.state === "PRUNED";
}

function hasOtherValues(distribution: Distribution): boolean {
  if (isDiscrete(distribution)) return choiceCount(distribution) > 1;
  return !hasChoices(distribution) && distribution.low < distribution.high;
}

/** Every parameter present, discrete ones on their grid (a trial enqueued off the grid cannot be mutated onto it). */
function fitsSpace(params: Params, space: SearchSpace): boolean {
  return Object.entries(space).every(
    ([name, distribution]) => Object.hasOwn(params, name) && (!isDiscrete(distribution) || choiceIndex(distribution, params[name]) >= 0),
  );
}

/**
 * The choice indices sorted by value, for ints, stepped floats and categoricals of distinct numbers
 * (the paper's learning rates are listed 1e-1, 1e-2, ..., 3e-1, ...); undefined for other categoricals.
 */
function valueOrder(distribution: Distribution): number[] | undefined {
  const count = choiceCount(distribution);
  const indices = Array.from({ length: count }, (_, i) => i);
  if (distribution.type !== "categorical") return indices;
  const { choices } = distribution;
  if (!choices.every((choice) => typeof choice === "number") || new Set(choices).size !== count) return undefined;
  return indices.sort((a, b) => (choices[a] as number) - (choices[b] as number));
}

export function evolutionSampler(options: EvolutionSamplerOptions = {}): EvolutionSampler {
  return new EvolutionSampler(options);
}
