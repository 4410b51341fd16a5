// The error kinds: their hierarchy, and that the real failures of each layer come out as the right kind.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { UsageError as CliUsageError, describeCliError } from "../../src/cli/errors.ts";
import { ConfigError, HyperforceError, ObjectiveError, StorageError, UsageError } from "../../src/errors/errors.ts";
import * as publicApi from "../../src/index.ts";
import { loadModuleObjective } from "../../src/objectives/module.ts";
import { parseObjectiveSpec } from "../../src/objectives/spec.ts";
import { spaceFromJSON } from "../../src/space/json.ts";
import { JournalFileStorage } from "../../src/storage/journal.ts";
import { openStorage } from "../../src/storage/open.ts";
import { createStudy } from "../../src/study/study.ts";
import { CsvError, parseCsv } from "../../src/tasks/csv.ts";
import { loadCsvDataset } from "../../src/tasks/csv-task.ts";
import { DatasetError, getDatasetSpec } from "../../src/tasks/datasets.ts";
import { parseTableText, TableFormatError } from "../../src/tasks/table.ts";

const KINDS = [UsageError, ConfigError, StorageError, ObjectiveError] as const;
const temp = () => mkdtempSync(join(tmpdir(), "hyperforce-errors-"));

/** What `work` threw (it must throw). */
function thrownBy(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    return error;
  }
  return assert.fail("expected an error");
}

test("every kind is a HyperforceError and an Error, and no kind is another", () => {
  for (const Kind of KINDS) {
    const error = new Kind("what is wrong");
    assert.ok(error instanceof HyperforceError);
    assert.ok(error instanceof Error);
    assert.equal(error.name, Kind.name);
    assert.equal(error.message, "what is wrong");
    for (const Other of KINDS) assert.equal(error instanceof Other, Other === Kind, `${Kind.name} instanceof ${Other.name}`);
  }
  assert.equal(new HyperforceError("x").name, "HyperforceError");
  const cause = new Error("ENOENT");
  assert.equal(new StorageError("cannot open", { cause }).cause, cause);
});

test("the older error classes are kinds: CsvError, DatasetError and TableFormatError are ConfigErrors", () => {
  for (const error of [new CsvError("c"), new DatasetError("d"), new TableFormatError("t")]) {
    assert.ok(error instanceof ConfigError, error.name);
    assert.ok(error instanceof HyperforceError, error.name);
    assert.ok(!(error instanceof UsageError) && !(error instanceof StorageError), error.name);
  }
  assert.equal(new CsvError("c").name, "CsvError");
  assert.equal(new DatasetError("d").name, "DatasetError");
  // The CLI's UsageError is the same class, so either import works.
  assert.equal(CliUsageError, UsageError);
});

test("the public API exports the base class and the four kinds", () => {
  assert.equal(publicApi.HyperforceError, HyperforceError);
  assert.equal(publicApi.UsageError, UsageError);
  assert.equal(publicApi.ConfigError, ConfigError);
  assert.equal(publicApi.StorageError, StorageError);
  assert.equal(publicApi.ObjectiveError, ObjectiveError);
});

test("the command line picks the exit code by class: usage and config 2, everything else 1", () => {
  const cases: [Error, number][] = [
    [new UsageError("u"), 2],
    [new ConfigError("c"), 2],
    [new CsvError("csv"), 2],
    [new StorageError("s"), 1],
    [new ObjectiveError("o"), 1],
    [new HyperforceError("h"), 1],
    [new Error("e"), 1],
  ];
  for (const [error, code] of cases) {
    assert.deepEqual(describeCliError(error), { exitCode: code, line: `hyperforce: ${error.message}` }, error.name);
  }
});

test("search space content is a ConfigError with the message of the problem", () => {
  const error = thrownBy(() => spaceFromJSON('{"lr": {"type": "float", "low": 1, "high": 0}}'));
  assert.ok(error instanceof ConfigError, String(error));
  assert.match((error as Error).message, /lr/);
  assert.ok(thrownBy(() => spaceFromJSON("{not json")) instanceof ConfigError);
});

