/**
 * The paper's experiment over several seeds: for each seed, every method of REPRODUCE_METHODS runs a
 * study of `budget` trials on the paper task (wine or letter), all in one journal file under `out`.
 * Then a table like the paper's Tables 1 and 2: per method, the hyperparameters chosen by the median
 * seed and the TEST loss of each seed's best configuration (best by validation loss), mean ± std over
 * seeds, beside the paper's published numbers. Also the best configuration per method and seed (CSV),
 * the RL policies (JSON), the plots and an index.html.
 *
 * A seed fixes the sampler, the training seeds and the train/validation/test split of its studies: the
 * methods of one seed are compared on the same rows, and the spread over seeds includes the split's.
 * Studies already holding `budget` trials are skipped, so re-running continues or reprints.
 */

import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { runJobs } from "../execution/job-runner.ts";
import { moduleBeside } from "../execution/worker-thread.ts";
import { bestSoFar, convergencePlot, meanCurve } from "../report/convergence-plot.ts";
import { storedUpdateDiagnostics } from "../report/diagnostics.ts";
import { toCsv } from "../report/export.ts";
import { reportHtml } from "../report/html.ts";
import { rewardLabelOf, TASK_VALUE_LABELS } from "../report/labels.ts";
import { type WrittenPlot, writePlot } from "../report/render.ts";
import { rewardPlot } from "../report/reward-plot.ts";
import { formatParamValue } from "../report/scale.ts";
import type { ExportedPolicy } from "../rl/checkpoint.ts";
import { samplerFromLabel } from "../samplers/index.ts";
import { PolicySampler } from "../samplers/policy-sampler.ts";
import type { Params, SearchSpace } from "../space/types.ts";
import { JournalFileStorage } from "../storage/journal.ts";
import { STUDY_ATTR } from "../study/attrs.ts";
import { savedSamplerState } from "../study/sampler-state.ts";
import { findBestTrial } from "../trial/best.ts";
import { type FrozenTrial, isFinished } from "../trial/types.ts";
import type { StudyJob, StudyOutcome } from "./reproduce-study.ts";
import { type PaperResult, type PaperRow, REPRODUCE_TASKS, type ReproduceTaskName } from "./reproduce-tasks.ts";

export interface ReproduceMethod {
  /** The sampler label (src/samplers/index.ts samplerFromLabel). */
  id: string;
  title: string;
  /** The paper's row this method stands beside. */
  paper?: PaperRow;
  /** Learns a policy: reward curves and a policy checkpoint. */
  policy: boolean;
}

export const REPRODUCE_METHODS: readonly ReproduceMethod[] = [
  { id: "random", title: "random search (baseline)", paper: "baseline", policy: false },
  { id: "grid", title: "grid search in order (the paper's baseline)", paper: "baseline", policy: false },
  { id: "reinforce-paper", title: "REINFORCE, MLP policy, paper preset", paper: "mlp", policy: true },
  { id: "reinforce-mlp", title: "REINFORCE, MLP policy, our default", paper: "mlp", policy: true },
  { id: "reinforce-paper-rnn", title: "REINFORCE, RNN policy, paper preset", paper: "rnn", policy: true },
  { id: "reinforce-rnn", title: "REINFORCE, RNN policy, our default", paper: "rnn", policy: true },
  { id: "ppo", title: "PPO, MLP policy", policy: true },
  { id: "tpe", title: "TPE", policy: false },
];

export type { PaperResult, PaperRow, ReproduceTaskName } from "./reproduce-tasks.ts";

/** The paper's Tables 1 and 2 (test error and the hyperparameters it reports), as in TASKS.md. */
export const PAPER_RESULTS = { wine: REPRODUCE_TASKS.wine.paper!, letter: REPRODUCE_TASKS.letter.paper! };
export const PARAM_NAMES = ["learning_rate", "weight_decay", "batch_size", "hidden_units"] as const;
/** Trials per study when --budget is not given (see the help of `hyperforce reproduce`). */
export const DEFAULT_BUDGETS: Record<ReproduceTaskName, number> = {
  wine: REPRODUCE_TASKS.wine.budget,
  letter: REPRODUCE_TASKS.letter.budget,
  fashion: REPRODUCE_TASKS.fashion.budget,
};
export const DEFAULT_SEEDS = 5;

