/**
 * PolicySampler: a sampler that draws configurations from an mlp or rnn policy and learns from the
 * trials' values; the update rule (REINFORCE or PPO) is given by the sampler that makes it. Each
 * trial is one step of the paper's MDP (see src/rl/agent.ts for trajectories, the cache and failed
 * trials). Everything the policy needs to continue (weights, Adam, Rng, unfinished trajectories,
 * baseline, diagnostics) is in saveState(), so a resumed study continues the same policy.
 */
import { Rng } from "../nn/rng.ts";
import { type AgentState, PolicyAgent, type UpdateDiagnostics } from "../rl/agent.ts";
import { createPolicy, type ExportedPolicy, exportPolicy, loadPolicyWeights } from "../rl/checkpoint.ts";
import { rewardOf } from "../rl/env.ts";
import type { LearningOptions } from "../rl/learner.ts";
import type { Policy, PolicyKind, RecurrentCellKind } from "../rl/policy.ts";
import { configurationCount, indicesOf, type LevelsOption, type PolicySpace, paramsOf, policySpace } from "../rl/policy-space.ts";
import type { Learner } from "../rl/reinforce.ts";
import type { Distribution, Params, ParamValue, SearchSpace } from "../space/types.ts";
import type { FrozenTrial } from "../trial/types.ts";
import type { PolicySamplerOptions } from "./options.ts";
import type { SurrogatePlanner, SurrogateState } from "./policy-surrogate.ts";
import type { Sampler, StudyView } from "./sampler.ts";

/** Every resolved setting of a policy sampler (what the preset and the options gave). */
export interface PolicySettings extends LearningOptions {
  seed: number;
  policy: PolicyKind;
  cell?: RecurrentCellKind;
  hidden?: [number, number];
  batchSize: number;
  cache: boolean;
  tmax: number;
  levels?: LevelsOption;
  eliteSize?: number;
  eliteSteps?: number;
  rankRewards?: boolean;
  edits?: number;
  /** Width of the ordinal heads of numeric parameters (src/rl/ordinal.ts); 0: plain softmax heads. */
  ordinalWidth: number;
}

export type PresetSettings = Omit<PolicySettings, "seed" | "policy" | "cell" | "hidden" | "levels">;

/** Preset values overridden by the options that are set (already checked against the sampler's schema). */
export function resolveSettings(preset: PresetSettings, options: PolicySamplerOptions): PolicySettings {
  const { initialPolicy: _initialPolicy, ...policyOptions } = options;
  const defined = Object.fromEntries(Object.entries(policyOptions).filter(([, v]) => v !== undefined));
  const settings: PolicySettings = { ...preset, seed: 0, policy: "mlp", ...defined };
  if (settings.policy === "rnn" && settings.cell === undefined) settings.cell = "gru";
  return settings;
}

/** The update rule's share of the settings (REINFORCE's whole options; PPO adds its own). */
export function learningOptions(settings: PolicySettings): LearningOptions {
  const { learningRate, gamma, baseline, standardize, movingAverageRate, entropy, entropyDecay, riskSeeking } = settings;
  return { learningRate, gamma, baseline, standardize, movingAverageRate, entropy, entropyDecay, riskSeeking };
}

/** eliteSteps without eliteSize would be ignored: refused. */
export function checkElite(sampler: string, options: PolicySamplerOptions): void {
  if (options.eliteSteps !== undefined && options.eliteSize === undefined)
    throw new Error(`${sampler} sampler: eliteSteps needs eliteSize`);
}

/**
 * The saved state: the agent's parts side by side at the top, so the study stores each of their
 * entries as its own part (src/study/sampler-state.ts) and rewrites only the small ones per trial.
 */
interface SavedSamplerState extends AgentState {
  sampler: string;
  version: 2;
  names: string[];
  sizes: number[];
  /** The surrogate's kernel fit, when the sampler has one (see policy-surrogate.ts). */
  surrogate?: SurrogateState;
}

