/**
 * The user's own CSV file as a dataset for the paper's MLP, and one evaluation on it.
 *
 * Columns:
 * - The target column is named by its header, or by its 1-based position ("3") in a file without a
 *   header (its columns are then named "1", "2", ...).
 * - A feature column whose present cells are all numbers is one input, kept raw here (the split
 *   z-scores inputs with the training rows' statistics).
 * - Any other feature column is categorical: one-hot encoded, one input per distinct value of the
 *   training rows in sorted order, named `column=value`.
 *
 * No validation or test row shapes the encoding: every statistic below comes from the training rows
 * of the split seed's 0.7/0.1/0.2 partition (split.ts), so the dataset is encoded for one split seed
 * (0 unless given; csvTaskSplit re-encodes the file for another).
 *
 * Missing values are empty cells and NA, ?, nan (in any letter case). The rule:
 * - a row whose target is missing is dropped (it can be neither trained on nor scored);
 * - a numeric feature's missing cells get the median of the column's present training cells, and
 *   an indicator input `column_missing` (1 where the cell was missing, else 0) follows the column;
 * - a categorical feature's missing cells get zeros in all its one-hot inputs, and the same
 *   `column_missing` indicator follows them;
 * - a category that no training row has is unknown: zeros in all the one-hot inputs, and the
 *   `column_missing` indicator set to 1 when the column has one (an unknown value is read as a
 *   missing one, which the model has seen in training), else nothing;
 * - a feature column with no present cell in the training rows carries nothing and is left out.
 * Indicators exist only for columns that have at least one missing training cell.
 * Whether a column is numeric or categorical is read from all its present cells (a schema, not a
 * statistic: a text cell anywhere makes the column categorical).
 *
 * Kind, when not given: a target with a non-numeric cell is classification; a numeric target whose
 * values are all integers with at most 10 distinct values is classification; any other numeric
 * target is regression. Class labels are indexed in sorted order (numerically when every label is a
 * number, else by code point).
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename } from "node:path";
import { ConfigError } from "../errors/errors.ts";
import { type CsvSeparator, type CsvTable, cellLocation, isNumber, parseCsv } from "./csv.ts";
import { checkMlpSettings, mlpTask } from "./mlp-task.ts";
import { splitDataset, splitIndices } from "./split.ts";
import type { Task, TaskOptions, TaskReference, TaskSettings } from "./task.ts";
import { trainAndEvaluate } from "./train.ts";
import type { Dataset, EvaluationResult, MlpConfig, SplitData, TaskKind } from "./types.ts";

export interface CsvDatasetOptions {
  /** The target column: its header name, or its 1-based position when the file has no header. */
  target: string;
  /** Inferred from the target column when absent (see the rule above). */
  kind?: TaskKind;
  /** Detected among , ; and tab when absent. */
  separator?: CsvSeparator;
  /** Detected when absent: a first row with text where the second row has numbers is a header. */
  header?: boolean;
  /** Columns to leave out (identifiers, free text, leaks of the target). */
  exclude?: string[];
  /** A categorical feature with more distinct values than this is an error (default 100). */
  maxCategories?: number;
}

/** How the file became a dataset, for the user to read. */
export interface CsvDatasetSummary {
  path: string;
  separator: CsvSeparator;
  header: boolean;
  kind: TaskKind;
  kindInferred: boolean;
  rows: number;
  /** Rows dropped because their target was missing. */
  droppedRows: number;
  numericColumns: string[];
  categoricalColumns: string[];
  /** Column -> number of missing cells filled, for columns that had any. */
  missingFilled: Record<string, number>;
  /** Column -> number of cells whose category no training row has (encoded as unknown), for columns that had any. */
  unknownCategories: Record<string, number>;
  /** Feature columns left out because every cell was missing. */
  emptyColumns: string[];
}

/** The minimum number of rows: 0.7/0.1/0.2 must leave at least one row in every part. */
export const MIN_CSV_ROWS = 10;
/** At most this many distinct integers make a numeric target a classification target. */
export const MAX_INFERRED_CLASSES = 10;

const MISSING = new Set(["", "na", "?", "nan"]);

