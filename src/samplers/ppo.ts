/**
 * ppoSampler: PPO's clipped surrogate over the same mlp or rnn policies and the same MDP as
 * reinforceSampler (trajectories, cache, failed trials, saved state: see src/rl/agent.ts and
 * src/samplers/policy-sampler.ts). Defaults chosen by measurement (bench/rl-settings.ts). With the mlp policy
 * it can plan against the GP surrogate as reinforce's default does (surrogate "ei"; off by default).
 */
import { Ppo } from "../rl/ppo.ts";
import { PpoOptionsSchema, type PpoSamplerOptions, parseSamplerOptions } from "./options.ts";
import { checkElite, PolicySampler, resolveSettings } from "./policy-sampler.ts";
import { SurrogatePlanner, splitSurrogateOptions, surrogatePlanning } from "./policy-surrogate.ts";

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
  const planning = surrogatePlanning("ppo", surrogate, "none", settings.policy);
  const ppo = {
    clip: clip ?? PPO_UPDATE_DEFAULTS.clip,
    epochs: epochs ?? PPO_UPDATE_DEFAULTS.epochs,
    minibatchSize: minibatchSize ?? PPO_UPDATE_DEFAULTS.minibatchSize,
  };
  return new PolicySampler(
    "ppo",
    settings,
    (policy, rng) =>
      new Ppo(
        policy,
        {
          learningRate: settings.learningRate,
          gamma: settings.gamma,
          baseline: settings.baseline,
          standardize: settings.standardize,
          movingAverageRate: settings.movingAverageRate,
          entropy: settings.entropy,
          entropyDecay: settings.entropyDecay,
          riskSeeking: settings.riskSeeking,
          ...ppo,
        },
        rng,
      ),
    common.initialPolicy,
    planning === undefined ? undefined : (space) => new SurrogatePlanner(space, planning, settings.seed),
  );
}
