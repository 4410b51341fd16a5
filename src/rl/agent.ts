/**
 * PolicyAgent: the MDP driven one evaluation at a time, for samplers whose evaluations are trials.
 *
 * propose(trial) continues the current trajectory (or starts one from a random state) by drawing
 * from the policy; observe(trial, reward) records the outcome. When the oldest `batchSize`
 * trajectories are complete, the learner (REINFORCE or PPO) updates the policy on them.
 *
 * Cache (on by default in the samplers): a configuration is evaluated once. Each trial is drawn from
 * the policy restricted to the configurations no other trial holds (evaluated, failed or running),
 * renormalised, exactly (without-replacement.ts), and the learner uses that distribution's
 * log-probability. Only when every configuration is taken does a trial get a random (repeated) one,
 * outside any trajectory. Without the cache (noisy objectives) every draw is a trial of the full policy.
 *
 * Failed evaluations have no value: their reward is the worst reward seen so far, taken when their
 * batch is learned (0 if nothing has succeeded yet). A pruned trial is observed with the reward of
 * its value at its last reported step (the samplers' choice, src/samplers/policy-sampler.ts), or as
 * failed when it reported nothing.
 *
 * Saved state (getState): the weights and the optimiser are written only every `snapshotEvery`
 * updates (none before the first: the initial policy is rebuilt from the seed); the batches learned
 * since then are kept instead, with the generator's state before each update, and replayed on
 * setState, which gives the same weights bit for bit. The trials' configurations (which a step's
 * excluded set refers to) are kept in chunks that stop changing once full, and the diagnostics too.
 */
import type { Rng, RngState } from "../nn/rng.ts";
import { neighbours, sampleAllowed } from "./edits.ts";
import { type EliteOptions, EliteQueue, type EliteStep } from "./elite.ts";
import { decodeFloat32, decodeFloat64, encodeFloat32, encodeFloat64 } from "./encoding.ts";
import { randomState } from "./env.ts";
import { configurationKey as keyOf } from "./policy-space.ts";
import type { Learner } from "./reinforce.ts";
import type { Trajectory, UpdateStatistics } from "./trajectory.ts";
import { sampleUnseen, trieOf } from "./without-replacement.ts";

export interface AgentOptions {
  batchSize: number;
  tmax: number;
  cache: boolean;
  /** Updates between two saved copies of the weights and optimiser (default 25). */
  snapshotEvery?: number;
  /** Save the weights before the first update too (a warm-started policy cannot be rebuilt from the seed). */
  snapshotAtStart?: boolean;
  /** Maximum-likelihood steps on the best configurations after each update (see elite.ts); absent: none. */
  elite?: EliteOptions;
  /**
   * Learn from the rank of each result instead of its value: reward = the share of the study's
   * successful evaluations (when the batch is learned) that it beats, ties counting half.
   */
  rankRewards?: boolean;
  /**
   * Share of trials (drawn at random) that edit the incumbent: state = the best configuration so far,
   * action = one of its unseen neighbours (one parameter changed), see edits.ts. Needs tmax 1. Absent: none.
   */
  edits?: number;
}

export interface UpdateDiagnostics extends UpdateStatistics {
  /** 1-based update number. */
  update: number;
  /** Finished evaluations observed when the update ran. */
  evaluations: number;
  /** Steps of this batch whose reward came from the cache (0 since sampling is without replacement). */
  cachedSteps: number;
  /** Trials proposed since the previous update that were drawn from the policy. */
  policyDraws: number;
  /** Trials proposed since the previous update that were not (every configuration taken, or an underflow). */
  fallbackDraws: number;
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
  /**
   * Drawn without replacement: the excluded configurations were those of every trial numbered below
   * `seenBefore` and of the trials `seenAfter` (other than the step's own). Undefined: the full policy.
   */
  seenBefore?: number;
  seenAfter?: number[];
  /** An edit of the incumbent (the state): drawn among the state's neighbours no other trial held. */
  edit?: boolean;
}

interface AgentTrajectory {
  start: Int32Array;
  steps: AgentStep[];
}

export type ProposalSource = "policy" | "unseen-fallback" | "repeat-fallback";

export interface SavedStep {
  state: number[];
  action: number[];
  logProb: number;
  trial: number | null;
  done: boolean;
  reward: number | null;
  seenBefore?: number;
  seenAfter?: number[];
  edit?: boolean;
  /** With rankRewards: the reward the learner uses (the rank share); `reward` stays the raw one. */
  rank?: number;
}

