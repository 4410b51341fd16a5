/**
 * Tree-structured Parzen estimator, after Optuna 5's TPESampler.
 * The first nStartupTrials trials are random. Then the finished trials are split into good and bad
 * (tpe/split.ts), a Parzen estimator (tpe/parzen.ts) is fitted to each, nEiCandidates points are drawn
 * from the good one and the candidate with the largest log l(x) - log g(x) wins.
 * By default (multivariate) parameters are modelled jointly: the declared space as one, and
 * define-by-run parameters by groups (tpe/groups.ts) of those that always appear together; the first
 * suggest of a group draws the whole group and the others take their values from that draw.
 * multivariate=false models each parameter on its own. With constantLiar, trials still running count
 * as bad ones (tpe/observations.ts), so concurrent asks spread out; it is off by default (Optuna 5 has it
 * on) because at 4, 8 and 16 concurrent trials it did not lower the regret in bench/samplers.ts's problems
 * (seeds 100-159), and raised it on Branin at 4 and 8.
 * On a declared discrete space a configuration the study already holds is not proposed again while
 * unseen ones remain (the best-ranked unseen candidate, else a random unseen one), unless allowRepeats.
 */

import { Rng, type RngState } from "../nn/rng.ts";
import { sameDistribution } from "../space/compare.ts";
import { choiceCount } from "../space/discrete.ts";
import { type Distribution, hasChoices, type Params, type ParamValue, type SearchSpace } from "../space/types.ts";
import type { FrozenTrial } from "../trial/types.ts";
import { parseSamplerOptions, TpeOptionsSchema, type TpeSamplerOptions } from "./options.ts";
import { readRngState, sampleSpace, sampleUnseen, sampleValue } from "./random.ts";
import type { Sampler, StudyView } from "./sampler.ts";
import { configurationCount, configurationKey, isDiscreteSpace, seenConfigurations } from "./seen.ts";
import { ParameterGroups } from "./tpe/groups.ts";
import { type History, observationColumns, readHistory } from "./tpe/observations.ts";
import { ParzenEstimator, type ParzenOptions } from "./tpe/parzen.ts";
import { defaultGamma, defaultWeights } from "./tpe/split.ts";

export type { TpeSamplerOptions } from "./options.ts";

/** Best-first search over per-parameter candidate lists stops after this many combinations. */
const MAX_COMBINATIONS_TRIED = 4096;

interface Scored {
  drawn: Record<string, Float64Array>;
  scores: Float64Array;
}

export class TpeSampler implements Sampler {
  readonly name = "tpe";
  readonly needsFullSpace = false;
  private readonly rng: Rng;
  private readonly nStartupTrials: number;
  private readonly nEiCandidates: number;
  private readonly gamma: (n: number) => number;
  private readonly parzen: ParzenOptions;
  /** The independent TPE's estimators (multivariate=false, or a parameter alone in its group). */
  private readonly parzenAlone: ParzenOptions;
  private readonly multivariate: boolean;
  private readonly constantLiar: boolean;
  private readonly allowRepeats: boolean;
  private readonly groups = new ParameterGroups();
  /** Values drawn with a group for trials not finished yet: later suggests of the group take them. */
  private readonly drawnFor = new Map<number, Params>();
  /** The distributions those values were drawn from: a suggest with another distribution draws afresh. */
  private readonly drawnFrom = new Map<number, SearchSpace>();
  /** The study those draws belong to (a sampler given to another study starts afresh). */
  private drawnIn: StudyView | undefined;
  private lastHistory: { study: StudyView; key: string; history: History } | undefined;

  constructor(given: TpeSamplerOptions = {}) {
    const options = parseSamplerOptions("tpe", TpeOptionsSchema, given);
    this.rng = new Rng(options.seed ?? 0);
    this.nStartupTrials = options.nStartupTrials ?? 10;
    this.nEiCandidates = options.nEiCandidates ?? 24;
    this.gamma = options.gamma ?? defaultGamma;
    this.multivariate = options.multivariate ?? true;
    this.constantLiar = options.constantLiar ?? false;
    this.parzenAlone = {
      priorWeight: options.priorWeight ?? 1,
      considerMagicClip: options.considerMagicClip ?? true,
      considerEndpoints: options.considerEndpoints ?? false,
      bandwidth: "neighbours-with-prior",
      weights: options.weights ?? defaultWeights,
    };
    this.parzen = this.multivariate ? { ...this.parzenAlone, bandwidth: MULTIVARIATE_BANDWIDTH } : this.parzenAlone;
    this.allowRepeats = options.allowRepeats ?? false;
  }

