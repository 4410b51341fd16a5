/**
 * Pruning replayed on a learning-curve table (the LCBench / HPOBench way): a real in-memory Study with
 * the table task, the sampler and the pruner, where each trial reports the looked-up run's validation
 * loss after every epoch and stops when the pruner says so. Regret is judged as in the sampler
 * benchmark (the table's mean validation loss of the best COMPLETE trial minus the table's best), and
 * the cost is the epochs the trials trained: a pruned trial's reported epochs, a full one's all.
 */
import { existsSync, readFileSync } from "node:fs";
import { tableObjective } from "../objectives/table.ts";
import { createPruner, type PrunerOptions } from "../pruners/index.ts";
import type { Pruner } from "../pruners/pruner.ts";
import { samplerFromLabel } from "../samplers/index.ts";
import type { Sampler } from "../samplers/sampler.ts";
import { createStudy } from "../study/study.ts";
import { type ConfigurationTable, indicesOfValues, positionOf, TABLE_PARAMS } from "../tasks/table.ts";
import { benchTable, quantile } from "./sampler-bench.ts";
import { buildRecordPath } from "./table-build.ts";

/** Reports every epoch and never prunes: the unpruned run, with its epochs counted the same way. */
const NEVER: Pruner = { name: "none", prune: () => false };

export interface PrunedStudyTrace {
  sampler: string;
  pruner: string;
  seed: number;
  /** Per trial, in number order: the configuration's position in the table. */
  positions: number[];
  /** The COMPLETE trial's value; NaN for a PRUNED or FAIL one. */
  values: number[];
  /** Epochs the trial trained (reported). */
  epochs: number[];
  pruned: number;
}

/** Why a table cannot replay pruning (it lacks learning curves), or undefined when it can. */
export function missingCurves(table: ConfigurationTable): string | undefined {
  if (table.hasCurves) return undefined;
  const what = table.curveEpochs === 0 ? "has no validation_curve column" : "has runs without a validation_curve";
  const why = `${table.source} ${what} (the validation loss after every epoch), so pruning cannot be replayed on it`;
  return `${why}: ${rebuildHint(table.source)}`;
}

/** How to build the table again with curves: the exact command when its build record (<name>.meta.json) names a built-in task. */
function rebuildHint(source: string): string {
  const csv = source.replace(/\.gz$/, "");
  const recordPath = buildRecordPath(csv);
  let record: { task?: unknown; seeds?: unknown; epochs?: unknown; splitSeed?: unknown } | undefined;
  try {
    record = existsSync(recordPath) ? JSON.parse(readFileSync(recordPath, "utf8")) : undefined;
  } catch {
    record = undefined;
  }
  if (typeof record?.task !== "string")
    return "rebuild it with hyperforce table build (--task wine|letter|csv:FILE ... --out FILE.csv), which records the curves";
  const flags = [`--task ${record.task}`];
  if (typeof record.seeds === "number") flags.push(`--seeds ${record.seeds}`);
  if (typeof record.epochs === "number") flags.push(`--epochs ${record.epochs}`);
  if (typeof record.splitSeed === "number") flags.push(`--split-seed ${record.splitSeed}`);
  const gzip = source.endsWith(".gz") ? ` into a new file, then gzip it in place of ${source}` : ` into a new file in place of ${source}`;
  return `rebuild it with hyperforce table build ${flags.join(" ")} --out NEW.csv (it records the curves)${gzip}`;
}

/**
 * Runs one study of `budget` trials on the table with a sampler (by label) and a pruner (by name and
 * options), searching the table's part of a preset (`paper` or `paper-categorical`).
 */
export async function runPrunedStudy(
  table: ConfigurationTable,
  samplerLabel: string,
  pruner: { name: string; options?: PrunerOptions },
  seed: number,
  budget: number,
  spacePreset = "paper",
  /** Replaces the label's sampler (for settings studies in bench/; the label then only names it). */
  makeSampler: (seed: number) => Sampler = (seed) => samplerFromLabel(samplerLabel, seed),
): Promise<PrunedStudyTrace> {
  const missing = missingCurves(table);
  if (missing !== undefined) throw new Error(missing);
  const study = createStudy({
    space: table.coveredSpace(spacePreset),
    sampler: makeSampler(seed),
    pruner: createPruner(pruner.name, { maxResource: table.curveEpochs, ...pruner.options }) ?? NEVER,
    seed,
  });
  await study.optimize(tableObjective({ table, seed }), { nTrials: budget });
  const trace: PrunedStudyTrace = { sampler: samplerLabel, pruner: pruner.name, seed, positions: [], values: [], epochs: [], pruned: 0 };
  for (const trial of study.trials) {
    const indices = indicesOfValues(TABLE_PARAMS.map((name) => trial.params[name] as number))!;
    trace.positions.push(positionOf(indices));
    trace.values.push(trial.state === "COMPLETE" ? trial.value! : NaN);
    trace.epochs.push(Object.keys(trial.intermediateValues).length);
    if (trial.state === "PRUNED") trace.pruned++;
  }
  study.close();
  return trace;
}