/** One learned batch, enough to redo its update: the generator before it and the steps with their rewards. */
export interface ReplayRecord {
  rng: RngState;
  batch: SavedStep[][];
}

export interface AgentSnapshot {
  update: number;
  /** Policy weights, float32 little-endian in base64 (see encoding.ts). */
  weights: string[];
  /** The learner's state, with Adam's moments as float64 little-endian in base64. */
  learner: { updates: number; adam: { step: number; m: string[]; v: string[] }; advantage: { average: number | null } };
  /** The elite queue after this update (with the elite option). */
  elite?: EliteStep[];
}

export interface AgentState {
  /** The weights after update `snapshot.update`; absent: the initial policy. */
  snapshot?: AgentSnapshot;
  /** The batches learned since the snapshot, by update number. */
  replay: Record<string, ReplayRecord>;
  live: { rng: RngState; trajectories: { start: number[]; steps: SavedStep[] }[]; draws: { policy: number; fallback: number } };
  /** The trials' configurations (key, or null when off the grid) in chunks of CHUNK trials: chunk c holds trials cCHUNK.. */
  configurations: Record<string, (string | null)[]>;
  /** The per-update diagnostics in chunks of CHUNK updates. */
  diagnostics: Record<string, UpdateDiagnostics[]>;
}

/** Trials (and updates) per saved chunk: a full chunk is never written again. */
const CHUNK = 16;

export class PolicyAgent {
  private trajectories: AgentTrajectory[] = [];
  private readonly pending = new Map<number, AgentStep>();
  /** Evaluated configurations (key -> reward, null when failed). */
  private readonly known = new Map<string, number | null>();
  /** Every trial's configuration (proposed, running or finished), by trial number. */
  private readonly configurations = new Map<number, Int32Array>();
  private worst: number | undefined;
  /** The best configuration observed so far (the first of equal rewards), and its reward. */
  private incumbent: { indices: Int32Array; reward: number } | undefined;
  private evaluations = 0;
  private log: UpdateDiagnostics[] = [];
  private draws = { policy: 0, fallback: 0 };
  private snapshot: AgentSnapshot | undefined;
  private replay: Record<string, ReplayRecord> = {};
  /** A loaded state whose replay waits for the trials' configurations (see catchUp). */
  private replayPending = false;
  private readonly snapshotEvery: number;
  private readonly elite: EliteQueue | undefined;

