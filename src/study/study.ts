/**
 * A study: one search space, one direction, one sampler, one storage. ask() starts a trial,
 * tell() ends it, optimize() loops the two over an executor. The storage holds everything
 * (trials, the space, the seed, the sampler's state), so loadStudy continues where a process stopped.
 */
import { randomInt, randomUUID } from "node:crypto";
import { UsageError } from "../errors/errors.ts";
import type { ObjectiveSpec } from "../objectives/spec.ts";
import type { Sampler, StudyView } from "../samplers/sampler.ts";
import { tpeSampler } from "../samplers/tpe.ts";
import { containsValue, sameDistribution } from "../space/compare.ts";
import { spaceFromJSON, spaceToJSON } from "../space/json.ts";
import type { Distribution, Params, ParamValue, SearchSpace } from "../space/types.ts";
import { validateSpace } from "../space/validate.ts";
import { openStorage } from "../storage/open.ts";
import type { Storage } from "../storage/storage.ts";
import { findBestTrial } from "../trial/best.ts";
import { describeDistribution } from "../trial/describe.ts";
import { outcomeOfTell, type TellResult, type TrialOutcome } from "../trial/outcome.ts";
import type { Objective } from "../trial/types.ts";
import { type Direction, type FrozenTrial, isFinished } from "../trial/types.ts";
import { STALE_RUNNING_REASON, STUDY_ATTR, TRIAL_ATTR } from "./attrs.ts";
import { type OptimizeOptions, runOptimize } from "./optimize.ts";
import { SamplerStateWriter, savedSamplerState } from "./sampler-state.ts";
import { LiveTrial, type TrialHost } from "./trial.ts";

export interface CreateStudyOptions {
  /** Unique within the storage; a fresh "study-<uuid>" when omitted. */
  name?: string;
  direction?: Direction;
  /** Parameters every trial gets up front (needed by grid and RL samplers, and by worker threads). */
  space?: SearchSpace;
  /** Default: TPE seeded with the study seed. */
  sampler?: Sampler;
  /** A Storage, or a journal file path (".jsonl", ".log", ".journal"); default in memory. */
  storage?: Storage | string;
  /** Seeds the default sampler and the built-in task's training seeds; random (and stored) when omitted. */
  seed?: number;
  /** Continue the study of this name if the storage already holds it (else creating it twice is an error). */
  loadIfExists?: boolean;
  /** When continuing, mark trials left RUNNING as FAIL (default true: the caller owns the study). */
  failStaleRunning?: boolean;
}

export interface LoadStudyOptions {
  name: string;
  storage: Storage | string;
  /** Default: TPE seeded with the stored study seed. */
  sampler?: Sampler;
  /** Default true: trials left RUNNING by a process that stopped are marked FAIL. */
  failStaleRunning?: boolean;
}

const DIRECTIONS: readonly Direction[] = ["minimize", "maximize"];

export class Study {
  private readonly running = new Map<number, LiveTrial>();
  /** Writes only the parts of the sampler's state that changed since the last finished trial. */
  readonly samplerStateWriter = new SamplerStateWriter();
  private stopRequested = false;
  private readonly view: StudyView;

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
  ) {
    const read = (): readonly FrozenTrial[] => this.storage.getAllTrials(this.studyId);
    this.view = { direction, trials: read };
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
    this.storage.sync?.();
    let fixed: Params = { ...fixedParams };
    if (this.space !== undefined) this.checkFixedAgainstSpace(fixed, "ask");
    const waiting = this.claimWaitingTrial();
    let number: number;
    if (waiting !== undefined) {
      number = waiting.number;
      const enqueued = (waiting.systemAttrs[TRIAL_ATTR.fixedParams] ?? {}) as Params;
      fixed = { ...enqueued, ...fixed };
    } else {
      number = this.storage.createTrial(this.studyId);
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
  optimize(objective: Objective | ObjectiveSpec, options: OptimizeOptions = {}): Promise<void> {
    this.stopRequested = false;
    return runOptimize(this.controls(), objective, options);
  }

  /** Lets running trials finish and starts no new ones (what Ctrl-C should call). */
  stop(): void {
    this.stopRequested = true;
  }

  /** Closes the storage if the study opened it from a path. */
  close(): void {
    if (this.ownsStorage) this.storage.close?.();
  }

  /** @internal Ends a trial with an already classified outcome (optimize uses it). */
  finish(trialOrNumber: LiveTrial | number, outcome: TrialOutcome): FrozenTrial {
    const number = typeof trialOrNumber === "number" ? trialOrNumber : trialOrNumber.number;
    this.storage.sync?.();
    const stored = this.storage.getTrial(this.studyId, number);
    if (stored.state !== "RUNNING") {
      throw new Error(
        `trial ${number} of study "${this.name}" is ${stored.state}, not RUNNING; only a running trial can be told its result`,
      );
    }
    if (outcome.state === "FAIL") this.storage.setTrialSystemAttr(this.studyId, number, TRIAL_ATTR.failReason, outcome.reason);
    this.storage.setTrialStateValue(this.studyId, number, outcome.state, outcome.state === "COMPLETE" ? outcome.value : undefined);
    const live = this.running.get(number) ?? (typeof trialOrNumber === "number" ? undefined : trialOrNumber);
    live?.markFinished(outcome.state);
    this.running.delete(number);
    const frozen = this.storage.getTrial(this.studyId, number);
    this.sampler.afterTrial?.(this.view, frozen);
    this.saveSamplerState();
    return frozen;
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
    if (this.sampler.saveState === undefined) return;
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
          throw new Error(
            `sampler "${this.sampler.name}" proposed ${JSON.stringify(value)} for parameter "${name}", which is not in ${describeDistribution(distribution)}`,
          );
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
          throw new Error(
            `sampler "${this.sampler.name}" proposed ${JSON.stringify(value)} for parameter "${name}", which is not in ${describeDistribution(distribution)}`,
          );
        }
        return value;
      },
      recordIntermediate: (number, step, value) => this.storage.setTrialIntermediateValue(this.studyId, number, step, value),
      recordUserAttr: (number, key, value) => this.storage.setTrialUserAttr(this.studyId, number, key, value),
    };
  }

  private controls(): StudyControls {
    return {
      study: this,
      view: this.view,
      shouldStop: () => this.stopRequested,
      startedOrFinishedCount: () => this.trials.filter((trial) => trial.state === "RUNNING" || isFinished(trial.state)).length,
    };
  }
}

