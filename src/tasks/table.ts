/**
 * Exhaustive tables of the paper's search space: one CSV row per configuration and training seed,
 * written by `hyperforce table build` and read back for lookups (the tabular objective, the sampler
 * benchmark). A configuration is addressed by its four choice indices in the `paper-categorical`
 * preset's order (the paper's index order, which the files keep), or by its position (mixed radix, hidden units fastest:
 * configurationAt's order).
 *
 * Columns: the four indices, the four values, seed, validation_loss, test_loss, diverged (0 or 1),
 * seconds, validation_curve. A diverged row leaves both losses empty. validation_curve is the
 * learning curve: the validation loss after each epoch trained, separated by ";" (what a pruner
 * sees, so a benchmark can replay pruning); tables written before it existed lack the column and
 * still load, without curves. Files ending in .gz are read gunzipped.
 */
import { readFileSync, type Stats, statSync } from "node:fs";
import { resolve } from "node:path";
import { gunzipSync } from "node:zlib";
import { ConfigError } from "../errors/errors.ts";
import { paperCategoricalSpace, spacePreset } from "../space/presets.ts";
import type { SearchSpace } from "../space/types.ts";
import { hasChoices } from "../space/types.ts";

export const TABLE_PARAMS = ["learning_rate", "weight_decay", "batch_size", "hidden_units"] as const;
export type TableParam = (typeof TABLE_PARAMS)[number];

export const TABLE_COLUMNS: readonly string[] = [
  ...TABLE_PARAMS.map((name) => `${name}_index`),
  ...TABLE_PARAMS,
  "seed",
  "validation_loss",
  "test_loss",
  "diverged",
  "seconds",
  "validation_curve",
];
export const TABLE_HEADER = TABLE_COLUMNS.join(",");
/** The header of tables built before learning curves were kept. */
export const TABLE_HEADER_WITHOUT_CURVES = TABLE_COLUMNS.slice(0, -1).join(",");

/** One training run of one configuration. Losses are Infinity when diverged. */
export interface TableRow {
  /** Choice indices in TABLE_PARAMS order. */
  indices: number[];
  /** learning rate, weight decay, batch size, hidden units. */
  values: number[];
  seed: number;
  validationLoss: number;
  testLoss: number;
  diverged: boolean;
  seconds: number;
  /** Validation loss after each epoch trained (Infinity where not finite); absent in tables without curves. */
  curve?: number[];
}

/** A table file that cannot be read as one; the message names the file and the line. */
export class TableFormatError extends ConfigError {
  constructor(message: string) {
    super(message);
    this.name = "TableFormatError";
  }
}

/** The space a table covers, in the order its index columns use: the `paper-categorical` preset. */
export function tableSpace(): SearchSpace {
  return paperCategoricalSpace();
}

const CHOICES: number[][] = TABLE_PARAMS.map((name) => (paperCategoricalSpace()[name] as { choices: number[] }).choices);
export const TABLE_SIZES: readonly number[] = CHOICES.map((choices) => choices.length);
export const TABLE_CONFIGURATIONS = TABLE_SIZES.reduce((product, size) => product * size, 1);

/** Position of a configuration from its indices (last parameter fastest). */
export function positionOf(indices: ArrayLike<number>): number {
  let position = 0;
  for (let i = 0; i < TABLE_SIZES.length; i++) position = position * TABLE_SIZES[i] + indices[i];
  return position;
}

export function indicesAt(position: number): number[] {
  const indices = new Array<number>(TABLE_SIZES.length);
  let rest = position;
  for (let i = TABLE_SIZES.length - 1; i >= 0; i--) {
    indices[i] = rest % TABLE_SIZES[i];
    rest = Math.floor(rest / TABLE_SIZES[i]);
  }
  return indices;
}

export function valuesAt(indices: ArrayLike<number>): number[] {
  return CHOICES.map((choices, i) => choices[indices[i]]);
}

/** The indices of a configuration given by its values; undefined when a value is not a choice of the paper space. */
export function indicesOfValues(values: ArrayLike<number>): number[] | undefined {
  const indices = CHOICES.map((choices, i) => choices.indexOf(values[i]));
  return indices.every((index) => index >= 0) ? indices : undefined;
}

