/**
 * reinforceSampler: the paper's REINFORCE over an mlp or rnn policy, as a sampler of the study.
 * Each trial is one step of the paper's MDP (see src/rl/agent.ts for trajectories, the cache and
 * failed trials); the policy learns when a batch of trajectories is complete. Everything the policy
 * needs to continue (weights, Adam, Rng, unfinished trajectories, baseline, diagnostics) is in
 * saveState(), so a resumed study continues the same policy.
 *
 * Presets:
 * - "paper": the paper's setup: batch 16, Adam lr 1e-3, gamma 0.99, no baseline, no reward
 *   standardisation, no entropy bonus, no cache, tmax 1. The paper ran 300 updates: 4800 trials.
 * - "default": chosen by measurement (bench/rl-settings.ts, bench/results/rl-settings.json).
 */
import { Rng } from "../nn/rng.ts";
import { PolicyAgent, type AgentState, type UpdateDiagnostics } from "../rl/agent.ts";
import { createPolicy, exportPolicy, loadPolicyWeights, type ExportedPolicy } from "../rl/checkpoint.ts";
import { rewardOf } from "../rl/env.ts";
import type { Policy, PolicyKind, RecurrentCellKind } from "../rl/policy.ts";
import { configurationCount, configurationKey, indicesOf, paramsOf, policySpace, type LevelsOption, type PolicySpace } from "../rl/policy-space.ts";
import { Reinforce, type Learner } from "../rl/reinforce.ts";
import { checkLearningOptions, type BaselineKind } from "../rl/trajectory.ts";
import type { Distribution, ParamValue, Params, SearchSpace } from "../space/types.ts";
import type { FrozenTrial } from "../trial/types.ts";
import type { Sampler, StudyView } from "./sampler.ts";

/** Options shared by the reinforce and ppo samplers. */
export interface PolicySamplerOptions {
  seed?: number;
  policy?: PolicyKind;
  /** Recurrent cell of the rnn policy (default "gru"). */
  cell?: RecurrentCellKind;
  /** mlp: the two hidden widths ([64, 16]); rnn: [recurrent units, ReLU units] ([16, 8]). */
  hidden?: [number, number];
  /** Trajectories per policy update. */
  batchSize?: number;
  learningRate?: number;
  gamma?: number;
  baseline?: BaselineKind;
  /** Divide advantages by the batch's standard deviation of returns. */
  standardize?: boolean;
  movingAverageRate?: number;
  /** Initial entropy-bonus coefficient. */
  entropy?: number;
  /** Entropy coefficient multiplier per update. */
  entropyDecay?: number;
  /** Never evaluate a configuration twice (set false for noisy objectives that deserve re-evaluation). */
  cache?: boolean;
  /**
   * With the cache: when the policy draws a configuration already evaluated, learn from its known
   * value as a free step (true), or drop the draw and draw again (false, the default: measured
   * no better and several times slower, see bench/results/rl-settings.json).
   */
  learnFromCache?: boolean;
  /** Episode length (the paper's Tmax). */
  tmax?: number;
  /** Levels for continuous parameters: a number for all, or per parameter name. */
  levels?: LevelsOption;
  /** Policy draws per trial before proposing a random unseen configuration (cache on). */
  maxDraws?: number;
  /** Warm start from a policy exported from another study over a space of the same shape. */
  initialPolicy?: ExportedPolicy;
}

export type ReinforcePreset = "paper" | "default";

export interface ReinforceSamplerOptions extends PolicySamplerOptions {
  preset?: ReinforcePreset;
}

/** Every resolved setting of a policy sampler (what the preset and the options gave). */
export interface PolicySettings {
  seed: number;
  policy: PolicyKind;
  cell?: RecurrentCellKind;
  hidden?: [number, number];
  batchSize: number;
  learningRate: number;
  gamma: number;
  baseline: BaselineKind;
  standardize: boolean;
  movingAverageRate: number;
  entropy: number;
  entropyDecay: number;
  cache: boolean;
  learnFromCache: boolean;
  tmax: number;
  levels?: LevelsOption;
  maxDraws: number;
}

type PresetSettings = Omit<PolicySettings, "seed" | "policy" | "cell" | "hidden" | "levels">;

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
    learnFromCache: false,
    tmax: 1,
    maxDraws: 1,
  },
  // Measured: on synthetic tables (bench/results/rl-settings.json) lr 0.01..0.03, batch 4..8 and a
  // constant entropy bonus 0.1..0.3 tie (regret 0 by 300 evaluations, random 0.05); a decaying bonus
  // did no better. On the wine task (bench/results/rl-vs-random*.json, 10 seeds) lr 0.01 with
  // entropy 0.1 beat random on 9 of 10 seeds, lr 0.03 with entropy 0.3 on 7 of 10.
  // With these settings the policy concentrates fast, so many of its draws are configurations
  // already evaluated; the trials those draws would have repeated go to random unseen
  // configurations (about 2 in 3 trials on the synthetic tables: see fallbackShare there).
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
    learnFromCache: false,
    tmax: 1,
    maxDraws: 200,
  },
};

