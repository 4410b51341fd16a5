/**
 * Pruning replayed on a learning-curve table (the LCBench / HPOBench way): a real in-memory Study with
 * the table task, the sampler and the pruner, where each trial reports the looked-up run's validation
 * loss after every epoch and stops when the pruner says so. Regret is judged as in the sampler
 * benchmark (the table's mean validation loss of the best COMPLETE trial minus the table's best), and
 * the cost is the epochs the trials trained: a pruned trial's reported epochs, a full one's all.
 */
import { tableObjective } from "../objectives/table.ts";
import { createPruner, type PrunerOptions } from "../pruners/index.ts";
import type { Pruner } from "../pruners/pruner.ts";
import { samplerFromLabel } from "../samplers/index.ts";
import { createStudy } from "../study/study.ts";
import { type ConfigurationTable, indicesOfValues, positionOf, TABLE_PARAMS } from "../tasks/table.ts";
import { benchTable, quantile } from "./sampler-bench.ts";

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

/** Runs one study of `budget` trials on the table with a sampler (by label) and a pruner (by name and options). */
export async function runPrunedStudy(
  table: ConfigurationTable,
  samplerLabel: string,
  pruner: { name: string; options?: PrunerOptions },
  seed: number,
  budget: number,
): Promise<PrunedStudyTrace> {
  if (!table.hasCurves) throw new Error(`${table.source} has no learning curves: rebuild it with hyperforce table build to replay pruning`);
  const study = createStudy({
    space: table.coveredSpace(),
    sampler: samplerFromLabel(samplerLabel, seed),
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
  /** Median over repeats of this run's epochs over the unpruned run's (same sampler and seed). */
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
        return unpruned === undefined ? NaN : points[i].epochs / prunedPoint(table, unpruned, budget).epochs;
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

export { benchTable };