export interface ReproduceOptions {
  task: ReproduceTaskName;
  /** Seeds 0 .. seeds-1. */
  seeds: number;
  /** Trials per study. */
  budget: number;
  out: string;
  /** Studies run at once, each in its own worker thread; default os.availableParallelism(). */
  workers?: number;
  /** Training epochs of the task (default: the task's, REPRODUCE_TASKS; 15 for the paper's tasks). */
  epochs?: number;
  /** Training images per trial, for tasks that take a train size (fashion; default REPRODUCE_TASKS'). */
  trainSize?: number;
  /** Method ids to run (default all of REPRODUCE_METHODS). */
  methods?: string[];
  /** Called when a study finishes or is found finished. */
  onStudy?: (event: { done: number; total: number; job: StudyJob; outcome: StudyOutcome }) => void;
  /** Aborting lets the running trials finish, starts nothing new, and rejects with ReproduceInterrupted. */
  signal?: AbortSignal;
}

/** The run was stopped through its signal; every finished trial is in the journal. */
export class ReproduceInterrupted extends Error {
  constructor(
    readonly studiesDone: number,
    readonly studies: number,
  ) {
    super(`interrupted after ${studiesDone} of ${studies} studies; every finished trial is kept: run the same command to resume`);
    this.name = "ReproduceInterrupted";
  }
}

export interface SeedResult {
  method: string;
  seed: number;
  study: string;
  trials: number;
  failed: number;
  bestTrial: number;
  params: Params;
  validationLoss: number;
  testLoss: number;
}

export interface MethodResult {
  method: ReproduceMethod;
  seeds: SeedResult[];
  test: { mean: number; std: number };
  validation: { mean: number; std: number };
  /** The seed whose test loss is the median (the lower middle one for an even count). */
  median: SeedResult;
  paper?: PaperResult;
}

export interface ReproduceResult {
  task: ReproduceTaskName;
  seeds: number;
  budget: number;
  epochs: number;
  methods: MethodResult[];
  /** The markdown table (deterministic: a re-run prints the same one). */
  table: string;
  files: { journal: string; table: string; bestCsv: string; json: string; index: string; policies: string[]; plots: WrittenPlot[] };
  /** Studies run (or continued) by this call, and already finished before it. */
  studiesRun: number;
  studiesSkipped: number;
  wallSeconds: number;
}

export function studyName(task: string, method: string, seed: number): string {
  return `${task}-${method}-seed${seed}`;
}

function checkOptions(options: ReproduceOptions): ReproduceMethod[] {
  if (!Object.hasOwn(REPRODUCE_TASKS, options.task)) {
    throw new Error(`unknown task ${JSON.stringify(options.task)}; tasks: ${Object.keys(REPRODUCE_TASKS).join(", ")}`);
  }
  const counts = [
    ["seeds", options.seeds],
    ["budget", options.budget],
    ["workers", options.workers ?? 1],
    ["epochs", options.epochs ?? 1],
    ["trainSize", options.trainSize ?? 10],
  ] as const;
  for (const [name, value] of counts) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${value}`);
  }
  if (options.methods === undefined) return REPRODUCE_METHODS.slice();
  const known = new Map(REPRODUCE_METHODS.map((method) => [method.id, method]));
  if (options.methods.length === 0) throw new Error("methods must name at least one method");
  return options.methods.map((id) => {
    const method = known.get(id);
    if (method === undefined) throw new Error(`unknown method "${id}"; methods: ${[...known.keys()].join(", ")}`);
    return method;
  });
}

function finishedCount(storage: JournalFileStorage, study: string): number {
  const summary = storage.findStudy(study);
  return summary === undefined ? 0 : storage.getAllTrials(summary.studyId).filter((trial) => isFinished(trial.state)).length;
}

/** Runs the jobs on `workers` threads, each thread one study at a time; an abort stops them between trials. */
async function runStudies(
  jobs: StudyJob[],
  workers: number,
  onDone: (job: StudyJob, outcome: StudyOutcome) => void,
  signal?: AbortSignal,
): Promise<void> {
  await runJobs<StudyJob, StudyOutcome>({
    worker: moduleBeside(import.meta.url, "reproduce-worker"),
    jobs,
    threads: workers,
    describeJob: (job) => `study ${job.study}`,
    onResult: (outcome, job) => onDone(job, outcome),
    signal,
  });
}

function meanStd(values: readonly number[]): { mean: number; std: number } {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  if (values.length < 2) return { mean, std: 0 };
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1);
  return { mean, std: Math.sqrt(variance) };
}

function seedResult(method: string, seed: number, study: string, trials: readonly FrozenTrial[]): SeedResult {
  const best = findBestTrial(trials, "minimize");
  if (best === undefined) throw new Error(`study ${study} has no complete trial: every trial failed, so it has no best configuration`);
  const testLoss = best.userAttrs.test_loss;
  if (typeof testLoss !== "number") throw new Error(`study ${study}: its best trial #${best.number} has no test_loss user attribute`);
  return {
    method,
    seed,
    study,
    trials: trials.filter((trial) => isFinished(trial.state)).length,
    failed: trials.filter((trial) => trial.state === "FAIL").length,
    bestTrial: best.number,
    params: best.params,
    validationLoss: best.value!,
    testLoss,
  };
}

