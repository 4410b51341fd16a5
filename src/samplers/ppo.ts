/**
 * ppoSampler: PPO's clipped surrogate over the same mlp or rnn policies and the same MDP as
 * reinforceSampler (trajectories, cache, failed trials, saved state: see src/rl/agent.ts and
 * src/samplers/policy-sampler.ts). Defaults chosen by measurement (bench/rl-settings.ts). With the mlp policy
 * it plans against the GP surrogate as reinforce's default does (surrogate "ei"): on the four tables, seeds
 * 0-49, it was lower than PPO alone in 14 of 16 cells (25-300 trials), higher only on letter at 300 (0.0067
 * against 0.0054; bench/results/rl-levers-ppo-surrogate-*.json). The rnn policy has no surrogate mode.
 */
import { Ppo } from "../rl/ppo.ts";
import { PpoOptionsSchema, type PpoSamplerOptions, parseSamplerOptions } from "./options.ts";
import { checkElite, learningOptions, PolicySampler, resolveSettings } from "./policy-sampler.ts";
import { SURROGATE_DEFAULTS, SurrogatePlanner, splitSurrogateOptions, surrogatePlanning } from "./policy-surrogate.ts";

export type { PpoSamplerOptions } from "./options.ts";

/** Measured (bench/results/rl-settings.json): lr 0.03 with an entropy bonus of 0.1. */
export const PPO_DEFAULTS = {
  batchSize: 16,
  learningRate: 0.03,
  gamma: 0.99,
  baseline: "batch-mean" as const,
  standardize: true,
  movingAverageRate: 0.1,
  entropy: 0.1,
  entropyDecay: 1,
  cache: true,
  tmax: 1,
  // Plain softmax heads: ordinal ones (src/rl/ordinal.ts) were lower at 50-300 trials on wine and at 50-100 on
  // letter but significantly higher on letter at 300 (seeds 0-24, bench/results/rl-ordinal.md).
  ordinalWidth: 0,
};

export const PPO_UPDATE_DEFAULTS = { clip: 0.2, epochs: 4, minibatchSize: 8 };

export function ppoSampler(given: PpoSamplerOptions = {}): PolicySampler {
  const { surrogate, rest } = splitSurrogateOptions(parseSamplerOptions("ppo", PpoOptionsSchema, given));
  const { clip, epochs, minibatchSize, ...common } = rest;
  checkElite("ppo", common);
  const settings = resolveSettings(PPO_DEFAULTS, common);
  const planning = surrogatePlanning("ppo", surrogate, settings.policy === "mlp" ? "ei" : "none", settings.policy, SURROGATE_DEFAULTS);
  const ppo = {
    clip: clip ?? PPO_UPDATE_DEFAULTS.clip,
    epochs: epochs ?? PPO_UPDATE_DEFAULTS.epochs,
    minibatchSize: minibatchSize ?? PPO_UPDATE_DEFAULTS.minibatchSize,
  };
  return new PolicySampler(
    "ppo",
    settings,
    (policy, rng) => new Ppo(policy, { ...learningOptions(settings), ...ppo }, rng),
    common.initialPolicy,
    planning === undefined ? undefined : (space) => new SurrogatePlanner(space, planning, settings.seed),
  );
}
