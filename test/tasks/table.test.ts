import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import { paperTaskSplitSync } from "../../src/tasks/paper-task.ts";
import {
  averageRanks,
  ConfigurationTable,
  formatTableRow,
  indicesAt,
  indicesOfValues,
  loadTable,
  parseTableText,
  positionOf,
  readTableRows,
  spearman,
  TABLE_CONFIGURATIONS,
  TABLE_HEADER,
  type TableRow,
  valuesAt,
} from "../../src/tasks/table.ts";
import { trainAndEvaluate } from "../../src/tasks/train.ts";

const dir = mkdtempSync(join(tmpdir(), "hyperforce-table-"));

function row(indices: number[], seed: number, validationLoss: number, testLoss = validationLoss + 0.5, diverged = false): TableRow {
  return {
    indices,
    values: valuesAt(indices),
    seed,
    validationLoss: diverged ? Infinity : validationLoss,
    testLoss: diverged ? Infinity : testLoss,
    diverged,
    seconds: 0.01,
  };
}

function tableText(rows: TableRow[]): string {
  return TABLE_HEADER + "\n" + rows.map(formatTableRow).join("");
}

test("positions follow the paper space's index order, hidden units fastest", () => {
  assert.equal(TABLE_CONFIGURATIONS, 10_000);
  assert.equal(positionOf([0, 0, 0, 1]), 1);
  assert.equal(positionOf([1, 0, 0, 0]), 1000);
  assert.deepEqual(indicesAt(1234), [1, 2, 3, 4]);
  // learning rate index 5 is 3e-5 (the paper's order: 1e-5..1e-1, then 3e-5..3e-1)
  assert.deepEqual(valuesAt([5, 9, 0, 9]), [3e-5, 0.3, 8, 20]);
  assert.deepEqual(indicesOfValues([3e-5, 0.3, 8, 20]), [5, 9, 0, 9]);
  assert.equal(indicesOfValues([3e-5, 0.3, 8, 21]), undefined);
});

test("a row round-trips through its CSV line, a diverged one with empty losses", () => {
  const rows = [row([1, 2, 3, 4], 0, 0.123456789012345, 0.5), row([9, 9, 0, 0], 1, 0, 0, true)];
  const text = tableText(rows);
  assert.match(text.split("\n")[2], /^9,9,0,0,0\.3,0\.3,8,2,1,,,1,0\.0100,$/);
  const parsed = parseTableText(text, "t.csv");
  assert.deepEqual(parsed.rows, rows);
  assert.equal(parsed.completeLength, text.length);
});

