import assert from "node:assert/strict";
import { test } from "node:test";
import { CsvError, detectSeparator, distinctValues, labelColumn, numberColumn, numberMatrix, parseCsv } from "../../src/tasks/csv.ts";

const WINE_LIKE = '"fixed acidity";"residual sugar";"quality"\n7.4;1.9;5\n7.8;2.6;5\n';

function throwsCsv(run: () => unknown, message: string): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof CsvError, `expected a CsvError, got ${String(error)}`);
    assert.equal(error.message, message);
    return true;
  });
}

test("a quoted header and ;-separated rows, separator detected", () => {
  const table = parseCsv(WINE_LIKE, { source: "wine.csv" });
  assert.equal(table.separator, ";");
  assert.deepEqual(table.header, ["fixed acidity", "residual sugar", "quality"]);
  assert.deepEqual(table.rows, [
    ["7.4", "1.9", "5"],
    ["7.8", "2.6", "5"],
  ]);
  assert.deepEqual(table.lines, [2, 3]);
  assert.deepEqual([...numberColumn(table, 1)], [1.9, 2.6]);
  assert.deepEqual([...numberMatrix(table, [2, 0])], [5, Math.fround(7.4), 5, Math.fround(7.8)]);
});

test("separator detection among comma, semicolon and tab", () => {
  assert.equal(detectSeparator("a,b,c\n1,2,3\n"), ",");
  assert.equal(detectSeparator("a;b\n1;2\n"), ";");
  assert.equal(detectSeparator("a\tb\tc\n1\t2\t3\n"), "\t");
  // Commas inside quotes do not count; the semicolon splits every line the same way.
  assert.equal(detectSeparator('"x, y";z\n"1,5";2\n'), ";");
  // A comma in only some lines is inconsistent; the tab is consistent and wins.
  assert.equal(detectSeparator("a\tb,c\n1\t2\n"), "\t");
  assert.equal(detectSeparator("single\n1\n2\n"), ",");
});

test("quoted fields keep separators, doubled quotes and line breaks", () => {
  const text = 'name,comment,value\n"Smith, J.","said ""hi""",1\n"multi\nline",plain,2\n';
  const table = parseCsv(text, { source: "q.csv" });
  assert.deepEqual(table.rows, [
    ["Smith, J.", 'said "hi"', "1"],
    ["multi\nline", "plain", "2"],
  ]);
  // The record that spans lines 3-4 is reported at the line where it starts.
  assert.deepEqual(table.lines, [2, 3]);
});

test("CRLF line endings, blank lines and spaces around cells", () => {
  const table = parseCsv("a, b\r\n1, 2\r\n\r\n 3 ,4\r\n", { source: "crlf.csv" });
  assert.deepEqual(table.header, ["a", "b"]);
  assert.deepEqual(table.rows, [
    ["1", "2"],
    ["3", "4"],
  ]);
  assert.deepEqual(table.lines, [2, 4]);
});

test("a UTF-8 byte-order mark is dropped", () => {
  assert.deepEqual(parseCsv("\ufeffx;y\n1;2\n", { source: "bom.csv" }).header, ["x", "y"]);
});

test("header detection: explicit, automatic, or none", () => {
  assert.equal(parseCsv("1,2\n3,4\n", { source: "n.csv" }).header, null);
  assert.deepEqual(parseCsv("x,y\n3,4\n", { source: "h.csv" }).header, ["x", "y"]);
  const forced = parseCsv("x,y\n3,4\n", { source: "h.csv", header: false });
  assert.equal(forced.header, null);
  assert.deepEqual(forced.rows, [
    ["x", "y"],
    ["3", "4"],
  ]);
  // Categorical data with no header: the first row is data.
  assert.equal(parseCsv("red,1\nblue,2\n", { source: "c.csv" }).header, null);
});

test("error: an empty file", () => {
  throwsCsv(() => parseCsv("", { source: "empty.csv" }), "empty.csv: the file is empty, expected at least one row of data");
  throwsCsv(() => parseCsv("\n  \n", { source: "blank.csv" }), "blank.csv: the file is empty, expected at least one row of data");
  throwsCsv(
    () => parseCsv("a;b\n", { source: "header-only.csv", header: true }),
    "header-only.csv: the file has a header on line 1 but no data rows, expected at least one row of data",
  );
});