function formatLoss(loss: number, diverged: boolean): string {
  return diverged || !Number.isFinite(loss) ? "" : String(loss);
}

/** One CSV line (with its newline). */
export function formatTableRow(row: TableRow): string {
  const fields = [
    ...row.indices.map(String),
    ...row.values.map(String),
    String(row.seed),
    formatLoss(row.validationLoss, row.diverged),
    formatLoss(row.testLoss, row.diverged),
    row.diverged ? "1" : "0",
    row.seconds.toFixed(4),
    (row.curve ?? []).map((loss) => (Number.isFinite(loss) ? String(loss) : "Infinity")).join(";"),
  ];
  return fields.join(",") + "\n";
}

function parseCurve(text: string): number[] {
  if (text.trim() === "") return [];
  return text.split(";").map((field, i) => {
    const loss = Number(field.trim());
    if (field.trim() === "" || Number.isNaN(loss) || loss === -Infinity) {
      throw new Error(`validation_curve: epoch ${i + 1} must be a number or Infinity, got ${JSON.stringify(field)}`);
    }
    return loss;
  });
}

/** Parses one data line; throws a plain message (the caller adds file and line). */
function parseRow(line: string, withCurves: boolean): TableRow {
  const fields = line.split(",");
  const expected = TABLE_COLUMNS.length - (withCurves ? 0 : 1);
  if (fields.length !== expected) throw new Error(`expected ${expected} comma-separated fields, got ${fields.length}`);
  const number = (column: number): number => {
    const text = fields[column].trim();
    const value = text === "" ? NaN : Number(text);
    if (!Number.isFinite(value)) throw new Error(`${TABLE_COLUMNS[column]} must be a finite number, got ${JSON.stringify(fields[column])}`);
    return value;
  };
  const indices = TABLE_PARAMS.map((_, i) => {
    const index = number(i);
    if (!Number.isInteger(index) || index < 0 || index >= TABLE_SIZES[i]) {
      throw new Error(`${TABLE_COLUMNS[i]} must be an integer in [0, ${TABLE_SIZES[i] - 1}], got ${JSON.stringify(fields[i])}`);
    }
    return index;
  });
  const values = TABLE_PARAMS.map((name, i) => {
    const value = number(TABLE_PARAMS.length + i);
    if (value !== CHOICES[i][indices[i]]) {
      throw new Error(
        `${name} ${value} does not match ${TABLE_COLUMNS[i]} ${indices[i]} (the paper space's choice there is ${CHOICES[i][indices[i]]})`,
      );
    }
    return value;
  });
  const seed = number(8);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`seed must be an integer >= 0, got ${JSON.stringify(fields[8])}`);
  const divergedText = fields[11].trim();
  if (divergedText !== "0" && divergedText !== "1") throw new Error(`diverged must be 0 or 1, got ${JSON.stringify(fields[11])}`);
  const diverged = divergedText === "1";
  let validationLoss = Infinity;
  let testLoss = Infinity;
  if (diverged) {
    if (fields[9].trim() !== "" || fields[10].trim() !== "")
      throw new Error("a diverged row must leave validation_loss and test_loss empty");
  } else {
    validationLoss = number(9);
    testLoss = number(10);
  }
  const seconds = number(12);
  if (seconds < 0) throw new Error(`seconds must be >= 0, got ${JSON.stringify(fields[12])}`);
  // Empty: a row kept without its curve, or a run that diverged in its first epoch.
  const curve = withCurves ? parseCurve(fields[13]) : [];
  return { indices, values, seed, validationLoss, testLoss, diverged, seconds, ...(curve.length > 0 ? { curve } : {}) };
}

export interface ParsedTableText {
  rows: TableRow[];
  /** Length (in characters) of the text up to the end of the last complete line kept. */
  completeLength: number;
  /** True when a last line without its newline was dropped (dropPartialLastLine). */
  droppedPartialLine: boolean;
}

/**
 * Parses a table's text. With dropPartialLastLine (resuming a build that was killed mid-write), a
 * last line without its newline is dropped, whatever it holds; otherwise it is parsed like the rest.
 */
