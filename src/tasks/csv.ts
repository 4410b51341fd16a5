/**
 * Delimited text (CSV and friends): rows of strings plus an optional header, and helpers that turn
 * columns into numbers or class indices. Every error is one sentence naming the file, the 1-based
 * line, the column (number, and name when known) and what was expected.
 */
import { ConfigError } from "../errors/errors.ts";

export type CsvSeparator = "," | ";" | "\t";

export const CSV_SEPARATORS: readonly CsvSeparator[] = [",", ";", "\t"];

export interface ParseCsvOptions {
  /** Names the file in error messages (a path or a file name). */
  source: string;
  /** The field separator; detected among `,` `;` and tab when absent. */
  separator?: CsvSeparator;
  /**
   * Whether the first record is a header. "auto" (the default) treats it as a header when one of
   * its cells is not a number while the same cell of the second record is.
   */
  header?: boolean | "auto";
  /** The columns of a file without a header: their names (used in messages) and how many there must be. */
  columnNames?: string[];
}

export interface CsvTable {
  source: string;
  separator: CsvSeparator;
  /** The header's cells, or null when the file has none. */
  header: string[] | null;
  /** Column names for messages: the header, the given names, or null. */
  columnNames: string[] | null;
  /** Data records, each with exactly `columnCount` cells. */
  rows: string[][];
  /** The 1-based line on which each data record starts. */
  lines: number[];
  columnCount: number;
}

/** A problem in a delimited file; the message is one sentence that locates it. */
export class CsvError extends ConfigError {
  constructor(message: string) {
    super(message);
    this.name = "CsvError";
  }
}

interface RawRecord {
  cells: string[];
  line: number;
}

/** Parses delimited text into a header and rows of strings, checking that every row has the same width. */
export function parseCsv(content: string, options: ParseCsvOptions): CsvTable {
  const { source } = options;
  // A byte-order mark (spreadsheet exports) is not part of the first cell.
  const text = content.charCodeAt(0) === 0xfeff ? content.slice(1) : content;
  if (text.trim() === "") {
    throw new CsvError(`${source}: the file is empty, expected at least one row of data`);
  }
  const separator = options.separator ?? detectSeparator(text);
  if (!CSV_SEPARATORS.includes(separator)) {
    throw new CsvError(`${source}: unsupported separator ${JSON.stringify(separator)}, expected one of "," ";" or tab`);
  }
  const records = splitRecords(text, separator, source);
  if (records.length === 0) {
    throw new CsvError(`${source}: the file is empty, expected at least one row of data`);
  }
  const hasHeader = options.header === "auto" || options.header === undefined ? looksLikeHeader(records) : options.header;
  const header = hasHeader ? records[0].cells : null;
  const dataRecords = hasHeader ? records.slice(1) : records;
  if (dataRecords.length === 0) {
    throw new CsvError(`${source}: the file has a header on line ${records[0].line} but no data rows, expected at least one row of data`);
  }
  const columnCount = records[0].cells.length;
  const given = options.columnNames;
  if (!header && given && given.length !== columnCount) {
    throw new CsvError(`${source}, line ${records[0].line}: expected ${given.length} columns (${given.join(", ")}), found ${columnCount}`);
  }
  const columnNames = header ?? given ?? null;
  for (const record of dataRecords) {
    if (record.cells.length !== columnCount) {
      throw new CsvError(wrongWidthMessage(source, record, columnCount, columnNames, hasHeader));
    }
  }
  return {
    source,
    separator,
    header,
    columnNames,
    rows: dataRecords.map((record) => record.cells),
    lines: dataRecords.map((record) => record.line),
    columnCount,
  };
}

