import assert from "node:assert/strict";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { paperTask } from "../../src/tasks/paper-task.ts";
import {
  ConfigurationTable,
  formatTableRow,
  parseTableText,
  TABLE_HEADER,
  TABLE_HEADER_WITHOUT_CURVES,
  valuesAt,
} from "../../src/tasks/table.ts";
import { tableTask } from "../../src/tasks/table-task.ts";

process.env.HYPERFORCE_DATA_DIR ??= fileURLToPath(new URL("../../../shared/data", import.meta.url));

const params = { learning_rate: 0.003, weight_decay: 0.0001, batch_size: 64, hidden_units: 20 };

test("the MLP reports every epoch's validation loss; the last one is the result's, and the reports change nothing", () => {
  const task = paperTask("wine", { epochs: 5 });
  const plain = task.evaluate(params, 3);
  const seen: Array<[number, number]> = [];
  const reported = task.evaluate(params, 3, {
    onEpoch: (epoch, loss) => {
      seen.push([epoch, loss]);
      return false;
    },
  });
  assert.deepEqual(
    seen.map(([epoch]) => epoch),
    [1, 2, 3, 4, 5],
  );
  assert.equal(reported.validationLoss, plain.validationLoss);
  assert.equal(reported.testLoss, plain.testLoss);
  assert.deepEqual(
    reported.validationCurve,
    seen.map(([, loss]) => loss),
  );
  assert.equal(seen[4][1], plain.validationLoss);
  assert.equal(reported.stoppedAtEpoch, undefined);
  assert.equal(plain.validationCurve, undefined);
});

test("returning true from onEpoch stops the run there, with that epoch's loss", () => {
  const task = paperTask("wine", { epochs: 5 });
  const full = task.evaluate(params, 3, { onEpoch: () => false });
  const stopped = task.evaluate(params, 3, { onEpoch: (epoch) => epoch === 2 });
  assert.equal(stopped.stoppedAtEpoch, 2);
  assert.equal(stopped.epochsRun, 2);
  assert.equal(stopped.validationLoss, full.validationCurve![1]);
  assert.deepEqual(stopped.validationCurve, full.validationCurve!.slice(0, 2));
  // A stop asked at the last epoch is no early stop.
  assert.equal(task.evaluate(params, 3, { onEpoch: (epoch) => epoch === 5 }).stoppedAtEpoch, undefined);
});

const indices = [3, 4, 5, 6];
const curveRow = (seed: number, curve: number[]) => ({
  indices,
  values: valuesAt(indices),
  seed,
  validationLoss: curve[curve.length - 1],
  testLoss: 1,
  diverged: false,
  seconds: 0.5,
  curve,
});

test("learning curves round-trip through a table, replay through a table task and stop where told", () => {
  const rows = [curveRow(0, [0.9, 0.5, 0.25]), curveRow(1, [0.8, Infinity, 0.125])];
  const text = TABLE_HEADER + "\n" + rows.map(formatTableRow).join("");
  assert.match(text, /,0\.8;Infinity;0\.125\n$/);
  const parsed = parseTableText(text, "c.csv").rows;
  assert.deepEqual(parsed, rows);
  const table = new ConfigurationTable("c.csv", parsed);
  assert.equal(table.hasCurves, true);
  assert.equal(table.curveEpochs, 3);
  const task = tableTask(table);
  const [learning_rate, weight_decay, batch_size, hidden_units] = valuesAt(indices);
  const seen: number[] = [];
  const result = task.evaluate({ learning_rate, weight_decay, batch_size, hidden_units }, 0, {
    onEpoch: (epoch, loss) => {
      seen.push(loss);
      return epoch === 2;
    },
  });
  assert.deepEqual(seen, [0.9, 0.5]);
  assert.equal(result.stoppedAtEpoch, 2);
  assert.equal(result.validationLoss, 0.5);
  assert.equal(task.evaluate({ learning_rate, weight_decay, batch_size, hidden_units }, 1, { onEpoch: () => false }).validationLoss, 0.125);
});

test("a table without curves still loads and looks up, and says why it cannot report epochs", () => {
  const old = `${TABLE_HEADER_WITHOUT_CURVES}\n3,4,5,6,${valuesAt(indices).join(",")},0,0.5,0.7,0,0.1000\n`;
  const table = new ConfigurationTable("old.csv", parseTableText(old, "old.csv").rows);
  assert.equal(table.hasCurves, false);
  const [learning_rate, weight_decay, batch_size, hidden_units] = valuesAt(indices);
  const task = tableTask(table);
  assert.equal(task.evaluate({ learning_rate, weight_decay, batch_size, hidden_units }, 0).validationLoss, 0.5);
  assert.throws(() => task.evaluate({ learning_rate, weight_decay, batch_size, hidden_units }, 0, { onEpoch: () => false }), {
    message: "the table old.csv has no learning curves, so it cannot report epochs to a pruner (rebuild it with hyperforce table build)",
  });
  assert.throws(() => parseTableText(`${TABLE_HEADER}\n${old.split("\n")[1]},0.5;x\n`, "c.csv"), {
    message: 'c.csv: line 2: validation_curve: epoch 2 must be a number or Infinity, got "x"',
  });
});
