import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { loadObjective, parseObjectiveSpec } from "../../src/objectives/spec.ts";
import { parseTableObjectiveSpec, tableObjective, tableSeedIndex, tableSpecFromTaskArgument } from "../../src/objectives/table.ts";
import { randomSampler } from "../../src/samplers/random.ts";
import { paperSpace } from "../../src/space/presets.ts";
import { createStudy } from "../../src/study/study.ts";
import { formatTableRow, indicesOfValues, loadTable, positionOf, TABLE_HEADER, type TableRow, valuesAt } from "../../src/tasks/table.ts";

const dir = mkdtempSync(join(tmpdir(), "hyperforce-table-objective-"));

/** 2 x 2 x 2 x 3 configurations, seeds 0 and 1 with clearly different losses; lr index 4 (0.1) with hidden index 0 diverges on seed 1. */
function smallTable(name: string): string {
  const rows: TableRow[] = [];
  for (const lr of [3, 4])
    for (const wd of [0, 1])
      for (const bs of [2, 3])
        for (const h of [0, 4, 9]) {
          const base = lr + wd / 10 + bs / 100 + h / 1000;
          for (const seed of [0, 1]) {
            const diverged = lr === 4 && h === 0 && seed === 1;
            const indices = [lr, wd, bs, h];
            rows.push({
              indices,
              values: valuesAt(indices),
              seed,
              validationLoss: diverged ? Infinity : base + seed * 10,
              testLoss: diverged ? Infinity : base + 100,
              diverged,
              seconds: 0.001,
            });
          }
        }
  const path = join(dir, name);
  writeFileSync(path, TABLE_HEADER + "\n" + rows.map(formatTableRow).join(""));
  return path;
}

const path = smallTable("small.csv");

for (const preset of ["paper", "paper-categorical"]) {
  test(`each lookup (${preset}) returns the validation loss of a table seed picked from the study seed and trial number`, async () => {
    const table = loadTable(path);
    const study = createStudy({ space: table.coveredSpace(preset), sampler: randomSampler({ seed: 3 }), seed: 7 });
    await study.optimize(tableObjective({ table: path, seed: 7 }), { nTrials: 40 });
    const seedsUsed = new Set<number>();
    let failures = 0;
    for (const trial of study.trials) {
      const values = ["learning_rate", "weight_decay", "batch_size", "hidden_units"].map((name) => trial.params[name] as number);
      // The table's index columns keep the paper's order; rows are found by value whatever the space.
      const position = positionOf(indicesOfValues(values)!);
      const run = table.run(position, tableSeedIndex(7, trial.number, 2))!;
      assert.equal(trial.userAttrs.seed, run.seed);
      seedsUsed.add(run.seed);
      if (run.diverged) {
        assert.equal(trial.state, "FAIL");
        failures++;
        assert.equal(trial.systemAttrs.fail_reason, "diverged");
        assert.equal(trial.userAttrs.diverged, true);
        assert.equal(trial.userAttrs.test_loss, undefined);
      } else {
        assert.equal(trial.state, "COMPLETE");
        assert.equal(trial.value, run.validationLoss);
        assert.equal(trial.userAttrs.test_loss, run.testLoss);
      }
    }
    assert.ok(failures > 0, "the diverged run was looked up at least once");
    // Noisy like the real task: both seeds are drawn.
    assert.deepEqual([...seedsUsed].sort(), [0, 1]);
    assert.equal(study.trials[0].distributions.learning_rate.type, preset === "paper" ? "float" : "categorical");
  });
}

test("the same study seed gives the same lookups; another seed other ones", async () => {
  const run = async (seed: number): Promise<Array<number | undefined>> => {
    const study = createStudy({ space: loadTable(path).coveredSpace(), sampler: randomSampler({ seed: 1 }), seed });
    await study.optimize(tableObjective({ table: path, seed }), { nTrials: 30 });
    return study.trials.map((trial) => trial.userAttrs.seed as number);
  };
  assert.deepEqual(await run(5), await run(5));
  assert.notDeepEqual(await run(5), await run(6));
});

test("a { kind: 'table' } spec takes the study seed, as the built-in task does", async () => {
  const direct = createStudy({ space: loadTable(path).coveredSpace(), sampler: randomSampler({ seed: 2 }), seed: 11 });
  await direct.optimize(tableObjective({ table: path, seed: 11 }), { nTrials: 20 });
  const viaSpec = createStudy({ space: loadTable(path).coveredSpace(), sampler: randomSampler({ seed: 2 }), seed: 11 });
  await viaSpec.optimize({ kind: "table", path }, { nTrials: 20 });
  assert.deepEqual(
    viaSpec.trials.map((trial) => [trial.state, trial.value, trial.userAttrs.seed]),
    direct.trials.map((trial) => [trial.state, trial.value, trial.userAttrs.seed]),
  );
});

test("a configuration absent from the table fails its trial with a clear reason; define-by-run suggests the paper space", async () => {
  const study = createStudy({ space: paperSpace(), sampler: randomSampler({ seed: 0 }), seed: 0 });
  study.enqueueTrial({ learning_rate: 1e-5, weight_decay: 1e-5, batch_size: 8, hidden_units: 2 });
  await study.optimize(tableObjective({ table: path }), { nTrials: 1 });
  assert.equal(
    study.trials[0].systemAttrs.fail_reason,
    `the configuration (learning_rate 0.00001, weight_decay 0.00001, batch_size 8, hidden_units 2) is absent from the table ${path}`,
  );
  const byRun = createStudy({ sampler: randomSampler({ seed: 0 }), seed: 0 });
  await byRun.optimize(tableObjective({ table: path }), { nTrials: 3 });
  for (const trial of byRun.trials)
    assert.deepEqual(Object.keys(trial.params), ["learning_rate", "weight_decay", "batch_size", "hidden_units"]);
  const off = createStudy({
    space: { ...paperSpace(), hidden_units: { type: "categorical", choices: [3] } },
    sampler: randomSampler({ seed: 0 }),
    seed: 0,
  });
  await off.optimize(tableObjective({ table: path }), { nTrials: 1 });
  assert.match(
    off.trials[0].systemAttrs.fail_reason as string,
    /^the configuration \(.*hidden_units 3\) is not in the paper space, so the table .* cannot hold it$/,
  );
});

test("spec and --task errors", async () => {
  assert.deepEqual(parseObjectiveSpec({ kind: "table", path: "t.csv", seed: 3 }), { kind: "table", path: "t.csv", seed: 3 });
  assert.throws(() => parseTableObjectiveSpec({ kind: "table" }), {
    message: 'a "table" objective needs "path": the table file (.csv or .csv.gz)',
  });
  assert.throws(() => parseTableObjectiveSpec({ kind: "table", path: "t.csv", seed: 1.5 }), {
    message: '"seed" must be an integer, got 1.5',
  });
  assert.deepEqual(tableSpecFromTaskArgument("table:tables/wine.csv"), { kind: "table", path: "tables/wine.csv" });
  assert.equal(tableSpecFromTaskArgument("wine"), undefined);
  assert.throws(() => tableSpecFromTaskArgument("table:"), { message: /needs the table file after "table:"/ });
  await assert.rejects(loadObjective({ kind: "table", path: join(dir, "missing.csv") }), {
    message: /^table file not found: .*missing\.csv/,
  });
  const broken = join(dir, "broken.csv");
  writeFileSync(broken, TABLE_HEADER + "\n" + "1,2,3\n");
  await assert.rejects(loadObjective({ kind: "table", path: broken }), {
    message: `${broken}: line 2: expected 14 comma-separated fields, got 3`,
  });
});
