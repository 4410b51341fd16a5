/**
 * The optimize loop: keep up to `concurrency` trials running, ask for a new one whenever one ends,
 * until a limit is reached. Trials that fail are recorded and the loop goes on (unless `catch` says
 * otherwise); running trials always finish before optimize returns.
 */

import { checkTimeout, type Executor, ExecutorUnavailableError } from "../execution/executor.ts";
import { InlineExecutor } from "../execution/inline.ts";
import { type ObjectiveSpec, runnableObjective } from "../objectives/spec.ts";
import { outcomeOfError, outcomeOfValue, type TrialOutcome } from "../trial/outcome.ts";
import type { FrozenTrial, Objective } from "../trial/types.ts";
import type { Study, StudyControls } from "./study.ts";
import type { LiveTrial } from "./trial.ts";

export type StudyCallback = (study: Study, trial: FrozenTrial) => void;

export interface OptimizeOptions {
  /** How many trials this call starts. */
  nTrials?: number;
  /** Stop once the study holds this many trials (finished or running, from any process): the same call resumes to its target. */
  totalTrials?: number;
  /** Start no new trial after this long; running ones finish. */
  timeoutMs?: number;
  /** A trial running longer fails with "timed out after N ms". */
  trialTimeoutMs?: number;
  /** Trials running at once; default: the executor's defaultConcurrency (a thread pool: threads x queueDepth), else 1. */
  concurrency?: number;
  /** Called after each finished trial, in the order trials finish. */
  callbacks?: StudyCallback[];
  /** Default: a new InlineExecutor. */
  executor?: Executor;
  /**
   * Which objective errors become FAIL trials while the study goes on: true (default) for all,
   * false for none, or a predicate. An error not caught is still recorded as FAIL, then optimize
   * lets the running trials finish and rejects with it. An executor that cannot run trials any more
   * (ExecutorUnavailableError: a closed pool, threads that cannot start) always ends optimize.
   */
  catch?: boolean | ((error: unknown) => boolean);
}

export async function runOptimize(controls: StudyControls, objective: Objective | ObjectiveSpec, options: OptimizeOptions): Promise<void> {
  const { study } = controls;
  checkCount(options.nTrials, "nTrials");
  checkCount(options.totalTrials, "totalTrials");
  checkTimeout(options.timeoutMs, "timeoutMs");
  checkTimeout(options.trialTimeoutMs, "trialTimeoutMs");
  const executor: Executor = options.executor ?? new InlineExecutor();
  const concurrency = options.concurrency ?? executor.defaultConcurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`concurrency must be an integer >= 1, got ${concurrency}`);
  for (const callback of options.callbacks ?? []) {
    if (typeof callback !== "function") throw new Error("callbacks must be functions (study, trial) => void");
  }
  const runnable = runnableObjective(objective, study.seed);
  executor.check?.(runnable, study.space);

  const startedAt = Date.now();
  const running = new Set<Promise<void>>();
  let started = 0;
  let fatal: { error: unknown } | undefined;

  const mayStart = (): boolean => {
    if (fatal !== undefined || controls.shouldStop()) return false;
    if (options.nTrials !== undefined && started >= options.nTrials) return false;
    if (options.timeoutMs !== undefined && Date.now() - startedAt >= options.timeoutMs) return false;
    if (options.totalTrials !== undefined && controls.startedOrFinishedCount() >= options.totalTrials) return false;
    if (study.sampler.isExhausted?.(controls.view, study.space ?? {}) === true) return false;
    return true;
  };

  const runTrial = async (trial: LiveTrial): Promise<void> => {
    let outcome: TrialOutcome;
    let thrown: { error: unknown } | undefined;
    try {
      const value = await executor.run({
        trial,
        params: { ...trial.params },
        distributions: { ...trial.paramDistributions },
        objective: runnable,
        timeoutMs: options.trialTimeoutMs,
        studyName: study.name,
      });
      outcome = outcomeOfValue(value);
    } catch (error) {
      outcome = outcomeOfError(error);
      if (outcome.state === "FAIL" && (error instanceof ExecutorUnavailableError || !catches(options.catch, error))) thrown = { error };
    }
    try {
      const frozen = study.finish(trial, outcome);
      if (thrown !== undefined) throw thrown.error;
      for (const callback of options.callbacks ?? []) callback(study, frozen);
    } catch (error) {
      fatal ??= { error };
    }
  };

  // With a study-wide target, the study is done only when no trial of it is RUNNING anywhere: wait for
  // other processes' trials, and fail those whose process stopped (no heartbeat) so they do not stay RUNNING.
  const waitForOthers = async (): Promise<boolean> => {
    if (options.totalTrials === undefined || fatal !== undefined || controls.shouldStop()) return false;
    if (options.nTrials !== undefined && started >= options.nTrials) return false;
    if (options.timeoutMs !== undefined && Date.now() - startedAt >= options.timeoutMs) return false;
    if (study.runningElsewhere().length === 0) return false;
    await new Promise((resolve) => setTimeout(resolve, controls.pollMs));
    study.failStaleTrials();
    return true;
  };

  while (true) {
    while (running.size < concurrency && mayStart()) {
      let trial: LiveTrial | undefined;
      try {
        trial = study.askWithin(options.totalTrials);
      } catch (error) {
        fatal = { error };
        break;
      }
      if (trial === undefined) break; // another process took the last trial of the target
      started++;
      const promise: Promise<void> = runTrial(trial).finally(() => running.delete(promise));
      running.add(promise);
    }
    if (running.size === 0) {
      if (await waitForOthers()) continue;
      break;
    }
    await Promise.race(running);
    // A synchronous objective settles in microtasks only; without this the event loop (Ctrl-C,
    // timers, sockets) would never run until the whole study is over.
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (fatal !== undefined) throw fatal.error;
}

function catches(rule: OptimizeOptions["catch"], error: unknown): boolean {
  if (rule === undefined || rule === true) return true;
  if (rule === false) return false;
  return rule(error);
}

function checkCount(value: number | undefined, what: string): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= 0)) throw new Error(`${what} must be an integer >= 0, got ${value}`);
}