test("an objective spec's content is a ConfigError; a module that cannot be loaded is an ObjectiveError", async () => {
  assert.ok(thrownBy(() => parseObjectiveSpec({ kind: "nope" })) instanceof ConfigError);
  const dir = temp();
  const missing = join(dir, "missing.js");
  await assert.rejects(loadModuleObjective(`${missing}#objective`), (error: unknown) => {
    assert.ok(error instanceof ObjectiveError, String(error));
    assert.match((error as Error).message, /file not found: .*missing\.js/);
    return true;
  });
  const broken = join(dir, "broken.mjs");
  writeFileSync(broken, 'import "./not-there.mjs";\nexport function objective() { return 1; }\n');
  await assert.rejects(
    loadModuleObjective(broken),
    (error: unknown) => error instanceof ObjectiveError && /importing .*broken\.mjs failed/.test((error as Error).message),
  );
});

test("data files: a bad CSV, an unknown dataset and a bad table are ConfigErrors naming the file", () => {
  const dir = temp();
  const csv = join(dir, "prices.csv");
  const rows = Array.from({ length: 12 }, (_, i) => `${i},${2 * i}`);
  rows[3] = "3,cheap";
  writeFileSync(csv, ["size,price", ...rows].join("\n") + "\n");
  const bad = thrownBy(() => loadCsvDataset(csv, { target: "price", kind: "regression" }));
  assert.ok(bad instanceof ConfigError, String(bad));
  assert.match((bad as Error).message, /prices\.csv, line 5, column 2/);
  assert.ok(thrownBy(() => parseCsv("", { source: "empty.csv" })) instanceof CsvError);
  assert.ok(thrownBy(() => getDatasetSpec("iris")) instanceof ConfigError);
  assert.ok(thrownBy(() => parseTableText("", "t.csv")) instanceof ConfigError);
});

test("storage: an unwritable journal path and a corrupt journal are StorageErrors; a bad storage argument is a UsageError", () => {
  const dir = temp();
  const file = join(dir, "plain-file");
  writeFileSync(file, "not a folder\n");
  const unwritable = thrownBy(() => openStorage(join(file, "runs", "study.jsonl")));
  assert.ok(unwritable instanceof StorageError, String(unwritable));
  assert.match((unwritable as Error).message, /^cannot create the folder .*plain-file\/runs of journal file .*study\.jsonl: E[A-Z]+/);

  mkdirSync(join(dir, "folder.jsonl"));
  const notAFile = thrownBy(() => new JournalFileStorage(join(dir, "folder.jsonl")));
  assert.ok(notAFile instanceof StorageError, String(notAFile));
  assert.match((notAFile as Error).message, /^cannot open journal file .*folder\.jsonl: EISDIR/);

  const corrupt = join(dir, "corrupt.jsonl");
  writeFileSync(corrupt, '{"op_code": 0, "worker_id": "w", "study_name": "a", "directions": [1]}\n{broken\n{"op_code": 99}\n');
  const damaged = thrownBy(() => new JournalFileStorage(corrupt));
  assert.ok(damaged instanceof StorageError, String(damaged));
  assert.match((damaged as Error).message, /corrupt\.jsonl line 2 is not valid JSON/);

  assert.ok(thrownBy(() => openStorage(join(dir, "study.txt"))) instanceof UsageError);
});

test("createStudy: continuing a study with other settings is a UsageError", () => {
  const storage = openStorage(undefined);
  createStudy({ name: "s", direction: "minimize", storage });
  const error = thrownBy(() => createStudy({ name: "s", direction: "maximize", storage, loadIfExists: true }));
  assert.ok(error instanceof UsageError, String(error));
  assert.equal((error as Error).message, 'study "s" was created to minimize; it cannot be continued to maximize');
});
