/**
 * The sampler benchmark on an exhaustive table: for each sampler, budget and repeat, the
 * configuration the sampler would report as best (lowest observed validation loss), judged by the
 * table's truth: regret = its mean validation loss over the table's seeds minus the table's best
 * mean; its rank percentile among the table's configurations; its mean test loss.
 *
 * Each repeat (seed r) is one in-memory study of the largest budget, read off at every budget as the
 * best observed among its first `budget` trials, which is what a study of that budget would have seen.
 * Studies run on worker threads (see bench-worker.ts), one study per job.
 */
import { availableParallelism } from "node:os";
import { runJobs } from "../execution/job-runner.ts";
import { moduleBeside } from "../execution/worker-thread.ts";
import { Rng } from "../nn/rng.ts";
import { tableObjective } from "../objectives/table.ts";
import { SAMPLER_LABELS, samplerFromLabel } from "../samplers/index.ts";
import type { Sampler, StudyView } from "../samplers/sampler.ts";
import type { Params } from "../space/types.ts";
import {
  averageRanks,
  type ConfigurationTable,
  indicesAt,
  indicesOfValues,
  loadTable,
  positionOf,
  TABLE_CONFIGURATIONS,
  TABLE_PARAMS,
  valuesAt,
} from "../tasks/table.ts";
import type { FrozenTrial, Trial } from "../trial/types.ts";
import { type BenchComparison, compareCells } from "./bench-comparisons.ts";

export interface SamplerBenchOptions {
  /** The table file (.csv or .csv.gz). */
  table: string;
  /** Sampler labels (samplerFromLabel): random, grid, tpe, reinforce-mlp, ... */
  samplers: string[];
  /** Evaluation budgets, each >= 1. */
  budgets: number[];
  /** Repeats per sampler: seeds firstSeed..firstSeed+repeats-1. */
  repeats: number;
  /** The first repeat's seed (default 0), so defaults chosen on some seeds can be reported on others. */
  firstSeed?: number;
  /** The preset the samplers search (Table.coveredSpace): "paper" (ordered, the default) or "paper-categorical". */
  space?: string;
  /** Worker threads; default os.availableParallelism(). 0 runs the studies in this thread. */
  workers?: number;
  /**
   * Studies already run (by an earlier, interrupted call): those of a listed sampler and seed with at
   * least the largest budget's trials are not run again.
   */
  previous?: readonly BenchStudyTrace[];
  /** Called after every finished study. */
  onStudyDone?: (done: number, total: number, run: BenchStudyTrace) => void;
}

/** What one study saw: per trial, the configuration's position and the observed value (NaN for a FAIL trial). */
export interface BenchStudyTrace {
  sampler: string;
  seed: number;
  positions: number[];
  values: number[];
  seconds: number;
}

/** The best configuration a sampler reports after `budget` evaluations, judged on the table. */
export interface BenchPoint {
  budget: number;
  /** Trials actually run by then (fewer when the sampler ran out of configurations). */
  evaluations: number;
  /** null when no trial completed. */
  configuration: Record<string, number> | null;
  observedValue: number | null;
  regret: number | null;
  rankPercentile: number | null;
  meanTestLoss: number | null;
  /**
   * The regret of the best configuration (by its mean over the table's seeds, which no sampler sees) among
   * those the study completed by then: what the search found, before one seed's noise chose which to report.
   */
  bestEvaluatedRegret: number | null;
}

export interface BenchRun {
  sampler: string;
  seed: number;
  seconds: number;
  points: BenchPoint[];
}

export interface BenchCell {
  sampler: string;
  budget: number;
  runs: number;
  medianRegret: number | null;
  regretQ1: number | null;
  regretQ3: number | null;
  /** Mean over repeats of the sampler's rank among the samplers (1 = lowest regret; ties averaged). */
  meanRank: number;
  medianRankPercentile: number | null;
  medianMeanTestLoss: number | null;
  /** Median of the points' bestEvaluatedRegret (null when a run has none, e.g. one recorded before it existed). */
  medianBestEvaluatedRegret: number | null;
  /** Share of the runs misled by noise: they completed a better configuration than the one they report (a lucky seed hid it). */
  misledShare: number | null;
}

