/**
 * Gaussian-process Bayesian optimisation (after Optuna's GPSampler; our own code).
 * The first nStartupTrials completed trials are random. Then, over the parameters every completed trial
 * holds (intersection.ts), a GP with a Matern 5/2 ARD kernel (kernel.ts) is fitted to the standardised
 * values by maximum a posteriori (fit.ts), RUNNING trials join as constant-liar points (observations.ts),
 * and the point of highest log expected improvement (acquisition.ts, optimize-acqf.ts) is proposed.
 * Parameters outside the modelled part are sampled at random (random.ts). A configuration of a FAIL trial
 * is never proposed again, nor, on a fully discrete space, any configuration the study already holds
 * (unless allowRepeats).
 *
 * Define-by-run: the first sampleIndependent call of a trial fits the GP on the intersection space and
 * keeps the proposal for that trial; later calls of the same trial read it.
 */

import { Rng, type RngState } from "../../nn/rng.ts";
import { containsValue, sameDistribution } from "../../space/compare.ts";
import type { Distribution, Params, ParamValue, SearchSpace } from "../../space/types.ts";
import type { FrozenTrial } from "../../trial/types.ts";
import { GpOptionsSchema, type GpSamplerOptions, parseSamplerOptions } from "../options.ts";
import { readRngState, sampleSpace, sampleUnseen, sampleValue } from "../random.ts";
import type { Sampler, StudyView } from "../sampler.ts";
import { configurationCount, configurationKey, isDiscreteSpace, seenConfigurations } from "../seen.ts";
import { logExpectedImprovement } from "./acquisition.ts";
import { type Dimension, decodeValue, dimensionOf, encodeValue, indexOfCoordinate } from "./encoding.ts";
import { ConfigurationGrid, configurationCountOf, FINITE_SPACE_LIMIT, maximizeOverGrid, SolvedKernelRows } from "./finite-space.ts";
import { defaultTheta, fitHyperparameters, hyperparametersOf, type TrainingData } from "./fit.ts";
import { intersectionSpace, modelledPartOf } from "./intersection.ts";
import { buildObservations, type Observations } from "./observations.ts";
import { type AcquisitionScore, maximizeAcquisition, type ScoredPoint } from "./optimize-acqf.ts";
import { GpPosterior } from "./posterior.ts";

export type { GpSamplerOptions } from "../options.ts";

interface KernelFit {
  names: string[];
  theta: Float64Array;
  /** Completed trials the fit saw (-1 when unknown). */
  trials: number;
}

/** Below this many completed trials the kernel fit restarts from several points (see fitStarts). */
const RESTARTS_BELOW = 40;
/**
 * Once fitted on n trials, the kernel is fitted again only when the study has grown by this share of n
 * (at least one trial): one more point moves the hyperparameters little, and a fit costs O(n³) per step.
 * The posterior is still conditioned on every trial at every ask.
 */
const REFIT_GROWTH = 0.2;
/** L-BFGS iterations of a fit that starts from the previous fit alone. */
const WARM_FIT_ITERATIONS = 20;
/** Standard deviation, in log units, of the random start around the priors' modes. */
const RANDOM_START_SPREAD = 1.5;

interface SavedState {
  rng: RngState;
  /** The last fitted hyperparameters, keyed by the modelled parameters' names, and the completed trials they were fitted on. */
  fit?: { names: string[]; theta: number[]; trials?: number };
}

export class GpSampler implements Sampler {
  readonly name = "gp";
  readonly needsFullSpace = false;
  private readonly rng: Rng;
  private readonly nStartupTrials: number;
  private readonly nCandidates: number;
  private readonly allowRepeats: boolean;
  private lastFit: KernelFit | undefined;
  /** The last small finite space's configurations and solved kernel rows (finite-space.ts). */
  private grid: { key: string; grid: ConfigurationGrid; rows: SolvedKernelRows } | undefined;
  /** The joint proposal for the trial being sampled define-by-run. */
  private proposal: { trialNumber: number; space: SearchSpace; params: Params } | undefined;

