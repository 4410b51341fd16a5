import assert from "node:assert/strict";
import { test } from "node:test";
import { bestSoFar, meanCurve } from "../../src/report/convergence-plot.ts";
import { HISTORY_SERIES, historyPlot, historyRows } from "../../src/report/history-plot.ts";
import { parallelPlot, parallelRows } from "../../src/report/parallel-plot.ts";
import { renderSvg } from "../../src/report/render.ts";
import { movingAverage, rewardDomain, rewardPlot, rewardRows } from "../../src/report/reward-plot.ts";
import { formatParamValue, parameterScale, positionOf } from "../../src/report/scale.ts";
import { slicePlot, sliceRows } from "../../src/report/slice-plot.ts";
import { paperSpace } from "../../src/space/presets.ts";
import type { FrozenTrial } from "../../src/trial/types.ts";

function trial(number: number, state: FrozenTrial["state"], value: number | undefined, params: FrozenTrial["params"] = {}): FrozenTrial {
  return { number, state, value, params, distributions: {}, intermediateValues: {}, userAttrs: {}, systemAttrs: {} };
}

const paper = paperSpace();
const config = (lr: number, wd: number, bs: number, h: number) => ({
  learning_rate: lr,
  weight_decay: wd,
  batch_size: bs,
  hidden_units: h,
});

test("scale: the paper's rates and batch sizes are geometric (log axes), hidden units linear", () => {
  assert.deepEqual(
    [parameterScale(paper.learning_rate).log, parameterScale(paper.batch_size).log, parameterScale(paper.hidden_units).log],
    [true, true, false],
  );
  assert.equal(positionOf(paper.learning_rate, 1e-5), 0);
  assert.equal(positionOf(paper.learning_rate, 0.3), 1);
  assert.ok(Math.abs(positionOf(paper.learning_rate, 1e-3) - Math.log(100) / Math.log(30000)) < 1e-12);
  assert.equal(positionOf(paper.hidden_units, 11), 0.5);
  assert.equal(positionOf({ type: "float", low: 1, high: 100, log: true }, 10), 0.5);
  assert.equal(positionOf({ type: "categorical", choices: ["adam", "sgd", "rmsprop"] }, "sgd"), 0.5);
  assert.deepEqual(
    [formatParamValue(3e-4), formatParamValue(1e-5), formatParamValue(0.03), formatParamValue(4096), formatParamValue("relu")],
    ["3e-4", "1e-5", "0.03", "4096", "relu"],
  );
});

test("history: best so far only improves, failed trials sit at the worst value", () => {
  const trials = [
    trial(0, "COMPLETE", 0.5),
    trial(1, "FAIL", undefined),
    trial(2, "COMPLETE", 0.7),
    trial(3, "COMPLETE", 0.3),
    trial(4, "RUNNING", undefined),
  ];
  const rows = historyRows(trials, "minimize");
  assert.deepEqual(
    rows.filter((r) => r.series === HISTORY_SERIES.best).map((r) => r.value),
    [0.5, 0.5, 0.3],
  );
  assert.deepEqual(
    rows.filter((r) => r.series === HISTORY_SERIES.failed),
    [{ trial: 1, value: 0.7, series: HISTORY_SERIES.failed }],
  );
  assert.deepEqual(
    historyRows(trials, "maximize")
      .filter((r) => r.series === HISTORY_SERIES.best)
      .map((r) => r.value),
    [0.5, 0.7, 0.7],
  );
  assert.deepEqual(bestSoFar(trials, "minimize"), [0.5, 0.5, 0.5, 0.3]);
  assert.deepEqual(
    meanCurve([
      [1, 0.5, 0.5],
      [0.5, 0.5],
    ]),
    [0.75, 0.5],
  );
});