test("malformed rows are errors naming the file and the line", () => {
  const good = formatTableRow(row([0, 0, 0, 0], 0, 1)).trimEnd();
  const cases: Array<[string, RegExp]> = [
    ["0,0,0\n", /^t\.csv: line 2: expected 14 comma-separated fields, got 3$/],
    [good.replace(/^0,/, "10,") + "\n", /^t\.csv: line 2: learning_rate_index must be an integer in \[0, 9\], got "10"$/],
    [
      good.replace(",8,2,", ",16,2,") + "\n",
      /^t\.csv: line 2: batch_size 16 does not match batch_size_index 0 \(the paper space's choice there is 8\)$/,
    ],
    [good.replace(/,0,0\.0100,$/, ",2,0.0100,") + "\n", /^t\.csv: line 2: diverged must be 0 or 1, got "2"$/],
    [good.replace(/,1,1\.5,/, ",x,1.5,") + "\n", /^t\.csv: line 2: validation_loss must be a finite number, got "x"$/],
    [good + "\n" + good + "\n", /^t\.csv: line 3: configuration 0,0,0,0 with seed 0 is already on line 2$/],
    [
      formatTableRow(row([0, 0, 0, 0], 0, 1, 1, true)).replace(",,,1,", ",1,1,1,"),
      /^t\.csv: line 2: a diverged row must leave validation_loss and test_loss empty$/,
    ],
  ];
  for (const [body, message] of cases) assert.throws(() => parseTableText(TABLE_HEADER + "\n" + body, "t.csv"), { message });
  assert.throws(() => parseTableText("a,b\n", "t.csv"), { message: /^t\.csv: line 1 must be the header learning_rate_index,/ });
  assert.throws(() => parseTableText("", "t.csv"), /t\.csv: the file is empty/);
  assert.throws(() => readTableRows(join(dir, "absent.csv")), {
    message: /^table file not found: .*absent\.csv \(build one with: hyperforce table build --task wine --out /,
  });
});

test("a last line cut by a kill is dropped when resuming, and parsed otherwise", () => {
  const whole = tableText([row([0, 0, 0, 0], 0, 1), row([0, 0, 0, 1], 0, 2)]);
  const cut = whole + "0,0,0,2,0.00001,0.00001,8,6,0,0.5";
  const resumed = parseTableText(cut, "t.csv", { dropPartialLastLine: true });
  assert.equal(resumed.rows.length, 2);
  assert.equal(resumed.completeLength, whole.length);
  assert.equal(resumed.droppedPartialLine, true);
  assert.throws(() => parseTableText(cut, "t.csv"), /t\.csv: line 4: expected 14 comma-separated fields, got 10/);
});

test("means, best, rank percentiles and the covered space of a small table", () => {
  const rows: TableRow[] = [];
  // 2 x 1 x 1 x 3 configurations, seeds 0 and 1; mean = 1 + config number; one diverged run.
  let k = 0;
  for (const lr of [2, 3]) {
    for (const h of [0, 5, 9]) {
      rows.push(row([lr, 4, 1, h], 0, 1 + k - 0.1, 10 + k), row([lr, 4, 1, h], 1, 1 + k + 0.1, 12 + k, lr === 3 && h === 9));
      k++;
    }
  }
  const table = new ConfigurationTable("small", rows);
  assert.deepEqual(table.seeds, [0, 1]);
  assert.equal(table.rowCount, 12);
  assert.equal(table.isComplete, false);
  assert.equal(table.missingRuns(), 0);
  const space = table.coveredSpace();
  assert.deepEqual((space.learning_rate as { choices: number[] }).choices, [1e-3, 1e-2]);
  assert.deepEqual((space.hidden_units as { choices: number[] }).choices, [2, 12, 20]);
  const best = table.best();
  assert.equal(best.position, positionOf([2, 4, 1, 0]));
  assert.ok(Math.abs(best.meanValidationLoss - 1) < 1e-12);
  assert.ok(Math.abs(table.meanTestLoss(best.position) - 11) < 1e-12);
  assert.equal(table.rankPercentile(best.position), 0);
  assert.ok(Math.abs(table.rankPercentile(positionOf([3, 4, 1, 0])) - (100 * 3) / 6) < 1e-12);
  assert.equal(table.meanValidationLoss(positionOf([3, 4, 1, 9])), Infinity);
  assert.equal(table.rankPercentile(positionOf([3, 4, 1, 9])), (100 * 5) / 6);
  assert.equal(table.run(positionOf([3, 4, 1, 9]), 1)!.diverged, true);
  assert.equal(table.run(positionOf([0, 0, 0, 0]), 0), undefined);
  assert.ok(Number.isNaN(table.meanValidationLoss(positionOf([0, 0, 0, 0]))));
  // Remove one run: the table no longer covers its space fully.
  assert.equal(new ConfigurationTable("gap", rows.slice(1)).missingRuns(), 1);
});

test("Spearman's rank correlation with tied ranks (checked against scipy.stats.spearmanr)", () => {
  assert.deepEqual(averageRanks([10, 20, 20, 5, Infinity]), [2, 3.5, 3.5, 1, 5]);
  assert.ok(Math.abs(spearman([1, 2, 3, 4], [1, 3, 2, 4]) - 0.8) < 1e-12);
  // scipy.stats.spearmanr([1, 2, 2, 3, 5], [2, 1, 4, 4, 9]).statistic = 0.7631578947368421
  assert.ok(Math.abs(spearman([1, 2, 2, 3, 5], [2, 1, 4, 4, 9]) - 0.7631578947368421) < 1e-12);
  const rows = [0, 1, 2].flatMap((h) => [row([0, 0, 0, h], 0, h), row([0, 0, 0, h], 1, 2 - h)]);
  assert.ok(Math.abs(new ConfigurationTable("anti", rows).seedRankCorrelation(0, 1) + 1) < 1e-12);
});

test("gzipped tables read like plain ones; loadTable caches until the file changes", () => {
  const rows = [row([1, 1, 1, 1], 0, 0.5), row([1, 1, 1, 2], 0, 0.25)];
  const plain = join(dir, "small.csv");
  writeFileSync(plain, tableText(rows));
  writeFileSync(plain + ".gz", gzipSync(tableText(rows)));
  assert.deepEqual(readTableRows(plain + ".gz"), rows);
  const first = loadTable(plain);
  assert.equal(loadTable(plain), first);
  writeFileSync(plain, tableText(rows.slice(0, 1)));
  assert.equal(loadTable(plain).rowCount, 1);
  writeFileSync(join(dir, "bad.csv.gz"), "not gzip");
  assert.throws(() => readTableRows(join(dir, "bad.csv.gz")), /bad\.csv\.gz: not a valid gzip file/);
});

for (const [task, configurations] of [
  [
    "wine",
    [
      [2, 6, 3, 4],
      [4, 0, 0, 9],
      [9, 9, 9, 0],
    ],
  ],
  [
    "letter",
    [
      [3, 2, 9, 9],
      [9, 9, 9, 0],
    ],
  ],
] as const) {
  test(`rows of the checked-in ${task} table equal the paper task trained again with the same seed, learning curve included`, () => {
    process.env.HYPERFORCE_DATA_DIR ??= new URL("../../../shared/data", import.meta.url).pathname;
    const table = loadTable(new URL(`../../tables/${task}.csv.gz`, import.meta.url).pathname);
    for (const indices of configurations) {
      const [learningRate, weightDecay, batchSize, hidden] = valuesAt(indices);
      for (let seedIndex = 0; seedIndex < table.seeds.length; seedIndex++) {
        const stored = table.run(positionOf(indices), seedIndex)!;
        const curve: number[] = [];
        const fresh = trainAndEvaluate(paperTaskSplitSync(task, 0), { learningRate, weightDecay, batchSize, hidden }, stored.seed, {
          onEpoch: (_epoch, loss) => {
            curve.push(loss);
            return false;
          },
        });
        assert.equal(stored.validationLoss, fresh.validationLoss, `validation loss of ${indices} seed ${stored.seed}`);
        assert.equal(stored.testLoss, fresh.testLoss, `test loss of ${indices} seed ${stored.seed}`);
        assert.equal(stored.diverged, fresh.diverged);
        assert.deepEqual(table.curve(positionOf(indices), seedIndex), curve, `learning curve of ${indices} seed ${stored.seed}`);
      }
    }
  });
}