/**
 * The policy a stored RL study ended with, as the sampler exports it: a fresh sampler of the method
 * loads the stored state and builds its policy (by proposing once, for no study), so this reads the
 * state through the sampler's own API whatever its stored format.
 */
export function storedPolicy(
  method: string,
  seed: number,
  systemAttrs: Record<string, unknown>,
  space: SearchSpace = REPRODUCE_TASKS.wine.space(),
): ExportedPolicy | undefined {
  const sampler = samplerFromLabel(method, seed);
  const state = savedSamplerState(systemAttrs);
  if (!(sampler instanceof PolicySampler) || state === undefined || systemAttrs[STUDY_ATTR.sampler] !== sampler.name) return undefined;
  sampler.loadState(state);
  sampler.sampleRelative({ direction: "minimize", trials: () => [] }, 0, space);
  return sampler.exportPolicy();
}

function format(value: number): string {
  return value.toFixed(4);
}

/** The markdown table: one row per method. */
export function formatReproduceTable(task: ReproduceTaskName, methods: readonly MethodResult[]): string {
  const seeds = methods[0]?.seeds.length ?? 0;
  const setting = REPRODUCE_TASKS[task];
  const header = [
    "method",
    ...setting.columns.map(([, title]) => title),
    `test loss, mean ± std (${seeds} seed${seeds === 1 ? "" : "s"})`,
    "validation loss, mean ± std",
    ...(setting.paper === undefined ? [] : ["paper: test loss (its lr, wd, batch, hidden)"]),
  ];
  const rows = methods.map((result) => {
    const params = setting.columns.map(([name]) => formatParamValue(result.median.params[name]));
    const paperParams = (paper: PaperResult): string => PARAM_NAMES.map((name) => formatParamValue(paper.params[name])).join(", ");
    const paper = result.paper === undefined ? "-" : `${result.paper.testLoss} (${paperParams(result.paper)})`;
    const test = `${format(result.test.mean)} ± ${format(result.test.std)}`;
    const validation = `${format(result.validation.mean)} ± ${format(result.validation.std)}`;
    return [result.method.title, ...params, test, validation, ...(setting.paper === undefined ? [] : [paper])];
  });
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  const metric = setting.metric;
  return (
    [
      line(header),
      line(header.map(() => "---")),
      ...rows.map(line),
      "",
      `Task ${task}; losses are the ${metric}. Hyperparameters: those of the median seed's best configuration ` +
        "(by test loss among the seeds; best = lowest validation loss within a seed).",
    ].join("\n") + "\n"
  );
}

export async function runReproduce(options: ReproduceOptions): Promise<ReproduceResult> {
  const methods = checkOptions(options);
  const startedAt = Date.now();
  const out = options.out;
  mkdirSync(out, { recursive: true });
  const journal = join(out, "studies.jsonl");
  const storage = new JournalFileStorage(journal, { durable: false });
  const seeds = Array.from({ length: options.seeds }, (_, seed) => seed);
  const allJobs = studyJobs(options, methods, seeds, journal);
  const pending = await runUnfinishedStudies(storage, allJobs, options);

  storage.sync();
  const trialsOf = new Map<string, FrozenTrial[]>();
  const attrsOf = new Map<string, Record<string, unknown>>();
  for (const job of allJobs) {
    const summary = storage.findStudy(job.study)!;
    trialsOf.set(job.study, storage.getAllTrials(summary.studyId));
    attrsOf.set(job.study, summary.systemAttrs);
  }
  const results = methods.map((method) => methodResult(options.task, method, seeds, trialsOf));
  const table = formatReproduceTable(options.task, results);
  const written = writeResultFiles(out, options, table, results);
  const policyDir = join(out, "policies");
  const policies = writePolicies(policyDir, options.task, methods, seeds, attrsOf);
  const plots = await writeReproducePlots(options.task, join(out, "plots"), methods, seeds, trialsOf, attrsOf);
  const index = join(out, "index.html");
  const files = [
    { label: "results.md (the table)", path: written.table },
    { label: "best.csv (best configuration per method and seed)", path: written.bestCsv },
    { label: "results.json", path: written.json },
    { label: "studies.jsonl (every trial; Optuna journal format)", path: journal },
    ...policies.map((path) => ({ label: `policy: ${path.slice(policyDir.length + 1)}`, path })),
  ];
  writeFileSync(index, reportHtml({ ...indexContent(options, allJobs.length, table), plots, files }, out));
  storage.close();
  return {
    task: options.task,
    seeds: options.seeds,
    budget: options.budget,
    epochs: epochsOf(options),
    methods: results,
    table,
    files: { journal, ...written, index, policies, plots },
    studiesRun: pending.length,
    studiesSkipped: allJobs.length - pending.length,
    wallSeconds: (Date.now() - startedAt) / 1000,
  };
}

