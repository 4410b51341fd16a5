import type { Distribution, Params, ParamValue, SearchSpace } from "../space/types.ts";
import type { Direction, FrozenTrial } from "../trial/types.ts";

/** What a sampler may read of the study it serves. */
export interface StudyView {
  readonly direction: Direction;
  /** Every trial so far, in number order, including RUNNING ones. */
  trials(): readonly FrozenTrial[];
}

/**
 * One interface for every sampler (after Optuna's BaseSampler).
 * - Samplers that need the whole space up front (grid, reinforce, ppo) set `needsFullSpace` and do
 *   their work in `sampleRelative`, returning a value for every parameter of the declared space.
 * - Define-by-run samplers (random, tpe) answer `sampleIndependent` for one parameter at a time, and
 *   may also answer `sampleRelative` for the declared space (TPE samples jointly there).
 * All randomness comes from the sampler's own seeded Rng, so one seed gives the same trials.
 */
export interface Sampler {
  readonly name: string;
  readonly needsFullSpace: boolean;
  /** Values for the declared space, for the trial about to start (its number is given). */
  sampleRelative(study: StudyView, trialNumber: number, space: SearchSpace): Params;
  /** A value for one parameter suggested define-by-run and not set by sampleRelative. */
  sampleIndependent(study: StudyView, trialNumber: number, name: string, distribution: Distribution): ParamValue;
  /** Called once a trial is finished (COMPLETE, FAIL or PRUNED). */
  afterTrial?(study: StudyView, trial: FrozenTrial): void;
  /** True when the sampler has nothing left to propose (grid exhausted): the study stops. */
  isExhausted?(study: StudyView, space: SearchSpace): boolean;
  /** JSON-serialisable state to save in the study (policy weights, optimiser, Rng), and to restore. */
  saveState?(): unknown;
  loadState?(state: unknown): void;
}
