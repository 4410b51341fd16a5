import assert from "node:assert/strict";
import { test } from "node:test";
import { exactUCdf, mannWhitneyU, rankWithTies } from "../../src/experiments/statistics.ts";
import { erfc, ndtr as normalCdf } from "../../src/nn/normal.ts";

/** ((i a + b) mod m) / d + offset for i = 0..n-1: the same numbers in Python, so scipy can check them. */
function sequence(n: number, a: number, b: number, m: number, d: number, offset = 0): number[] {
  return Array.from({ length: n }, (_, i) => ((i * a + b) % m) / d + offset);
}

function close(actual: number, expected: number, relative: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= relative * Math.abs(expected), `${what}: ${actual} vs ${expected}`);
}

// Expected values: scipy 1.17.1 on this machine,
//   from scipy.stats import mannwhitneyu
//   mannwhitneyu(x, y, alternative='less') and alternative='greater' (method 'auto': exact when the
//   smaller sample has < 8 values and there are no ties, else normal with tie and continuity correction).
const SCIPY_CASES: Array<{ name: string; x: number[]; y: number[]; u: number; less: number; greater: number; method: string }> = [
  {
    name: "exact 4 vs 5",
    x: [1, 4, 2, 9],
    y: [3, 5, 6, 8, 7],
    u: 6,
    less: 0.20634920634920634,
    greater: 0.8571428571428572,
    method: "exact",
  },
  {
    name: "exact 7 vs 20",
    x: sequence(7, 13, 5, 41, 10),
    y: sequence(20, 17, 3, 59, 10, 0.05),
    u: 34,
    less: 0.02389896737722825,
    greater: 0.9792788531918967,
    method: "exact",
  },
  {
    name: "ties 5 vs 6",
    x: [1, 2, 2, 3, 5],
    y: [2, 3, 4, 4, 6, 7],
    u: 6.5,
    less: 0.06931293993946382,
    greater: 0.9521476244125593,
    method: "normal",
  },
  {
    name: "50 vs 50 with ties",
    x: sequence(50, 37, 0, 101, 100),
    y: sequence(50, 53, 11, 97, 100, 0.1),
    u: 1041,
    less: 0.07529418659820765,
    greater: 0.9256798109911095,
    method: "normal",
  },
  {
    name: "50 vs 50, a run without a result (Infinity) ranks last",
    x: sequence(50, 7, 3, 23, 10),
    y: [...sequence(49, 11, 5, 29, 10), Infinity],
    u: 961.5,
    less: 0.023473408547081954,
    greater: 0.9769063846368323,
    method: "normal",
  },
];

test("Mann-Whitney U and its one-sided p-values match scipy.stats.mannwhitneyu", () => {
  for (const c of SCIPY_CASES) {
    const result = mannWhitneyU(c.x, c.y);
    assert.equal(result.u, c.u, c.name);
    assert.equal(result.method, c.method, c.name);
    close(result.pLower, c.less, 1e-10, `${c.name} p(lower)`);
    close(result.pHigher, c.greater, 1e-10, `${c.name} p(higher)`);
    assert.equal(result.probabilityLower, 1 - c.u / (c.x.length * c.y.length));
    // Swapping the samples swaps the directions.
    const swapped = mannWhitneyU(c.y, c.x);
    assert.equal(swapped.u, c.x.length * c.y.length - c.u);
    close(swapped.pLower, c.greater, 1e-10, `${c.name} swapped`);
  }
});

test("hand-computed cases: the exact null distribution of U, a clear separation, identical samples", () => {
  // Two values each: the 6 orderings give U = 0, 1, 2, 2, 3, 4.
  assert.deepEqual(exactUCdf(2, 2), [1 / 6, 2 / 6, 4 / 6, 5 / 6, 1]);
  // 3 vs 3 fully separated: U = 0 in 1 of C(6, 3) = 20 orderings.
  const separated = mannWhitneyU([1, 2, 3], [4, 5, 6]);
  assert.equal(separated.u, 0);
  assert.equal(separated.pLower, 1 / 20);
  assert.equal(separated.pHigher, 1);
  assert.equal(separated.probabilityLower, 1);
  // Every value tied: no evidence either way.
  const tied = mannWhitneyU(Array(50).fill(0), Array(50).fill(0));
  assert.equal(tied.pLower, 1);
  assert.equal(tied.pHigher, 1);
  assert.equal(tied.probabilityLower, 0.5);
  assert.throws(() => mannWhitneyU([], [1]), /two non-empty samples/);
  assert.throws(() => mannWhitneyU([NaN], [1]), /NaN/);
});

test("ranks share ties; the tie term counts t^3 - t per group", () => {
  assert.deepEqual(rankWithTies([3, 1, 3, 2, Infinity, 3]), { ranks: [4, 1, 4, 2, 6, 4], tieTerm: 24 });
});

test("erfc and the normal distribution function match scipy in both tails", () => {
  // scipy.special.erfc and scipy.stats.norm.cdf.
  const expected: Array<[number, number]> = [
    [0.1, 0.8875370839817152],
    [1, 0.1572992070502852],
    [1.99, 0.004888586800383002],
    [2.01, 0.004475150644751764],
    [3.5, 7.430983723414129e-7],
    [8, 1.122429717298293e-29],
  ];
  for (const [x, value] of expected) close(erfc(x), value, 1e-12, `erfc(${x})`);
  close(erfc(-1), 2 - 0.1572992070502852, 1e-15, "erfc(-1)");
  close(normalCdf(-9), 1.1285884059538324e-19, 1e-12, "Phi(-9)");
  assert.equal(normalCdf(0), 0.5);
});
