import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { formatTableRow, TABLE_HEADER, type TableRow, valuesAt } from "../../src/tasks/table.ts";
import { hyperforce } from "../helpers/cli.ts";

const dir = mkdtempSync(join(tmpdir(), "hyperforce-pruner-bench-"));
const EPOCHS = 4;

/**
 * 36 configurations x seeds 0 and 1, each with a 4-epoch learning curve falling to its final loss
 * (a bowl with its minimum at lr index 3, wd 1, bs 1, hidden 9); `curves: false` leaves them out.
 */
function writeSmallTable(name: string, curves: boolean): string {
  const rows: TableRow[] = [];
  for (const lr of [2, 3, 4])
    for (const wd of [0, 1, 2])
      for (const bs of [1, 2])
        for (const h of [8, 9]) {
          const base = 1 + (lr - 3) ** 2 + 0.5 * (wd - 1) ** 2 + 0.25 * (bs - 1) + 0.125 * (9 - h);
          for (const seed of [0, 1]) {
            const indices = [lr, wd, bs, h];
            const final = base + seed * 0.01;
            const curve = Array.from({ length: EPOCHS }, (_, e) => final * (1 + (EPOCHS - 1 - e) * 0.5));
            rows.push({
              indices,
              values: valuesAt(indices),
              seed,
              validationLoss: final,
              testLoss: base + 0.1,
              diverged: false,
              seconds: 0,
              ...(curves ? { curve } : {}),
            });
          }
        }
  const path = join(dir, name);
  writeFileSync(path, TABLE_HEADER + "\n" + rows.map(formatTableRow).join(""));
  return path;
}

interface Summary {
  curveEpochs: number;
  cells: Array<{ sampler: string; budget: number; runs: number; medianRegret: number; medianEpochs: number; medianEpochShare: number }>;
  traces: Array<{ sampler: string; seed: number; values: (number | null)[]; epochs: number[]; pruned: number }>;
}

const readSummary = (out: string, pruner: string): Summary => JSON.parse(readFileSync(join(out, `pruning-${pruner}.json`), "utf8"));

test("bench --pruner: pruning replayed on the table's curves, epochs beside regret per budget; a rerun reuses the studies", async () => {
  const table = writeSmallTable("curves.csv", true);
  const out = join(dir, "out");
  const common = ["bench", "--table", table, "--samplers", "random,tpe", "--budgets", "12,36", "--repeats", "3", "--out", out];
  const none = await hyperforce([...common, "--pruner", "none"]);
  assert.equal(none.code, 0, none.stderr);
  const asha = await hyperforce([...common, "--pruner", "asha", "--pruner-options", '{"reductionFactor": 2}']);
  assert.equal(asha.code, 0, asha.stderr);
  assert.match(asha.stdout, /\| random \| 36 \| [\d.]+ \[[\d.]+, [\d.]+\] \| \d+ \| [\d.]+% \|/);

  const full = readSummary(out, "none");
  assert.equal(full.curveEpochs, EPOCHS);
  for (const trace of full.traces) {
    assert.equal(trace.pruned, 0);
    assert.deepEqual(
      trace.epochs,
      trace.values.map(() => EPOCHS),
    );
  }
  for (const cell of full.cells) {
    assert.equal(cell.runs, 3);
    assert.equal(cell.medianEpochs, cell.budget * EPOCHS);
    assert.equal(cell.medianEpochShare, 1);
  }
  const pruned = readSummary(out, "asha");
  assert.equal(pruned.traces.length, 6);
  for (const trace of pruned.traces) {
    assert.ok(trace.pruned > 0, `${trace.sampler} seed ${trace.seed} pruned nothing`);
    // A COMPLETE trial trained every epoch; a PRUNED one (no value) stopped at a rung, the last rung (step 4) included.
    trace.values.forEach((value, i) => {
      if (value !== null) assert.equal(trace.epochs[i], EPOCHS);
      else assert.ok([1, 2, 4].includes(trace.epochs[i]), `pruned after ${trace.epochs[i]} epochs`);
    });
    assert.ok(trace.epochs.filter((epochs) => epochs < EPOCHS).length > 0);
  }
  for (const cell of pruned.cells) {
    assert.ok(cell.medianEpochs < cell.budget * EPOCHS);
    assert.ok(cell.medianEpochShare > 0 && cell.medianEpochShare < 1);
    assert.ok(Number.isFinite(cell.medianRegret) && cell.medianRegret >= 0);
  }

  const studies = readFileSync(join(out, "pruned-studies.jsonl"), "utf8").trim().split("\n");
  assert.equal(studies.length, 12);
  const again = await hyperforce([...common, "--pruner", "asha", "--pruner-options", '{"reductionFactor": 2}']);
  assert.equal(again.code, 0, again.stderr);
  assert.doesNotMatch(again.stderr, /studies \|/);
  assert.equal(readFileSync(join(out, "pruned-studies.jsonl"), "utf8").trim().split("\n").length, 12);
  assert.deepEqual(readSummary(out, "asha").cells, pruned.cells);
});

test("bench --pruner on a table without learning curves: exit 2 naming the file and the command that rebuilds it", async () => {
  const table = writeSmallTable("flat.csv", false);
  writeFileSync(join(dir, "flat.meta.json"), JSON.stringify({ task: "wine", seeds: 2, epochs: 15, splitSeed: 0 }));
  const outcome = await hyperforce(["bench", "--table", table, "--samplers", "random", "--pruner", "asha", "--out", join(dir, "flat")]);
  assert.equal(outcome.code, 2);
  assert.equal(
    outcome.stderr.trim(),
    `hyperforce: ${table} has no validation_curve column (the validation loss after every epoch), so pruning cannot be replayed on it: ` +
      "rebuild it with hyperforce table build --task wine --seeds 2 --epochs 15 --split-seed 0 --out NEW.csv (it records the curves) " +
      `into a new file in place of ${table}`,
  );
});

test("bench --pruner refuses options the pruner does not take, --pruner-options alone and --workers", async () => {
  const table = writeSmallTable("refusals.csv", true);
  const base = ["bench", "--table", table, "--samplers", "random", "--out", join(dir, "refusals")];
  const cases: Array<[string[], string]> = [
    [["--pruner", "median", "--pruner-options", '{"reductionFactor": 2}'], 'the median pruner has no option "reductionFactor"'],
    [["--pruner", "fast"], '--pruner must be one of none, median, asha, hyperband, got "fast"'],
    [["--pruner-options", "{}"], "--pruner-options needs --pruner"],
    [["--pruner", "asha", "--workers", "2"], "--workers applies to the sampler benchmark"],
  ];
  for (const [flags, message] of cases) {
    const outcome = await hyperforce([...base, ...flags]);
    assert.equal(outcome.code, 2, flags.join(" "));
    assert.ok(outcome.stderr.includes(message), outcome.stderr);
  }
});
