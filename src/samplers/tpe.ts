/**
 * Tree-structured Parzen estimator, after Optuna's default TPESampler.
 * The first nStartupTrials trials are random. Then the finished trials are split into good and bad
 * (split.ts), a Parzen estimator (tpe/parzen.ts) is fitted to each, nEiCandidates values are drawn
 * from the good one and the candidate with the largest log l(x) - log g(x) wins.
 * By default each parameter is modelled on its own (sampleIndependent); with multivariate=true the
 * declared space is modelled jointly in sampleRelative. On a declared discrete space a configuration
 * the study already holds is not proposed again while unseen ones remain (the best-ranked unseen
 * candidate, else a random unseen one), unless allowRepeats.
 */

import { Rng, type RngState } from "../nn/rng.ts";
import { containsValue } from "../space/compare.ts";
import { choiceCount, choiceIndex } from "../space/discrete.ts";
import type { Distribution, Params, ParamValue, SearchSpace } from "../space/types.ts";
import type { FrozenTrial } from "../trial/types.ts";
import { parseSamplerOptions, TpeOptionsSchema, type TpeSamplerOptions } from "./options.ts";
import { readRngState, sampleSpace, sampleUnseen, sampleValue } from "./random.ts";
import type { Sampler, StudyView } from "./sampler.ts";
import { configurationCount, configurationKey, isDiscreteSpace, seenConfigurations } from "./seen.ts";
import { ParzenEstimator, type ParzenOptions } from "./tpe/parzen.ts";
import { defaultGamma, defaultWeights, finishedTrials, splitTrials } from "./tpe/split.ts";

export type { TpeSamplerOptions } from "./options.ts";

/** Best-first search over per-parameter candidate lists stops after this many combinations. */
const MAX_COMBINATIONS_TRIED = 4096;

export class TpeSampler implements Sampler {
  readonly name = "tpe";
  readonly needsFullSpace = false;
  private readonly rng: Rng;
  private readonly nStartupTrials: number;
  private readonly nEiCandidates: number;
  private readonly gamma: (n: number) => number;
  private readonly parzen: ParzenOptions;
  private readonly allowRepeats: boolean;

  constructor(given: TpeSamplerOptions = {}) {
    const options = parseSamplerOptions("tpe", TpeOptionsSchema, given);
    this.rng = new Rng(options.seed ?? 0);
    this.nStartupTrials = options.nStartupTrials ?? 10;
    this.nEiCandidates = options.nEiCandidates ?? 24;
    const priorWeight = options.priorWeight ?? 1;
    this.gamma = options.gamma ?? defaultGamma;
    this.parzen = {
      priorWeight,
      considerMagicClip: options.considerMagicClip ?? true,
      considerEndpoints: options.considerEndpoints ?? false,
      multivariate: options.multivariate ?? false,
      weights: options.weights ?? defaultWeights,
    };
    this.allowRepeats = options.allowRepeats ?? false;
  }

  sampleRelative(study: StudyView, trialNumber: number, space: SearchSpace): Params {
    const names = Object.keys(space);
    if (names.length === 0) return {};
    const avoidRepeats = !this.allowRepeats && isDiscreteSpace(space);
    const finished = finishedTrials(study.trials(), trialNumber);
    if (finished.length < this.nStartupTrials) {
      return (avoidRepeats ? sampleUnseen(this.rng, study, trialNumber, space) : undefined) ?? sampleSpace(this.rng, space);
    }
    if (!this.parzen.multivariate && !avoidRepeats) {
      const params: Params = {};
      for (const name of names) params[name] = this.sampleIndependent(study, trialNumber, name, space[name]);
      return params;
    }
    const seen = avoidRepeats ? seenConfigurations(study, space, trialNumber) : new Set<string>();
    if (avoidRepeats && seen.size >= configurationCount(space)) seen.clear();
    const { below, above } = splitTrials(finished, study.direction, this.gamma);
    const choice = this.parzen.multivariate ? this.jointChoice(space, below, above, seen) : this.productChoice(space, below, above, seen);
    return choice ?? (sampleUnseen(this.rng, study, trialNumber, space) as Params);
  }

  sampleIndependent(study: StudyView, trialNumber: number, name: string, distribution: Distribution): ParamValue {
    const finished = finishedTrials(study.trials(), trialNumber);
    if (finished.length < this.nStartupTrials || singleValue(distribution) !== undefined) return sampleValue(this.rng, distribution);
    const { below, above } = splitTrials(finished, study.direction, this.gamma);
    const ranked = this.rankedCandidates({ [name]: distribution }, below, above);
    return ranked[0].params[name];
  }

  saveState(): { rng: RngState } {
    return { rng: this.rng.getState() };
  }

  loadState(state: unknown): void {
    this.rng.setState(readRngState(state, "tpe"));
  }