function wrongWidthMessage(source: string, record: RawRecord, expected: number, names: string[] | null, hasHeader: boolean): string {
  const like = hasHeader ? "as the header has" : "as the first row has";
  const found = record.cells.length;
  if (found < expected) {
    return (
      `${source}, line ${record.line}: expected ${expected} columns ${like}, found ${found} ` +
      `(column ${describeColumn(found, names)} is missing)`
    );
  }
  return `${source}, line ${record.line}: expected ${expected} columns ${like}, found ${found} (column ${expected + 1} is extra)`;
}

/** "4 (\"residual sugar\")" or "4" when the column has no name; `index` is 0-based. */
function describeColumn(index: number, names: string[] | null): string {
  const name = names?.[index];
  return name === undefined || name === "" ? `${index + 1}` : `${index + 1} (${JSON.stringify(name)})`;
}

/** Where a cell is, for messages: `file, line 5, column 4 ("residual sugar")`. */
export function cellLocation(table: CsvTable, rowIndex: number, column: number): string {
  return `${table.source}, line ${table.lines[rowIndex]}, column ${describeColumn(column, table.columnNames)}`;
}

/**
 * Picks the separator that splits the first lines into the same number of fields, preferring the
 * one that gives the most fields; a file with a single column falls back to ",".
 */
export function detectSeparator(text: string): CsvSeparator {
  const sample = text
    .split(/\r\n?|\n/)
    .filter((line) => line.trim() !== "")
    .slice(0, 10);
  let best: CsvSeparator = ",";
  let bestScore = -1;
  for (const separator of CSV_SEPARATORS) {
    const counts = sample.map((line) => countOutsideQuotes(line, separator));
    const first = counts[0] ?? 0;
    if (first === 0) continue;
    const consistent = counts.every((count) => count === first);
    // Consistent candidates always beat inconsistent ones; among equals, more fields wins.
    const score = (consistent ? 1_000_000 : 0) + first;
    if (score > bestScore) {
      best = separator;
      bestScore = score;
    }
  }
  return best;
}

function countOutsideQuotes(line: string, separator: string): number {
  let count = 0;
  let quoted = false;
  for (const char of line) {
    if (char === '"') quoted = !quoted;
    else if (char === separator && !quoted) count++;
  }
  return count;
}

/**
 * Splits text into records. A field that starts with a double quote runs to the matching closing
 * quote (which may span lines; `""` inside stands for one quote). Blank lines are skipped; CRLF and
 * LF line endings are both accepted. Unquoted cells are trimmed of surrounding spaces.
 */
function splitRecords(text: string, separator: string, source: string): RawRecord[] {
  const records: RawRecord[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const recordLine = line;
    const cells: string[] = [];
    let quoted = false;
    let atLineEnd = false;
    while (!atLineEnd) {
      // One field.
      let start = i;
      while (start < n && text[start] === " ") start++;
      if (text[start] === '"') {
        quoted = true;
        const fieldLine = line;
        let value = "";
        let j = start + 1;
        for (;;) {
          if (j >= n) {
            throw new CsvError(
              `${source}, line ${fieldLine}, column ${cells.length + 1}: ` +
                "expected a closing double quote for the field that opens here, found the end of the file",
            );
          }
          const char = text[j];
          if (char === '"') {
            if (text[j + 1] === '"') {
              value += '"';
              j += 2;
              continue;
            }
            j++;
            break;
          }
          if (char === "\n") line++;
          value += char;
          j++;
        }
        while (j < n && text[j] === " ") j++;
        if (j < n && text[j] !== separator && text[j] !== "\n" && text[j] !== "\r") {
          throw new CsvError(
            `${source}, line ${line}, column ${cells.length + 1}: ` +
              `expected a separator or the end of the line after the closing double quote, found ${JSON.stringify(text[j])}`,
          );
        }
        cells.push(value);
        i = j;
      } else {
        let j = i;
        while (j < n && text[j] !== separator && text[j] !== "\n" && text[j] !== "\r") j++;
        cells.push(text.slice(i, j).trim());
        i = j;
      }
      if (i >= n) {
        atLineEnd = true;
      } else if (text[i] === separator) {
        i++;
      } else {
        // Line end: \n, \r\n or a lone \r.
        if (text[i] === "\r" && text[i + 1] === "\n") i++;
        i++;
        line++;
        atLineEnd = true;
      }
    }
    const blank = cells.length === 1 && cells[0] === "" && !quoted;
    if (!blank) records.push({ cells, line: recordLine });
  }
  return records;
}