  constructor(given: GpSamplerOptions = {}) {
    const options = parseSamplerOptions("gp", GpOptionsSchema, given);
    this.rng = new Rng(options.seed ?? 0);
    this.nStartupTrials = options.nStartupTrials ?? 10;
    this.nCandidates = options.nCandidates ?? 256;
    this.allowRepeats = options.allowRepeats ?? false;
  }

  sampleRelative(study: StudyView, trialNumber: number, space: SearchSpace): Params {
    if (Object.keys(space).length === 0) return {};
    // Parameters suggested define-by-run in this trial are then sampled at random.
    this.proposal = { trialNumber, space: {}, params: {} };
    const completed = completedTrials(study.trials(), trialNumber);
    const discrete = !this.allowRepeats && isDiscreteSpace(space);
    if (completed.length < this.nStartupTrials) return this.randomConfiguration(study, trialNumber, space, discrete);
    const modelled = modelledPartOf(space, completed);
    const params = Object.keys(modelled).length > 0 ? this.propose(study, trialNumber, modelled, discrete && isWhole(modelled, space)) : {};
    for (const [name, distribution] of Object.entries(space)) {
      if (!Object.hasOwn(params, name)) params[name] = sampleValue(this.rng, distribution);
    }
    return params;
  }

  sampleIndependent(study: StudyView, trialNumber: number, name: string, distribution: Distribution): ParamValue {
    if (this.proposal?.trialNumber !== trialNumber) {
      const completed = completedTrials(study.trials(), trialNumber);
      const space = completed.length >= this.nStartupTrials ? intersectionSpace(completed) : {};
      const params = Object.keys(space).length > 0 ? this.propose(study, trialNumber, space, false) : {};
      this.proposal = { trialNumber, space, params };
    }
    const { space, params } = this.proposal;
    if (Object.hasOwn(params, name) && sameDistribution(space[name], distribution)) return params[name];
    return sampleValue(this.rng, distribution);
  }

  saveState(): SavedState {
    const state: SavedState = { rng: this.rng.getState() };
    const fit = this.lastFit;
    if (fit !== undefined) state.fit = { names: fit.names.slice(), theta: Array.from(fit.theta), trials: fit.trials };
    return state;
  }

  loadState(state: unknown): void {
    const rng = readRngState(state, "gp");
    const fit = (state as SavedState).fit;
    if (fit !== undefined) {
      const valid =
        Array.isArray(fit.names) &&
        Array.isArray(fit.theta) &&
        fit.theta.length === fit.names.length + 2 &&
        fit.theta.every((value) => typeof value === "number" && Number.isFinite(value)) &&
        (fit.trials === undefined || (Number.isInteger(fit.trials) && fit.trials >= 0));
      if (!valid) {
        throw new Error('gp sampler: saved state\'s "fit" must hold names, theta (two more numbers than names) and a trial count');
      }
    }
    this.rng.setState(rng);
    // A state saved before fits recorded their trial count refits at the next ask.
    this.lastFit =
      fit === undefined ? undefined : { names: fit.names.slice(), theta: Float64Array.from(fit.theta), trials: fit.trials ?? -1 };
    this.proposal = undefined;
  }

