import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { parseBenchFlags } from "../../src/cli/bench.ts";
import { bestNonRl, compareCells, isRlLabel } from "../../src/experiments/bench-comparisons.ts";
import { benchMarkdown, writeBenchOutputs } from "../../src/experiments/bench-report.ts";
import {
  type BenchRun,
  benchTable,
  pointsOf,
  quantile,
  runBenchStudy,
  runSamplerBench,
  summarize,
} from "../../src/experiments/sampler-bench.ts";
import { mannWhitneyU } from "../../src/experiments/statistics.ts";
import { tableObjective } from "../../src/objectives/table.ts";
import { samplerFromLabel } from "../../src/samplers/index.ts";
import { createStudy } from "../../src/study/study.ts";
import {
  formatTableRow,
  indicesOfValues,
  loadTable,
  positionOf,
  TABLE_HEADER,
  TABLE_PARAMS,
  type TableRow,
  valuesAt,
} from "../../src/tasks/table.ts";
import { hyperforce } from "../helpers/cli.ts";

const dir = mkdtempSync(join(tmpdir(), "hyperforce-bench-"));

/**
 * 3 x 3 x 2 x 2 = 36 configurations, seeds 0 and 1. The loss is a bowl with its minimum at lr index 3,
 * wd index 1, bs index 1, hidden index 9; the seeds differ by less than any two configurations do,
 * so the configuration with the lowest observed loss is the one with the lowest mean.
 */
function writeSmallTable(name: string, drop = 0): string {
  const rows: TableRow[] = [];
  for (const lr of [2, 3, 4])
    for (const wd of [0, 1, 2])
      for (const bs of [1, 2])
        for (const h of [8, 9]) {
          const base = 1 + (lr - 3) ** 2 + 0.5 * (wd - 1) ** 2 + 0.25 * (bs - 1) + 0.125 * (9 - h);
          for (const seed of [0, 1]) {
            const indices = [lr, wd, bs, h];
            rows.push({
              indices,
              values: valuesAt(indices),
              seed,
              validationLoss: base + seed * 0.01,
              testLoss: base + 0.1,
              diverged: false,
              seconds: 0,
            });
          }
        }
  const path = join(dir, name);
  writeFileSync(path, TABLE_HEADER + "\n" + rows.slice(drop).map(formatTableRow).join(""));
  return path;
}

const table = writeSmallTable("small.csv");

test("grid over the whole table reports the best configuration: regret 0, rank percentile 0", async () => {
  const result = await runSamplerBench({ table, samplers: ["random", "grid"], budgets: [36, 5], repeats: 3, workers: 0 });
  assert.deepEqual(result.budgets, [5, 36]);
  assert.equal(result.runs.length, 6);
  assert.equal(result.cells.length, 4);
  assert.equal(result.table.configurations, 36);
  assert.equal(result.table.bestMeanValidationLoss, 1.005);
  assert.deepEqual(result.table.bestConfiguration, { learning_rate: 1e-2, weight_decay: 1e-4, batch_size: 16, hidden_units: 20 });
  assert.equal(result.table.seedRankCorrelation, 1);
  assert.equal(result.table.exhaustiveMedianRegret, 0);
  for (const run of result.runs.filter((r) => r.sampler === "grid")) {
    const full = run.points[1];
    assert.equal(full.evaluations, 36);
    assert.equal(full.regret, 0);
    assert.equal(full.rankPercentile, 0);
    assert.deepEqual(full.configuration, result.table.bestConfiguration);
    assert.ok(Math.abs(full.meanTestLoss! - 1.1) < 1e-12);
  }
  const cell = (sampler: string, budget: number) => result.cells.find((c) => c.sampler === sampler && c.budget === budget)!;
  assert.equal(cell("grid", 36).medianRegret, 0);
  assert.equal(cell("grid", 36).regretQ3, 0);
  assert.ok(cell("grid", 36).meanRank <= cell("random", 36).meanRank);
  assert.equal(cell("random", 5).runs, 3);
  // Ranks among two samplers average to 1.5.
  assert.equal(cell("grid", 5).meanRank + cell("random", 5).meanRank, 3);
});

test("firstSeed runs the repeats on seeds firstSeed.. and a seed's run is the same whatever the first seed", async () => {
  const options = { table, samplers: ["random"], budgets: [10], workers: 0 };
  const later = await runSamplerBench({ ...options, repeats: 2, firstSeed: 5 });
  assert.deepEqual(
    later.runs.map((run) => run.seed),
    [5, 6],
  );
  assert.equal(later.firstSeed, 5);
  const from0 = await runSamplerBench({ ...options, repeats: 7 });
  assert.deepEqual(later.runs[1].points, from0.runs[6].points);
  assert.match(benchMarkdown(later), /2 repeats \(seeds 5\.\.6\)/);
});

