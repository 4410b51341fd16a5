/**
 * reinforceSampler: the paper's REINFORCE over an mlp or rnn policy, as a sampler of the study (a
 * PolicySampler, see ./policy-sampler.ts); the policy learns when a batch of trajectories is complete.
 *
 * Presets:
 * - "paper": the paper's setup: batch 16, Adam lr 1e-3, gamma 0.99, no baseline, no reward
 *   standardisation, no entropy bonus, no cache, tmax 1. The paper ran 300 updates: 4800 trials.
 * - "default": chosen by measurement (bench/rl-settings.ts, bench/results/rl-settings.json). With the mlp
 *   policy it also trains the policy before each trial against a surrogate (./policy-surrogate.ts): the
 *   mixture of the GP's expected improvement and TPE's density ratio, weighted by which has ranked the
 *   study's good trials higher (surrogate "ei+tpe-adaptive"). The surrogate beat the other levers on the
 *   four tables, seeds 0-49 (bench/results/rl-surrogate.md, bench/results/rl-levers-*.json), and the
 *   adaptive mixture was lower than EI alone in 8 of 16 cells there and higher in 4
 *   (bench/results/rl-levers-adaptive-*.json). The rnn policy has no surrogate mode.
 */
import { Reinforce } from "../rl/reinforce.ts";
import { parseSamplerOptions, ReinforceOptionsSchema, type ReinforcePreset, type ReinforceSamplerOptions } from "./options.ts";
import { checkElite, learningOptions, PolicySampler, type PresetSettings, resolveSettings } from "./policy-sampler.ts";
import {
  SURROGATE_DEFAULTS,
  SurrogatePlanner,
  type SurrogateSettings,
  splitSurrogateOptions,
  surrogatePlanning,
} from "./policy-surrogate.ts";

export type { PolicySamplerOptions, ReinforcePreset, ReinforceSamplerOptions } from "./options.ts";

export const REINFORCE_PRESETS: Record<ReinforcePreset, PresetSettings> = {
  paper: {
    batchSize: 16,
    learningRate: 1e-3,
    gamma: 0.99,
    baseline: "none",
    standardize: false,
    movingAverageRate: 0.1,
    entropy: 0,
    entropyDecay: 1,
    cache: false,
    tmax: 1,
    ordinalWidth: 0,
  },
  // Measured: on synthetic tables (bench/results/rl-settings.json) lr 0.01..0.03, batch 4..8 and a
  // constant entropy bonus 0.1..0.3 tie (regret 0 by 300 evaluations, random 0.05); a decaying bonus
  // did no better. On the wine task (bench/results/rl-vs-random*.json, 10 seeds) lr 0.01 with
  // entropy 0.1 beat random on 9 of 10 seeds, lr 0.03 with entropy 0.3 on 7 of 10.
  // With the cache every trial is drawn from the policy restricted to the configurations not yet
  // taken, renormalised (src/rl/without-replacement.ts): no trial is random unless the space is
  // exhausted (before, about 2 in 3 trials were random unseen ones: fallbackShare in rl-defaults.json).
  default: {
    batchSize: 4,
    learningRate: 0.01,
    gamma: 0.99,
    baseline: "batch-mean",
    standardize: true,
    movingAverageRate: 0.1,
    entropy: 0.1,
    entropyDecay: 1,
    cache: true,
    tmax: 1,
    // Ordinal heads of width 2 (src/rl/ordinal.ts) where the policy learns alone; with the surrogate, 0
    // (see ORDINAL_WITH_SURROGATE). Chosen on seeds 0-49 (bench/results/rl-ordinal.md).
    ordinalWidth: 2,
  },
};

/**
 * With the surrogate in the loop the GP already shares credit between neighbouring values: ordinal heads
 * there won on letter at 25-50 trials and lost at 100, and tied elsewhere (bench/results/rl-ordinal.md).
 */
const ORDINAL_WITH_SURROGATE = 0;

/**
 * REINFORCE's surrogate starts after 5 completed trials, not 10: on the four tables, seeds 0-49, 5 was lower
 * than 10 in 11 of 16 cells (25-300 trials), higher on wine at 25 and 50 (0.0414 / 0.0346 against 0.0394 /
 * 0.0325); 3 was lower in 10 and higher in 4 (bench/results/rl-levers-startup-*.json). PPO keeps 10: with 5
 * it was lower in 8 cells and higher in 5 (letter at 25: 0.0251 against 0.0100; bench/results/rl-levers-ppo-startup-*.json).
 */
const REINFORCE_SURROGATE: SurrogateSettings = { ...SURROGATE_DEFAULTS, startupTrials: 5 };

/** The default preset's mlp policy plans against a surrogate; the paper preset and the rnn policy do not. */
function defaultSurrogate(preset: ReinforcePreset | undefined, policy: string): "ei+tpe-adaptive" | "none" {
  return (preset ?? "default") === "default" && policy === "mlp" ? "ei+tpe-adaptive" : "none";
}

/** REINFORCE over an mlp or rnn policy (see the presets above). */
export function reinforceSampler(given: ReinforceSamplerOptions = {}): PolicySampler {
  const { surrogate, rest: options } = splitSurrogateOptions(parseSamplerOptions("reinforce", ReinforceOptionsSchema, given));
  checkElite("reinforce", options);
  const settings = resolveSettings(REINFORCE_PRESETS[options.preset ?? "default"], options);
  const planning = surrogatePlanning(
    "reinforce",
    surrogate,
    defaultSurrogate(options.preset, settings.policy),
    settings.policy,
    REINFORCE_SURROGATE,
  );
  if (planning !== undefined && options.ordinalWidth === undefined) settings.ordinalWidth = ORDINAL_WITH_SURROGATE;
  return new PolicySampler(
    "reinforce",
    settings,
    (policy) => new Reinforce(policy, learningOptions(settings)),
    options.initialPolicy,
    planning === undefined ? undefined : (space) => new SurrogatePlanner(space, planning, settings.seed),
  );
}