export function parseTableText(text: string, file: string, options: { dropPartialLastLine?: boolean } = {}): ParsedTableText {
  const rows: TableRow[] = [];
  if (text.length === 0) throw new TableFormatError(`${file}: the file is empty (expected the header ${TABLE_HEADER})`);
  let start = 0;
  let lineNumber = 0;
  let completeLength = 0;
  let droppedPartialLine = false;
  let withCurves = true;
  const seenAt = new Map<string, number>();
  while (start < text.length) {
    const end = text.indexOf("\n", start);
    const complete = end >= 0;
    if (!complete && options.dropPartialLastLine === true) {
      droppedPartialLine = true;
      break;
    }
    const stop = complete ? end : text.length;
    let line = text.slice(start, stop);
    if (line.endsWith("\r")) line = line.slice(0, -1);
    lineNumber++;
    if (lineNumber === 1) {
      withCurves = line.trim() !== TABLE_HEADER_WITHOUT_CURVES;
      if (withCurves && line.trim() !== TABLE_HEADER)
        throw new TableFormatError(`${file}: line 1 must be the header ${TABLE_HEADER}, got ${JSON.stringify(line.slice(0, 200))}`);
    } else if (line.trim() !== "") {
      let row: TableRow;
      try {
        row = parseRow(line, withCurves);
      } catch (error) {
        throw new TableFormatError(`${file}: line ${lineNumber}: ${(error as Error).message}`);
      }
      const key = `${row.indices.join(",")}/${row.seed}`;
      const earlier = seenAt.get(key);
      if (earlier !== undefined) {
        throw new TableFormatError(
          `${file}: line ${lineNumber}: configuration ${row.indices.join(",")} with seed ${row.seed} is already on line ${earlier}`,
        );
      }
      seenAt.set(key, lineNumber);
      rows.push(row);
    }
    start = complete ? end + 1 : text.length;
    completeLength = start;
  }
  if (lineNumber === 0) throw new TableFormatError(`${file}: the header line is incomplete (expected ${TABLE_HEADER})`);
  return { rows, completeLength, droppedPartialLine };
}

/** A table file's text (gunzipped when the name ends in .gz); a missing file is a clear error. */
export function readTableText(path: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT")
      throw new TableFormatError(`table file not found: ${path} (build one with: hyperforce table build --task wine --out ${path})`);
    throw new TableFormatError(`cannot read table file ${path}: ${(error as Error).message}`);
  }
  if (path.endsWith(".gz")) {
    try {
      bytes = gunzipSync(bytes);
    } catch (error) {
      throw new TableFormatError(`${path}: not a valid gzip file (${(error as Error).message})`);
    }
  }
  return bytes.toString("utf8");
}

export function readTableRows(path: string): TableRow[] {
  return parseTableText(readTableText(path), path).rows;
}

/**
 * A table in memory, every row indexed by configuration position and seed. Seeds are those found in
 * the file (sorted); a configuration lacking a seed another one has is "incomplete".
 */
export class ConfigurationTable {
  readonly seeds: number[];
  /** position * seeds.length + seed index -> loss; NaN where the row is absent; Infinity when diverged. */
  private readonly validation: Float64Array;
  private readonly test: Float64Array;
  private readonly present: Uint8Array;
  /** The longest learning curve of any row: 0 for a table without curves. */
  readonly curveEpochs: number;
  /** slot * curveEpochs + epoch - 1 -> validation loss after that epoch; NaN past the row's curve. */
  private readonly curves: Float64Array;
  /** 1 where the row has a curve, or has none as it diverged in its first epoch. */
  private readonly curved: Uint8Array;
  private meanValidationCache?: Float64Array;
  private sortedMeansCache?: Float64Array;

  constructor(
    readonly source: string,
    rows: readonly TableRow[],
  ) {
    this.seeds = [...new Set(rows.map((row) => row.seed))].sort((a, b) => a - b);
    const seedIndex = new Map(this.seeds.map((seed, i) => [seed, i]));
    const size = TABLE_CONFIGURATIONS * this.seeds.length;
    this.validation = new Float64Array(size).fill(NaN);
    this.test = new Float64Array(size).fill(NaN);
    this.present = new Uint8Array(size);
    this.curveEpochs = rows.reduce((longest, row) => Math.max(longest, row.curve?.length ?? 0), 0);
    this.curves = new Float64Array(size * this.curveEpochs).fill(NaN);
    this.curved = new Uint8Array(size);
    rows.forEach((row, i) => {
      const slot = positionOf(row.indices) * this.seeds.length + seedIndex.get(row.seed)!;
      if (this.present[slot] === 1) {
        throw new TableFormatError(`${source}: row ${i + 1} repeats configuration ${row.indices.join(",")} with seed ${row.seed}`);
      }
      this.present[slot] = 1;
      this.validation[slot] = row.diverged ? Infinity : row.validationLoss;
      this.test[slot] = row.diverged ? Infinity : row.testLoss;
      if (row.curve !== undefined || row.diverged) {
        this.curves.set(row.curve ?? [], slot * this.curveEpochs);
        this.curved[slot] = 1;
      }
    });
  }