const COMMON_KEYS = [
  "seed", "policy", "cell", "hidden", "batchSize", "learningRate", "gamma", "baseline", "standardize", "movingAverageRate",
  "entropy", "entropyDecay", "cache", "learnFromCache", "tmax", "levels", "maxDraws", "initialPolicy",
];

/** Rejects option names the sampler does not know (a typo must not be silently ignored). */
export function checkOptionNames(sampler: string, options: object, extra: readonly string[]): void {
  const known = new Set([...COMMON_KEYS, ...extra]);
  for (const key of Object.keys(options)) {
    if (!known.has(key)) throw new Error(`${sampler} sampler: unknown option "${key}" (known: ${[...known].join(", ")})`);
  }
}

/** Preset values overridden by the options that are set. */
export function resolveSettings(preset: PresetSettings, options: PolicySamplerOptions): PolicySettings {
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const settings = { ...preset, seed: 0, policy: "mlp" as PolicyKind, ...defined } as PolicySettings & { initialPolicy?: unknown; preset?: unknown };
  delete settings.initialPolicy;
  delete settings.preset;
  if (!Number.isFinite(settings.seed)) throw new Error(`seed must be a finite number, got ${settings.seed}`);
  if (settings.policy !== "mlp" && settings.policy !== "rnn") throw new Error(`unknown policy "${settings.policy as string}": use "mlp" or "rnn"`);
  if (settings.policy === "rnn" && settings.cell === undefined) settings.cell = "gru";
  // Checked here too so a bad value fails when the sampler is made, not at the first trial.
  checkLearningOptions(settings);
  for (const name of ["batchSize", "tmax", "maxDraws"] as const) {
    if (!Number.isInteger(settings[name]) || settings[name] < 1) throw new Error(`${name} must be a positive integer, got ${settings[name]}`);
  }
  return settings;
}

interface SavedSamplerState {
  sampler: string;
  version: 1;
  names: string[];
  sizes: number[];
  agent: AgentState;
}

/**
 * A sampler that draws configurations from a policy and learns from the trials' values; the update
 * rule is given by `makeLearner` (REINFORCE or PPO).
 */
export class PolicySampler implements Sampler {
  readonly needsFullSpace = true;
  private space: PolicySpace | undefined;
  private agent: PolicyAgent | undefined;
  private readonly observed = new Set<number>();
  private savedState: SavedSamplerState | undefined;

  constructor(
    readonly name: string,
    readonly settings: PolicySettings,
    private readonly makeLearner: (policy: Policy, rng: Rng) => Learner,
    private readonly initialPolicy?: ExportedPolicy,
  ) {}

  sampleRelative(study: StudyView, trialNumber: number, space: SearchSpace): Params {
    const agent = this.agentFor(space);
    this.sync(study, agent);
    const busy = new Set<string>();
    for (const trial of study.trials()) {
      if (trial.number === trialNumber || (trial.state !== "RUNNING" && trial.state !== "WAITING")) continue;
      const indices = indicesOf(this.space!, trial.params);
      if (indices !== undefined) busy.add(configurationKey(indices));
    }
    const { indices } = agent.propose(trialNumber, busy);
    return paramsOf(this.space!, indices);
  }

  sampleIndependent(_study: StudyView, _trialNumber: number, name: string, _distribution: Distribution): ParamValue {
    throw new Error(
      `the ${this.name} sampler needs every parameter declared in the study's search space; "${name}" was suggested define-by-run`,
    );
  }

  afterTrial(study: StudyView, _trial: FrozenTrial): void {
    if (this.agent !== undefined) this.sync(study, this.agent);
  }

  isExhausted(study: StudyView, space: SearchSpace): boolean {
    if (!this.settings.cache || Object.keys(space).length === 0) return false;
    const agent = this.agentFor(space);
    this.sync(study, agent);
    return agent.evaluatedConfigurations >= configurationCount(this.space!);
  }

  /** The policy's shape and weights, to warm-start another study over a space of the same shape. */
  exportPolicy(): ExportedPolicy {
    if (this.agent === undefined || this.space === undefined) {
      throw new Error(`the ${this.name} sampler has no policy yet: it is built at the study's first trial`);
    }
    return exportPolicy(this.agent.learner.policy, this.space.names);
  }