test("error: wrong column count names the line and the missing or extra column", () => {
  throwsCsv(
    () => parseCsv(WINE_LIKE + "7.9;0.6\n", { source: "wine.csv" }),
    'wine.csv, line 4: expected 3 columns as the header has, found 2 (column 3 ("quality") is missing)',
  );
  throwsCsv(
    () => parseCsv("1,2\n3,4,5\n", { source: "nohead.csv", header: false }),
    "nohead.csv, line 2: expected 2 columns as the first row has, found 3 (column 3 is extra)",
  );
  throwsCsv(
    () => parseCsv("1,2,3\n4,5\n", { source: "named.csv", header: false, columnNames: ["a", "b", "c"] }),
    'named.csv, line 2: expected 3 columns as the first row has, found 2 (column 3 ("c") is missing)',
  );
});

test("error: a file without a header whose width differs from the given column names", () => {
  throwsCsv(
    () => parseCsv("1,2\n3,4\n", { source: "n.csv", header: false, columnNames: ["a", "b", "c"] }),
    "n.csv, line 1: expected 3 columns (a, b, c), found 2",
  );
});

test("error: a non-numeric or empty cell where a number is expected", () => {
  const table = parseCsv(WINE_LIKE + "7.1;abc;6\n8;;6\n", { source: "wine.csv" });
  throwsCsv(() => numberColumn(table, 1), 'wine.csv, line 4, column 2 ("residual sugar"): expected a number, found "abc"');
  const second = parseCsv(WINE_LIKE + "8;;6\n", { source: "wine.csv" });
  throwsCsv(() => numberMatrix(second, [0, 1]), 'wine.csv, line 4, column 2 ("residual sugar"): expected a number, found an empty cell');
  const hex = parseCsv("1,0x10\n", { source: "hex.csv", header: false });
  throwsCsv(() => numberColumn(hex, 1), 'hex.csv, line 1, column 2: expected a number, found "0x10"');
});

test("error: an unknown class label", () => {
  const letters = Array.from({ length: 26 }, (_, i) => String.fromCharCode(65 + i));
  const table = parseCsv("A,1\nZ,2\na,3\n", { source: "letters.data", header: false, columnNames: ["lettr", "x-box"] });
  throwsCsv(
    () => labelColumn(table, 0, letters),
    'letters.data, line 3, column 1 ("lettr"): expected a class label (one of the 26 labels A, B, C, ..., Z), found "a"',
  );
  const colours = parseCsv("red\nblue\ngreen\n", { source: "c.csv", header: false });
  throwsCsv(
    () => labelColumn(colours, 0, ["blue", "red"]),
    'c.csv, line 3, column 1: expected a class label (one of blue, red), found "green"',
  );
  assert.deepEqual([...labelColumn(parseCsv("A,1\nZ,2\n", { source: "l", header: false }), 0, letters)], [0, 25]);
});

test("error: unterminated quote and text after a closing quote", () => {
  throwsCsv(
    () => parseCsv('a,b\n1,"open\n2,3\n', { source: "q.csv" }),
    "q.csv, line 2, column 2: expected a closing double quote for the field that opens here, found the end of the file",
  );
  throwsCsv(
    () => parseCsv('a,b\n"x"y,1\n', { source: "q.csv" }),
    'q.csv, line 2, column 1: expected a separator or the end of the line after the closing double quote, found "y"',
  );
});

test("error: a column number outside the table", () => {
  const table = parseCsv("1,2\n", { source: "t.csv", header: false });
  throwsCsv(() => numberColumn(table, 2), "t.csv: expected a column number between 1 and 2, got column 3");
});

test("distinct values of a categorical column, sorted", () => {
  const table = parseCsv("colour,size\nred,1\nblue,2\nred,3\n", { source: "c.csv" });
  assert.deepEqual(distinctValues(table, 0), ["blue", "red"]);
});
