/**
 * PolicyAgent: the MDP driven one evaluation at a time, for samplers whose evaluations are trials.
 *
 * propose(trial) continues the current trajectory (or starts one from a random state) by drawing
 * from the policy; observe(trial, reward) records the outcome. When the oldest `batchSize`
 * trajectories are complete, the learner (REINFORCE or PPO) updates the policy on them.
 *
 * Cache (on by default in the samplers): a configuration already evaluated is not evaluated again.
 * When the policy draws one, the agent records its known reward as that step's reward at no cost
 * (the step still belongs to its trajectory and is learned from), and draws again; a draw equal to a
 * configuration being evaluated right now is dropped. So every trial is a new configuration and the
 * budget still counts evaluations. After `maxDraws` draws without a new configuration (a policy that
 * has collapsed onto known ones) the agent proposes a uniformly random unseen configuration, outside
 * any trajectory. Without the cache (noisy objectives) every draw is a trial.
 *
 * Failed evaluations (and pruned ones) have no value: their reward is the worst reward seen so far,
 * taken when their batch is learned (0 if nothing has succeeded yet).
 */
import type { Rng, RngState } from "../nn/rng.ts";
import { decodeFloat32, decodeFloat64, encodeFloat32, encodeFloat64 } from "./encoding.ts";
import { randomState } from "./env.ts";
import { configurationKey as keyOf } from "./policy-space.ts";
import type { Learner } from "./reinforce.ts";
import type { UpdateStatistics } from "./trajectory.ts";

export interface AgentOptions {
  batchSize: number;
  tmax: number;
  cache: boolean;
  /** With the cache: a draw of a known configuration becomes a free step (true) or is dropped (false). */
  learnFromCache: boolean;
  maxDraws: number;
}

export interface UpdateDiagnostics extends UpdateStatistics {
  /** 1-based update number. */
  update: number;
  /** Finished evaluations observed when the update ran. */
  evaluations: number;
  /** Steps of this batch whose reward came from the cache. */
  cachedSteps: number;
}

interface AgentStep {
  state: Int32Array;
  action: Int32Array;
  logProb: number;
  /** The trial evaluating it, or null for a step answered by the cache. */
  trial: number | null;
  done: boolean;
  /** null: failed (worst reward at learning time). */
  reward: number | null;
}

interface AgentTrajectory {
  start: Int32Array;
  steps: AgentStep[];
}

export type ProposalSource = "policy" | "unseen-fallback" | "repeat-fallback";

export interface AgentState {
  trajectories: {
    start: number[];
    steps: { state: number[]; action: number[]; logProb: number; trial: number | null; done: boolean; reward: number | null }[];
  }[];
  rng: RngState;
  /** Policy weights, float32 little-endian in base64 (see encoding.ts). */
  weights: string[];
  /** The learner's state, with Adam's moments as float64 little-endian in base64. */
  learner: { updates: number; adam: { step: number; m: string[]; v: string[] }; advantage: { average: number | null } };
  diagnostics: UpdateDiagnostics[];
}

export class PolicyAgent {
  private trajectories: AgentTrajectory[] = [];
  private readonly pending = new Map<number, AgentStep>();
  /** Evaluated configurations (key -> reward, null when failed). */
  private readonly known = new Map<string, number | null>();
  private worst: number | undefined;
  private evaluations = 0;
  private log: UpdateDiagnostics[] = [];