  /** One entry per policy update: rewards, entropy per head, probability of each head's top choice. */
  diagnostics(): UpdateDiagnostics[] {
    if (this.agent !== undefined) return this.agent.diagnostics();
    return this.savedState?.agent.diagnostics.map((d) => structuredClone(d)) ?? [];
  }

  saveState(): SavedSamplerState | undefined {
    if (this.agent === undefined || this.space === undefined) return this.savedState;
    return { sampler: this.name, version: 1, names: this.space.names.slice(), sizes: this.space.sizes.slice(), agent: this.agent.getState() };
  }

  loadState(state: unknown): void {
    const saved = state as SavedSamplerState;
    if (saved === null || typeof saved !== "object" || saved.version !== 1 || saved.sampler !== this.name || saved.agent === undefined) {
      throw new Error(`the saved sampler state is not a ${this.name} sampler state (version 1)`);
    }
    this.savedState = saved;
    this.observed.clear();
    if (this.space !== undefined) {
      const space = this.space;
      this.agent = undefined;
      this.space = undefined;
      this.agentFor(Object.fromEntries(space.names.map((n, i) => [n, space.distributions[i]])));
    }
  }

  private agentFor(space: SearchSpace): PolicyAgent {
    const names = Object.keys(space);
    if (this.agent !== undefined && this.space !== undefined) {
      if (names.join("\u0000") !== this.space.names.join("\u0000")) {
        throw new Error(`the ${this.name} sampler was set up for parameters [${this.space.names.join(", ")}]; this space has [${names.join(", ")}]`);
      }
      return this.agent;
    }
    const discrete = policySpace(space, this.settings.levels);
    const root = new Rng(this.settings.seed);
    const policy = createPolicy(discrete.sizes, { policy: this.settings.policy, cell: this.settings.cell, hidden: this.settings.hidden }, root.fork());
    if (this.initialPolicy !== undefined) loadPolicyWeights(policy, this.initialPolicy);
    const rng = root.fork();
    const agent = new PolicyAgent(discrete.sizes, this.makeLearner(policy, rng), rng, {
      batchSize: this.settings.batchSize,
      tmax: this.settings.tmax,
      cache: this.settings.cache,
      learnFromCache: this.settings.learnFromCache,
      maxDraws: this.settings.maxDraws,
    });
    const saved = this.savedState;
    if (saved !== undefined) {
      if (saved.names.join("\u0000") !== discrete.names.join("\u0000") || saved.sizes.join(",") !== discrete.sizes.join(",")) {
        throw new Error(
          `the saved ${this.name} state is for parameters [${saved.names.join(", ")}] with choices [${saved.sizes.join(", ")}]; ` +
            `this space has [${discrete.names.join(", ")}] with choices [${discrete.sizes.join(", ")}]`,
        );
      }
      agent.setState(saved.agent);
      this.savedState = undefined;
    }
    this.space = discrete;
    this.agent = agent;
    return agent;
  }

  /** Shows the agent every finished trial it has not seen, in trial order. */
  private sync(study: StudyView, agent: PolicyAgent): void {
    for (const trial of study.trials()) {
      if (this.observed.has(trial.number)) continue;
      if (trial.state !== "COMPLETE" && trial.state !== "FAIL" && trial.state !== "PRUNED") continue;
      this.observed.add(trial.number);
      const indices = indicesOf(this.space!, trial.params);
      const value = trial.value;
      const reward = trial.state === "COMPLETE" && typeof value === "number" && Number.isFinite(value) ? rewardOf(value, study.direction) : null;
      agent.observe(trial.number, indices, reward);
    }
  }
}

/** REINFORCE over an mlp or rnn policy (see the presets above). */
export function reinforceSampler(options: ReinforceSamplerOptions = {}): PolicySampler {
  checkOptionNames("reinforce", options, ["preset"]);
  const presetName = options.preset ?? "default";
  const preset = REINFORCE_PRESETS[presetName];
  if (preset === undefined) throw new Error(`unknown reinforce preset "${presetName as string}": use "paper" or "default"`);
  const settings = resolveSettings(preset, options);
  return new PolicySampler(
    "reinforce",
    settings,
    (policy) =>
      new Reinforce(policy, {
        learningRate: settings.learningRate,
        gamma: settings.gamma,
        baseline: settings.baseline,
        standardize: settings.standardize,
        movingAverageRate: settings.movingAverageRate,
        entropy: settings.entropy,
        entropyDecay: settings.entropyDecay,
      }),
    options.initialPolicy,
  );
}