test("threads give the same runs as one thread; the outputs have the promised shape", async () => {
  const options = { table, samplers: ["random", "tpe"], budgets: [10, 30], repeats: 2 };
  const inline = await runSamplerBench({ ...options, workers: 0 });
  const threaded = await runSamplerBench({ ...options, workers: 2 });
  assert.deepEqual(
    threaded.runs.map((run) => run.points),
    inline.runs.map((run) => run.points),
  );
  assert.equal(threaded.workers, 2);
  const out = join(dir, "out");
  const files = await writeBenchOutputs(threaded, out);
  assert.deepEqual(
    files.map((file) => file.slice(out.length + 1)),
    ["results.json", "results.md", "regret.vl.json", "regret.svg", "regret.png"],
  );
  const json = JSON.parse(readFileSync(join(out, "results.json"), "utf8"));
  assert.equal(json.runs.length, 4);
  assert.deepEqual(Object.keys(json.runs[0].points[0]).sort(), [
    "bestEvaluatedRegret",
    "budget",
    "configuration",
    "evaluations",
    "meanTestLoss",
    "observedValue",
    "rankPercentile",
    "regret",
  ]);
  const markdown = readFileSync(join(out, "results.md"), "utf8");
  assert.match(markdown, /^\| sampler \| 10 \| 30 \|$/m);
  assert.match(markdown, /^\| tpe \| (\*\*)?\d\.\d{4} \[\d\.\d{4}, \d\.\d{4}\](\*\*)? \| /m);
  assert.match(markdown, /Mean rank among the samplers/);
  assert.match(markdown, /^What the search found: .*\n\n\| sampler \| 10 \| 30 \|\n.*\n\| random \| (\*\*)?\d\.\d{4} \[\d+%\](\*\*)? \| /m);
  assert.ok(readFileSync(join(out, "regret.svg"), "utf8").startsWith("<svg"));
  assert.deepEqual([...readFileSync(join(out, "regret.png")).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  assert.equal(JSON.parse(readFileSync(join(out, "regret.vl.json"), "utf8")).layer.length, 2);
});

test("the benchmark's loop proposes what a Study with the same sampler proposes", async () => {
  for (const label of ["random", "tpe", "reinforce-mlp"]) {
    const trace = await runBenchStudy(table, label, 4, 20);
    const study = createStudy({ space: loadTable(table).coveredSpace(), sampler: samplerFromLabel(label, 4), seed: 4 });
    await study.optimize(tableObjective({ table, seed: 4 }), { nTrials: 20 });
    const positions = study.trials.map((trial) => positionOf(indicesOfValues(TABLE_PARAMS.map((name) => trial.params[name] as number))!));
    assert.deepEqual(trace.positions, positions, label);
    assert.deepEqual(
      trace.values,
      study.trials.map((trial) => trial.value),
      label,
    );
  }
});

test("budgets are read off one trace as the best observed so far", () => {
  const t = loadTable(table);
  const a = positionOf([2, 0, 1, 8]);
  const b = positionOf([3, 1, 1, 9]);
  const points = pointsOf(t, { sampler: "x", seed: 0, positions: [a, b, a], values: [NaN, 1.01, 0.5], seconds: 0 }, [1, 2, 3, 10]);
  assert.equal(points[0].configuration, null);
  assert.equal(points[0].regret, null);
  assert.equal(points[1].regret, 0);
  // The third trial observed a lower value for a worse configuration: the reported best changes, its regret grows.
  assert.equal(points[2].observedValue, 0.5);
  assert.ok(Math.abs(points[2].regret! - (t.meanValidationLoss(a) - 1.005)) < 1e-12);
  assert.equal(points[3].evaluations, 3);
  // What the search found is the best configuration it completed, whatever it reports: b, the table's best.
  assert.deepEqual(
    points.map((p) => p.bestEvaluatedRegret),
    [null, 0, 0, 0],
  );
  const cells = summarize([{ sampler: "x", seed: 0, seconds: 0, points: points.slice(1) }], ["x"], [2, 3, 10], 1);
  assert.deepEqual(
    cells.map((c) => [c.budget, c.medianBestEvaluatedRegret, c.misledShare]),
    [
      [2, 0, 0],
      [3, 0, 1],
      [10, 0, 1],
    ],
  );
});

/** The table summary of a result built by hand (only the markdown's first line reads it). */
const TINY_TABLE = {
  path: "t",
  seeds: [0],
  configurations: 1,
  bestMeanValidationLoss: 1,
  bestConfiguration: {},
  bestMeanTestLoss: 1,
  seedRankCorrelation: null,
  exhaustiveMedianRegret: 0,
};

test("quantiles as numpy computes them; a run without a completed trial ranks last", () => {
  assert.equal(quantile([4, 1, 3, 2], 0.25), 1.75);
  assert.equal(quantile([4, 1, 3, 2], 0.5), 2.5);
  assert.equal(quantile([1, 2, Infinity], 0.5), 2);
  assert.equal(quantile([1, Infinity], 1), Infinity);
  const point = (regret: number | null) => ({
    budget: 5,
    evaluations: 5,
    configuration: null,
    observedValue: null,
    regret,
    rankPercentile: null,
    meanTestLoss: null,
    bestEvaluatedRegret: null,
  });
  // "c" records what its search found; "a" and "b" are runs from before that existed.
  const runs: BenchRun[] = [
    { sampler: "a", seed: 0, seconds: 0, points: [point(null)] },
    { sampler: "b", seed: 0, seconds: 0, points: [point(0.3)] },
    { sampler: "c", seed: 0, seconds: 0, points: [{ ...point(0.5), bestEvaluatedRegret: 0.2 }] },
  ];
  const cells = summarize(runs, ["a", "b", "c"], [5], 1);
  assert.deepEqual(
    cells.map((c) => [c.sampler, c.meanRank, c.medianRegret, c.medianBestEvaluatedRegret, c.misledShare]),
    [
      ["a", 3, null, null, null],
      ["b", 1, 0.3, null, null],
      ["c", 2, 0.5, 0.2, 1],
    ],
  );
  const markdown = benchMarkdown({
    table: TINY_TABLE,
    samplers: ["a", "b", "c"],
    budgets: [5],
    repeats: 1,
    firstSeed: 0,
    workers: 0,
    wallSeconds: 0,
    cells,
    comparisons: [],
    runs,
  });
  assert.match(markdown, /\| a \| n\/a \[n\/a, n\/a\] \|/);
  // What the search found lists only the samplers whose runs record it.
  const found = markdown.slice(markdown.indexOf("What the search found"));
  assert.match(found, /^\| c \| \*\*0\.2000 \[100%\]\*\* \|$/m);
  assert.doesNotMatch(found, /^\| [ab] \|/m);
});

test("rank tests per cell: each sampler against random, each RL sampler against the best non-RL sampler at that budget", () => {
  const point = (budget: number, regret: number | null) => ({
    budget,
    evaluations: budget,
    configuration: null,
    observedValue: null,
    regret,
    rankPercentile: null,
    meanTestLoss: null,
    bestEvaluatedRegret: null,
  });
  // Regrets per sampler and repeat at budgets 5 and 10: tpe is best among the non-RL samplers at 5, evolution at 10.
  const regrets: Record<string, Array<[number | null, number | null]>> = {
    random: [
      [5, 4],
      [6, 5],
      [7, 3],
      [8, 6],
      [9, 4],
    ],
    tpe: [
      [1, 3],
      [2, 3],
      [3, 3],
      [2.5, 3],
      [1.5, 3],
    ],
    evolution: [
      [4, 1],
      [4, 0],
      [4, 1],
      [4, 2],
      [4, 1],
    ],
    "reinforce-mlp": [
      [0, 2],
      [1, 2],
      [0.5, 2],
      [3, 2],
      [null, 2],
    ],
  };
  const samplers = Object.keys(regrets);
  const runs: BenchRun[] = samplers.flatMap((sampler) =>
    regrets[sampler].map(([at5, at10], seed) => ({ sampler, seed, seconds: 0, points: [point(5, at5), point(10, at10)] })),
  );
  const cells = summarize(runs, samplers, [5, 10], 5);
  assert.equal(bestNonRl(cells, samplers, 5), "tpe");
  assert.equal(bestNonRl(cells, samplers, 10), "evolution");
  assert.ok(isRlLabel("reinforce-mlp") && isRlLabel("ppo-rnn") && !isRlLabel("evolution") && !isRlLabel("gp"));
  const comparisons = compareCells(runs, cells, samplers, [5, 10]);
  assert.deepEqual(
    comparisons.map((c) => `${c.budget} ${c.sampler} vs ${c.reference}`),
    [
      "5 tpe vs random",
      "5 evolution vs random",
      "5 reinforce-mlp vs random",
      "5 reinforce-mlp vs tpe",
      "10 tpe vs random",
      "10 evolution vs random",
      "10 reinforce-mlp vs random",
      "10 reinforce-mlp vs evolution",
    ],
  );
  const rlVsTpe = comparisons[3];
  // A repeat without a result ranks as the worst regret.
  assert.deepEqual(rlVsTpe.test, mannWhitneyU([0, 1, 0.5, 3, Infinity], [1, 2, 3, 2.5, 1.5]));
  assert.equal(rlVsTpe.medianDifference, 1 - 2);
  assert.equal(rlVsTpe.against, "best non-RL");
  // tpe below random in every repeat at 5: the smallest exact p-value for 5 vs 5, 1 / C(10, 5).
  assert.equal(comparisons[0].test.pLower, 1 / 252);
  const markdown = benchMarkdown({
    table: TINY_TABLE,
    samplers,
    budgets: [5, 10],
    repeats: 5,
    firstSeed: 0,
    workers: 0,
    wallSeconds: 0,
    cells,
    comparisons,
    runs,
  });
  assert.match(markdown, /\| \(against\) \| random \| random \|\n\| tpe \| -5\.0000 \(p 0\.0040\*\) \|/);
  assert.match(
    markdown,
    /\| \(against\) \| tpe \| evolution \|\n\| reinforce-mlp \| -1\.0000 \(lower p [0-9.]+, higher p [0-9.]+\) \| \+1\.0000 /,
  );
});

test("errors: an incomplete table, unknown samplers, bad budgets and flags", async () => {
  const gap = writeSmallTable("gap.csv", 1);
  assert.throws(() => benchTable(gap), {
    message:
      `${gap}: 1 runs (configuration x seed) of the space the table covers have no row; ` +
      "finish the build (hyperforce table build resumes it) before benchmarking",
  });
  await assert.rejects(runSamplerBench({ table, samplers: ["anneal"], budgets: [5], repeats: 1 }), {
    message: /^unknown sampler label "anneal"; labels: grid, random, tpe/,
  });
  await assert.rejects(runSamplerBench({ table, samplers: ["random"], budgets: [0], repeats: 1 }), {
    message: "a budget must be an integer >= 1, got 0",
  });
  await assert.rejects(runSamplerBench({ table, samplers: ["random", "random"], budgets: [5], repeats: 1 }), {
    message: 'sampler "random" is listed twice',
  });
  const flags = { table, samplers: "random,grid", budgets: "25,50", repeats: "3", out: "o" };
  assert.deepEqual(parseBenchFlags(flags), {
    table,
    samplers: ["random", "grid"],
    budgets: [25, 50],
    repeats: 3,
    space: "paper",
    out: "o",
  });
  assert.equal(parseBenchFlags({ ...flags, space: "paper-categorical" }).space, "paper-categorical");
  assert.throws(() => parseBenchFlags({ ...flags, space: "wide" }), {
    message: '--space must be one of paper, paper-categorical (the presets a table covers), got "wide"',
  });
  assert.equal(parseBenchFlags({ ...flags, firstSeed: "100" }).firstSeed, 100);
  assert.throws(() => parseBenchFlags({ ...flags, firstSeed: "-1" }), { message: '--first-seed must be an integer >= 0, got "-1"' });
  assert.throws(() => parseBenchFlags({ ...flags, samplers: "random,,grid" }), {
    message: '--samplers must be a comma-separated list without empty items, got "random,,grid"',
  });
  assert.throws(() => parseBenchFlags({ ...flags, budgets: "25,x" }), { message: 'each of --budgets must be an integer >= 1, got "x"' });
  assert.throws(() => parseBenchFlags({ ...flags, samplers: "random,cmaes" }), {
    message: /^unknown sampler "cmaes" in --samplers; samplers: /,
  });
  assert.ok(!existsSync(join(dir, "o")));
});

test("hyperforce bench writes its outputs and, run again, reuses the studies it recorded", async () => {
  const out = join(dir, "cli");
  // As a child process: replacing this process's stdout would swallow the test runner's own reports.
  const run = async (): Promise<string> => {
    const outcome = await hyperforce([
      "bench",
      "--table",
      table,
      "--samplers",
      "random,grid",
      "--budgets",
      "5,36",
      "--repeats",
      "2",
      "--workers",
      "0",
      "--out",
      out,
    ]);
    assert.equal(outcome.code, 0, outcome.stderr);
    return outcome.stdout;
  };
  assert.match(await run(), /results\.md\n/);
  const studies = readFileSync(join(out, "studies.jsonl"), "utf8");
  assert.equal(studies.trim().split("\n").length, 4);
  const first = JSON.parse(readFileSync(join(out, "results.json"), "utf8"));
  await run();
  // Every study ran the largest budget's 36 trials, so the second run reuses all four and adds none.
  assert.equal(readFileSync(join(out, "studies.jsonl"), "utf8"), studies);
  const second = JSON.parse(readFileSync(join(out, "results.json"), "utf8"));
  assert.deepEqual(second.runs, first.runs);
  assert.deepEqual(second.cells, first.cells);
});