export interface TableSummary {
  path: string;
  seeds: number[];
  configurations: number;
  bestMeanValidationLoss: number;
  bestConfiguration: Record<string, number>;
  bestMeanTestLoss: number;
  /** Spearman's rank correlation of the first two seeds' validation losses (null with one seed). */
  seedRankCorrelation: number | null;
  /**
   * Exhaustive search under noise: median regret of the best observed configuration when every
   * configuration is evaluated once, each with a random one of the table's seeds (over 101 draws).
   * Not a floor: a sampler that evaluates fewer near-best configurations gives fewer of them the
   * chance of a lucky seed that hides the true best, and can do better.
   */
  exhaustiveMedianRegret: number;
}

export interface SamplerBenchResult {
  table: TableSummary;
  /** The preset the samplers searched (absent in results written before presets could be chosen: paper-categorical). */
  space?: string;
  samplers: string[];
  budgets: number[];
  repeats: number;
  /** Repeats ran seeds firstSeed..firstSeed+repeats-1. */
  firstSeed: number;
  workers: number;
  wallSeconds: number;
  cells: BenchCell[];
  /** Per cell: each sampler against random, each RL sampler against the best non-RL one (bench-comparisons.ts). */
  comparisons: BenchComparison[];
  runs: BenchRun[];
}

function checkOptions(options: SamplerBenchOptions): void {
  if (!Array.isArray(options.samplers) || options.samplers.length === 0) throw new Error("give at least one sampler");
  for (const label of options.samplers) {
    if (!(SAMPLER_LABELS as readonly string[]).includes(label)) {
      throw new Error(`unknown sampler label "${label}"; labels: ${SAMPLER_LABELS.join(", ")}`);
    }
  }
  const duplicate = options.samplers.find((label, i) => options.samplers.indexOf(label) !== i);
  if (duplicate !== undefined) throw new Error(`sampler "${duplicate}" is listed twice`);
  if (!Array.isArray(options.budgets) || options.budgets.length === 0) throw new Error("give at least one budget");
  for (const budget of options.budgets) {
    if (!Number.isInteger(budget) || budget < 1) throw new Error(`a budget must be an integer >= 1, got ${budget}`);
  }
  if (!Number.isInteger(options.repeats) || options.repeats < 1) throw new Error(`repeats must be an integer >= 1, got ${options.repeats}`);
  if (options.firstSeed !== undefined && (!Number.isSafeInteger(options.firstSeed) || options.firstSeed < 0)) {
    throw new Error(`firstSeed must be an integer >= 0, got ${options.firstSeed}`);
  }
  if (options.workers !== undefined && (!Number.isInteger(options.workers) || options.workers < 0)) {
    throw new Error(`workers must be an integer >= 0, got ${options.workers}`);
  }
}

/** The table, checked complete over the part of the paper space it covers (a benchmark needs every run). */
export function benchTable(path: string): ConfigurationTable {
  const table = loadTable(path);
  const missing = table.missingRuns();
  if (missing > 0) {
    throw new Error(
      `${path}: ${missing} runs (configuration x seed) of the space the table covers have no row; ` +
        "finish the build (hyperforce table build resumes it) before benchmarking",
    );
  }
  return table;
}

/**
 * Runs one study of `budget` trials of a sampler on the table, in this thread, as an in-memory
 * ask -> look up -> tell loop over the sampler interface: the sampler sees exactly what a Study shows
 * it (every trial so far, the new one RUNNING while it samples; afterTrial once it ends). A Study
 * would also write every trial and the sampler's state to its storage, which a benchmark never
 * resumes from: about 6x the loop's time for 300 trials, measured here. `makeSampler` replaces the
 * label's sampler (for settings studies in bench/; the label then only names it).
 */
