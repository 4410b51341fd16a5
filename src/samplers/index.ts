/**
 * Every sampler by name, for the command line, config files and benchmarks:
 * createSampler("reinforce", { policy: "rnn", seed: 1 }) or samplerFromLabel("reinforce-rnn", 1).
 */

import { evolutionSampler } from "./evolution.ts";
import { gpSampler } from "./gp/sampler.ts";
import { gridSampler } from "./grid.ts";
import type {
  EvolutionSamplerOptions,
  GpSamplerOptions,
  GridSamplerOptions,
  PpoSamplerOptions,
  RandomSamplerOptions,
  ReinforceSamplerOptions,
  TpeSamplerOptions,
} from "./options.ts";
import { SAMPLER_OPTION_SCHEMAS } from "./options.ts";
import { ppoSampler } from "./ppo.ts";
import { randomSampler } from "./random.ts";
import { reinforceSampler } from "./reinforce.ts";
import type { Sampler } from "./sampler.ts";
import { tpeSampler } from "./tpe.ts";

export { parseSamplerOptions } from "./options.ts";
export { PolicySampler } from "./policy-sampler.ts";
export type { Sampler, StudyView } from "./sampler.ts";
export type {
  EvolutionSamplerOptions,
  GpSamplerOptions,
  GridSamplerOptions,
  PpoSamplerOptions,
  RandomSamplerOptions,
  ReinforceSamplerOptions,
  TpeSamplerOptions,
};
export { evolutionSampler, gpSampler, gridSampler, ppoSampler, randomSampler, reinforceSampler, SAMPLER_OPTION_SCHEMAS, tpeSampler };

export const SAMPLER_NAMES = ["grid", "random", "tpe", "gp", "evolution", "reinforce", "ppo"] as const;
export type SamplerName = (typeof SAMPLER_NAMES)[number];

export interface SamplerOptionsByName {
  grid: GridSamplerOptions;
  random: RandomSamplerOptions;
  tpe: TpeSamplerOptions;
  gp: GpSamplerOptions;
  evolution: EvolutionSamplerOptions;
  reinforce: ReinforceSamplerOptions;
  ppo: PpoSamplerOptions;
}

const FACTORIES: { [K in SamplerName]: (options: SamplerOptionsByName[K]) => Sampler } = {
  grid: gridSampler,
  random: randomSampler,
  tpe: tpeSampler,
  gp: gpSampler,
  evolution: evolutionSampler,
  reinforce: reinforceSampler,
  ppo: ppoSampler,
};

export function isSamplerName(name: string): name is SamplerName {
  return (SAMPLER_NAMES as readonly string[]).includes(name);
}

/** A sampler by name; the options are checked by the sampler against its schema (src/samplers/options.ts). */
export function createSampler<K extends SamplerName>(name: K, options: SamplerOptionsByName[K]): Sampler {
  if (!isSamplerName(name)) throw new Error(`unknown sampler "${name as string}"; samplers: ${SAMPLER_NAMES.join(", ")}`);
  return (FACTORIES[name] as (options: SamplerOptionsByName[K]) => Sampler)(options);
}

/**
 * The short labels benchmarks and reports use: grid (in order, as the paper ran it), random, tpe, gp, evolution, reinforce-mlp
 * (the default: mlp policy with a surrogate in the loop), reinforce-rnn, reinforce-paper (the paper's preset with its MLP policy),
 * reinforce-paper-rnn, ppo, ppo-mlp, ppo-rnn, reinforce-mlp-plain and ppo-plain (the defaults without the surrogate),
 * reinforce-edits, ppo-edits.
 */
export const SAMPLER_LABELS = [
  "grid",
  "random",
  "tpe",
  "gp",
  "evolution",
  "reinforce-mlp",
  "reinforce-rnn",
  "reinforce-paper",
  "reinforce-paper-rnn",
  "ppo",
  "ppo-mlp",
  "ppo-rnn",
  "reinforce-mlp-plain",
  "ppo-plain",
  "reinforce-edits",
  "ppo-edits",
] as const;
export type SamplerLabel = (typeof SAMPLER_LABELS)[number];

/** What each label stands for: a sampler and its options (the seed is added per study). */
type LabelledSampler = { [K in SamplerName]: { sampler: K; options: SamplerOptionsByName[K] } }[SamplerName];

export const SAMPLER_LABEL_OPTIONS: Record<SamplerLabel, LabelledSampler> = {
  grid: { sampler: "grid", options: {} },
  random: { sampler: "random", options: {} },
  tpe: { sampler: "tpe", options: {} },
  gp: { sampler: "gp", options: {} },
  evolution: { sampler: "evolution", options: {} },
  "reinforce-mlp": { sampler: "reinforce", options: { policy: "mlp" } },
  "reinforce-rnn": { sampler: "reinforce", options: { policy: "rnn" } },
  "reinforce-paper": { sampler: "reinforce", options: { policy: "mlp", preset: "paper" } },
  "reinforce-paper-rnn": { sampler: "reinforce", options: { policy: "rnn", preset: "paper" } },
  ppo: { sampler: "ppo", options: { policy: "mlp" } },
  "ppo-mlp": { sampler: "ppo", options: { policy: "mlp" } },
  "ppo-rnn": { sampler: "ppo", options: { policy: "rnn" } },
  "reinforce-mlp-plain": { sampler: "reinforce", options: { policy: "mlp", surrogate: "none" } },
  "ppo-plain": { sampler: "ppo", options: { policy: "mlp", surrogate: "none" } },
  "reinforce-edits": { sampler: "reinforce", options: { policy: "mlp", eliteSize: 4, eliteSteps: 4, edits: 0.5 } },
  "ppo-edits": { sampler: "ppo", options: { policy: "mlp", eliteSize: 8, eliteSteps: 4, edits: 0.8 } },
};

export function samplerFromLabel(label: string, seed: number): Sampler {
  if (!(SAMPLER_LABELS as readonly string[]).includes(label)) {
    throw new Error(`unknown sampler label "${label}"; labels: ${SAMPLER_LABELS.join(", ")}`);
  }
  const { sampler, options } = SAMPLER_LABEL_OPTIONS[label as SamplerLabel];
  return createSampler(sampler, { ...options, seed });
}

/** The samplers whose options include `option` (for messages such as "--policy applies to --sampler reinforce or ppo"). */
export function samplersWithOption(option: string): SamplerName[] {
  return SAMPLER_NAMES.filter((name) => option in SAMPLER_OPTION_SCHEMAS[name].shape);
}