  /** True when every run that did not diverge holds a learning curve (a benchmark can replay pruning on it). */
  get hasCurves(): boolean {
    if (this.curveEpochs === 0) return false;
    for (let slot = 0; slot < this.present.length; slot++) if (this.present[slot] !== this.curved[slot]) return false;
    return true;
  }

  /** The learning curve of one run (validation loss after epoch 1, 2, ...); undefined when absent. */
  curve(position: number, seedIndex: number): number[] | undefined {
    const slot = position * this.seeds.length + seedIndex;
    if (this.curved[slot] !== 1) return undefined;
    const curve: number[] = [];
    for (let e = 0; e < this.curveEpochs; e++) {
      const loss = this.curves[slot * this.curveEpochs + e];
      if (Number.isNaN(loss)) break;
      curve.push(loss);
    }
    return curve;
  }

  get rowCount(): number {
    let count = 0;
    for (const flag of this.present) count += flag;
    return count;
  }

  /** True when every configuration has a row for every seed of the table. */
  get isComplete(): boolean {
    return this.seeds.length > 0 && this.rowCount === TABLE_CONFIGURATIONS * this.seeds.length;
  }

  /**
   * The part of a preset of the paper space (`paper`, ordered; `paper-categorical`, the stored index
   * order) the table covers: each parameter keeps the choices that occur in some row, in the preset's
   * order. Rows are looked up by value, so every preset reaches the same rows.
   */
  coveredSpace(preset = "paper"): SearchSpace {
    const used = TABLE_SIZES.map((size) => new Uint8Array(size));
    for (let p = 0; p < TABLE_CONFIGURATIONS; p++) {
      if (this.seedIndicesAt(p).length === 0) continue;
      indicesAt(p).forEach((index, i) => (used[i][index] = 1));
    }
    const space = spacePreset(preset);
    return Object.fromEntries(
      TABLE_PARAMS.map((name, i) => {
        const distribution = space[name];
        if (distribution === undefined || !hasChoices(distribution)) throw new Error(`preset "${preset}" has no choices for ${name}`);
        const covered = (value: unknown) => used[i][CHOICES[i].indexOf(value as number)] === 1;
        return [name, { ...distribution, choices: (distribution.choices as number[]).filter(covered) }];
      }),
    );
  }

  /** How many runs (configuration of the covered space x seed) have no row: 0 for a table a benchmark can use. */
  missingRuns(): number {
    const space = this.coveredSpace();
    let configurations = 1;
    for (const name of TABLE_PARAMS) configurations *= (space[name] as { choices: unknown[] }).choices.length;
    return configurations * this.seeds.length - this.rowCount;
  }

  /** Seeds (by index into `seeds`) that have a row for this configuration. */
  seedIndicesAt(position: number): number[] {
    const found: number[] = [];
    for (let s = 0; s < this.seeds.length; s++) if (this.present[position * this.seeds.length + s] === 1) found.push(s);
    return found;
  }

  /** The run of one configuration with one seed (by index into `seeds`); undefined when absent. */
  run(position: number, seedIndex: number): { seed: number; validationLoss: number; testLoss: number; diverged: boolean } | undefined {
    const slot = position * this.seeds.length + seedIndex;
    if (this.present[slot] !== 1) return undefined;
    const validationLoss = this.validation[slot];
    return { seed: this.seeds[seedIndex], validationLoss, testLoss: this.test[slot], diverged: validationLoss === Infinity };
  }

  /** Mean validation loss over the table's seeds (Infinity if any seed diverged, NaN if a seed is missing). */
  meanValidationLoss(position: number): number {
    return this.means()[position];
  }

  meanTestLoss(position: number): number {
    return this.meanOf(this.test, position);
  }