export async function runBenchStudy(
  tablePath: string,
  samplerLabel: string,
  seed: number,
  budget: number,
  makeSampler: (seed: number) => Sampler = (seed) => samplerFromLabel(samplerLabel, seed),
  spacePreset = "paper",
): Promise<BenchStudyTrace> {
  const started = performance.now();
  const table = benchTable(tablePath);
  const space = table.coveredSpace(spacePreset);
  const sampler = makeSampler(seed);
  const objective = tableObjective({ table, seed });
  const trials: FrozenTrial[] = [];
  const view: StudyView = { direction: "minimize", trials: () => trials };
  const positions: number[] = [];
  const values: number[] = [];
  for (let number = 0; number < budget; number++) {
    if (sampler.isExhausted?.(view, space) === true) break;
    const running: FrozenTrial = {
      number,
      state: "RUNNING",
      params: {},
      distributions: {},
      intermediateValues: {},
      userAttrs: {},
      systemAttrs: {},
    };
    trials.push(running);
    const params: Params = { ...sampler.sampleRelative(view, number, space) };
    for (const [name, distribution] of Object.entries(space)) {
      if (!Object.hasOwn(params, name)) params[name] = sampler.sampleIndependent(view, number, name, distribution);
    }
    running.params = params;
    running.distributions = space;
    const indices = indicesOfValues(TABLE_PARAMS.map((name) => params[name] as number));
    if (indices === undefined) {
      throw new Error(`sampler ${samplerLabel} proposed parameters outside the paper space: ${JSON.stringify(params)}`);
    }
    let finished: FrozenTrial;
    try {
      const value = await objective(benchTrial(number, params, running.userAttrs));
      finished = { ...running, state: "COMPLETE", value };
    } catch (error) {
      finished = { ...running, state: "FAIL", failReason: (error as Error).message };
    }
    trials[number] = finished;
    sampler.afterTrial?.(view, finished);
    positions.push(positionOf(indices));
    values.push(finished.state === "COMPLETE" ? finished.value! : NaN);
  }
  return { sampler: samplerLabel, seed, positions, values, seconds: (performance.now() - started) / 1000 };
}

/** The live trial the objective sees: parameters fixed, user attributes recorded, nothing define-by-run. */
function benchTrial(number: number, params: Params, userAttrs: Record<string, unknown>): Trial {
  const fixed = (name: string): never => {
    throw new Error(`the benchmark fixes every parameter up front; "${name}" was asked for define-by-run`);
  };
  return {
    number,
    params,
    suggestFloat: fixed,
    suggestInt: fixed,
    suggestCategorical: fixed,
    suggestOrdered: fixed,
    report: () => {},
    pruning: false,
    shouldPrune: () => false,
    setUserAttr: (key, value) => {
      userAttrs[key] = value;
    },
  };
}

/** Reads a study's trace off at each budget. */
export function pointsOf(table: ConfigurationTable, trace: BenchStudyTrace, budgets: readonly number[]): BenchPoint[] {
  const best = table.best().meanValidationLoss;
  return budgets.map((budget) => {
    const evaluations = Math.min(budget, trace.positions.length);
    let at = -1;
    let bestEvaluated = Infinity;
    for (let i = 0; i < evaluations; i++) {
      if (Number.isNaN(trace.values[i])) continue;
      // The first of equal observed values is the one a study reports.
      if (at < 0 || trace.values[i] < trace.values[at]) at = i;
      bestEvaluated = Math.min(bestEvaluated, table.meanValidationLoss(trace.positions[i]));
    }
    if (at < 0) {
      const none = { configuration: null, observedValue: null, regret: null, rankPercentile: null, meanTestLoss: null };
      return { budget, evaluations, ...none, bestEvaluatedRegret: null };
    }
    const position = trace.positions[at];
    const values = valuesAt(indicesAt(position));
    return {
      budget,
      evaluations,
      configuration: Object.fromEntries(TABLE_PARAMS.map((name, i) => [name, values[i]])),
      observedValue: trace.values[at],
      regret: table.meanValidationLoss(position) - best,
      rankPercentile: table.rankPercentile(position),
      meanTestLoss: table.meanTestLoss(position),
      bestEvaluatedRegret: bestEvaluated - best,
    };
  });
}