  /** The GP's choice for the modelled space (every parameter of it), or a random one if every point found is excluded. */
  private propose(study: StudyView, trialNumber: number, space: SearchSpace, avoidSeen: boolean): Params {
    const names = Object.keys(space);
    const dimensions = names.map((name) => dimensionOf(name, space[name]));
    const trials = study.trials();
    const observations = buildObservations(trials, dimensions, study.direction, trialNumber);
    const theta = this.kernelFit(names, observations.completed);
    const posterior = new GpPosterior(observations.withPending, hyperparametersOf(theta, names.length));
    const excluded = failedConfigurations(trials, dimensions);
    const seen = avoidSeen ? seenConfigurations(study, space, trialNumber) : undefined;
    if (seen !== undefined && seen.size >= configurationCount(space)) seen.clear();
    const ranked =
      configurationCountOf(dimensions) <= FINITE_SPACE_LIMIT
        ? this.bestOfGrid(space, dimensions, posterior, observations, theta, gridSkips(trials, trialNumber, dimensions, seen))
        : this.searchAcquisition(dimensions, posterior, observations);
    for (const { point } of ranked) {
      const params = decodePoint(dimensions, point);
      if (excluded.has(valueKey(dimensions, params))) continue;
      if (seen?.has(configurationKey(space, params) as string)) continue;
      return params;
    }
    return this.randomConfiguration(study, trialNumber, space, seen !== undefined);
  }

  /** Log EI maximised over the space by candidates and coordinate search (optimize-acqf.ts). */
  private searchAcquisition(dimensions: Dimension[], posterior: GpPosterior, observations: Observations): ScoredPoint[] {
    const best = observations.best;
    const score: AcquisitionScore = (points, row, threshold) => {
      posterior.predictMean(points, row);
      const bound = logExpectedImprovement(posterior.mean, posterior.varianceBound, best);
      if (bound <= threshold) return bound;
      posterior.completeVariance();
      return logExpectedImprovement(posterior.mean, posterior.variance, best);
    };
    return maximizeAcquisition(dimensions, score, this.rng, observations.bestPoints.slice(0, 1), { candidates: this.nCandidates });
  }

  /** Log EI maximised exactly over every configuration of a small finite space not skipped (finite-space.ts). */
  private bestOfGrid(
    space: SearchSpace,
    dimensions: Dimension[],
    posterior: GpPosterior,
    observations: Observations,
    theta: Float64Array,
    skip: (grid: ConfigurationGrid) => Uint8Array,
  ): ScoredPoint[] {
    const key = JSON.stringify(space);
    if (this.grid?.key !== key) this.grid = { key, grid: new ConfigurationGrid(dimensions), rows: new SolvedKernelRows() };
    const { grid, rows } = this.grid;
    const solved = rows.rowsFor(grid, observations.withPending, posterior, `${theta.join(",")};${posterior.jitter}`);
    const found = maximizeOverGrid(grid, solved, posterior, observations.best, skip(grid));
    return found === undefined ? [] : [found];
  }

  /**
   * The kernel's hyperparameters for this ask: the last fit's while the study has grown by less than
   * REFIT_GROWTH since it, else a new fit (warm-started from the last one when there is one).
   */
  private kernelFit(names: string[], data: TrainingData): Float64Array {
    const last = this.lastFit;
    const warm =
      last !== undefined && last.names.length === names.length && last.names.every((name, i) => name === names[i]) ? last : undefined;
    if (warm !== undefined && data.n >= warm.trials && data.n < warm.trials + Math.max(1, Math.round(REFIT_GROWTH * warm.trials))) {
      return warm.theta;
    }
    const iterations = warm !== undefined && data.n >= RESTARTS_BELOW ? WARM_FIT_ITERATIONS : undefined;
    const theta = fitHyperparameters(data, this.fitStarts(names.length, warm?.theta, data.n), iterations);
    this.lastFit = { names, theta, trials: data.n };
    return theta;
  }

  /** A random configuration: unseen on a discrete space when avoidSeen, and never one that failed (within 32 draws). */
  private randomConfiguration(study: StudyView, trialNumber: number, space: SearchSpace, avoidSeen: boolean): Params {
    const dimensions = Object.keys(space).map((name) => dimensionOf(name, space[name]));
    const failed = failedConfigurations(study.trials(), dimensions);
    let params: Params = {};
    for (let attempt = 0; attempt < 32; attempt++) {
      params = (avoidSeen ? sampleUnseen(this.rng, study, trialNumber, space) : undefined) ?? sampleSpace(this.rng, space);
      if (!failed.has(valueKey(dimensions, params))) break;
    }
    return params;
  }