  /** Candidates from the good estimator for the space, best first (ties keep draw order). */
  private rankedCandidates(space: SearchSpace, below: FrozenTrial[], above: FrozenTrial[]): Array<{ params: Params; score: number }> {
    const good = new ParzenEstimator(observations(space, below), space, this.parzen);
    const bad = new ParzenEstimator(observations(space, above), space, this.parzen);
    const drawn = good.sample(this.rng, this.nEiCandidates);
    const logL = good.logPdf(drawn);
    const logG = bad.logPdf(drawn);
    const candidates = logL.map((l, i) => {
      const params: Params = {};
      for (const [name, distribution] of Object.entries(space)) params[name] = fromInternal(distribution, drawn[name][i]);
      const score = l - logG[i];
      return { params, score: Number.isNaN(score) ? -Infinity : score, order: i };
    });
    candidates.sort((a, b) => b.score - a.score || a.order - b.order);
    return candidates;
  }

  /** Multivariate: the best-ranked joint candidate not yet seen, drawing more rounds if all are seen. */
  private jointChoice(space: SearchSpace, below: FrozenTrial[], above: FrozenTrial[], seen: Set<string>): Params | undefined {
    for (let round = 0; round < 10; round++) {
      const ranked = this.rankedCandidates(space, below, above);
      const unseen = ranked.find((c) => !seen.has(configurationKey(space, c.params) as string));
      if (unseen !== undefined) return unseen.params;
    }
    return undefined;
  }

  /**
   * Independent parameters on a discrete space: the joint score of a combination is the sum of the
   * parameters' own scores, so search the combinations of each parameter's candidates best-first
   * and take the first one not yet seen.
   */
  private productChoice(space: SearchSpace, below: FrozenTrial[], above: FrozenTrial[], seen: Set<string>): Params | undefined {
    const names = Object.keys(space);
    const lists = names.map((name) => {
      const single = singleValue(space[name]);
      if (single !== undefined) return [{ value: single, score: 0 }];
      const unique = new Map<string, { value: ParamValue; score: number }>();
      for (const c of this.rankedCandidates({ [name]: space[name] }, below, above)) {
        const key = JSON.stringify(c.params[name]);
        if (!unique.has(key)) unique.set(key, { value: c.params[name], score: c.score });
      }
      return [...unique.values()];
    });
    const heap = new MaxHeap<number[]>();
    const queued = new Set<string>();
    const push = (indices: number[]) => {
      const key = indices.join(",");
      if (queued.has(key)) return;
      queued.add(key);
      heap.push(
        indices.reduce((sum, index, p) => sum + lists[p][index].score, 0),
        indices,
      );
    };
    push(names.map(() => 0));
    for (let tried = 0; tried < MAX_COMBINATIONS_TRIED && heap.size > 0; tried++) {
      const indices = heap.pop();
      const params: Params = {};
      names.forEach((name, p) => (params[name] = lists[p][indices[p]].value));
      if (!seen.has(configurationKey(space, params) as string)) return params;
      indices.forEach((index, p) => {
        if (index + 1 < lists[p].length) push(indices.map((j, q) => (q === p ? j + 1 : j)));
      });
    }
    return undefined;
  }
}

export function tpeSampler(options: TpeSamplerOptions = {}): TpeSampler {
  return new TpeSampler(options);
}

/** Per-parameter observations of the trials that hold a valid value for every parameter of the space. */
function observations(space: SearchSpace, trials: FrozenTrial[]): Record<string, number[]> {
  const names = Object.keys(space);
  const out: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  for (const trial of trials) {
    const usable = names.every((name) => Object.hasOwn(trial.params, name) && containsValue(space[name], trial.params[name]));
    if (!usable) continue;
    for (const name of names) {
      const distribution = space[name];
      const value = trial.params[name];
      out[name].push(distribution.type === "categorical" ? choiceIndex(distribution, value) : (value as number));
    }
  }
  return out;
}

function fromInternal(distribution: Distribution, value: number): ParamValue {
  return distribution.type === "categorical" ? distribution.choices[value] : value;
}

/** The only value a distribution can take, if it has just one. */
function singleValue(distribution: Distribution): ParamValue | undefined {
  if (distribution.type === "categorical") return distribution.choices.length === 1 ? distribution.choices[0] : undefined;
  if (distribution.low === distribution.high) return distribution.low;
  if ((distribution.type === "int" || distribution.step !== undefined) && choiceCount(distribution) === 1) return distribution.low;
  return undefined;
}

/** A small binary max-heap keyed by score; equal scores pop in insertion order. */
class MaxHeap<T> {
  private items: Array<{ score: number; seq: number; value: T }> = [];
  private seq = 0;

  get size(): number {
    return this.items.length;
  }

  push(score: number, value: T): void {
    this.items.push({ score, seq: this.seq++, value });
    let i = this.items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      [this.items[i], this.items[parent]] = [this.items[parent], this.items[i]];
      i = parent;
    }
  }

  pop(): T {
    const top = this.items[0];
    const last = this.items.pop()!;
    if (this.items.length > 0) {
      this.items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let best = i;
        if (l < this.items.length && this.before(l, best)) best = l;
        if (r < this.items.length && this.before(r, best)) best = r;
        if (best === i) break;
        [this.items[i], this.items[best]] = [this.items[best], this.items[i]];
        i = best;
      }
    }
    return top.value;
  }

  private before(i: number, j: number): boolean {
    const a = this.items[i];
    const b = this.items[j];
    return a.score > b.score || (a.score === b.score && a.seq < b.seq);
  }
}