  sampleRelative(study: StudyView, trialNumber: number, space: SearchSpace): Params {
    const names = Object.keys(space);
    if (names.length === 0) return {};
    const avoidRepeats = !this.allowRepeats && isDiscreteSpace(space);
    const trials = study.trials();
    const history = this.history(study, trials, trialNumber);
    if (history.finished.length < this.nStartupTrials) {
      return (avoidRepeats ? sampleUnseen(this.rng, study, trialNumber, space) : undefined) ?? sampleSpace(this.rng, space);
    }
    if (!avoidRepeats) {
      if (this.multivariate) return this.bestCandidate(space, history, this.parzen);
      const params: Params = {};
      for (const name of names) params[name] = this.sampleAlone(history, name, space[name]);
      return params;
    }
    const seen = seenConfigurations(study, space, trialNumber);
    if (seen.size >= configurationCount(space)) seen.clear();
    const choice = this.multivariate ? this.jointChoice(space, history, seen) : this.productChoice(space, history, seen);
    return choice ?? (sampleUnseen(this.rng, study, trialNumber, space) as Params);
  }

  sampleIndependent(study: StudyView, trialNumber: number, name: string, distribution: Distribution): ParamValue {
    if (study !== this.drawnIn) {
      this.drawnIn = study;
      this.drawnFor.clear();
      this.drawnFrom.clear();
    }
    const drawn = this.drawnFor.get(trialNumber);
    if (drawn !== undefined && Object.hasOwn(drawn, name) && sameDistribution(this.drawnFrom.get(trialNumber)![name], distribution)) {
      return drawn[name];
    }
    const trials = study.trials();
    if (countFinished(trials, trialNumber) < this.nStartupTrials || singleValue(distribution) !== undefined) {
      return sampleValue(this.rng, distribution);
    }
    const history = this.history(study, trials, trialNumber);
    if (!this.multivariate) return this.sampleAlone(history, name, distribution);
    const space = this.groupSpace(study, trials, trialNumber, name, distribution);
    if (Object.keys(space).length === 1) return this.sampleAlone(history, name, distribution);
    const params = this.bestCandidate(space, history, this.parzen);
    this.drawnFor.set(trialNumber, { ...drawn, ...params });
    this.drawnFrom.set(trialNumber, { ...this.drawnFrom.get(trialNumber), ...space });
    return params[name];
  }

  afterTrial(_study: StudyView, trial: FrozenTrial): void {
    this.drawnFor.delete(trial.number);
    this.drawnFrom.delete(trial.number);
  }

  saveState(): { rng: RngState } {
    return { rng: this.rng.getState() };
  }

  loadState(state: unknown): void {
    this.rng.setState(readRngState(state, "tpe"));
  }

  /**
   * The good/bad split, kept while the study's trials stay the same: the suggests of one trial share it.
   * Finished trials never change, and a trial that starts or finishes changes the count or the length.
   */
  private history(study: StudyView, trials: readonly FrozenTrial[], trialNumber: number): History {
    const key = `${trialNumber}/${trials.length}/${countFinished(trials, trialNumber)}`;
    if (this.lastHistory?.study === study && this.lastHistory.key === key) return this.lastHistory.history;
    const history = readHistory(trials, trialNumber, study.direction, this.gamma, this.constantLiar);
    this.lastHistory = { study, key, history };
    return history;
  }

  /**
   * The parameters modelled with `name`: its group among the finished trials, less those this trial
   * already holds or has drawn, those with one value, and those whose distribution the trials disagree on.
   */
  private groupSpace(study: StudyView, trials: readonly FrozenTrial[], trialNumber: number, name: string, distribution: Distribution) {
    const space: SearchSpace = { [name]: distribution };
    this.groups.update(study, trials);
    const group = this.groups.groupOf(name);
    if (group === undefined || group.size === 1) return space;
    const current = trials[trialNumber]?.number === trialNumber ? trials[trialNumber] : trials.find((t) => t.number === trialNumber);
    const last = latestDistributions(trials, group);
    const known = last.get(name);
    if (known === undefined || !sameDistribution(known, distribution)) return space;
    for (const other of [...group].sort()) {
      const d = last.get(other);
      if (other === name || d === undefined || singleValue(d) !== undefined) continue;
      if (current !== undefined && Object.hasOwn(current.params, other)) continue;
      space[other] = d;
    }
    return space;
  }

