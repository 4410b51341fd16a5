/**
 * The benchmark's rank tests, one per cell: every sampler against random search, and every RL sampler
 * (reinforce, ppo) against the best non-RL sampler of the benchmark at that budget (the lowest median
 * regret among random, grid, tpe, gp and evolution; ties go to the lower mean rank). Each is a one-sided
 * Mann-Whitney U test over the repeats' regrets (a repeat without a result counts as the worst), both
 * directions reported; the p-values are per cell, not corrected for the number of cells.
 */
import { SAMPLER_LABEL_OPTIONS, type SamplerLabel } from "../samplers/index.ts";
import type { BenchCell, BenchRun } from "./sampler-bench.ts";
import { mannWhitneyU, type RankTest } from "./statistics.ts";

export interface BenchComparison {
  sampler: string;
  budget: number;
  /** The sampler it is tested against. */
  reference: string;
  against: "random" | "best non-RL";
  /** The sampler's median regret minus the reference's. */
  medianDifference: number | null;
  test: RankTest;
}

/** True for the policy-gradient samplers' labels (reinforce-*, ppo*). */
export function isRlLabel(label: string): boolean {
  const sampler = SAMPLER_LABEL_OPTIONS[label as SamplerLabel]?.sampler;
  return sampler === "reinforce" || sampler === "ppo";
}

/** The non-RL sampler with the lowest median regret at a budget (then the lower mean rank, then list order). */
export function bestNonRl(cells: readonly BenchCell[], samplers: readonly string[], budget: number): string | undefined {
  let best: BenchCell | undefined;
  for (const sampler of samplers) {
    if (isRlLabel(sampler)) continue;
    const cell = cells.find((c) => c.sampler === sampler && c.budget === budget);
    if (cell === undefined) continue;
    const median = cell.medianRegret ?? Infinity;
    const bestMedian = best?.medianRegret ?? Infinity;
    if (best === undefined || median < bestMedian || (median === bestMedian && cell.meanRank < best.meanRank)) best = cell;
  }
  return best?.sampler;
}

export function compareCells(
  runs: readonly BenchRun[],
  cells: readonly BenchCell[],
  samplers: readonly string[],
  budgets: readonly number[],
): BenchComparison[] {
  const comparisons: BenchComparison[] = [];
  budgets.forEach((budget, b) => {
    const regrets = (sampler: string): number[] =>
      runs.filter((run) => run.sampler === sampler).map((run) => run.points[b]?.regret ?? Infinity);
    const median = (sampler: string): number | null =>
      cells.find((c) => c.sampler === sampler && c.budget === budget)?.medianRegret ?? null;
    const compare = (sampler: string, reference: string, against: BenchComparison["against"]): void => {
      const [mine, theirs] = [median(sampler), median(reference)];
      comparisons.push({
        sampler,
        budget,
        reference,
        against,
        medianDifference: mine !== null && theirs !== null ? mine - theirs : null,
        test: mannWhitneyU(regrets(sampler), regrets(reference)),
      });
    };
    if (samplers.includes("random")) for (const sampler of samplers) if (sampler !== "random") compare(sampler, "random", "random");
    const best = bestNonRl(cells, samplers, budget);
    if (best !== undefined) for (const sampler of samplers) if (isRlLabel(sampler)) compare(sampler, best, "best non-RL");
  });
  return comparisons;
}
