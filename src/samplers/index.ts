/**
 * Every sampler by name, for the command line, config files and benchmarks:
 * createSampler("reinforce", { policy: "rnn", seed: 1 }) or samplerFromLabel("reinforce-rnn", 1).
 */
import type { Sampler } from "./sampler.ts";
import { gridSampler, type GridSamplerOptions } from "./grid.ts";
import { randomSampler, type RandomSamplerOptions } from "./random.ts";
import { tpeSampler, type TpeSamplerOptions } from "./tpe.ts";
import { reinforceSampler, type ReinforceSamplerOptions } from "./reinforce.ts";
import { ppoSampler, type PpoSamplerOptions } from "./ppo.ts";

export type { Sampler, StudyView } from "./sampler.ts";
export { gridSampler, randomSampler, tpeSampler, reinforceSampler, ppoSampler };
export type { GridSamplerOptions, RandomSamplerOptions, TpeSamplerOptions, ReinforceSamplerOptions, PpoSamplerOptions };

export const SAMPLER_NAMES = ["grid", "random", "tpe", "reinforce", "ppo"] as const;
export type SamplerName = (typeof SAMPLER_NAMES)[number];

export interface SamplerOptionsByName {
  grid: GridSamplerOptions;
  random: RandomSamplerOptions;
  tpe: TpeSamplerOptions;
  reinforce: ReinforceSamplerOptions;
  ppo: PpoSamplerOptions;
}

const FACTORIES: { [K in SamplerName]: (options: SamplerOptionsByName[K]) => Sampler } = {
  grid: gridSampler,
  random: randomSampler,
  tpe: tpeSampler,
  reinforce: reinforceSampler,
  ppo: ppoSampler,
};

export function isSamplerName(name: string): name is SamplerName {
  return (SAMPLER_NAMES as readonly string[]).includes(name);
}

/** A sampler by name; the options are checked by the sampler itself (unknown names are rejected there). */
export function createSampler<K extends SamplerName>(name: K, options: SamplerOptionsByName[K]): Sampler {
  if (!isSamplerName(name)) throw new Error(`unknown sampler "${name as string}"; samplers: ${SAMPLER_NAMES.join(", ")}`);
  return (FACTORIES[name] as (options: SamplerOptionsByName[K]) => Sampler)(options);
}

/**
 * The short labels benchmarks and reports use: grid (in order, as the paper ran it), random, tpe, reinforce-mlp, reinforce-rnn,
 * reinforce-paper (the paper's preset with its MLP policy), reinforce-paper-rnn, ppo, ppo-mlp, ppo-rnn.
 */
export const SAMPLER_LABELS = [
  "grid", "random", "tpe", "reinforce-mlp", "reinforce-rnn", "reinforce-paper", "reinforce-paper-rnn", "ppo", "ppo-mlp", "ppo-rnn",
] as const;
export type SamplerLabel = (typeof SAMPLER_LABELS)[number];

export function samplerFromLabel(label: string, seed: number): Sampler {
  switch (label) {
    case "grid":
      return gridSampler({ seed });
    case "random":
      return randomSampler({ seed });
    case "tpe":
      return tpeSampler({ seed });
    case "reinforce-mlp":
      return reinforceSampler({ seed, policy: "mlp" });
    case "reinforce-rnn":
      return reinforceSampler({ seed, policy: "rnn" });
    case "reinforce-paper":
      return reinforceSampler({ seed, policy: "mlp", preset: "paper" });
    case "reinforce-paper-rnn":
      return reinforceSampler({ seed, policy: "rnn", preset: "paper" });
    case "ppo":
    case "ppo-mlp":
      return ppoSampler({ seed, policy: "mlp" });
    case "ppo-rnn":
      return ppoSampler({ seed, policy: "rnn" });
    default:
      throw new Error(`unknown sampler label "${label}"; labels: ${SAMPLER_LABELS.join(", ")}`);
  }
}