/** What the optimize loop sees of a study. */
export interface StudyControls {
  study: Study;
  view: StudyView;
  shouldStop(): boolean;
  /** Trials RUNNING or finished, in every process: what totalTrials is measured against. */
  startedOrFinishedCount(): number;
}

export function createStudy(options: CreateStudyOptions = {}): Study {
  const direction = options.direction ?? "minimize";
  if (!DIRECTIONS.includes(direction)) throw new UsageError(`direction must be "minimize" or "maximize", got ${JSON.stringify(direction)}`);
  if (options.name !== undefined && (typeof options.name !== "string" || options.name === ""))
    throw new UsageError("a study name must be a non-empty string");
  if (options.seed !== undefined && !Number.isSafeInteger(options.seed))
    throw new UsageError(`the study seed must be an integer, got ${options.seed}`);
  if (options.space !== undefined) validateSpace(options.space);
  const storage = openStorage(options.storage);
  const ownsStorage = typeof options.storage === "string";
  const name = options.name ?? `study-${randomUUID()}`;
  const existing = storage.findStudy(name);
  if (existing !== undefined) {
    if (options.loadIfExists !== true) {
      throw new UsageError(`a study named "${name}" already exists in this storage; pass loadIfExists: true to continue it`);
    }
    if (options.direction !== undefined && existing.direction !== options.direction) {
      throw new UsageError(`study "${name}" was created to ${existing.direction}; it cannot be continued to ${options.direction}`);
    }
    return openExisting(storage, ownsStorage, name, {
      space: options.space,
      sampler: options.sampler,
      seed: options.seed,
      failStaleRunning: options.failStaleRunning ?? true,
    });
  }
  const seed = options.seed ?? randomInt(0, 2 ** 31);
  const sampler = options.sampler ?? tpeSampler({ seed });
  checkSamplerFitsSpace(sampler, options.space);
  const studyId = storage.createStudy(name, direction);
  storage.setStudySystemAttr(studyId, STUDY_ATTR.seed, seed);
  if (options.space !== undefined) storage.setStudySystemAttr(studyId, STUDY_ATTR.space, spaceToJSON(options.space));
  return new Study(storage, studyId, name, direction, options.space, sampler, seed, ownsStorage);
}

export function loadStudy(options: LoadStudyOptions): Study {
  if (options === undefined || typeof options.name !== "string" || options.name === "")
    throw new UsageError("loadStudy needs the study name");
  if (options.storage === undefined) throw new UsageError("loadStudy needs the storage (a Storage or a journal file path)");
  const storage = openStorage(options.storage);
  if (storage.findStudy(options.name) === undefined) {
    const known = storage.listStudies().map((study) => `"${study.name}"`);
    throw new UsageError(
      `no study named "${options.name}" in this storage${known.length > 0 ? `; it holds ${known.join(", ")}` : " (it holds no study)"}`,
    );
  }
  return openExisting(storage, typeof options.storage === "string", options.name, {
    sampler: options.sampler,
    failStaleRunning: options.failStaleRunning ?? true,
  });
}

function openExisting(
  storage: Storage,
  ownsStorage: boolean,
  name: string,
  options: { space?: SearchSpace; sampler?: Sampler; seed?: number; failStaleRunning: boolean },
): Study {
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
  if (options.space !== undefined && storedSpace === undefined)
    storage.setStudySystemAttr(summary.studyId, STUDY_ATTR.space, spaceToJSON(options.space));
  const sampler = options.sampler ?? tpeSampler({ seed });
  checkSamplerFitsSpace(sampler, space);
  // A state written by another kind of sampler means nothing to this one: it starts afresh.
  const savedState = savedSamplerState(summary.systemAttrs, sampler.name);
  if (savedState !== undefined) sampler.loadState?.(savedState);
  if (options.failStaleRunning) {
    for (const trial of storage.getAllTrials(summary.studyId)) {
      if (trial.state !== "RUNNING") continue;
      storage.setTrialSystemAttr(summary.studyId, trial.number, TRIAL_ATTR.failReason, STALE_RUNNING_REASON);
      storage.setTrialStateValue(summary.studyId, trial.number, "FAIL");
    }
  }
  const study = new Study(storage, summary.studyId, name, summary.direction, space, sampler, seed, ownsStorage);
  study.samplerStateWriter.remember(summary.systemAttrs);
  return study;
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
      `study "${name}" was created with a different search space (${storedNames.join(", ")}); continue it with the same space or without one`,
    );
  }
}