  constructor(
    readonly sizes: readonly number[],
    readonly learner: Learner,
    private readonly rng: Rng,
    private readonly options: AgentOptions,
  ) {
    for (const [name, value] of [
      ["batchSize", options.batchSize],
      ["tmax", options.tmax],
      ["maxDraws", options.maxDraws],
    ] as const) {
      if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${value}`);
    }
  }

  /** Number of distinct configurations evaluated (or failed) so far. */
  get evaluatedConfigurations(): number {
    return this.known.size;
  }

  /** Indices for trial `trial`. `busy` holds the keys of configurations being evaluated now. */
  propose(trial: number, busy: ReadonlySet<string> = new Set()): { indices: Int32Array; source: ProposalSource } {
    if (this.pending.has(trial)) throw new Error(`trial ${trial} already has a proposal`);
    for (let draw = 0; draw < this.options.maxDraws; draw++) {
      const trajectory = this.openTrajectory();
      const last = trajectory.steps[trajectory.steps.length - 1];
      const state = last ? last.action : trajectory.start;
      const { action, logProb } = this.learner.policy.sample(state, this.rng);
      const key = keyOf(action);
      if (this.options.cache) {
        if (this.known.has(key)) {
          if (!this.options.learnFromCache) continue;
          trajectory.steps.push({ state, action, logProb, trial: null, done: true, reward: this.known.get(key)! });
          this.learnWhenReady();
          continue;
        }
        if (busy.has(key)) continue;
      }
      const step: AgentStep = { state, action, logProb, trial, done: false, reward: null };
      trajectory.steps.push(step);
      this.pending.set(trial, step);
      return { indices: Int32Array.from(action), source: "policy" };
    }
    for (let attempt = 0; attempt < 1000; attempt++) {
      const indices = randomState(this.sizes, this.rng);
      const key = keyOf(indices);
      if (!this.known.has(key) && !busy.has(key)) return { indices, source: "unseen-fallback" };
    }
    return { indices: randomState(this.sizes, this.rng), source: "repeat-fallback" };
  }

  /**
   * Records a finished evaluation: `reward` null when it failed. Call it for every finished trial
   * of the study (also those the agent did not propose: they fill the cache).
   */
  observe(trial: number, indices: ArrayLike<number> | undefined, reward: number | null): void {
    if (reward !== null && !Number.isFinite(reward))
      throw new Error(`trial ${trial}: reward must be finite or null (failed), got ${reward}`);
    this.evaluations++;
    if (indices !== undefined) this.known.set(keyOf(indices), reward);
    if (reward !== null) this.worst = this.worst === undefined ? reward : Math.min(this.worst, reward);
    const step = this.pending.get(trial);
    if (step === undefined) return;
    this.pending.delete(trial);
    if (indices !== undefined && keyOf(indices) !== keyOf(step.action)) {
      // The trial ran other values than proposed (fixed by the caller): learn from what ran.
      step.action.set(Array.from(indices));
      step.logProb = this.learner.policy.evaluate(step.state, step.action).logProb;
    }
    step.done = true;
    step.reward = reward;
    this.learnWhenReady();
  }

  diagnostics(): UpdateDiagnostics[] {
    return this.log.map((d) => structuredClone(d));
  }

  private openTrajectory(): AgentTrajectory {
    const last = this.trajectories[this.trajectories.length - 1];
    if (last && last.steps.length < this.options.tmax) return last;
    const fresh = { start: randomState(this.sizes, this.rng), steps: [] };
    this.trajectories.push(fresh);
    return fresh;
  }

  private learnWhenReady(): void {
    const { batchSize, tmax } = this.options;
    while (this.trajectories.length >= batchSize) {
      const batch = this.trajectories.slice(0, batchSize);
      if (!batch.every((t) => t.steps.length === tmax && t.steps.every((s) => s.done))) return;
      this.trajectories = this.trajectories.slice(batchSize);
      let worst = this.worst;
      for (const t of batch)
        for (const s of t.steps) if (s.reward !== null) worst = worst === undefined ? s.reward : Math.min(worst, s.reward);
      const failedReward = worst ?? 0;
      const trajectories = batch.map((t) =>
        t.steps.map((s) => ({ state: s.state, action: s.action, logProb: s.logProb, reward: s.reward ?? failedReward })),
      );
      const statistics = this.learner.update(trajectories);
      const cachedSteps = batch.reduce((n, t) => n + t.steps.filter((s) => s.trial === null).length, 0);
      this.log.push(rounded({ update: this.log.length + 1, evaluations: this.evaluations, cachedSteps, ...statistics }));
    }
  }

  getState(): AgentState {
    const learner = this.learner.getState();
    return {
      trajectories: this.trajectories.map((t) => ({
        start: Array.from(t.start),
        steps: t.steps.map((s) => ({
          state: Array.from(s.state),
          action: Array.from(s.action),
          logProb: s.logProb,
          trial: s.trial,
          done: s.done,
          reward: s.reward,
        })),
      })),
      rng: this.rng.getState(),
      weights: this.learner.policy.params.map((p) => encodeFloat32(p)),
      learner: {
        updates: learner.updates,
        adam: { step: learner.adam.step, m: learner.adam.m.map(encodeFloat64), v: learner.adam.v.map(encodeFloat64) },
        advantage: learner.advantage,
      },
      diagnostics: this.diagnostics(),
    };
  }

  /** Restores everything but the cache, which the caller rebuilds by observing the finished trials. */
  setState(state: AgentState): void {
    const params = this.learner.policy.params;
    const weights = state.weights.map((w, t) => decodeFloat32(w, `saved weight array ${t}`));
    if (weights.length !== params.length || weights.some((w, t) => w.length !== params[t].length)) {
      throw new Error("the saved agent state holds weights of a different policy shape");
    }
    weights.forEach((w, t) => params[t].set(w));
    const adam = state.learner.adam;
    this.learner.setState({
      updates: state.learner.updates,
      adam: {
        step: adam.step,
        m: adam.m.map((a) => Array.from(decodeFloat64(a, "Adam m"))),
        v: adam.v.map((a) => Array.from(decodeFloat64(a, "Adam v"))),
      },
      advantage: state.learner.advantage,
    });
    this.rng.setState(state.rng);
    this.log = state.diagnostics.map((d) => structuredClone(d));
    this.pending.clear();
    // Each step's state is the previous step's action (or the start): keep them shared as when drawn.
    this.trajectories = state.trajectories.map((t) => {
      const start = Int32Array.from(t.start);
      const steps: AgentStep[] = [];
      for (const s of t.steps) {
        const step = {
          state: Int32Array.from(s.state),
          action: Int32Array.from(s.action),
          logProb: s.logProb,
          trial: s.trial,
          done: s.done,
          reward: s.reward,
        };
        steps.push(step);
        if (!s.done && s.trial !== null) this.pending.set(s.trial, step);
      }
      return { start, steps };
    });
  }
}

/** Diagnostics are for plots: 6 significant digits keep the saved state small. */
function rounded(d: UpdateDiagnostics): UpdateDiagnostics {
  const r = (x: number) => Number(x.toPrecision(6));
  return {
    ...d,
    meanReward: r(d.meanReward),
    maxReward: r(d.maxReward),
    entropyCoefficient: r(d.entropyCoefficient),
    headEntropy: d.headEntropy.map(r),
    topProbability: d.topProbability.map(r),
  };
}