/** At a budget: the regret of the best COMPLETE trial among the first `budget`, and the epochs they trained. */
export function prunedPoint(table: ConfigurationTable, trace: PrunedStudyTrace, budget: number): { regret: number; epochs: number } {
  let at = -1;
  let epochs = 0;
  for (let i = 0; i < Math.min(budget, trace.values.length); i++) {
    epochs += trace.epochs[i];
    if (!Number.isNaN(trace.values[i]) && (at < 0 || trace.values[i] < trace.values[at])) at = i;
  }
  const regret = at < 0 ? Infinity : table.meanValidationLoss(trace.positions[at]) - table.best().meanValidationLoss;
  return { regret, epochs };
}

export interface PrunedCell {
  sampler: string;
  pruner: string;
  budget: number;
  runs: number;
  medianRegret: number;
  regretQ1: number;
  regretQ3: number;
  medianEpochs: number;
  /**
   * Median over repeats of this run's epochs over the unpruned run's (same sampler and seed); without
   * an unpruned run among the traces, over the epochs of training the same trials fully.
   */
  medianEpochShare: number;
}

/** Median regret, its quartiles and the epochs spent, per sampler, pruner and budget. */
export function summarizePruned(table: ConfigurationTable, traces: readonly PrunedStudyTrace[], budgets: readonly number[]): PrunedCell[] {
  const cells: PrunedCell[] = [];
  const keys = [...new Set(traces.map((t) => `${t.sampler}\t${t.pruner}`))];
  for (const key of keys) {
    const [sampler, pruner] = key.split("\t");
    const runs = traces.filter((t) => t.sampler === sampler && t.pruner === pruner);
    for (const budget of budgets) {
      const points = runs.map((run) => prunedPoint(table, run, budget));
      const shares = runs.map((run, i) => {
        const unpruned = traces.find((t) => t.sampler === sampler && t.pruner === "none" && t.seed === run.seed);
        const full =
          unpruned === undefined ? Math.min(budget, run.values.length) * table.curveEpochs : prunedPoint(table, unpruned, budget).epochs;
        return points[i].epochs / full;
      });
      const regrets = points.map((point) => point.regret);
      cells.push({
        sampler,
        pruner,
        budget,
        runs: runs.length,
        medianRegret: quantile(regrets, 0.5),
        regretQ1: quantile(regrets, 0.25),
        regretQ3: quantile(regrets, 0.75),
        medianEpochs: quantile(
          points.map((point) => point.epochs),
          0.5,
        ),
        medianEpochShare: quantile(shares, 0.5),
      });
    }
  }
  return cells;
}

export interface PrunerBenchOptions {
  table: ConfigurationTable;
  samplers: readonly string[];
  pruner: { name: string; options?: PrunerOptions };
  budgets: readonly number[];
  /** Studies per sampler: seeds firstSeed..firstSeed+repeats-1. */
  repeats: number;
  firstSeed?: number;
  /** The preset searched: "paper" (default) or "paper-categorical". */
  space?: string;
  /** Studies already run (an interrupted run): a sampler and seed found here with the largest budget's trials is not run again. */
  previous?: readonly PrunedStudyTrace[];
  onStudyDone?: (done: number, total: number, trace: PrunedStudyTrace, seconds: number) => void;
}

/** One pruner with every sampler over the seeds, in this thread; the traces and their summary per budget. */
export async function runPrunerBench(options: PrunerBenchOptions): Promise<{ traces: PrunedStudyTrace[]; cells: PrunedCell[] }> {
  const budget = Math.max(...options.budgets);
  const firstSeed = options.firstSeed ?? 0;
  const traces: PrunedStudyTrace[] = [];
  const total = options.samplers.length * options.repeats;
  for (const sampler of options.samplers) {
    for (let seed = firstSeed; seed < firstSeed + options.repeats; seed++) {
      const kept = options.previous?.find((t) => t.sampler === sampler && t.seed === seed && t.values.length >= budget);
      const started = performance.now();
      const trace = kept ?? (await runPrunedStudy(options.table, sampler, options.pruner, seed, budget, options.space));
      traces.push(trace);
      if (kept === undefined) options.onStudyDone?.(traces.length, total, trace, (performance.now() - started) / 1000);
    }
  }
  return { traces, cells: summarizePruned(options.table, traces, options.budgets) };
}

export { benchTable };