/** Quantile with linear interpolation between order statistics (numpy's default); Infinity counts as the largest value. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const at = q * (sorted.length - 1);
  const low = Math.floor(at);
  const fraction = at - low;
  if (fraction === 0 || low + 1 >= sorted.length) return sorted[low];
  return sorted[low] + (sorted[low + 1] - sorted[low]) * fraction;
}

/** A missing regret (no trial completed) ranks as the worst. */
function regretForRanking(point: BenchPoint | undefined): number {
  return point?.regret ?? Infinity;
}

/**
 * What the search found against what it reports, over one cell's points; null when a point lacks
 * bestEvaluatedRegret (a run recorded before it existed, or one with no completed trial).
 */
export function searchAndReport(points: readonly (BenchPoint | undefined)[]): Pick<BenchCell, "medianBestEvaluatedRegret" | "misledShare"> {
  const complete = points.every((point) => typeof point?.bestEvaluatedRegret === "number" && point.regret !== null);
  if (!complete || points.length === 0) return { medianBestEvaluatedRegret: null, misledShare: null };
  const found = points.map((point) => point!.bestEvaluatedRegret!);
  const misled = points.filter((point) => point!.bestEvaluatedRegret! < point!.regret!).length;
  return { medianBestEvaluatedRegret: quantile(found, 0.5), misledShare: misled / points.length };
}

export function summarize(
  runs: readonly BenchRun[],
  samplers: readonly string[],
  budgets: readonly number[],
  repeats: number,
  firstSeed = 0,
): BenchCell[] {
  const find = (sampler: string, seed: number): BenchRun | undefined => runs.find((run) => run.sampler === sampler && run.seed === seed);
  const cells: BenchCell[] = [];
  budgets.forEach((budget, b) => {
    const rankSums = new Map(samplers.map((sampler) => [sampler, 0]));
    for (let seed = firstSeed; seed < firstSeed + repeats; seed++) {
      const ranks = averageRanks(samplers.map((sampler) => regretForRanking(find(sampler, seed)?.points[b])));
      samplers.forEach((sampler, i) => rankSums.set(sampler, rankSums.get(sampler)! + ranks[i]));
    }
    for (const sampler of samplers) {
      const points = runs.filter((run) => run.sampler === sampler).map((run) => run.points[b]);
      const regrets = points.map((point) => regretForRanking(point));
      const finite = (value: number): number | null => (Number.isFinite(value) ? value : null);
      const present = <T>(values: Array<T | null>): T[] => values.filter((value): value is T => value !== null);
      cells.push({
        sampler,
        budget,
        runs: points.length,
        medianRegret: finite(quantile(regrets, 0.5)),
        regretQ1: finite(quantile(regrets, 0.25)),
        regretQ3: finite(quantile(regrets, 0.75)),
        meanRank: rankSums.get(sampler)! / repeats,
        medianRankPercentile: finite(quantile(present(points.map((point) => point.rankPercentile)), 0.5)),
        medianMeanTestLoss: finite(quantile(present(points.map((point) => point.meanTestLoss)), 0.5)),
        ...searchAndReport(points),
      });
    }
  });
  return cells;
}

export function summarizeTable(path: string, table: ConfigurationTable): TableSummary {
  const best = table.best();
  const values = valuesAt(indicesAt(best.position));
  return {
    path,
    seeds: table.seeds.slice(),
    configurations: table.rowCount / Math.max(1, table.seeds.length),
    bestMeanValidationLoss: best.meanValidationLoss,
    bestConfiguration: Object.fromEntries(TABLE_PARAMS.map((name, i) => [name, values[i]])),
    bestMeanTestLoss: table.meanTestLoss(best.position),
    seedRankCorrelation: table.seeds.length >= 2 ? table.seedRankCorrelation(0, 1) : null,
    exhaustiveMedianRegret: exhaustiveMedianRegret(table),
  };
}

