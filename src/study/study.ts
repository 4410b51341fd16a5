/**
 * A study: one search space, one direction, one sampler, one storage. ask() starts a trial,
 * tell() ends it, optimize() loops the two over an executor. The storage holds everything
 * (trials, the space, the seed, the sampler's state), so loadStudy continues where a process stopped.
 */
import { randomInt, randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { UsageError } from "../errors/errors.ts";
import type { ObjectiveSpec } from "../objectives/spec.ts";
import type { Pruner, PrunerStudy } from "../pruners/pruner.ts";
import { PolicySampler } from "../samplers/policy-sampler.ts";
import type { Sampler, StudyView } from "../samplers/sampler.ts";
import { tpeSampler } from "../samplers/tpe.ts";
import { containsValue, sameDistribution } from "../space/compare.ts";
import { spaceFromJSON, spaceToJSON } from "../space/json.ts";
import type { Distribution, Params, ParamValue, SearchSpace } from "../space/types.ts";
import { validateSpace } from "../space/validate.ts";
import { openStorage } from "../storage/open.ts";
import type { Storage, StudySummary } from "../storage/storage.ts";
import { TARGET_TRIALS_ATTR, TargetReachedError } from "../storage/target.ts";
import { findBestTrial } from "../trial/best.ts";
import { describeDistribution } from "../trial/describe.ts";
import { outcomeOfTell, type TellResult, type TrialOutcome } from "../trial/outcome.ts";
import type { Objective } from "../trial/types.ts";
import { type Direction, type FrozenTrial, isFinished } from "../trial/types.ts";
import { STALE_RUNNING_REASON, STUDY_ATTR, TRIAL_ATTR } from "./attrs.ts";
import { definitionDifferences, type StudyDefinition, StudyDefinitionError } from "./definition.ts";
import { type HeartbeatOptions, type HeartbeatSettings, HeartbeatTimer, heartbeatSettings, isStale } from "./heartbeat.ts";
import { type OptimizeOptions, runOptimize } from "./optimize.ts";
import { SamplerStateWriter, savedSamplerState } from "./sampler-state.ts";
import { StudyLeaseHolder } from "./study-lease.ts";
import { LiveTrial, type TrialHost } from "./trial.ts";

export interface CreateStudyOptions {
  /** Unique within the storage; a fresh "study-<uuid>" when omitted. */
  name?: string;
  direction?: Direction;
  /** Parameters every trial gets up front (needed by grid and RL samplers, and by worker threads). */
  space?: SearchSpace;
  /** Default: TPE seeded with the study seed. */
  sampler?: Sampler;
  /** Decides trial.shouldPrune() after each report (medianPruner, successiveHalvingPruner, hyperbandPruner); default none. */
  pruner?: Pruner;
  /** A Storage, or a journal file path (".jsonl", ".log", ".journal"); default in memory. */
  storage?: Storage | string;
  /** Seeds the default sampler and the built-in task's training seeds; random (and stored) when omitted. */
  seed?: number;
  /** Continue the study of this name if the storage already holds it (else creating it twice is an error). */
  loadIfExists?: boolean;
  /**
   * Fail RUNNING trials whose heartbeat is older than the grace period, when the study is opened and
   * every heartbeat interval while it runs (default true). Live trials of other processes are never failed.
   */
  failStaleRunning?: boolean;
  /** Heartbeat interval and grace period (default 10 s and 60 s). */
  heartbeat?: HeartbeatOptions;
  /**
   * What experiment this is (objective identity, sampler and options; see definition.ts): stored when
   * the study is created; continuing it with a definition that differs is refused, naming each field.
   */
  definition?: StudyDefinition;
  /**
   * Take the study's controller lease, refusing to run while another live process holds it. Default:
   * for samplers that keep a state of their own (REINFORCE, PPO); stateless ones share studies freely.
   */
  singleController?: boolean;
}

export interface LoadStudyOptions {
  name: string;
  storage: Storage | string;
  /** Default: TPE seeded with the stored study seed. */
  sampler?: Sampler;
  /** As in createStudy. */
  pruner?: Pruner;
  /** Default true: RUNNING trials with no heartbeat for longer than the grace period are marked FAIL. */
  failStaleRunning?: boolean;
  heartbeat?: HeartbeatOptions;
  /** As in createStudy; default for samplers that keep a state of their own. */
  singleController?: boolean;
}

/** What a study holds beyond its name, space and sampler: its heartbeat settings and lease. */
interface StudyRuntime {
  heartbeat: HeartbeatSettings;
  failStaleRunning: boolean;
  lease?: StudyLeaseHolder;
  pruner?: Pruner;
}

const DIRECTIONS: readonly Direction[] = ["minimize", "maximize"];

export class Study {
  private readonly running = new Map<number, LiveTrial>();
  /** Writes only the parts of the sampler's state that changed since the last finished trial. */
  readonly samplerStateWriter = new SamplerStateWriter();
  private stopRequested = false;
  private readonly view: StudyView;
  private optimizing = 0;
  private readonly timer: HeartbeatTimer;
  /** When each of this process's running trials last had its heartbeat written. */
  private readonly lastBeat = new Map<number, number>();

  /** Use createStudy / loadStudy. */
  constructor(
    private readonly storage: Storage,
    private readonly studyId: number,
    readonly name: string,
    readonly direction: Direction,
    readonly space: SearchSpace | undefined,
    readonly sampler: Sampler,
    readonly seed: number,
    private readonly ownsStorage: boolean,
    private readonly runtime: StudyRuntime = { heartbeat: heartbeatSettings(), failStaleRunning: true },
  ) {
    const read = (): readonly FrozenTrial[] => this.storage.getAllTrials(this.studyId);
    this.view = { direction, trials: read };
    this.timer = new HeartbeatTimer(
      runtime.heartbeat.intervalMs,
      () => this.beat(),
      () => this.running.size > 0 || this.optimizing > 0 || runtime.lease?.held === true,
    );
    this.timer.update();
  }

  /** The pruner that answers trial.shouldPrune(), if any. */
  get pruner(): Pruner | undefined {
    return this.runtime.pruner;
  }

  /** The pruner's decision on a running trial as stored now (false without a pruner). */
  shouldPrune(trialNumber: number): boolean {
    const pruner = this.runtime.pruner;
    if (pruner === undefined) return false;
    const view: PrunerStudy = { name: this.name, direction: this.direction, trials: this.view.trials };
    return pruner.prune(view, this.storage.getTrial(this.studyId, trialNumber));
  }

  /** The heartbeat interval and grace period this study runs with. */
  get heartbeat(): HeartbeatSettings {
    return { ...this.runtime.heartbeat };
  }

  /** Every trial, in number order (re-read from storage, so other processes' trials show too). */
  get trials(): FrozenTrial[] {
    this.storage.sync?.();
    return this.storage.getAllTrials(this.studyId);
  }

  get bestTrial(): FrozenTrial {
    const best = findBestTrial(this.trials, this.direction);
    if (best === undefined) throw new Error(`study "${this.name}" has no COMPLETE trial yet, so it has no best trial`);
    return best;
  }

  get bestValue(): number {
    return this.bestTrial.value!;
  }

  get bestParams(): Params {
    return { ...this.bestTrial.params };
  }

  /** The study's own attributes as stored (user attrs set by setUserAttr). */
  get userAttrs(): Record<string, unknown> {
    return { ...(this.storage.findStudy(this.name)?.userAttrs ?? {}) };
  }

  setUserAttr(key: string, value: unknown): void {
    this.storage.setStudyUserAttr(this.studyId, key, value);
  }

  /**
   * Adds a WAITING trial with these values; ask() takes WAITING trials first (lowest number first).
   * Declared parameters missing from `params` are sampled when the trial is asked for.
   */
  enqueueTrial(params: Params): number {
    if (params === null || typeof params !== "object" || Array.isArray(params))
      throw new Error("enqueueTrial needs an object of parameter values");
    if (this.space !== undefined) this.checkFixedAgainstSpace(params, "enqueueTrial");
    return this.storage.createTrial(this.studyId, { state: "WAITING", systemAttrs: { [TRIAL_ATTR.fixedParams]: { ...params } } });
  }

  /**
   * Starts a trial: a WAITING (enqueued) one if any, else a new one. The declared space is sampled
   * here (sampleRelative, then sampleIndependent for what it left out); `fixedParams` override.
   */
  ask(fixedParams: Params = {}): LiveTrial {
    return this.startTrial(fixedParams, undefined);
  }

  /**
   * @internal ask() for optimize: undefined when the study already holds `totalTrials` trials running
   * or finished. The storage checks it as it creates the trial, so racing processes never overshoot.
   */
  askWithin(totalTrials: number | undefined): LiveTrial | undefined {
    try {
      return this.startTrial({}, totalTrials);
    } catch (error) {
      if (error instanceof TargetReachedError) return undefined;
      throw error;
    }
  }

  private startTrial(fixedParams: Params, totalTrials: number | undefined): LiveTrial {
    this.storage.sync?.();
    let fixed: Params = { ...fixedParams };
    if (this.space !== undefined) this.checkFixedAgainstSpace(fixed, "ask");
    const waiting = this.claimWaitingTrial();
    let number: number;
    if (waiting !== undefined) {
      number = waiting.number;
      const enqueued = (waiting.systemAttrs[TRIAL_ATTR.fixedParams] ?? {}) as Params;
      fixed = { ...enqueued, ...fixed };
      this.storage.setTrialSystemAttr(this.studyId, number, TRIAL_ATTR.process, THIS_PROCESS);
    } else {
      const systemAttrs = {
        [TRIAL_ATTR.process]: THIS_PROCESS,
        ...(totalTrials !== undefined ? { [TARGET_TRIALS_ATTR]: totalTrials } : {}),
      };
      number = this.storage.createTrial(this.studyId, { systemAttrs });
    }
    let decided: ReturnType<Study["decideDeclared"]>;
    try {
      decided = this.decideDeclared(number, fixed);
      for (const [name, { value, distribution }] of Object.entries(decided)) {
        this.storage.setTrialParam(this.studyId, number, name, value, distribution);
      }
    } catch (error) {
      // Never leave a trial RUNNING that no objective will run: it fails with the sampler's reason.
      const reason = `could not sample the trial's parameters: ${error instanceof Error ? error.message : String(error)}`;
      this.storage.setTrialSystemAttr(this.studyId, number, TRIAL_ATTR.failReason, reason);
      this.storage.setTrialStateValue(this.studyId, number, "FAIL");
      throw error;
    }
    const trial = new LiveTrial(this.host(), number, decided, fixed);
    this.running.set(number, trial);
    this.lastBeat.set(number, Date.now());
    this.timer.update();
    return trial;
  }

  /**
   * Ends a RUNNING trial: a finite number completes it; an Error, NaN, Infinity or a non-number
   * fails it with the reason stored; { state: "PRUNED" } prunes it. Returns the stored trial.
   */
  tell(trialOrNumber: LiveTrial | number, result: TellResult): FrozenTrial {
    return this.finish(trialOrNumber, outcomeOfTell(result));
  }

  /**
   * Runs trials until nTrials (this call), totalTrials (the whole study), timeoutMs, stop(), or an
   * exhausted sampler. Objective failures become FAIL trials and the study goes on.
   */
  async optimize(objective: Objective | ObjectiveSpec, options: OptimizeOptions = {}): Promise<void> {
    this.stopRequested = false;
    this.optimizing++;
    this.timer.update();
    try {
      await runOptimize(this.controls(), objective, options);
    } finally {
      this.optimizing--;
      this.timer.update();
    }
  }

  /** Lets running trials finish and starts no new ones (what Ctrl-C should call). */
  stop(): void {
    this.stopRequested = true;
  }

  /** Releases the controller lease (if held), stops the heartbeat and closes the storage if the study opened it from a path. */
  close(): void {
    this.runtime.lease?.release();
    this.timer.stop();
    if (this.ownsStorage) this.storage.close?.();
  }

  /**
   * Fails every RUNNING trial with no heartbeat for longer than the grace period (never one of this
   * study's own live trials); returns their numbers. Two processes may race to fail the same trial: the
   * second finds it finished and leaves it.
   */
  failStaleTrials(): number[] {
    if (!this.runtime.failStaleRunning) return [];
    const failed: number[] = [];
    const now = Date.now();
    for (const trial of this.trials) {
      if (this.running.has(trial.number) || !isStale(trial, now, this.runtime.heartbeat.gracePeriodMs)) continue;
      if (failStale(this.storage, this.studyId, trial.number)) failed.push(trial.number);
    }
    return failed;
  }

  /** RUNNING trials of this study that this Study object is not running (other processes' or abandoned ones). */
  runningElsewhere(): FrozenTrial[] {
    return this.trials.filter((trial) => trial.state === "RUNNING" && !this.running.has(trial.number));
  }

  /** One heartbeat: vouch for this process's running trials, renew the lease, fail stale trials. */
  private beat(): void {
    try {
      const now = Date.now();
      for (const number of this.running.keys()) {
        if (now - (this.lastBeat.get(number) ?? 0) < this.runtime.heartbeat.intervalMs * 0.9) continue;
        this.lastBeat.set(number, now);
        try {
          this.storage.setTrialSystemAttr(this.studyId, number, TRIAL_ATTR.heartbeat, now);
        } catch {
          // Finished meanwhile (or failed as stale by another process: finish() says so).
        }
      }
      const lease = this.runtime.lease;
      if (lease?.held === true && !lease.renew()) {
        process.emitWarning(
          `study "${this.name}": another controller took over its lease (this process sent no heartbeat for the grace period); ` +
            "stopping, and no longer saving the sampler's state",
        );
        this.stop();
      }
      this.failStaleTrials();
    } catch (error) {
      // A heartbeat must not crash the process from a timer; the next storage call reports the problem.
      process.emitWarning(`study "${this.name}": heartbeat failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** @internal Ends a trial with an already classified outcome (optimize uses it). */
  finish(trialOrNumber: LiveTrial | number, outcome: TrialOutcome): FrozenTrial {
    const number = typeof trialOrNumber === "number" ? trialOrNumber : trialOrNumber.number;
    this.storage.sync?.();
    const stored = this.storage.getTrial(this.studyId, number);
    if (stored.state !== "RUNNING" && this.running.has(number) && stored.failReason === STALE_RUNNING_REASON) {
      // Another process saw no heartbeat for the grace period (this one was blocked or suspended).
      process.emitWarning(
        `trial ${number} of study "${this.name}" was failed as stale by another process while it ran here ` +
          `(no heartbeat for over ${this.runtime.heartbeat.gracePeriodMs} ms); its result is dropped`,
      );
      this.forget(number, trialOrNumber);
      return stored;
    }
    if (stored.state !== "RUNNING") {
      throw new Error(
        `trial ${number} of study "${this.name}" is ${stored.state}, not RUNNING; only a running trial can be told its result`,
      );
    }
    if (outcome.state === "FAIL") this.storage.setTrialSystemAttr(this.studyId, number, TRIAL_ATTR.failReason, outcome.reason);
    this.storage.setTrialStateValue(this.studyId, number, outcome.state, finalValue(outcome, stored));
    this.forget(number, trialOrNumber, outcome.state);
    const frozen = this.storage.getTrial(this.studyId, number);
    this.sampler.afterTrial?.(this.view, frozen);
    this.saveSamplerState();
    return frozen;
  }

  private forget(number: number, trialOrNumber: LiveTrial | number, state = "FAIL"): void {
    const live = this.running.get(number) ?? (typeof trialOrNumber === "number" ? undefined : trialOrNumber);
    live?.markFinished(state);
    this.running.delete(number);
    this.lastBeat.delete(number);
    this.timer.update();
  }

  /** Sets the first WAITING trial RUNNING; one that another process claims first is skipped. */
  private claimWaitingTrial(): FrozenTrial | undefined {
    for (const trial of this.storage.getAllTrials(this.studyId)) {
      if (trial.state !== "WAITING") continue;
      try {
        this.storage.setTrialStateValue(this.studyId, trial.number, "RUNNING");
        return trial;
      } catch (error) {
        if (this.storage.getTrial(this.studyId, trial.number).state === "WAITING") throw error;
      }
    }
    return undefined;
  }

  private saveSamplerState(): void {
    if (this.sampler.saveState === undefined || this.runtime.lease?.lost === true) return;
    this.samplerStateWriter.save(this.sampler.name, this.sampler.saveState(), (name, value) =>
      this.storage.setStudySystemAttr(this.studyId, name, value),
    );
  }

  private decideDeclared(number: number, fixed: Params): Record<string, { value: ParamValue; distribution: Distribution }> {
    const decided: Record<string, { value: ParamValue; distribution: Distribution }> = {};
    const space = this.space;
    if (space === undefined) return decided;
    const open = Object.keys(space).filter((name) => !Object.hasOwn(fixed, name));
    const relative = open.length > 0 ? this.sampler.sampleRelative(this.view, number, space) : {};
    for (const [name, distribution] of Object.entries(space)) {
      let value: ParamValue;
      if (Object.hasOwn(fixed, name)) value = fixed[name];
      else if (relative !== undefined && Object.hasOwn(relative, name)) {
        value = relative[name];
        if (!containsValue(distribution, value)) {
          throw new Error(proposedOutside(this.sampler.name, name, value, distribution));
        }
      } else value = this.sampler.sampleIndependent(this.view, number, name, distribution);
      decided[name] = { value, distribution };
    }
    return decided;
  }

  private checkFixedAgainstSpace(params: Params, caller: string): void {
    for (const [name, value] of Object.entries(params)) {
      const distribution = this.space![name];
      if (distribution !== undefined && !containsValue(distribution, value)) {
        throw new Error(
          `${caller}: ${JSON.stringify(value)} is not a value of parameter "${name}" (${describeDistribution(distribution)})`,
        );
      }
    }
  }

  private host(): TrialHost {
    return {
      recordParam: (number, name, value, distribution) => this.storage.setTrialParam(this.studyId, number, name, value, distribution),
      sampleIndependent: (number, name, distribution) => {
        const value = this.sampler.sampleIndependent(this.view, number, name, distribution);
        if (!containsValue(distribution, value)) {
          throw new Error(proposedOutside(this.sampler.name, name, value, distribution));
        }
        return value;
      },
      recordIntermediate: (number, step, value) => this.storage.setTrialIntermediateValue(this.studyId, number, step, value),
      recordUserAttr: (number, key, value) => this.storage.setTrialUserAttr(this.studyId, number, key, value),
      shouldPrune: (number) => this.shouldPrune(number),
      pruning: this.runtime.pruner !== undefined,
    };
  }

  private controls(): StudyControls {
    return {
      study: this,
      view: this.view,
      shouldStop: () => this.stopRequested,
      pollMs: Math.min(1000, this.runtime.heartbeat.intervalMs),
      startedOrFinishedCount: () => this.trials.filter((trial) => trial.state === "RUNNING" || isFinished(trial.state)).length,
    };
  }
}

/** What the optimize loop sees of a study. */
export interface StudyControls {
  study: Study;
  view: StudyView;
  shouldStop(): boolean;
  /** How often to look again while waiting for other processes' trials. */
  pollMs: number;
  /** Trials RUNNING or finished, in every process: what totalTrials is measured against. */
  startedOrFinishedCount(): number;
}

const THIS_PROCESS = { host: hostname(), pid: process.pid };

interface OpenOptions {
  space?: SearchSpace;
  sampler?: Sampler;
  pruner?: Pruner;
  seed?: number;
  failStaleRunning: boolean;
  heartbeat: HeartbeatSettings;
  definition?: StudyDefinition;
  singleController?: boolean;
}

export function createStudy(options: CreateStudyOptions = {}): Study {
  const direction = options.direction ?? "minimize";
  if (!DIRECTIONS.includes(direction)) throw new UsageError(`direction must be "minimize" or "maximize", got ${JSON.stringify(direction)}`);
  if (options.name !== undefined && (typeof options.name !== "string" || options.name === ""))
    throw new UsageError("a study name must be a non-empty string");
  if (options.seed !== undefined && !Number.isSafeInteger(options.seed))
    throw new UsageError(`the study seed must be an integer, got ${options.seed}`);
  if (options.space !== undefined) validateSpace(options.space);
  const heartbeat = heartbeatSettings(options.heartbeat);
  const storage = openStorage(options.storage);
  return closingOnError(storage, typeof options.storage === "string", () => createIn(storage, options, direction, heartbeat));
}

/** Runs `work` on a storage opened for it; when `work` throws, a storage the caller owns is closed. */
function closingOnError(storage: Storage, ownsStorage: boolean, work: () => Study): Study {
  try {
    return work();
  } catch (error) {
    if (ownsStorage) storage.close?.();
    throw error;
  }
}

function createIn(storage: Storage, options: CreateStudyOptions, direction: Direction, heartbeat: HeartbeatSettings): Study {
  const ownsStorage = typeof options.storage === "string";
  const name = options.name ?? `study-${randomUUID()}`;
  const open: OpenOptions = {
    space: options.space,
    sampler: options.sampler,
    pruner: options.pruner,
    seed: options.seed,
    failStaleRunning: options.failStaleRunning ?? true,
    heartbeat,
    definition: options.definition,
    singleController: options.singleController,
  };
  const continueExisting = (existing: StudySummary): Study => {
    if (options.loadIfExists !== true) {
      throw new UsageError(`a study named "${name}" already exists in this storage; pass loadIfExists: true to continue it`);
    }
    if (options.direction !== undefined && existing.direction !== options.direction) {
      throw new UsageError(`study "${name}" was created to ${existing.direction}; it cannot be continued to ${options.direction}`);
    }
    return openExisting(storage, ownsStorage, name, open);
  };
  const existing = storage.findStudy(name);
  if (existing !== undefined) return continueExisting(existing);
  const seed = options.seed ?? randomInt(0, 2 ** 31);
  const sampler = options.sampler ?? tpeSampler({ seed });
  checkSamplerFitsSpace(sampler, options.space);
  let studyId: number;
  try {
    studyId = storage.createStudy(name, direction);
  } catch (error) {
    // Another process created it a moment ago (several processes started on one new study).
    const created = storage.findStudy(name);
    if (created === undefined) throw error;
    return continueExisting(created);
  }
  storage.setStudySystemAttr(studyId, STUDY_ATTR.seed, seed);
  if (options.space !== undefined) storage.setStudySystemAttr(studyId, STUDY_ATTR.space, spaceToJSON(options.space));
  if (options.definition !== undefined) storage.setStudySystemAttr(studyId, STUDY_ATTR.definition, options.definition);
  const lease = leaseFor(storage, studyId, name, sampler, open);
  return new Study(storage, studyId, name, direction, options.space, sampler, seed, ownsStorage, {
    heartbeat,
    failStaleRunning: open.failStaleRunning,
    lease,
    pruner: options.pruner,
  });
}

export function loadStudy(options: LoadStudyOptions): Study {
  if (options === undefined || typeof options.name !== "string" || options.name === "")
    throw new UsageError("loadStudy needs the study name");
  if (options.storage === undefined) throw new UsageError("loadStudy needs the storage (a Storage or a journal file path)");
  const heartbeat = heartbeatSettings(options.heartbeat);
  const storage = openStorage(options.storage);
  return closingOnError(storage, typeof options.storage === "string", () => loadIn(storage, options, heartbeat));
}

function loadIn(storage: Storage, options: LoadStudyOptions, heartbeat: HeartbeatSettings): Study {
  if (storage.findStudy(options.name) === undefined) {
    const known = storage.listStudies().map((study) => `"${study.name}"`);
    throw new UsageError(
      `no study named "${options.name}" in this storage${known.length > 0 ? `; it holds ${known.join(", ")}` : " (it holds no study)"}`,
    );
  }
  return openExisting(storage, typeof options.storage === "string", options.name, {
    sampler: options.sampler,
    pruner: options.pruner,
    failStaleRunning: options.failStaleRunning ?? true,
    heartbeat,
    singleController: options.singleController,
  });
}

/** The controller lease, taken, when this sampler needs one (or the caller asks for it). */
function leaseFor(storage: Storage, studyId: number, name: string, sampler: Sampler, options: OpenOptions): StudyLeaseHolder | undefined {
  if (!(options.singleController ?? sampler instanceof PolicySampler)) return undefined;
  const lease = new StudyLeaseHolder(storage, studyId, name, sampler.name, options.heartbeat);
  lease.acquire();
  return lease;
}

/** Refuses to continue a study created as another experiment; stores the definition of a study that has none yet. */
function checkDefinition(storage: Storage, summary: StudySummary, given: StudyDefinition | undefined): void {
  if (given === undefined) return;
  const stored = summary.systemAttrs[STUDY_ATTR.definition];
  if (stored === null || typeof stored !== "object") {
    storage.setStudySystemAttr(summary.studyId, STUDY_ATTR.definition, given);
    return;
  }
  const differences = definitionDifferences(stored as StudyDefinition, given);
  if (differences.length > 0) throw new StudyDefinitionError(summary.name, differences);
}

function openExisting(storage: Storage, ownsStorage: boolean, name: string, options: OpenOptions): Study {
  storage.sync?.();
  const summary = storage.findStudy(name)!;
  const storedSeed = summary.systemAttrs[STUDY_ATTR.seed];
  const seed = typeof storedSeed === "number" ? storedSeed : (options.seed ?? 0);
  if (options.seed !== undefined && typeof storedSeed === "number" && storedSeed !== options.seed) {
    throw new UsageError(`study "${name}" was created with seed ${storedSeed}; it cannot be continued with seed ${options.seed}`);
  }
  const storedSpaceJSON = summary.systemAttrs[STUDY_ATTR.space];
  const storedSpace = storedSpaceJSON === undefined ? undefined : spaceFromJSON(storedSpaceJSON);
  const space = options.space ?? storedSpace;
  if (options.space !== undefined && storedSpace !== undefined) checkSameSpace(name, storedSpace, options.space);
  checkDefinition(storage, summary, options.definition);
  if (options.space !== undefined && storedSpace === undefined)
    storage.setStudySystemAttr(summary.studyId, STUDY_ATTR.space, spaceToJSON(options.space));
  const sampler = options.sampler ?? tpeSampler({ seed });
  checkSamplerFitsSpace(sampler, space);
  const lease = leaseFor(storage, summary.studyId, name, sampler, options);
  // Read the state after taking the lease: a previous controller may have saved it just before.
  const attrs = lease === undefined ? summary.systemAttrs : storage.findStudy(name)!.systemAttrs;
  // A state written by another kind of sampler means nothing to this one: it starts afresh.
  const savedState = savedSamplerState(attrs, sampler.name);
  if (savedState !== undefined) sampler.loadState?.(savedState);
  const study = new Study(storage, summary.studyId, name, summary.direction, space, sampler, seed, ownsStorage, {
    heartbeat: options.heartbeat,
    failStaleRunning: options.failStaleRunning,
    lease,
    pruner: options.pruner,
  });
  study.samplerStateWriter.remember(attrs);
  study.failStaleTrials();
  return study;
}

/** Marks a stale RUNNING trial FAIL; false when it finished (or was failed by another process) meanwhile. */
function failStale(storage: Storage, studyId: number, number: number): boolean {
  try {
    storage.setTrialSystemAttr(studyId, number, TRIAL_ATTR.failReason, STALE_RUNNING_REASON);
    storage.setTrialStateValue(studyId, number, "FAIL");
    return true;
  } catch (error) {
    if (storage.getTrial(studyId, number).state !== "RUNNING") return false;
    throw error;
  }
}

/** A COMPLETE trial's value; a PRUNED one keeps its last intermediate value as its value, as Optuna stores it. */
function finalValue(outcome: TrialOutcome, stored: FrozenTrial): number | undefined {
  if (outcome.state === "COMPLETE") return outcome.value;
  if (outcome.state !== "PRUNED") return undefined;
  const steps = Object.keys(stored.intermediateValues).map(Number);
  if (steps.length === 0) return undefined;
  const value = stored.intermediateValues[Math.max(...steps)];
  return Number.isFinite(value) ? value : undefined;
}

function checkSamplerFitsSpace(sampler: Sampler, space: SearchSpace | undefined): void {
  if (sampler.needsFullSpace && space === undefined) {
    throw new UsageError(`sampler "${sampler.name}" needs the whole search space up front: pass space to createStudy`);
  }
}

function checkSameSpace(name: string, stored: SearchSpace, given: SearchSpace): void {
  const storedNames = Object.keys(stored);
  const givenNames = Object.keys(given);
  const same =
    storedNames.length === givenNames.length &&
    storedNames.every((param, i) => givenNames[i] === param && sameDistribution(stored[param], given[param]));
  if (!same) {
    throw new UsageError(
      `study "${name}" was created with a different search space (${storedNames.join(", ")}); ` +
        "continue it with the same space or without one",
    );
  }
}

function proposedOutside(sampler: string, name: string, value: ParamValue, distribution: Distribution): string {
  return (
    `sampler "${sampler}" proposed ${JSON.stringify(value)} for parameter "${name}", which is not in ` + describeDistribution(distribution)
  );
}