test("history plot: one point per complete trial, a cross per failed trial, axis titles and legend entries in the SVG", async () => {
  const trials = [trial(0, "COMPLETE", 0.5), trial(1, "FAIL", undefined), trial(2, "COMPLETE", 0.7), trial(3, "COMPLETE", 0.3)];
  const svg = await renderSvg(historyPlot(trials, { direction: "minimize", valueLabel: "validation MSE", title: "History" }));
  assert.equal(svg.match(/aria-label="[^"]*series: trial value"/g)?.length, 3);
  assert.equal(svg.match(/aria-label="[^"]*series: failed trial \(no value\)"/g)?.length, 1);
  assert.match(svg, /X-axis titled 'trial number'/);
  assert.match(svg, /Y-axis titled 'validation MSE'/);
  for (const label of Object.values(HISTORY_SERIES)) assert.ok(svg.includes(`>${label}</text>`), `legend entry ${label}`);
});

test("reward: moving average is the trailing mean; one series gets two legend entries, several get one per series", async () => {
  assert.deepEqual(movingAverage([1, 2, 3, 4], 2), [1, 1.5, 2.5, 3.5]);
  assert.deepEqual(movingAverage([4, 2], 10), [4, 3]);
  assert.throws(() => movingAverage([1], 0), /the moving-average window must be a positive integer, got 0/);
  const points = [1, 2, 3, 4, 5].map((update) => ({ update, meanReward: -1 / update }));
  const rows = rewardRows([{ name: "s", points }], 3);
  assert.deepEqual(
    rows.filter((r) => r.kind === "average").map((r) => r.reward.toFixed(4)),
    ["-1.0000", "-0.7500", "-0.6111", "-0.3611", "-0.2611"],
  );
  const single = await renderSvg(
    rewardPlot([{ name: "s", points }], { title: "Reward", rewardLabel: "reward (− validation MSE)", window: 3 }),
  );
  assert.ok(single.includes(">batch mean reward</text>") && single.includes(">moving average (3 updates)</text>"));
  assert.match(single, /Y-axis titled 'reward \(− validation MSE\)'/);
  const several = await renderSvg(
    rewardPlot(
      [
        { name: "seed 0", points },
        { name: "seed 1", points },
      ],
      { title: "Reward", rewardLabel: "reward" },
    ),
  );
  assert.ok(several.includes(">seed 0</text>") && several.includes(">seed 1</text>"));
  assert.throws(() => rewardPlot([], { title: "t", rewardLabel: "r" }), /at least one series/);
  assert.deepEqual(rewardDomain(rows), { domain: null, clipped: 0 });
});

test("reward: one diverged batch far below the rest is clipped and counted, not allowed to flatten the curves", async () => {
  const rewards = [-0.6, -0.5, -0.55, -8, -0.5, -0.45];
  const points = rewards.map((meanReward, i) => ({ update: i + 1, meanReward }));
  const rows = rewardRows(
    [
      { name: "a", points },
      { name: "b", points: points.map((p) => ({ ...p, meanReward: p.update === 4 ? -0.5 : p.meanReward })) },
    ],
    3,
  );
  const { domain, clipped } = rewardDomain(rows);
  // Series a's lowest moving average is (-0.5 - 0.55 - 8) / 3; the axis stops half the spread below it.
  assert.equal(clipped, 1);
  assert.equal(domain![1], -0.45);
  assert.ok(Math.abs(domain![0] - (-9.05 / 3 - 0.5 * (-0.45 + 9.05 / 3))) < 1e-12);
  const svg = await renderSvg(
    rewardPlot(
      [
        { name: "a", points },
        { name: "b", points },
      ],
      { title: "Reward", rewardLabel: "reward", window: 3 },
    ),
  );
  assert.match(svg, /points? below the axis not shown/);
});

test("parallel coordinates: a line per complete trial, best drawn last, axes in the space's order", async () => {
  const trials = [
    trial(0, "COMPLETE", 0.4, config(1e-3, 1e-5, 64, 8)),
    trial(1, "COMPLETE", 0.2, config(3e-1, 3e-1, 4096, 20)),
    trial(2, "FAIL", undefined, config(1e-1, 1e-1, 8, 2)),
    trial(3, "COMPLETE", 0.9, config(1e-5, 1e-5, 8, 2)),
  ];
  const rows = parallelRows(trials, paper, "minimize");
  assert.equal(rows.length, 12);
  assert.deepEqual([...new Set(rows.map((r) => r.trial))], [3, 0, 1]);
  assert.deepEqual(
    rows.filter((r) => r.trial === 1).map((r) => r.position),
    [1, 1, 1, 1],
  );
  const svg = await renderSvg(
    parallelPlot(trials, paper, { direction: "minimize", valueLabel: "validation MSE", title: "Configurations" }),
  );
  // vega draws one line mark group per trial (the detail channel).
  assert.equal(svg.match(/<g class="mark-line role-mark[^"]*"/g)?.length, 3);
  for (const name of Object.keys(paper)) assert.ok(svg.includes(`>${name}</text>`), name);
  assert.ok(svg.includes(">0.3 (log)</text>") && svg.includes(">4096 (log)</text>") && svg.includes(">20</text>"));
});

test("slice: log x axis for geometric parameters, one point per complete trial", async () => {
  const trials = [
    trial(0, "COMPLETE", 0.4, config(1e-3, 1e-5, 64, 8)),
    trial(1, "COMPLETE", 0.2, config(3e-1, 3e-1, 4096, 20)),
    trial(2, "FAIL", undefined, config(1e-1, 1e-1, 8, 2)),
  ];
  assert.deepEqual(sliceRows(trials, "learning_rate"), [
    { trial: 0, param: 1e-3, value: 0.4 },
    { trial: 1, param: 0.3, value: 0.2 },
  ]);
  const svg = await renderSvg(slicePlot(trials, "learning_rate", paper.learning_rate, { valueLabel: "validation MSE" }));
  assert.match(svg, /X-axis titled 'learning_rate \(log scale\)' for a log scale/);
  assert.equal(svg.match(/aria-label="learning_rate \(log scale\): [^"]*"/g)?.length, 2);
  const linear = await renderSvg(slicePlot(trials, "hidden_units", paper.hidden_units, { valueLabel: "validation MSE" }));
  assert.match(linear, /X-axis titled 'hidden_units' for a linear scale/);
});