function exhaustiveMedianRegret(table: ConfigurationTable, draws = 101): number {
  const rng = new Rng(0);
  const best = table.best().meanValidationLoss;
  const positions: number[] = [];
  for (let p = 0; p < TABLE_CONFIGURATIONS; p++) if (table.seedIndicesAt(p).length === table.seeds.length) positions.push(p);
  const regrets: number[] = [];
  for (let draw = 0; draw < draws; draw++) {
    let at = -1;
    let observed = Infinity;
    for (const p of positions) {
      const value = table.run(p, rng.int(table.seeds.length))!.validationLoss;
      if (at < 0 || value < observed) {
        at = p;
        observed = value;
      }
    }
    regrets.push(table.meanValidationLoss(at) - best);
  }
  return quantile(regrets, 0.5);
}

export async function runSamplerBench(options: SamplerBenchOptions): Promise<SamplerBenchResult> {
  checkOptions(options);
  const started = performance.now();
  const table = benchTable(options.table);
  const budgets = [...options.budgets].sort((a, b) => a - b);
  const largest = budgets[budgets.length - 1];
  const firstSeed = options.firstSeed ?? 0;
  const all: Array<{ sampler: string; seed: number }> = [];
  for (let seed = firstSeed; seed < firstSeed + options.repeats; seed++)
    for (const sampler of options.samplers) all.push({ sampler, seed });
  const traces: BenchStudyTrace[] = [];
  for (const job of all) {
    const earlier = options.previous?.find(
      (trace) => trace.sampler === job.sampler && trace.seed === job.seed && trace.positions.length >= largest,
    );
    if (earlier !== undefined) traces.push(earlier);
  }
  const jobs = all.filter((job) => !traces.some((trace) => trace.sampler === job.sampler && trace.seed === job.seed));
  const workers = Math.min(options.workers ?? availableParallelism(), jobs.length);
  const onTrace = (trace: BenchStudyTrace): void => {
    traces.push(trace);
    options.onStudyDone?.(traces.length, all.length, trace);
  };
  if (workers === 0) {
    for (const job of jobs) onTrace(await runBenchStudy(options.table, job.sampler, job.seed, largest, undefined, options.space));
  } else {
    await runInThreads({ table: options.table, space: options.space ?? "paper", budget: largest }, jobs, workers, onTrace);
  }
  const runs: BenchRun[] = all.map(({ sampler, seed }) => {
    const trace = traces.find((t) => t.sampler === sampler && t.seed === seed)!;
    return { sampler, seed, seconds: trace.seconds, points: pointsOf(table, trace, budgets) };
  });
  const cells = summarize(runs, options.samplers, budgets, options.repeats, firstSeed);
  return {
    table: summarizeTable(options.table, table),
    space: options.space ?? "paper",
    samplers: options.samplers.slice(),
    budgets,
    repeats: options.repeats,
    firstSeed,
    workers,
    wallSeconds: (performance.now() - started) / 1000,
    cells,
    comparisons: compareCells(runs, cells, options.samplers, budgets),
    runs,
  };
}

/** One study of the benchmark, as a worker thread runs it (bench-worker.ts). */
export interface BenchJob {
  table: string;
  space: string;
  sampler: string;
  seed: number;
  budget: number;
}

async function runInThreads(
  common: Pick<BenchJob, "table" | "space" | "budget">,
  jobs: ReadonlyArray<{ sampler: string; seed: number }>,
  threads: number,
  onTrace: (trace: BenchStudyTrace) => void,
): Promise<void> {
  await runJobs<BenchJob, BenchStudyTrace>({
    worker: moduleBeside(import.meta.url, "bench-worker"),
    jobs: jobs.map((job) => ({ ...common, sampler: job.sampler, seed: job.seed })),
    threads,
    describeJob: (job) => `${job.sampler} seed ${job.seed}`,
    onResult: onTrace,
  });
}
