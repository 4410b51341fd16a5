/**
 * Parameter importance by PED-ANOVA (Watanabe et al. 2023, Optuna's PedAnovaImportanceEvaluator):
 * how far the distribution of a parameter among the best trials (the top 10% by value) departs from
 * its distribution among all complete trials, measured by the Pearson divergence
 * Σ q(x) (p(x) / q(x) − 1)². A parameter the best trials spread over like every trial has importance
 * near 0; one they concentrate in a small part of its range has a large one. Numeric parameters are
 * placed on [0, 1] (log-scaled like their plot axes) and smoothed by a Gaussian kernel (Scott's
 * bandwidth, positions counted in 400 bins) on a 50-point grid; categorical ones are counted with one prior observation per choice.
 * The importances are normalised to sum to 1. A conditional parameter is judged on the trials that have it.
 */
import type { Distribution, SearchSpace } from "../space/types.ts";
import type { Direction, FrozenTrial } from "../trial/types.ts";
import { parameterScale, positionOf } from "./scale.ts";

export const TOP_QUANTILE = 0.1;
const GRID_POINTS = 50;
/** Below this many complete trials having a parameter there is no top 10% to compare: no importance. */
export const MIN_TRIALS_FOR_IMPORTANCE = 10;

export interface ParameterImportance {
  parameter: string;
  /** Share of the total divergence, 0 to 1; the shares sum to 1 (all 0 when every divergence is 0). */
  importance: number;
  /** The Pearson divergence itself. */
  divergence: number;
}

/** Positions are first counted in this many bins, so the density costs O(trials + bins × grid). */
const BINS = 400;

/** Gaussian kernel density of positions in [0, 1] on the grid, normalised to sum to 1. */
function kernelDensity(positions: readonly number[]): number[] {
  const n = positions.length;
  const mean = positions.reduce((sum, x) => sum + x, 0) / n;
  const std = Math.sqrt(positions.reduce((sum, x) => sum + (x - mean) ** 2, 0) / n);
  // Scott's rule, floored at one grid cell so identical positions still give a density.
  const bandwidth = Math.max(1.06 * std * n ** -0.2, 1 / (GRID_POINTS - 1));
  const counts = new Float64Array(BINS);
  for (const p of positions) counts[Math.min(BINS - 1, Math.max(0, Math.floor(p * BINS)))] += 1;
  const density = Array.from({ length: GRID_POINTS }, (_, i) => {
    const x = i / (GRID_POINTS - 1);
    let sum = 0;
    for (let bin = 0; bin < BINS; bin++) {
      if (counts[bin] > 0) sum += counts[bin] * Math.exp(-0.5 * ((x - (bin + 0.5) / BINS) / bandwidth) ** 2);
    }
    return sum;
  });
  return normalised(density);
}

function categoricalMass(values: readonly unknown[], labels: readonly string[]): number[] {
  const counts = labels.map(() => 1);
  for (const value of values) {
    const index = labels.indexOf(String(value));
    if (index >= 0) counts[index] += 1;
  }
  return normalised(counts);
}

function normalised(values: number[]): number[] {
  const total = values.reduce((sum, x) => sum + x, 0);
  return values.map((x) => x / total);
}

/** Σ q (p / q − 1)²: 0 when p = q. */
export function pearsonDivergence(p: readonly number[], q: readonly number[]): number {
  return q.reduce((sum, qi, i) => (qi > 0 ? sum + qi * (p[i] / qi - 1) ** 2 : sum), 0);
}

function divergenceOf(name: string, distribution: Distribution, trials: readonly FrozenTrial[], direction: Direction): number | null {
  const having = trials.filter((trial) => Object.hasOwn(trial.params, name));
  if (having.length < MIN_TRIALS_FOR_IMPORTANCE) return null;
  const sorted = having.slice().sort((a, b) => (direction === "minimize" ? a.value! - b.value! : b.value! - a.value!));
  const top = sorted.slice(0, Math.max(2, Math.ceil(TOP_QUANTILE * sorted.length)));
  const scale = parameterScale(distribution);
  if (distribution.type === "categorical") {
    const labels = distribution.choices.map(String);
    const values = (list: readonly FrozenTrial[]) => list.map((trial) => trial.params[name]);
    return pearsonDivergence(categoricalMass(values(top), labels), categoricalMass(values(sorted), labels));
  }
  if (scale.max === scale.min) return 0;
  const positions = (list: readonly FrozenTrial[]) => list.map((trial) => positionOf(distribution, trial.params[name]));
  return pearsonDivergence(kernelDensity(positions(top)), kernelDensity(positions(sorted)));
}

/**
 * The importance of each parameter of the space, most important first; parameters with fewer than
 * MIN_TRIALS_FOR_IMPORTANCE complete trials are left out (an empty list: not enough trials yet).
 */
export function parameterImportances(trials: readonly FrozenTrial[], space: SearchSpace, direction: Direction): ParameterImportance[] {
  const complete = trials.filter((trial) => trial.state === "COMPLETE" && Number.isFinite(trial.value));
  const divergences: { parameter: string; divergence: number }[] = [];
  for (const [parameter, distribution] of Object.entries(space)) {
    const divergence = divergenceOf(parameter, distribution, complete, direction);
    if (divergence !== null) divergences.push({ parameter, divergence });
  }
  const total = divergences.reduce((sum, entry) => sum + entry.divergence, 0);
  return divergences
    .map((entry) => ({ ...entry, importance: total > 0 ? entry.divergence / total : 0 }))
    .sort((a, b) => b.importance - a.importance || a.parameter.localeCompare(b.parameter));
}