function epochsOf(options: ReproduceOptions): number {
  return options.epochs ?? REPRODUCE_TASKS[options.task].epochs;
}

/** The training images per trial: given, else the task's default; undefined for tasks that take none. */
function trainSizeOf(options: ReproduceOptions): number | undefined {
  const taskDefault = REPRODUCE_TASKS[options.task].trainSize;
  if (options.trainSize !== undefined && taskDefault === undefined) throw new Error(`the task ${options.task} takes no train size`);
  return options.trainSize ?? taskDefault;
}

/** One study per method and seed, all in the experiment's journal. */
function studyJobs(options: ReproduceOptions, methods: readonly ReproduceMethod[], seeds: readonly number[], journal: string): StudyJob[] {
  return seeds.flatMap((seed) =>
    methods.map((method) => ({
      journal,
      study: studyName(options.task, method.id, seed),
      task: options.task,
      method: method.id,
      seed,
      budget: options.budget,
      epochs: epochsOf(options),
      ...(trainSizeOf(options) !== undefined ? { trainSize: trainSizeOf(options) } : {}),
    })),
  );
}

/**
 * Reports the studies already finished, runs (or continues) the others and returns those; throws
 * ReproduceInterrupted when the signal stopped them.
 */
async function runUnfinishedStudies(
  storage: JournalFileStorage,
  allJobs: readonly StudyJob[],
  options: ReproduceOptions,
): Promise<StudyJob[]> {
  let done = 0;
  const pending: StudyJob[] = [];
  for (const job of allJobs) {
    const finished = finishedCount(storage, job.study);
    if (finished >= job.budget) {
      done++;
      options.onStudy?.({ done, total: allJobs.length, job, outcome: { study: job.study, ran: 0, seconds: 0 } });
    } else pending.push(job);
  }
  let complete = allJobs.length - pending.length;
  await runStudies(
    pending,
    options.workers ?? availableParallelism(),
    (job, outcome) => {
      done++;
      if (finishedCount(storage, job.study) >= job.budget) complete++;
      options.onStudy?.({ done, total: allJobs.length, job, outcome });
    },
    options.signal,
  );
  if (options.signal?.aborted) {
    storage.close();
    throw new ReproduceInterrupted(complete, allJobs.length);
  }
  return pending;
}

function methodResult(
  task: ReproduceTaskName,
  method: ReproduceMethod,
  seeds: readonly number[],
  trialsOf: Map<string, FrozenTrial[]>,
): MethodResult {
  const perSeed = seeds.map((seed) => {
    const study = studyName(task, method.id, seed);
    return seedResult(method.id, seed, study, trialsOf.get(study)!);
  });
  const byTest = perSeed.slice().sort((a, b) => a.testLoss - b.testLoss || a.seed - b.seed);
  return {
    method,
    seeds: perSeed,
    test: meanStd(perSeed.map((seed) => seed.testLoss)),
    validation: meanStd(perSeed.map((seed) => seed.validationLoss)),
    median: byTest[Math.floor((byTest.length - 1) / 2)],
    ...(method.paper !== undefined && REPRODUCE_TASKS[task].paper !== undefined
      ? { paper: REPRODUCE_TASKS[task].paper[method.paper] }
      : {}),
  };
}

/** results.md (the table), best.csv and results.json. */
function writeResultFiles(
  out: string,
  options: ReproduceOptions,
  table: string,
  results: readonly MethodResult[],
): { table: string; bestCsv: string; json: string } {
  const tablePath = join(out, "results.md");
  writeFileSync(tablePath, table);
  const bestCsv = join(out, "best.csv");
  const names = REPRODUCE_TASKS[options.task].columns.map(([name]) => name);
  const header = ["method", "seed", "study", "best_trial", ...names, "validation_loss", "test_loss", "trials", "failed"];
  const rows = results.flatMap((result) =>
    result.seeds.map((s) => {
      const params = names.map((name) => s.params[name]);
      return [s.method, s.seed, s.study, s.bestTrial, ...params, s.validationLoss, s.testLoss, s.trials, s.failed];
    }),
  );
  writeFileSync(bestCsv, toCsv(header, rows));
  const json = join(out, "results.json");
  const content = {
    task: options.task,
    seeds: options.seeds,
    budget: options.budget,
    epochs: epochsOf(options),
    ...(trainSizeOf(options) === undefined ? {} : { trainSize: trainSizeOf(options) }),
    methods: results.map((r) => ({ ...r, method: r.method.id, title: r.method.title })),
  };
  writeFileSync(json, JSON.stringify(content, null, 1) + "\n");
  return { table: tablePath, bestCsv, json };
}