  /**
   * Where the kernel fit starts: in small studies the prior means, the previous fit over the same
   * parameters and a draw from the prior; from RESTARTS_BELOW trials on, the previous fit alone when
   * there is one (one more point moves the optimum little, and each start costs O(n³) per step).
   */
  private fitStarts(d: number, warm: Float64Array | undefined, n: number): Float64Array[] {
    if (warm !== undefined && n >= RESTARTS_BELOW) return [warm];
    const starts = [defaultTheta(d)];
    if (warm !== undefined) starts.push(warm);
    const drawn = defaultTheta(d);
    for (let k = 0; k < d; k++) drawn[k] += RANDOM_START_SPREAD * this.rng.normal();
    drawn[d] += RANDOM_START_SPREAD * this.rng.normal();
    starts.push(drawn);
    return starts;
  }
}

export function gpSampler(options: GpSamplerOptions = {}): GpSampler {
  return new GpSampler(options);
}

/**
 * Which configurations of the grid to skip: those of FAIL trials, and when `seen` is given (a discrete
 * space that avoids repeats and still has unseen configurations) those of every other trial.
 */
function gridSkips(trials: readonly FrozenTrial[], trialNumber: number, dimensions: readonly Dimension[], seen: Set<string> | undefined) {
  return (grid: ConfigurationGrid): Uint8Array => {
    const skip = new Uint8Array(grid.count);
    for (const trial of trials) {
      if (trial.number === trialNumber || (seen === undefined && trial.state !== "FAIL")) continue;
      const indices = gridIndices(dimensions, trial.params);
      if (indices !== undefined) skip[grid.positionOf(indices)] = 1;
    }
    if (seen !== undefined && seen.size === 0) {
      // Every configuration was seen (so `seen` was emptied): only failed ones stay skipped.
      return gridSkips(trials, trialNumber, dimensions, undefined)(grid);
    }
    return skip;
  };
}

/** The grid (or choice) index of each modelled parameter of `params`, or undefined when one is missing or outside its distribution. */
function gridIndices(dimensions: readonly Dimension[], params: Params): number[] | undefined {
  const indices: number[] = [];
  for (const dimension of dimensions) {
    const value = params[dimension.name];
    if (!Object.hasOwn(params, dimension.name) || !containsValue(dimension.distribution, value)) return undefined;
    indices.push(indexOfCoordinate(dimension, encodeValue(dimension, value)));
  }
  return indices;
}

function completedTrials(trials: readonly FrozenTrial[], exceptTrial: number): FrozenTrial[] {
  return trials.filter((trial) => trial.state === "COMPLETE" && trial.number !== exceptTrial);
}

function isWhole(part: SearchSpace, space: SearchSpace): boolean {
  return Object.keys(part).length === Object.keys(space).length;
}

function decodePoint(dimensions: readonly Dimension[], point: Float64Array): Params {
  const params: Params = {};
  dimensions.forEach((dimension, k) => (params[dimension.name] = decodeValue(dimension, point[k])));
  return params;
}

function valueKey(dimensions: readonly Dimension[], params: Params): string {
  return JSON.stringify(dimensions.map((dimension) => params[dimension.name]));
}

/** Keys of the configurations (over the modelled parameters) of FAIL trials. */
function failedConfigurations(trials: readonly FrozenTrial[], dimensions: readonly Dimension[]): Set<string> {
  const keys = new Set<string>();
  for (const trial of trials) {
    if (trial.state !== "FAIL" || !dimensions.every((dimension) => Object.hasOwn(trial.params, dimension.name))) continue;
    keys.add(valueKey(dimensions, trial.params));
  }
  return keys;
}
