/**
 * Random search: each parameter uniform on its own scale (log-uniform for log parameters, every step
 * grid point equally likely, int bounds inclusive). On a declared discrete space it does not repeat a
 * configuration the study already holds while unseen ones remain, unless `allowRepeats`.
 */

import { Rng, type RngState } from "../nn/rng.ts";
import { choiceAt, choiceCount } from "../space/discrete.ts";
import { type Distribution, hasChoices, type Params, type ParamValue, type SearchSpace } from "../space/types.ts";
import { parseSamplerOptions, RandomOptionsSchema, type RandomSamplerOptions } from "./options.ts";
import type { Sampler, StudyView } from "./sampler.ts";
import { configurationCount, configurationKey, isDiscreteSpace, randomUnseen, seenConfigurations } from "./seen.ts";

export type { RandomSamplerOptions } from "./options.ts";

/** One value drawn from the distribution on its proper scale. */
export function sampleValue(rng: Rng, distribution: Distribution): ParamValue {
  if (hasChoices(distribution)) return distribution.choices[rng.int(distribution.choices.length)];
  const { low, high } = distribution;
  if (distribution.type === "int" && distribution.log === true) {
    // Log-uniform over the integers' half-unit cells, as Optuna does, so each integer gets its share of log-space.
    const drawn = Math.round(Math.exp(rng.uniformIn(Math.log(low - 0.5), Math.log(high + 0.5))));
    return Math.min(high, Math.max(low, drawn));
  }
  if (distribution.type === "int" || distribution.step !== undefined) {
    return choiceAt(distribution, rng.int(choiceCount(distribution)));
  }
  if (low === high) return low;
  if (distribution.log === true) return Math.min(high, Math.max(low, Math.exp(rng.uniformIn(Math.log(low), Math.log(high)))));
  return rng.uniformIn(low, high);
}

/** Independent draws for every parameter of the space, in its order. */
export function sampleSpace(rng: Rng, space: SearchSpace): Params {
  const params: Params = {};
  for (const [name, distribution] of Object.entries(space)) params[name] = sampleValue(rng, distribution);
  return params;
}

/** A random configuration of a discrete space not yet in the study, or undefined when all are. */
export function sampleUnseen(rng: Rng, study: StudyView, trialNumber: number, space: SearchSpace): Params | undefined {
  const seen = seenConfigurations(study, space, trialNumber);
  if (seen.size >= configurationCount(space)) return undefined;
  // Draw on the parameters' own scales first; only when those keep hitting seen points go uniform over the rest.
  for (let attempt = 0; attempt < 32; attempt++) {
    const params = sampleSpace(rng, space);
    if (!seen.has(configurationKey(space, params) as string)) return params;
  }
  return randomUnseen(rng, space, seen);
}

export class RandomSampler implements Sampler {
  readonly name = "random";
  readonly needsFullSpace = false;
  private readonly rng: Rng;
  private readonly allowRepeats: boolean;

  constructor(given: RandomSamplerOptions = {}) {
    const options = parseSamplerOptions("random", RandomOptionsSchema, given);
    this.rng = new Rng(options.seed ?? 0);
    this.allowRepeats = options.allowRepeats ?? false;
  }

  sampleRelative(study: StudyView, trialNumber: number, space: SearchSpace): Params {
    if (!this.allowRepeats && isDiscreteSpace(space)) {
      const unseen = sampleUnseen(this.rng, study, trialNumber, space);
      if (unseen !== undefined) return unseen;
    }
    return sampleSpace(this.rng, space);
  }

  sampleIndependent(_study: StudyView, _trialNumber: number, _name: string, distribution: Distribution): ParamValue {
    return sampleValue(this.rng, distribution);
  }

  saveState(): { rng: RngState } {
    return { rng: this.rng.getState() };
  }

  loadState(state: unknown): void {
    this.rng.setState(readRngState(state, "random"));
  }
}

export function randomSampler(options: RandomSamplerOptions = {}): RandomSampler {
  return new RandomSampler(options);
}

/** The `rng` field of a saved sampler state, checked. */
export function readRngState(state: unknown, sampler: string): RngState {
  const rng = (state as { rng?: unknown } | null)?.rng;
  if (!Array.isArray(rng) || rng.length !== 4 || !rng.every((word) => Number.isInteger(word) && word >= 0 && word < 2 ** 32)) {
    throw new Error(`${sampler} sampler: saved state must have an "rng" field of four 32-bit words`);
  }
  return rng as RngState;
}

/**
 * Options come from config files and the command line too: a misspelt one is an error, not ignored.
 * Kept for samplers not yet described in ./options.ts; a sampler there is checked by parseSamplerOptions.
 */
export function checkOptions(sampler: string, options: object, known: readonly string[], booleans: readonly string[] = []): void {
  if (options === null || typeof options !== "object") throw new Error(`${sampler} sampler: options must be an object`);
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new Error(`${sampler} sampler: unknown option "${key}" (options: ${known.join(", ")})`);
  }
  const seed = (options as { seed?: unknown }).seed;
  if (seed !== undefined && (typeof seed !== "number" || !Number.isFinite(seed))) {
    throw new Error(`${sampler} sampler: seed must be a finite number, got ${String(seed)}`);
  }
  for (const key of booleans) {
    const value = (options as Record<string, unknown>)[key];
    if (value !== undefined && typeof value !== "boolean") {
      throw new Error(`${sampler} sampler: ${key} must be true or false, got ${JSON.stringify(value)}`);
    }
  }
}