  constructor(
    readonly sizes: readonly number[],
    readonly learner: Learner,
    private readonly rng: Rng,
    private readonly options: AgentOptions,
  ) {
    this.snapshotEvery = options.snapshotEvery ?? 25;
    this.elite = options.elite === undefined ? undefined : new EliteQueue(options.elite);
    for (const [name, value] of [
      ["batchSize", options.batchSize],
      ["tmax", options.tmax],
      ["snapshotEvery", this.snapshotEvery],
    ] as const) {
      if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${value}`);
    }
    const edits = options.edits;
    if (edits !== undefined && !(edits >= 0 && edits <= 1)) throw new Error(`edits must be in [0, 1], got ${edits}`);
    if (edits !== undefined && options.tmax !== 1) throw new Error(`edits need tmax 1, got tmax ${options.tmax}`);
    if (options.snapshotAtStart === true) this.snapshot = this.takeSnapshot();
  }

  /** Number of distinct configurations evaluated (or failed) so far. */
  get evaluatedConfigurations(): number {
    return this.known.size;
  }

  /** Records the configuration of a trial (running or finished): no other trial is drawn onto it. */
  register(trial: number, indices: ArrayLike<number>): void {
    const current = this.configurations.get(trial);
    if (current === undefined || keyOf(current) !== keyOf(indices)) this.configurations.set(trial, Int32Array.from(indices));
  }

  /** Indices for trial `trial`, drawn from the policy restricted to configurations no other trial holds. */
  propose(trial: number): { indices: Int32Array; source: ProposalSource } {
    if (this.pending.has(trial)) throw new Error(`trial ${trial} already has a proposal`);
    this.catchUp();
    const excluded = this.options.cache ? this.excludedFor(trial) : undefined;
    if (excluded?.trie.exhausted) {
      this.draws.fallback++;
      return { indices: randomState(this.sizes, this.rng), source: "repeat-fallback" };
    }
    const edit = this.editDraw(trial, excluded);
    if (edit !== undefined) return edit;
    const trajectory = this.openTrajectory();
    const last = trajectory.steps[trajectory.steps.length - 1];
    const state = last ? last.action : trajectory.start;
    const policy = this.learner.policy;
    let drawn: { action: Int32Array; logProb: number; fromPolicy?: boolean };
    if (excluded === undefined) drawn = policy.sample(state, this.rng);
    else drawn = sampleUnseen(policy, state, excluded.trie, this.rng)!;
    const step: AgentStep = { state, action: drawn.action, logProb: drawn.logProb, trial, done: false, reward: null };
    if (excluded !== undefined) {
      step.seenBefore = trial;
      step.seenAfter = excluded.after;
    }
    trajectory.steps.push(step);
    this.pending.set(trial, step);
    this.register(trial, drawn.action);
    const fromPolicy = drawn.fromPolicy !== false;
    if (fromPolicy) this.draws.policy++;
    else this.draws.fallback++;
    return { indices: Int32Array.from(drawn.action), source: fromPolicy ? "policy" : "unseen-fallback" };
  }

  /** The configurations of every other trial, as a trie (and a list), and the numbers of those above `trial`. */
  private excludedFor(trial: number): { trie: ReturnType<typeof trieOf>; seen: Int32Array[]; after: number[] } {
    const after: number[] = [];
    const seen: Int32Array[] = [];
    for (const [number, indices] of this.configurations) {
      if (number === trial) continue;
      if (number > trial) after.push(number);
      seen.push(indices);
    }
    return { trie: trieOf(this.sizes, seen), seen, after: after.sort((a, b) => a - b) };
  }

  /** With the edits option, this trial may edit the incumbent (a trajectory of its own); undefined otherwise. */
  private editDraw(
    trial: number,
    excluded: ReturnType<PolicyAgent["excludedFor"]> | undefined,
  ): { indices: Int32Array; source: ProposalSource } | undefined {
    const share = this.options.edits;
    if (share === undefined || this.incumbent === undefined || !(this.rng.uniform() < share)) return undefined;
    const state = Int32Array.from(this.incumbent.indices);
    const allowed = allowedEdits(this.sizes, state, excluded?.seen ?? []);
    if (allowed.length === 0) return undefined;
    const drawn = sampleAllowed(this.learner.policy, state, allowed, this.rng);
    const step: AgentStep = { state, action: drawn.action, logProb: drawn.logProb, trial, done: false, reward: null, edit: true };
    if (excluded !== undefined) {
      step.seenBefore = trial;
      step.seenAfter = excluded.after;
    }
    this.trajectories.push({ start: state, steps: [step] });
    this.pending.set(trial, step);
    this.register(trial, drawn.action);
    this.draws.policy++;
    return { indices: Int32Array.from(drawn.action), source: "policy" };
  }

  /** The distinct configurations a step's draw excluded (see AgentStep). */
  private seenOf(step: { trial: number | null; seenBefore?: number; seenAfter?: number[] }): Int32Array[] | undefined {
    if (step.seenBefore === undefined) return undefined;
    const after = new Set(step.seenAfter ?? []);
    const keys = new Set<string>();
    const seen: Int32Array[] = [];
    for (const [number, indices] of this.configurations) {
      if (number === step.trial || (number >= step.seenBefore && !after.has(number))) continue;
      const key = keyOf(indices);
      if (keys.has(key)) continue;
      keys.add(key);
      seen.push(indices);
    }
    return seen;
  }

  /**
   * Records a finished evaluation: `reward` null when it failed. Call it for every finished trial
   * of the study (also those the agent did not propose: they fill the cache).
   */
  observe(trial: number, indices: ArrayLike<number> | undefined, reward: number | null): void {
    if (reward !== null && !Number.isFinite(reward))
      throw new Error(`trial ${trial}: reward must be finite or null (failed), got ${reward}`);
    this.catchUp();
    this.evaluations++;
    if (indices !== undefined) {
      this.known.set(keyOf(indices), reward);
      this.register(trial, indices);
    }
    if (reward !== null) this.worst = this.worst === undefined ? reward : Math.min(this.worst, reward);
    if (reward !== null && indices !== undefined && (this.incumbent === undefined || reward > this.incumbent.reward)) {
      this.incumbent = { indices: Int32Array.from(indices), reward };
    }
    const step = this.pending.get(trial);
    if (step === undefined) return;
    this.pending.delete(trial);
    if (indices !== undefined && keyOf(indices) !== keyOf(step.action)) {
      // The trial ran other values than proposed (fixed by the caller): learn from what ran, under the full policy.
      step.action.set(Array.from(indices));
      step.seenBefore = undefined;
      step.seenAfter = undefined;
      step.edit = undefined;
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
      const ranks = this.options.rankRewards === true ? this.rankShares() : undefined;
      const record: ReplayRecord = {
        rng: this.rng.getState(),
        batch: batch.map((t) =>
          t.steps.map((s) => {
            const saved = savedStep({ ...s, reward: s.reward ?? failedReward });
            if (ranks !== undefined) saved.rank = s.reward === null ? 0 : ranks(s.reward);
            return saved;
          }),
        ),
      };
      const statistics = this.learn(record);
      const cachedSteps = batch.reduce((n, t) => n + t.steps.filter((s) => s.trial === null).length, 0);
      const { policy: policyDraws, fallback: fallbackDraws } = this.draws;
      this.draws = { policy: 0, fallback: 0 };
      const update = this.log.length + 1;
      this.log.push(rounded({ update, evaluations: this.evaluations, cachedSteps, policyDraws, fallbackDraws, ...statistics }));
      if (update % this.snapshotEvery === 0) {
        this.snapshot = this.takeSnapshot();
        this.replay = {};
      } else this.replay[String(update)] = record;
    }
  }

  /** The share of the successful evaluations so far that a reward beats (ties count half). */
  private rankShares(): (reward: number) => number {
    const rewards: number[] = [];
    for (const r of this.known.values()) if (r !== null) rewards.push(r);
    rewards.sort((a, b) => a - b);
    const below = (r: number, strict: boolean): number => {
      let low = 0;
      let high = rewards.length;
      while (low < high) {
        const mid = (low + high) >> 1;
        if (strict ? rewards[mid] < r : rewards[mid] <= r) low = mid + 1;
        else high = mid;
      }
      return low;
    };
    return (r) => (rewards.length === 0 ? 0.5 : (below(r, true) + below(r, false)) / 2 / rewards.length);
  }

  /** One update of the learner on a recorded batch (also how a loaded state redoes it), then the elite steps. */
  private learn(record: ReplayRecord): UpdateStatistics {
    const trajectories: Trajectory[] = record.batch.map((t) =>
      t.map((s) => ({
        state: Int32Array.from(s.state),
        action: Int32Array.from(s.action),
        logProb: s.logProb,
        reward: s.rank ?? s.reward!,
        ...(s.edit === true ? { allowed: allowedEdits(this.sizes, s.state, this.seenOf(s) ?? []) } : { seen: this.seenOf(s) }),
      })),
    );
    const statistics = this.learner.update(trajectories);
    if (this.elite !== undefined) {
      this.elite.add(record.batch.flatMap((t) => t.map((s) => ({ state: s.state, action: s.action, reward: s.reward! }))));
      for (let k = 0; k < this.elite.options.steps; k++) this.learner.imitate(this.elite.best);
    }
    return statistics;
  }

  private takeSnapshot(): AgentSnapshot {
    const learner = this.learner.getState();
    return {
      update: learner.updates,
      weights: this.learner.policy.params.map((p) => encodeFloat32(p)),
      learner: {
        updates: learner.updates,
        adam: { step: learner.adam.step, m: learner.adam.m.map(encodeFloat64), v: learner.adam.v.map(encodeFloat64) },
        advantage: learner.advantage,
      },
      ...(this.elite === undefined ? {} : { elite: this.elite.save() }),
    };
  }

  getState(): AgentState {
    const configurations: Record<string, (string | null)[]> = {};
    for (const [number, indices] of this.configurations) {
      const name = String(Math.floor(number / CHUNK));
      if (configurations[name] === undefined) configurations[name] = new Array<string | null>(CHUNK).fill(null);
      configurations[name][number % CHUNK] = keyOf(indices);
    }
    const diagnostics: Record<string, UpdateDiagnostics[]> = {};
    this.log.forEach((d, i) => {
      const name = String(Math.floor(i / CHUNK));
      if (diagnostics[name] === undefined) diagnostics[name] = [];
      diagnostics[name].push(structuredClone(d));
    });
    return {
      ...(this.snapshot === undefined ? {} : { snapshot: this.snapshot }),
      replay: this.replay,
      live: {
        rng: this.rng.getState(),
        trajectories: this.trajectories.map((t) => ({ start: Array.from(t.start), steps: t.steps.map(savedStep) })),
        draws: { ...this.draws },
      },
      configurations,
      diagnostics,
    };
  }

  /**
   * Restores everything but the cache, which the caller rebuilds by observing the finished trials.
   * The batches learned since the snapshot are replayed at the next propose or observe (after the
   * caller has registered the trials), or by catchUp().
   */
  setState(state: AgentState): void {
    if (state.snapshot !== undefined) this.loadSnapshot(state.snapshot);
    this.elite?.load(state.snapshot?.elite);
    this.snapshot = state.snapshot;
    this.replay = { ...state.replay };
    this.log = Object.keys(state.diagnostics)
      .sort((a, b) => Number(a) - Number(b))
      .flatMap((chunk) => state.diagnostics[chunk].map((d) => structuredClone(d)));
    this.draws = { ...state.live.draws };
    this.configurations.clear();
    for (const [chunk, keys] of Object.entries(state.configurations)) {
      keys.forEach((key, i) => {
        if (key !== null) this.configurations.set(Number(chunk) * CHUNK + i, Int32Array.from(key.split(","), Number));
      });
    }
    this.pending.clear();
    // Each step's state is the previous step's action (or the start): keep them shared as when drawn.
    this.trajectories = state.live.trajectories.map((t) => {
      const steps: AgentStep[] = t.steps.map((s) => ({
        ...s,
        state: Int32Array.from(s.state),
        action: Int32Array.from(s.action),
        seenAfter: s.seenAfter?.slice(),
      }));
      for (const step of steps) if (!step.done && step.trial !== null) this.pending.set(step.trial, step);
      return { start: Int32Array.from(t.start), steps };
    });
    this.rng.setState(state.live.rng);
    this.replayPending = Object.keys(this.replay).length > 0;
  }

  /** Redoes the updates learned since the snapshot (after a setState); the policy is then as it was saved. */
  catchUp(): void {
    if (!this.replayPending) return;
    this.replayPending = false;
    const live = this.rng.getState();
    for (const update of Object.keys(this.replay).sort((a, b) => Number(a) - Number(b))) {
      const record = this.replay[update];
      this.rng.setState(record.rng);
      this.learn(record);
    }
    this.rng.setState(live);
  }

  private loadSnapshot(snapshot: AgentSnapshot): void {
    const params = this.learner.policy.params;
    const weights = snapshot.weights.map((w, t) => decodeFloat32(w, `saved weight array ${t}`));
    if (weights.length !== params.length || weights.some((w, t) => w.length !== params[t].length)) {
      throw new Error("the saved agent state holds weights of a different policy shape");
    }
    weights.forEach((w, t) => params[t].set(w));
    const adam = snapshot.learner.adam;
    this.learner.setState({
      updates: snapshot.learner.updates,
      adam: {
        step: adam.step,
        m: adam.m.map((a) => Array.from(decodeFloat64(a, "Adam m"))),
        v: adam.v.map((a) => Array.from(decodeFloat64(a, "Adam v"))),
      },
      advantage: snapshot.learner.advantage,
    });
  }
}

function savedStep(s: AgentStep): SavedStep {
  const saved: SavedStep = {
    state: Array.from(s.state),
    action: Array.from(s.action),
    logProb: s.logProb,
    trial: s.trial,
    done: s.done,
    reward: s.reward,
  };
  if (s.seenBefore !== undefined) {
    saved.seenBefore = s.seenBefore;
    if (s.seenAfter !== undefined && s.seenAfter.length > 0) saved.seenAfter = s.seenAfter.slice();
  }
  if (s.edit === true) saved.edit = true;
  return saved;
}

/** The neighbours of `state` (one parameter changed) that are not among `seen`. */
function allowedEdits(sizes: readonly number[], state: ArrayLike<number>, seen: readonly ArrayLike<number>[]): Int32Array[] {
  const keys = new Set(seen.map((x) => keyOf(x)));
  return neighbours(sizes, state).filter((y) => !keys.has(keyOf(y)));
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