  /** One parameter on its own, with the independent TPE's estimators. */
  private sampleAlone(history: History, name: string, distribution: Distribution): ParamValue {
    if (singleValue(distribution) !== undefined) return sampleValue(this.rng, distribution);
    return this.bestCandidate({ [name]: distribution }, history, this.parzenAlone)[name];
  }

  /** Candidates drawn from the good estimator and their scores log l(x) - log g(x). */
  private scoreCandidates(space: SearchSpace, history: History, options: ParzenOptions): Scored {
    const good = new ParzenEstimator(observationColumns(space, history.below), space, options);
    const bad = new ParzenEstimator(observationColumns(space, history.above, this.drawnFor), space, options);
    const drawn = good.sample(this.rng, this.nEiCandidates);
    const scores = good.logPdf(drawn);
    const logG = bad.logPdf(drawn);
    for (let i = 0; i < scores.length; i++) {
      const score = scores[i] - logG[i];
      scores[i] = Number.isNaN(score) ? -Infinity : score;
    }
    return { drawn, scores };
  }

  /** The best-scored candidate (the first drawn among equals). */
  private bestCandidate(space: SearchSpace, history: History, options: ParzenOptions): Params {
    const { drawn, scores } = this.scoreCandidates(space, history, options);
    let best = 0;
    for (let i = 1; i < scores.length; i++) if (scores[i] > scores[best]) best = i;
    return candidateParams(space, drawn, best);
  }

  /** Candidates for the space, best first (ties keep draw order). */
  private rankedCandidates(space: SearchSpace, history: History, options: ParzenOptions): Array<{ params: Params; score: number }> {
    const { drawn, scores } = this.scoreCandidates(space, history, options);
    const order = Array.from(scores, (_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
    return order.map((i) => ({ params: candidateParams(space, drawn, i), score: scores[i] }));
  }

  /** Multivariate: the best-ranked joint candidate not yet seen, drawing more rounds if all are seen. */
  private jointChoice(space: SearchSpace, history: History, seen: Set<string>): Params | undefined {
    for (let round = 0; round < 10; round++) {
      const ranked = this.rankedCandidates(space, history, this.parzen);
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
  private productChoice(space: SearchSpace, history: History, seen: Set<string>): Params | undefined {
    const names = Object.keys(space);
    const lists = names.map((name) => {
      const single = singleValue(space[name]);
      if (single !== undefined) return [{ value: single, score: 0 }];
      const unique = new Map<string, { value: ParamValue; score: number }>();
      for (const c of this.rankedCandidates({ [name]: space[name] }, history, this.parzenAlone)) {
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

/** Which model the multivariate TPE's kernels use (see tpe/bandwidth.ts). */
const MULTIVARIATE_BANDWIDTH = "neighbours";

/** How many trials other than `exceptTrial` are finished (as finishedTrials counts them), without building a list. */
function countFinished(trials: readonly FrozenTrial[], exceptTrial: number): number {
  let count = 0;
  for (const t of trials) {
    if (t.number === exceptTrial) continue;
    if (t.state === "FAIL" || t.state === "PRUNED" || (t.state === "COMPLETE" && Number.isFinite(t.value))) count++;
  }
  return count;
}

/** The distribution each parameter of the group had in the latest finished trial holding it. */
function latestDistributions(trials: readonly FrozenTrial[], group: ReadonlySet<string>): Map<string, Distribution> {
  const found = new Map<string, Distribution>();
  for (let i = trials.length - 1; i >= 0 && found.size < group.size; i--) {
    const trial = trials[i];
    if (trial.state !== "COMPLETE" && trial.state !== "PRUNED") continue;
    for (const name of group) {
      const d = trial.distributions[name];
      if (!found.has(name) && d !== undefined && Object.hasOwn(trial.params, name)) found.set(name, d);
    }
  }
  return found;
}

function candidateParams(space: SearchSpace, drawn: Record<string, Float64Array>, index: number): Params {
  const params: Params = {};
  for (const [name, distribution] of Object.entries(space)) params[name] = fromInternal(distribution, drawn[name][index]);
  return params;
}

function fromInternal(distribution: Distribution, value: number): ParamValue {
  return hasChoices(distribution) ? distribution.choices[value] : value;
}

/** The only value a distribution can take, if it has just one. */
function singleValue(distribution: Distribution): ParamValue | undefined {
  if (hasChoices(distribution)) return distribution.choices.length === 1 ? distribution.choices[0] : undefined;
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