/** The final policy of each RL study, one JSON file each; returns their paths. */
function writePolicies(
  policyDir: string,
  task: ReproduceTaskName,
  methods: readonly ReproduceMethod[],
  seeds: readonly number[],
  attrsOf: Map<string, Record<string, unknown>>,
): string[] {
  const policies: string[] = [];
  for (const method of methods.filter((m) => m.policy)) {
    for (const seed of seeds) {
      const study = studyName(task, method.id, seed);
      const policy = storedPolicy(method.id, seed, attrsOf.get(study)!, REPRODUCE_TASKS[task].space());
      if (policy === undefined) continue;
      mkdirSync(policyDir, { recursive: true });
      const path = join(policyDir, `${study}.json`);
      writeFileSync(path, JSON.stringify(policy) + "\n");
      policies.push(path);
    }
  }
  return policies;
}

/** The index page's title, settings and table (its plots and files are added by the caller). */
function indexContent(options: ReproduceOptions, studies: number, table: string) {
  const cells = (row: string): string[] =>
    row
      .split("|")
      .slice(1, -1)
      .map((cell) => cell.trim());
  const lines = table.split("\n");
  return {
    title: `hyperforce reproduce: ${options.task}`,
    summary: [
      ["task", options.task],
      ["seeds", `${options.seeds} (0..${options.seeds - 1}; each seeds the sampler, the training runs and the split)`],
      ["budget", `${options.budget} trials per study, ${studies} studies`],
      ["epochs", String(epochsOf(options))],
      ...(trainSizeOf(options) === undefined ? [] : [["training images", String(trainSizeOf(options))]]),
    ] as Array<[string, string]>,
    tables: [
      {
        caption: "Test loss of each seed's best configuration (best by validation loss); hyperparameters of the median seed",
        header: cells(lines[0]),
        rows: lines
          .slice(2)
          .filter((row) => row.startsWith("|"))
          .map(cells),
      },
    ],
  };
}

async function writeReproducePlots(
  task: ReproduceTaskName,
  dir: string,
  methods: readonly ReproduceMethod[],
  seeds: readonly number[],
  trialsOf: Map<string, FrozenTrial[]>,
  attrsOf: Map<string, Record<string, unknown>>,
): Promise<WrittenPlot[]> {
  const valueLabel = TASK_VALUE_LABELS[task] ?? TASK_VALUE_LABELS.letter;
  const plots: WrittenPlot[] = [];
  const curves = methods.map((method) => ({
    method,
    perSeed: seeds.map((seed) => ({ seed, best: bestSoFar(trialsOf.get(studyName(task, method.id, seed))!, "minimize") })),
  }));
  plots.push(
    await writePlot(
      dir,
      "convergence",
      convergencePlot(
        curves.map(({ method, perSeed }) => ({ name: method.title, best: meanCurve(perSeed.map((one) => one.best)) })),
        { title: `Best validation loss so far, mean over ${seeds.length} seeds (${task})`, valueLabel, seriesTitle: "method" },
      ),
    ),
  );
  for (const method of methods.filter((m) => m.policy)) {
    const series = seeds.flatMap((seed) => {
      const updates = storedUpdateDiagnostics(attrsOf.get(studyName(task, method.id, seed))!) ?? [];
      if (updates.length === 0) return [];
      return [{ name: `seed ${seed}`, points: updates.map((u) => ({ update: u.update, meanReward: u.meanReward })) }];
    });
    if (series.length === 0) continue;
    const spec = rewardPlot(series, {
      title: `Reward per policy update: ${method.title} (${task})`,
      rewardLabel: rewardLabelOf(valueLabel, "minimize"),
    });
    plots.push(await writePlot(dir, `reward-${method.id}`, spec));
  }
  for (const { method, perSeed } of curves) {
    const spec = convergencePlot(
      perSeed.map(({ seed, best }) => ({ name: `seed ${seed}`, best })),
      { title: `Optimization history: ${method.title} (${task})`, valueLabel, seriesTitle: "seed" },
    );
    plots.push(await writePlot(dir, `history-${method.id}`, spec));
  }
  return plots;
}
