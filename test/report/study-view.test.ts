// The report's fixes, on the specs and rows themselves: units and dataset named from the study's
// definition, accuracy beside cross-entropy, rounded numbers, the top-10 table, parallel coordinates
// with a conditional parameter (and no "NaN" colour bar when empty), no failed-trial legend entry
// when none failed, and the slices in one grid.
import assert from "node:assert/strict";
import { test } from "node:test";
import { historyPlot } from "../../src/report/history-plot.ts";
import { roundForPeople, studyObjective } from "../../src/report/labels.ts";
import { NOT_SET_POSITION, parallelPlot, parallelRows } from "../../src/report/parallel-plot.ts";
import { renderSvg } from "../../src/report/render.ts";
import { sliceGrid } from "../../src/report/slice-plot.ts";
import { studyView, summaryRows, topTable } from "../../src/report/study-view.ts";
import type { SearchSpace } from "../../src/space/types.ts";
import type { StudySummary } from "../../src/storage/storage.ts";
import type { FrozenTrial } from "../../src/trial/types.ts";

function trial(number: number, value: number | undefined, params: FrozenTrial["params"], userAttrs = {}): FrozenTrial {
  const state = value === undefined ? "FAIL" : "COMPLETE";
  return { number, state, value, params, distributions: {}, intermediateValues: {}, userAttrs, systemAttrs: {} };
}

const SPACE: SearchSpace = {
  optimizer: { type: "categorical", choices: ["adam", "sgd"] },
  momentum: { type: "float", low: 0, high: 0.99 },
  lr: { type: "float", low: 1e-5, high: 1, log: true },
};

test("labels: the unit, dataset and target come from the study's definition", () => {
  const wine = studyObjective({}, { definition: { task: "wine" } }, []);
  assert.equal(wine.valueLabel, "validation MSE of the standardised target");
  assert.match(wine.dataset ?? "", /Wine Quality/);
  assert.equal(wine.target, "residual sugar (regression)");
  const csv = studyObjective({}, { definition: { task: "csv:data/iris.csv", target: "species", kind: "classification" } }, []);
  assert.deepEqual(csv, {
    valueLabel: "validation cross-entropy (nats)",
    dataset: "data/iris.csv",
    target: "species",
    classification: true,
  });
  assert.equal(studyObjective({}, {}, []).valueLabel, "objective value");
  assert.deepEqual([0.2790374842655654, 1.2345e-7, 123456.7, 12, 0].map(roundForPeople), ["0.279", "1.235e-7", "1.235e+5", "12", "0"]);
});

test("summary and top-10: rounded, accuracy beside cross-entropy, ten best in order", () => {
  const trials = Array.from({ length: 14 }, (_, i) =>
    trial(
      i,
      i === 3 ? undefined : 1 / (i + 1.5),
      { optimizer: "adam", lr: 10 ** -(i % 5) },
      { validation_accuracy: 0.5 + i / 100, test_loss: 0.123456789 },
    ),
  );
  const summary: StudySummary = {
    studyId: 0,
    name: "letter-tpe",
    direction: "minimize",
    userAttrs: {},
    systemAttrs: { definition: { task: "letter" } },
  };
  const view = studyView(summary, trials);
  const rows = Object.fromEntries(summaryRows(view));
  assert.equal(rows["best value (validation cross-entropy (nats))"], "0.06897 (trial #13)");
  assert.equal(rows["its validation accuracy"], "0.63");
  assert.equal(rows["its test loss"], "0.1235");
  assert.equal(rows.trials, "14 (13 complete, 1 failed)");
  const top = topTable(view);
  assert.deepEqual(top.header.slice(0, 5), ["rank", "trial", "validation cross-entropy (nats)", "test loss", "validation accuracy"]);
  assert.deepEqual(
    top.rows.map((row) => row[1]),
    ["#13", "#12", "#11", "#10", "#9", "#8", "#7", "#6", "#5", "#4"],
  );
});

test("parallel coordinates: trials of both branches of a conditional space are drawn, 'not set' below the axis", async () => {
  const trials = [
    trial(0, 1, { optimizer: "adam", lr: 1e-3 }),
    trial(1, 2, { optimizer: "sgd", momentum: 0.9, lr: 1e-2 }),
    trial(2, 3, { optimizer: "sgd", momentum: 0.5, lr: 1e-4 }),
  ];
  const rows = parallelRows(trials, SPACE, "minimize");
  assert.equal(new Set(rows.map((row) => row.trial)).size, 3);
  assert.deepEqual(
    rows.filter((row) => row.position === NOT_SET_POSITION).map((row) => [row.trial, row.parameter]),
    [[0, "momentum"]],
  );
  const svg = await renderSvg(parallelPlot(trials, SPACE, { direction: "minimize", valueLabel: "loss", title: "c" }));
  assert.equal(svg.match(/<g class="mark-line role-mark/g)?.length, 3);
  assert.match(svg, />not set</);
  const empty = await renderSvg(parallelPlot([trial(0, undefined, {})], SPACE, { direction: "minimize", valueLabel: "loss", title: "e" }));
  assert.ok(!empty.includes("NaN"), "no NaN colour bar without trials");
  assert.match(empty, /no complete trial yet/);
});

test("history: a failed-trial legend entry only when a trial failed; slices in one grid", async () => {
  const options = { direction: "minimize" as const, valueLabel: "loss", title: "h" };
  const clean = await renderSvg(historyPlot([trial(0, 1, {}), trial(1, 0.5, {})], options));
  assert.ok(!clean.includes("failed trial"));
  const failed = await renderSvg(historyPlot([trial(0, 1, {}), trial(1, undefined, {})], options));
  assert.match(failed, /failed trial \(no value\)/);
  const trials = Array.from({ length: 6 }, (_, i) => trial(i, i, { optimizer: i % 2 ? "sgd" : "adam", momentum: i / 10, lr: 10 ** -i }));
  const grid = sliceGrid(trials, SPACE, { valueLabel: "loss" }) as { concat: unknown[]; columns: number };
  assert.equal(grid.concat.length, 3);
  assert.equal(grid.columns, 3);
  const svg = await renderSvg(grid as never);
  assert.ok(Number(/<svg[^>]*height="([0-9.]+)"/.exec(svg)?.[1]) < 400, "three slices in one row");
});