/** The per-update diagnostics in a saved policy sampler state, in update order; undefined when it holds none. */
export function savedUpdateDiagnostics(state: unknown): UpdateDiagnostics[] | undefined {
  const chunks = (state as { diagnostics?: unknown } | undefined)?.diagnostics;
  if (chunks === null || typeof chunks !== "object" || Array.isArray(chunks)) return undefined;
  return Object.entries(chunks as Record<string, unknown>)
    .sort(([a], [b]) => Number(a) - Number(b))
    .flatMap(([, chunk]) => (Array.isArray(chunk) ? (chunk as UpdateDiagnostics[]) : []));
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
  private planner: SurrogatePlanner | undefined;

  constructor(
    readonly name: string,
    readonly settings: PolicySettings,
    private readonly makeLearner: (policy: Policy, rng: Rng) => Learner,
    private readonly initialPolicy?: ExportedPolicy,
    /** A surrogate that trains the policy before each draw (see policy-surrogate.ts). */
    private readonly makePlanner?: (space: PolicySpace) => SurrogatePlanner,
  ) {}

  sampleRelative(study: StudyView, trialNumber: number, space: SearchSpace): Params {
    const agent = this.agentFor(space);
    this.sync(study, agent);
    const propose = () => agent.propose(trialNumber);
    const planner = this.planner;
    const { indices } =
      planner === undefined
        ? propose()
        : planner.withPlannedPolicy(agent.learner.policy, study.trials(), study.direction, trialNumber, propose);
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
    this.agent.catchUp();
    return exportPolicy(this.agent.learner.policy, this.space.names);
  }

  /** One entry per policy update: rewards, entropy per head, probability of each head's top choice. */
  diagnostics(): UpdateDiagnostics[] {
    if (this.agent !== undefined) return this.agent.diagnostics();
    return structuredClone(savedUpdateDiagnostics(this.savedState) ?? []);
  }

  saveState(): SavedSamplerState | undefined {
    if (this.agent === undefined || this.space === undefined) return this.savedState;
    const { names, sizes } = this.space;
    const state: SavedSamplerState = {
      sampler: this.name,
      version: 2,
      names: names.slice(),
      sizes: sizes.slice(),
      ...this.agent.getState(),
    };
    if (this.planner !== undefined) state.surrogate = this.planner.getState();
    return state;
  }

  loadState(state: unknown): void {
    const saved = state as SavedSamplerState;
    if (saved === null || typeof saved !== "object" || saved.version !== 2 || saved.sampler !== this.name || saved.live === undefined) {
      throw new Error(`the saved sampler state is not a ${this.name} sampler state (version 2)`);
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
        throw new Error(
          `the ${this.name} sampler was set up for parameters [${this.space.names.join(", ")}]; this space has [${names.join(", ")}]`,
        );
      }
      return this.agent;
    }
    const discrete = policySpace(space, this.settings.levels);
    const root = new Rng(this.settings.seed);
    const { policy: kind, cell, hidden, ordinalWidth } = this.settings;
    const ordinal = discrete.distributions.map((distribution) => (distribution.type === "categorical" ? 0 : ordinalWidth));
    const policy = createPolicy(discrete.sizes, { policy: kind, cell, hidden, ordinal }, root.fork());
    if (this.initialPolicy !== undefined) loadPolicyWeights(policy, this.initialPolicy);
    const rng = root.fork();
    const agent = new PolicyAgent(discrete.sizes, this.makeLearner(policy, rng), rng, {
      batchSize: this.settings.batchSize,
      tmax: this.settings.tmax,
      cache: this.settings.cache,
      snapshotAtStart: this.initialPolicy !== undefined,
      elite: this.settings.eliteSize === undefined ? undefined : { size: this.settings.eliteSize, steps: this.settings.eliteSteps ?? 1 },
      rankRewards: this.settings.rankRewards,
      edits: this.settings.edits,
    });
    const saved = this.savedState;
    if (saved !== undefined) {
      if (saved.names.join("\u0000") !== discrete.names.join("\u0000") || saved.sizes.join(",") !== discrete.sizes.join(",")) {
        throw new Error(
          `the saved ${this.name} state is for parameters [${saved.names.join(", ")}] with choices [${saved.sizes.join(", ")}]; ` +
            `this space has [${discrete.names.join(", ")}] with choices [${discrete.sizes.join(", ")}]`,
        );
      }
      agent.setState(saved);
    }
    this.planner = this.makePlanner?.(discrete);
    if (this.planner !== undefined && saved?.surrogate !== undefined) this.planner.setState(saved.surrogate);
    this.savedState = undefined;
    this.space = discrete;
    this.agent = agent;
    return agent;
  }

  /**
   * Registers every trial's configuration with the agent (running ones too: no other trial is drawn
   * onto them), then shows it every finished trial it has not seen, in trial order.
   */
  private sync(study: StudyView, agent: PolicyAgent): void {
    const trials = study.trials();
    for (const trial of trials) {
      const indices = indicesOf(this.space!, trial.params);
      if (indices !== undefined) agent.register(trial.number, indices);
    }
    agent.catchUp();
    for (const trial of trials) {
      if (this.observed.has(trial.number)) continue;
      if (trial.state !== "COMPLETE" && trial.state !== "FAIL" && trial.state !== "PRUNED") continue;
      this.observed.add(trial.number);
      const indices = indicesOf(this.space!, trial.params);
      const value = learnedValue(trial);
      agent.observe(trial.number, indices, value === undefined ? null : rewardOf(value, study.direction));
    }
  }
}

/**
 * The value a policy learns from: a COMPLETE trial's value; a PRUNED trial's value at its last
 * reported step (what it had reached when stopped; measured against the worst reward seen, which a
 * FAIL trial gets: bench/rl-pruned-reward.ts); undefined (learned as a failure) when there is no finite one.
 */
export function learnedValue(trial: FrozenTrial): number | undefined {
  let value: number | undefined;
  if (trial.state === "COMPLETE") value = trial.value;
  else if (trial.state === "PRUNED") {
    const steps = Object.keys(trial.intermediateValues).map(Number);
    if (steps.length > 0) value = trial.intermediateValues[Math.max(...steps)];
  }
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}