function looksLikeHeader(records: RawRecord[]): boolean {
  if (records.length < 2) return false;
  const [first, second] = records;
  for (let c = 0; c < first.cells.length; c++) {
    if (!isNumber(first.cells[c]) && c < second.cells.length && isNumber(second.cells[c])) return true;
  }
  return false;
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** True for a plain decimal number such as `7`, `-0.5`, `.25` or `1e-3` (no hex, no blanks, no NaN). */
export function isNumber(cell: string): boolean {
  return NUMBER.test(cell.trim());
}

/** The number in a cell, or a CsvError that locates the cell. */
export function parseNumberCell(table: CsvTable, rowIndex: number, column: number): number {
  const cell = table.rows[rowIndex][column];
  if (!isNumber(cell)) {
    const found = cell.trim() === "" ? "an empty cell" : JSON.stringify(cell);
    throw new CsvError(`${cellLocation(table, rowIndex, column)}: expected a number, found ${found}`);
  }
  return Number(cell);
}

/** One column as numbers. */
export function numberColumn(table: CsvTable, column: number): Float64Array {
  checkColumn(table, column);
  const values = new Float64Array(table.rows.length);
  for (let r = 0; r < table.rows.length; r++) values[r] = parseNumberCell(table, r, column);
  return values;
}

/** Several columns as a row-major float matrix (rows x columns.length), in the order given. */
export function numberMatrix(table: CsvTable, columns: number[]): Float32Array {
  for (const column of columns) checkColumn(table, column);
  const width = columns.length;
  const matrix = new Float32Array(table.rows.length * width);
  for (let r = 0; r < table.rows.length; r++) {
    for (let k = 0; k < width; k++) matrix[r * width + k] = parseNumberCell(table, r, columns[k]);
  }
  return matrix;
}

/**
 * One column of class labels as indices into `labels` (exact, case-sensitive match). A label that
 * is not in the list is an error naming the cell and the expected labels.
 */
export function labelColumn(table: CsvTable, column: number, labels: readonly string[]): Int32Array {
  checkColumn(table, column);
  const index = new Map<string, number>();
  labels.forEach((label, i) => index.set(label, i));
  const codes = new Int32Array(table.rows.length);
  for (let r = 0; r < table.rows.length; r++) {
    const code = index.get(table.rows[r][column]);
    if (code === undefined) {
      throw new CsvError(
        `${cellLocation(table, r, column)}: expected a class label (${describeLabels(labels)}), ` +
          `found ${JSON.stringify(table.rows[r][column])}`,
      );
    }
    codes[r] = code;
  }
  return codes;
}

/** The distinct values of a column, sorted (for categorical columns whose labels are not known in advance). */
export function distinctValues(table: CsvTable, column: number): string[] {
  checkColumn(table, column);
  const seen = new Set<string>();
  for (const row of table.rows) seen.add(row[column]);
  return [...seen].sort();
}

function describeLabels(labels: readonly string[]): string {
  if (labels.length <= 12) return `one of ${labels.join(", ")}`;
  return `one of the ${labels.length} labels ${labels.slice(0, 3).join(", ")}, ..., ${labels[labels.length - 1]}`;
}

function checkColumn(table: CsvTable, column: number): void {
  if (!Number.isInteger(column) || column < 0 || column >= table.columnCount) {
    throw new CsvError(`${table.source}: expected a column number between 1 and ${table.columnCount}, got column ${column + 1}`);
  }
}
