/**
 * ppoSampler: PPO's clipped surrogate over the same mlp or rnn policies and the same MDP as
 * reinforceSampler (trajectories, cache, failed trials, saved state: see src/rl/agent.ts and
 * src/samplers/reinforce.ts). Defaults chosen by measurement (bench/rl-settings.ts).
 */
import { Ppo } from "../rl/ppo.ts";
import { PolicySampler, checkOptionNames, resolveSettings, type PolicySamplerOptions } from "./reinforce.ts";

export interface PpoSamplerOptions extends PolicySamplerOptions {
  /** Clip range epsilon of the surrogate. */
  clip?: number;
  /** Passes over each batch. */
  epochs?: number;
  /** Steps per minibatch within a pass. */
  minibatchSize?: number;
}

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
  learnFromCache: false,
  tmax: 1,
  maxDraws: 200,
};

export const PPO_UPDATE_DEFAULTS = { clip: 0.2, epochs: 4, minibatchSize: 8 };

export function ppoSampler(options: PpoSamplerOptions = {}): PolicySampler {
  checkOptionNames("ppo", options, ["clip", "epochs", "minibatchSize"]);
  const { clip, epochs, minibatchSize, ...common } = options;
  const settings = resolveSettings(PPO_DEFAULTS, common);
  const ppo = {
    clip: clip ?? PPO_UPDATE_DEFAULTS.clip,
    epochs: epochs ?? PPO_UPDATE_DEFAULTS.epochs,
    minibatchSize: minibatchSize ?? PPO_UPDATE_DEFAULTS.minibatchSize,
  };
  if (!(ppo.clip > 0 && ppo.clip < 1)) throw new Error(`clip must be in (0, 1), got ${ppo.clip}`);
  for (const name of ["epochs", "minibatchSize"] as const) {
    if (!Number.isInteger(ppo[name]) || ppo[name] < 1) throw new Error(`${name} must be a positive integer, got ${ppo[name]}`);
  }
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
          ...ppo,
        },
        rng,
      ),
    options.initialPolicy,
  );
}
