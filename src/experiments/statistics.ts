/**
 * The rank test the sampler benchmark reports per cell: the Mann-Whitney U test (the Wilcoxon
 * rank-sum test) of two independent samples, one-sided both ways. Exact (the null distribution of U
 * counted) for small samples without ties, else the normal approximation with the tie correction
 * and a continuity correction of 1/2, as scipy.stats.mannwhitneyu computes them (checked against it
 * in test/experiments/statistics.test.ts). Pure functions of numbers; Infinity ranks as the largest
 * value (a run without a result), NaN is not allowed.
 */
import { ndtr } from "../nn/normal.ts";

export interface RankTest {
  /** Mann-Whitney U of the first sample: pairs (x, y) with x > y, plus half the tied pairs. */
  u: number;
  /** P(X < Y) + P(X = Y) / 2 estimated from the samples: 1 - u / (nx ny). */
  probabilityLower: number;
  /** One-sided p-value of H1 "the first sample tends to be lower". */
  pLower: number;
  /** One-sided p-value of H1 "the first sample tends to be higher". */
  pHigher: number;
  method: "exact" | "normal";
  /** The normal approximation's z of u (no continuity correction); null for the exact test. */
  z: number | null;
}

/** Below this size of the smaller sample, and without ties, the p-values are exact (scipy's rule). */
const EXACT_BELOW = 8;

/** Ranks 1..n of the pooled values, ties sharing their average rank, and the tie term sum(t^3 - t). */
export function rankWithTies(values: readonly number[]): { ranks: number[]; tieTerm: number } {
  const order = values.map((_, i) => i).sort((a, b) => compare(values[a], values[b]));
  const ranks = new Array<number>(values.length);
  let tieTerm = 0;
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && compare(values[order[end]], values[order[start]]) === 0) end++;
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k]] = rank;
    const t = end - start;
    tieTerm += t * t * t - t;
    start = end;
  }
  return { ranks, tieTerm };
}

function compare(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function mannWhitneyU(x: readonly number[], y: readonly number[]): RankTest {
  const nx = x.length;
  const ny = y.length;
  if (nx === 0 || ny === 0) throw new Error("mannWhitneyU needs two non-empty samples");
  if ([...x, ...y].some((value) => Number.isNaN(value))) throw new Error("mannWhitneyU: a sample holds NaN");
  const { ranks, tieTerm } = rankWithTies([...x, ...y]);
  let rankSum = 0;
  for (let i = 0; i < nx; i++) rankSum += ranks[i];
  const u = rankSum - (nx * (nx + 1)) / 2;
  const probabilityLower = 1 - u / (nx * ny);
  if (tieTerm === 0 && Math.min(nx, ny) < EXACT_BELOW) {
    const cdf = exactUCdf(nx, ny);
    // P(U <= u) and P(U >= u); U is an integer without ties.
    return { u, probabilityLower, pLower: cdf[u], pHigher: u === 0 ? 1 : 1 - cdf[u - 1], method: "exact", z: null };
  }
  const n = nx + ny;
  const mean = (nx * ny) / 2;
  const variance = ((nx * ny) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return { u, probabilityLower, pLower: 1, pHigher: 1, method: "normal", z: 0 };
  const sd = Math.sqrt(variance);
  return {
    u,
    probabilityLower,
    pLower: ndtr((u - mean + 0.5) / sd),
    pHigher: ndtr(-(u - mean - 0.5) / sd),
    method: "normal",
    z: (u - mean) / sd,
  };
}

/**
 * P(U <= k) for k = 0..nx*ny under the null without ties: the number of ways U = k counted by the
 * recursion over which sample holds the largest value, c(m, n, k) = c(m - 1, n, k - n) + c(m, n - 1, k).
 */
export function exactUCdf(nx: number, ny: number): number[] {
  // counts[n][k] for the current m, n = 0..ny.
  let previous: number[][] = Array.from({ length: ny + 1 }, () => [1]);
  for (let m = 1; m <= nx; m++) {
    const current: number[][] = [[1]];
    for (let n = 1; n <= ny; n++) {
      const row = new Array<number>(m * n + 1).fill(0);
      for (let k = 0; k <= m * n; k++) row[k] = (k - n >= 0 ? (previous[n][k - n] ?? 0) : 0) + (current[n - 1][k] ?? 0);
      current.push(row);
    }
    previous = current;
  }
  const counts = previous[ny];
  const total = counts.reduce((sum, count) => sum + count, 0);
  const cdf: number[] = [];
  let running = 0;
  for (const count of counts) {
    running += count;
    cdf.push(running / total);
  }
  return cdf;
}