  /** The lowest mean validation loss of any configuration, and where. */
  best(): { position: number; meanValidationLoss: number } {
    const means = this.means();
    let position = -1;
    for (let p = 0; p < means.length; p++) if (!Number.isNaN(means[p]) && (position < 0 || means[p] < means[position])) position = p;
    if (position < 0) throw new TableFormatError(`${this.source}: the table has no configuration with every seed`);
    return { position, meanValidationLoss: means[position] };
  }

  /**
   * Percentage of the table's configurations (with every seed) whose mean validation loss is strictly
   * lower: 0 for the best configuration, near 100 for the worst.
   */
  rankPercentile(position: number): number {
    const sorted = this.sortedMeans();
    const mean = this.means()[position];
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (sorted[middle] < mean) low = middle + 1;
      else high = middle;
    }
    return (100 * low) / sorted.length;
  }

  /**
   * Spearman's rank correlation of the validation losses of two seeds over every configuration both
   * have (ties, diverged runs included, share their average rank).
   */
  seedRankCorrelation(seedIndexA = 0, seedIndexB = 1): number {
    const a: number[] = [];
    const b: number[] = [];
    const count = this.seeds.length;
    for (let p = 0; p < TABLE_CONFIGURATIONS; p++) {
      const slotA = p * count + seedIndexA;
      const slotB = p * count + seedIndexB;
      if (this.present[slotA] === 1 && this.present[slotB] === 1) {
        a.push(this.validation[slotA]);
        b.push(this.validation[slotB]);
      }
    }
    return spearman(a, b);
  }

  private meanOf(losses: Float64Array, position: number): number {
    let sum = 0;
    for (let s = 0; s < this.seeds.length; s++) sum += losses[position * this.seeds.length + s];
    return this.seeds.length === 0 ? NaN : sum / this.seeds.length;
  }

  private means(): Float64Array {
    if (this.meanValidationCache === undefined) {
      const means = new Float64Array(TABLE_CONFIGURATIONS);
      for (let p = 0; p < TABLE_CONFIGURATIONS; p++) means[p] = this.meanOf(this.validation, p);
      this.meanValidationCache = means;
    }
    return this.meanValidationCache;
  }

  private sortedMeans(): Float64Array {
    if (this.sortedMeansCache === undefined)
      this.sortedMeansCache = this.means()
        .filter((mean) => !Number.isNaN(mean))
        .sort();
    return this.sortedMeansCache;
  }
}

/** Ranks from 1, ties sharing their average rank. */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((_, i) => i).sort((i, j) => (values[i] < values[j] ? -1 : values[i] > values[j] ? 1 : 0));
  const ranks = new Array<number>(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && values[order[end]] === values[order[start]]) end++;
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k]] = rank;
    start = end;
  }
  return ranks;
}

export function spearman(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) throw new Error(`spearman needs two lists of the same length, got ${a.length} and ${b.length}`);
  if (a.length < 2) return NaN;
  const ra = averageRanks(a);
  const rb = averageRanks(b);
  const n = a.length;
  const mean = (n + 1) / 2;
  let covariance = 0;
  let varianceA = 0;
  let varianceB = 0;
  for (let i = 0; i < n; i++) {
    covariance += (ra[i] - mean) * (rb[i] - mean);
    varianceA += (ra[i] - mean) ** 2;
    varianceB += (rb[i] - mean) ** 2;
  }
  return covariance / Math.sqrt(varianceA * varianceB);
}

const loaded = new Map<string, { mtimeMs: number; size: number; table: ConfigurationTable }>();

/** Reads a table file once per process (re-read if it changed on disk). */
export function loadTable(path: string): ConfigurationTable {
  const absolute = resolve(path);
  let stats: Stats;
  try {
    stats = statSync(absolute);
  } catch {
    throw new TableFormatError(`table file not found: ${path} (build one with: hyperforce table build --task wine --out ${path})`);
  }
  const cached = loaded.get(absolute);
  if (cached !== undefined && cached.mtimeMs === stats.mtimeMs && cached.size === stats.size) return cached.table;
  const table = new ConfigurationTable(path, readTableRows(path));
  loaded.set(absolute, { mtimeMs: stats.mtimeMs, size: stats.size, table });
  return table;
}
