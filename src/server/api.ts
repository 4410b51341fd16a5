/**
 * The dashboard's JSON: the studies of the storage, one study's view (summary, best trial, plots as
 * vega-lite specs) with a version that changes whenever a trial is added, finished or reports, and
 * one page of its trial table. Everything is read from the storage at each request (re-read first,
 * so trials another process writes appear), and nothing is ever written.
 */
import { storedSamplerName } from "../report/diagnostics.ts";
import { studyView, summaryRows } from "../report/study-view.ts";
import type { Storage, StudySummary } from "../storage/storage.ts";
import { findBestTrial } from "../trial/best.ts";
import { type FrozenTrial, isFinished } from "../trial/types.ts";
import { parseTableQuery, type TablePage, tablePage } from "./trial-table.ts";

export class NotFound extends Error {}
export class BadRequest extends Error {}

export interface StudyListEntry {
  name: string;
  direction: string;
  sampler: string;
  trials: number;
  complete: number;
  failed: number;
  running: number;
  bestValue: number | null;
  bestTrial: number | null;
}

export function studyList(storage: Storage): StudyListEntry[] {
  return storage.listStudies().map((summary) => {
    const trials = storage.getAllTrials(summary.studyId);
    const best = findBestTrial(trials, summary.direction);
    return {
      name: summary.name,
      direction: summary.direction,
      sampler: storedSamplerName(summary.systemAttrs) ?? "not recorded",
      trials: trials.length,
      complete: trials.filter((trial) => trial.state === "COMPLETE").length,
      failed: trials.filter((trial) => trial.state === "FAIL").length,
      running: trials.filter((trial) => trial.state === "RUNNING").length,
      bestValue: best?.value ?? null,
      bestTrial: best?.number ?? null,
    };
  });
}

function studyNamed(storage: Storage, name: string | null): StudySummary {
  if (name === null || name === "") throw new BadRequest("the study parameter is missing");
  const summary = storage.findStudy(name);
  if (summary === undefined) throw new NotFound(`no study named ${JSON.stringify(name)} in this storage`);
  return summary;
}

/** Changes whenever a trial is created, changes state, reports a value, or the sampler saves its state. */
export function studyVersion(summary: StudySummary, trials: readonly FrozenTrial[]): string {
  let finished = 0;
  let reported = 0;
  for (const trial of trials) {
    if (isFinished(trial.state)) finished++;
    reported += Object.keys(trial.intermediateValues).length;
  }
  const stateKeys = Object.keys(summary.systemAttrs).length;
  return `${trials.length}-${finished}-${reported}-${stateKeys}`;
}

interface CachedView {
  version: string;
  full: string;
  /** Without the plots: what a page still drawing the previous plots asks for. */
  light: string;
}

/** Each storage's last view of each study, so polling clients share one computation per change. */
const views = new WeakMap<Storage, Map<string, CachedView>>();

function viewCache(storage: Storage): Map<string, CachedView> {
  let cache = views.get(storage);
  if (cache === undefined) {
    cache = new Map();
    views.set(storage, cache);
  }
  return cache;
}

function computeView(summary: StudySummary, trials: readonly FrozenTrial[], version: string): CachedView {
  const view = studyView(summary, trials, { alwaysIntermediate: true });
  const best =
    view.best === undefined
      ? null
      : { number: view.best.number, value: view.best.value, params: view.best.params, userAttrs: view.best.userAttrs };
  const head = {
    version,
    study: view.study,
    direction: view.direction,
    sampler: view.sampler,
    objective: view.objective,
    counts: view.counts,
    summary: summaryRows(view),
    best,
    importances: view.importances,
  };
  return { version, full: JSON.stringify({ ...head, plots: view.plots }), light: JSON.stringify(head) };
}

/**
 * The study's view as JSON text; `{"version":...,"unchanged":true}` when the caller already has this
 * version (since=...), and without the plots when asked (plots=0).
 */
export function studyJson(storage: Storage, search: URLSearchParams): string {
  const summary = studyNamed(storage, search.get("study"));
  const trials = storage.getAllTrials(summary.studyId);
  const version = studyVersion(summary, trials);
  if (search.get("since") === version) return JSON.stringify({ version, unchanged: true });
  const cache = viewCache(storage);
  let cached = cache.get(summary.name);
  if (cached?.version !== version) {
    cached = computeView(summary, trials, version);
    cache.set(summary.name, cached);
  }
  return search.get("plots") === "0" ? cached.light : cached.full;
}

export function trialsPage(storage: Storage, search: URLSearchParams): TablePage {
  const summary = studyNamed(storage, search.get("study"));
  let query: ReturnType<typeof parseTableQuery>;
  try {
    query = parseTableQuery(search);
  } catch (error) {
    throw new BadRequest((error as Error).message);
  }
  return tablePage(storage.getAllTrials(summary.studyId), query);
}