export function isMissingCell(cell: string): boolean {
  if (cell.length <= 3) return MISSING.has(cell.toLowerCase());
  const trimmed = cell.trim();
  return trimmed.length <= 3 && MISSING.has(trimmed.toLowerCase());
}

/** Labels in class-index order: numerically when all are numbers, else by code point. */
export function sortLabels(labels: Iterable<string>): string[] {
  const list = [...new Set(labels)];
  if (list.every(isNumber)) return list.sort((a, b) => Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0));
  return list.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function median(values: ArrayLike<number>): number {
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function readTable(path: string, options: CsvDatasetOptions): CsvTable {
  if (!existsSync(path)) throw new ConfigError(`${path}: file not found`);
  if (!statSync(path).isFile()) throw new ConfigError(`${path}: not a file`);
  const text = readFileSync(path, "utf8").replace(/^\uFEFF/, "");
  const table = parseCsv(text, { source: path, separator: options.separator, header: options.header ?? "auto" });
  if (table.columnNames === null) {
    table.columnNames = Array.from({ length: table.columnCount }, (_, i) => String(i + 1));
  }
  return table;
}

function findColumn(table: CsvTable, name: string, what: string, headerGiven: boolean): number {
  const names = table.columnNames as string[];
  const matches = names.flatMap((column, i) => (column === name ? [i] : []));
  if (matches.length > 1)
    throw new ConfigError(
      `${table.source}: the ${what} "${name}" names ${matches.length} columns (${matches.map((i) => i + 1).join(", ")}); rename them`,
    );
  if (matches.length === 1) return matches[0];
  const detected = headerGiven ? "the file has no header" : "no header was detected (set header if the first line names the columns)";
  const listed =
    table.header === null
      ? `${detected}, so name a column by its position, 1 to ${table.columnCount}`
      : `the columns are: ${names.join(", ")}`;
  throw new ConfigError(`${table.source}: no column "${name}" for the ${what}; ${listed}`);
}

function inferKind(table: CsvTable, target: number, rows: number[]): TaskKind {
  const values = rows.map((r) => table.rows[r][target].trim());
  if (!values.every(isNumber)) return "classification";
  const numbers = values.map(Number);
  if (numbers.every(Number.isInteger) && new Set(numbers).size <= MAX_INFERRED_CLASSES) return "classification";
  return "regression";
}

/** One feature column's inputs: row-major, rows x names.length. */
interface EncodedColumn {
  kind: "numeric" | "categorical" | "empty";
  names: string[];
  values: Float32Array;
  /** Cells missing (in any row), and cells whose category no training row has. */
  missing: number;
  unknown: number;
}

/** Encodes a feature column by the rules at the top of this file, with statistics of the `train` rows only. */
function encodeColumn(name: string, cells: string[], train: Int32Array, maxCategories: number, path: string): EncodedColumn {
  const n = cells.length;
  const missingAt = cells.map(isMissingCell);
  const missing = missingAt.filter(Boolean).length;
  const trainPresent = [...train].filter((r) => !missingAt[r]);
  if (trainPresent.length === 0) return { kind: "empty", names: [], values: new Float32Array(0), missing, unknown: 0 };
  const indicator = trainPresent.length < train.length ? [`${name}_missing`] : [];
  if (cells.every((cell, i) => missingAt[i] || isNumber(cell))) {
    const fill = median(trainPresent.map((r) => Number(cells[r])));
    const width = 1 + indicator.length;
    const values = new Float32Array(n * width);
    for (let i = 0; i < n; i++) {
      values[i * width] = missingAt[i] ? fill : Number(cells[i]);
      if (missingAt[i] && indicator.length > 0) values[i * width + 1] = 1;
    }
    return { kind: "numeric", names: [name, ...indicator], values, missing, unknown: 0 };
  }
  const categories = sortLabels(trainPresent.map((r) => cells[r].trim()));
  if (categories.length > maxCategories) {
    throw new ConfigError(
      `${path}: the text column "${name}" has ${categories.length} distinct values in the training rows, ` +
        `more than ${maxCategories} one-hot inputs; exclude it, or raise maxCategories`,
    );
  }
  const index = new Map(categories.map((value, i) => [value, i]));
  const width = categories.length + indicator.length;
  const values = new Float32Array(n * width);
  let unknown = 0;
  for (let i = 0; i < n; i++) {
    const code = missingAt[i] ? undefined : index.get(cells[i].trim());
    if (!missingAt[i] && code === undefined) unknown++;
    if (code !== undefined) values[i * width + code] = 1;
    else if (indicator.length > 0) values[i * width + categories.length] = 1;
  }
  const names = [...categories.map((value) => `${name}=${value}`), ...indicator];
  return { kind: "categorical", names, values, missing, unknown };
}

/** The file read and checked, before its features are encoded: the kept rows, their targets, the feature columns. */
interface CsvRows {
  table: CsvTable;
  kept: number[];
  droppedRows: number;
  kind: TaskKind;
  targets: Float32Array;
  classNames?: string[];
  targetName: string;
  /** Feature columns in file order: neither the target nor excluded. */
  features: number[];
}

function readCsvRows(path: string, options: CsvDatasetOptions): CsvRows {
  if (options.kind !== undefined && options.kind !== "regression" && options.kind !== "classification") {
    throw new ConfigError(`${path}: kind must be "regression" or "classification", got ${JSON.stringify(options.kind)}`);
  }
  const table = readTable(path, options);
  const names = table.columnNames as string[];
  const headerGiven = options.header !== undefined;
  const target = findColumn(table, options.target, "target", headerGiven);
  const excluded = new Set<number>();
  for (const name of options.exclude ?? []) {
    const column = findColumn(table, name, "excluded column", headerGiven);
    if (column === target) throw new ConfigError(`${path}: the target column "${name}" cannot also be excluded`);
    excluded.add(column);
  }

  const kept: number[] = [];
  for (let r = 0; r < table.rows.length; r++) if (!isMissingCell(table.rows[r][target])) kept.push(r);
  const droppedRows = table.rows.length - kept.length;
  if (kept.length < MIN_CSV_ROWS) {
    const dropped = droppedRows > 0 ? ` (${droppedRows} more have no target value)` : "";
    throw new ConfigError(
      `${path}: ${kept.length} rows with a target value${dropped} ` +
        `are too few for the 0.7/0.1/0.2 train/validation/test split; at least ${MIN_CSV_ROWS} are needed`,
    );
  }
  const kind = options.kind ?? inferKind(table, target, kept);
  const features = Array.from({ length: table.columnCount }, (_, c) => c).filter((c) => c !== target && !excluded.has(c));
  return { table, kept, droppedRows, kind, ...readTargets(table, kept, target, kind, path), targetName: names[target], features };
}

/** The dataset of the rows, its features encoded with the training rows of `splitSeed` (see the top of this file). */
function encodeCsvRows(path: string, rows: CsvRows, options: CsvDatasetOptions, splitSeed: number) {
  const { table, kept, kind, classNames } = rows;
  const names = table.columnNames as string[];
  const train = splitIndices(kept.length, splitSeed).train;
  const summary: CsvDatasetSummary = {
    path,
    separator: table.separator,
    header: table.header !== null,
    kind,
    kindInferred: options.kind === undefined,
    rows: kept.length,
    droppedRows: rows.droppedRows,
    numericColumns: [],
    categoricalColumns: [],
    missingFilled: {},
    unknownCategories: {},
    emptyColumns: [],
  };
  const blocks: EncodedColumn[] = [];
  for (const c of rows.features) {
    const name = names[c];
    const cells = kept.map((r) => table.rows[r][c]);
    const encoded = encodeColumn(name, cells, train, options.maxCategories ?? 100, path);
    if (encoded.kind === "empty") {
      summary.emptyColumns.push(name);
      continue;
    }
    (encoded.kind === "numeric" ? summary.numericColumns : summary.categoricalColumns).push(name);
    if (encoded.missing > 0) summary.missingFilled[name] = encoded.missing;
    if (encoded.unknown > 0) summary.unknownCategories[name] = encoded.unknown;
    blocks.push(encoded);
  }
  const featureNames = blocks.flatMap((block) => block.names);
  if (featureNames.length === 0) throw new ConfigError(`${path}: no feature column is left besides the target "${rows.targetName}"`);
  const nInputs = featureNames.length;
  const dataset: Dataset = {
    name: basename(path),
    kind,
    inputs: joinColumns(blocks, kept.length, nInputs),
    targets: rows.targets,
    nRows: kept.length,
    nInputs,
    nOutputs: kind === "regression" ? 1 : (classNames as string[]).length,
    featureNames,
  };
  if (classNames !== undefined) dataset.classNames = classNames;
  return { dataset, summary };
}

/** How a CSV dataset was encoded, so that csvTaskSplit can encode the same rows for another split seed. */
const encodings = new WeakMap<Dataset, { splitSeed: number; encode: (splitSeed: number) => Dataset }>();

/**
 * Reads the file into a Dataset and says what it did (kind, dropped rows, filled cells). The features
 * are encoded with the training rows of `splitSeed` (default 0): medians, categories, indicators.
 */
export function loadCsvDatasetWithSummary(
  path: string,
  options: CsvDatasetOptions,
  splitSeed = 0,
): { dataset: Dataset; summary: CsvDatasetSummary } {
  const rows = readCsvRows(path, options);
  const encoded = encodeCsvRows(path, rows, options, splitSeed);
  encodings.set(encoded.dataset, {
    splitSeed,
    encode: (seed) => encodeCsvRows(path, rows, options, seed).dataset,
  });
  return encoded;
}

/** The target of each kept row: a number for regression, a class index for classification (classes sorted). */
function readTargets(
  table: CsvTable,
  kept: number[],
  target: number,
  kind: TaskKind,
  path: string,
): { targets: Float32Array; classNames?: string[] } {
  const targets = new Float32Array(kept.length);
  let classNames: string[] | undefined;
  const targetName = (table.columnNames as string[])[target];
  if (kind === "regression") {
    kept.forEach((r, i) => {
      const cell = table.rows[r][target];
      if (!isNumber(cell)) {
        throw new ConfigError(`${cellLocation(table, r, target)}: the regression target must be a number, found ${JSON.stringify(cell)}`);
      }
      targets[i] = Number(cell);
    });
    if (targets.every((value) => value === targets[0])) {
      throw new ConfigError(
        `${path}: the target column "${targetName}" has the same value (${table.rows[kept[0]][target].trim()}) ` +
          `in all ${kept.length} rows; there is nothing to learn`,
      );
    }
  } else {
    classNames = sortLabels(kept.map((r) => table.rows[r][target].trim()));
    if (classNames.length < 2) {
      throw new ConfigError(
        `${path}: the target column "${targetName}" has a single class ("${classNames[0]}") ` +
          `in all ${kept.length} rows; classification needs at least 2 classes`,
      );
    }
    const index = new Map(classNames.map((label, i) => [label, i]));
    kept.forEach((r, i) => (targets[i] = index.get(table.rows[r][target].trim()) as number));
  }

  return classNames === undefined ? { targets } : { targets, classNames };
}

/** The encoded columns side by side, row-major: nRows x nInputs. */
function joinColumns(blocks: EncodedColumn[], nRows: number, nInputs: number): Float32Array {
  const inputs = new Float32Array(nRows * nInputs);
  let offset = 0;
  for (const block of blocks) {
    const width = block.names.length;
    for (let i = 0; i < nRows; i++) {
      for (let k = 0; k < width; k++) inputs[i * nInputs + offset + k] = block.values[i * width + k];
    }
    offset += width;
  }
  return inputs;
}

/**
 * Reads the user's CSV file into a Dataset for the paper's MLP (see the rules at the top of this
 * file), its features encoded with the training rows of `splitSeed` (default 0).
 */
export function loadCsvDataset(path: string, options: CsvDatasetOptions, splitSeed = 0): Dataset {
  return loadCsvDatasetWithSummary(path, options, splitSeed).dataset;
}

export interface CsvEvaluationOptions {
  /** Seeds the model's initial weights and the minibatch order. */
  seed: number;
  /** Seeds the train / validation / test partition; default 0. */
  splitSeed?: number;
}

const splits = new WeakMap<Dataset, Map<number, SplitData>>();

/**
 * The split of this dataset for this split seed, computed once (every trial trains on the same rows).
 * A dataset read from a CSV file whose features were encoded for another split seed is encoded again
 * from the same rows with this seed's training rows, so that no validation or test row shapes it.
 */
export function csvTaskSplit(dataset: Dataset, splitSeed = 0): SplitData {
  let bySeed = splits.get(dataset);
  if (bySeed === undefined) {
    bySeed = new Map();
    splits.set(dataset, bySeed);
  }
  let split = bySeed.get(splitSeed);
  if (split === undefined) {
    const encoding = encodings.get(dataset);
    const encoded = encoding === undefined || encoding.splitSeed === splitSeed ? dataset : encoding.encode(splitSeed);
    split = splitDataset(encoded, splitSeed);
    bySeed.set(splitSeed, split);
  }
  return split;
}

/** Trains the paper's MLP once on the dataset's training rows and scores it on validation and test. */
export function evaluateCsvTask(dataset: Dataset, config: MlpConfig, options: CsvEvaluationOptions): EvaluationResult {
  return trainAndEvaluate(csvTaskSplit(dataset, options.splitSeed ?? 0), config, options.seed);
}

/** The options of a CSV task in a TaskReference (only those given), e.g. { target: "price", exclude: ["id"] }. */
export function csvTaskOptions(options: CsvDatasetOptions): TaskOptions {
  const given: TaskOptions = { target: options.target };
  if (options.kind !== undefined) given.kind = options.kind;
  if (options.separator !== undefined) given.separator = options.separator;
  if (options.header !== undefined) given.header = options.header;
  if (options.exclude !== undefined) given.exclude = [...options.exclude];
  if (options.maxCategories !== undefined) given.maxCategories = options.maxCategories;
  return given;
}

/** Reads a CSV task's options back from a TaskReference; each bad or unknown option named. */
export function csvDatasetOptionsOf(options: TaskOptions | undefined): CsvDatasetOptions {
  const given = options ?? {};
  const known = ["target", "kind", "separator", "header", "exclude", "maxCategories"];
  const unknown = Object.keys(given).filter((name) => !known.includes(name));
  if (unknown.length > 0) throw new ConfigError(`unknown option ${unknown.join(", ")} of a csv task; its options: ${known.join(", ")}`);
  const { target, kind, separator, header, exclude, maxCategories } = given;
  if (typeof target !== "string" || target === "") {
    throw new ConfigError("a csv task needs the option target: the column to predict (its name, or its 1-based position)");
  }
  const parsed: CsvDatasetOptions = { target };
  if (kind !== undefined) {
    if (kind !== "regression" && kind !== "classification") {
      throw new ConfigError(`the option kind must be "regression" or "classification", got ${JSON.stringify(kind)}`);
    }
    parsed.kind = kind;
  }
  if (separator !== undefined) {
    if (separator !== "," && separator !== ";" && separator !== "\t") {
      throw new ConfigError(`the option separator must be one of "," ";" or a tab, got ${JSON.stringify(separator)}`);
    }
    parsed.separator = separator;
  }
  if (header !== undefined) {
    if (typeof header !== "boolean") throw new ConfigError(`the option header must be true or false, got ${JSON.stringify(header)}`);
    parsed.header = header;
  }
  if (exclude !== undefined) {
    if (!Array.isArray(exclude)) throw new ConfigError(`the option exclude must be a list of column names, got ${JSON.stringify(exclude)}`);
    parsed.exclude = [...exclude];
  }
  if (maxCategories !== undefined) {
    if (!Number.isSafeInteger(maxCategories) || (maxCategories as number) < 1) {
      throw new ConfigError(`the option maxCategories must be an integer >= 1, got ${JSON.stringify(maxCategories)}`);
    }
    parsed.maxCategories = maxCategories as number;
  }
  return parsed;
}

/** An already loaded dataset as a Task of the paper's MLP (the split is drawn once, here). */
export function datasetTask(dataset: Dataset, settings: TaskSettings = {}, reference: TaskReference = dataset.name): Task {
  checkMlpSettings(settings);
  return mlpTask({ reference, split: csvTaskSplit(dataset, settings.splitSeed ?? 0), epochs: settings.epochs });
}

/** The user's CSV file as a Task, named "csv:<path>": the file is read and checked now. */
export function csvTask(path: string, options: CsvDatasetOptions, settings: TaskSettings = {}): Task {
  checkMlpSettings(settings);
  const dataset = loadCsvDataset(path, options, settings.splitSeed ?? 0);
  return datasetTask(dataset, settings, { name: `csv:${path}`, options: csvTaskOptions(options) });
}
