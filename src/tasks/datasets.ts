/**
 * The dataset registry (`wine`, `letter`) and the loader. A file is looked for in the folder named
 * by HYPERFORCE_DATA_DIR, then in the user's cache folder, and is otherwise downloaded into that
 * cache. Wherever it comes from, its sha256 (line endings normalised to LF) must match the registry.
 */
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";
import { ConfigError } from "../errors/errors.ts";
import { type CsvSeparator, labelColumn, numberColumn, numberMatrix, parseCsv } from "./csv.ts";
import { contentSha256, DownloadError, downloadVerified } from "./download.ts";
import type { Dataset, TaskKind } from "./types.ts";

export interface DatasetSpec {
  name: string;
  description: string;
  fileName: string;
  /** Path under the download base URL. */
  urlPath: string;
  /** sha256 of the file's content with line endings normalised to LF. */
  sha256: string;
  separator: CsvSeparator;
  header: boolean;
  columnCount: number;
  /** 0-based column of the target; every other column is an input. */
  targetColumn: number;
  kind: TaskKind;
  /** Classification: labels in class-index order. */
  classNames?: string[];
  /** Names of the columns when the file has no header. */
  columnNames?: string[];
}

export const DEFAULT_DATASET_URL_BASE = "https://archive.ics.uci.edu/ml/machine-learning-databases";

const LETTERS = Array.from({ length: 26 }, (_, i) => String.fromCharCode(65 + i));

export const DATASETS: Readonly<Record<"wine" | "letter", DatasetSpec>> = {
  wine: {
    name: "wine",
    description: "UCI Wine Quality (red): 1599 rows, 11 inputs, regression on residual sugar",
    fileName: "winequality-red.csv",
    urlPath: "wine-quality/winequality-red.csv",
    sha256: "4a402cf041b025d4566d954c3b9ba8635a3a8a01e039005d97d6a710278cf05e",
    separator: ";",
    header: true,
    columnCount: 12,
    targetColumn: 3,
    kind: "regression",
  },
  letter: {
    name: "letter",
    description: "UCI Letter Recognition: 20000 rows, 16 inputs, 26 classes A..Z",
    fileName: "letter-recognition.data",
    urlPath: "letter-recognition/letter-recognition.data",
    sha256: "2b89f3602cf768d3c8355267d2f13f2417809e101fc2b5ceee10db19a60de6e2",
    separator: ",",
    header: false,
    columnCount: 17,
    targetColumn: 0,
    kind: "classification",
    classNames: LETTERS,
    columnNames: [
      "lettr",
      "x-box",
      "y-box",
      "width",
      "high",
      "onpix",
      "x-bar",
      "y-bar",
      "x2bar",
      "y2bar",
      "xybar",
      "x2ybr",
      "xy2br",
      "x-ege",
      "xegvy",
      "y-ege",
      "yegvx",
    ],
  },
};

export type DatasetName = keyof typeof DATASETS;

/** A dataset that cannot be found, fails its checksum, or is not in the registry. */
export class DatasetError extends ConfigError {
  constructor(message: string) {
    super(message);
    this.name = "DatasetError";
  }
}

export function datasetNames(): DatasetName[] {
  return Object.keys(DATASETS) as DatasetName[];
}

export function isDatasetName(name: string): name is DatasetName {
  return Object.hasOwn(DATASETS, name);
}

/** The registry entry, or an error listing the known names. */
export function getDatasetSpec(name: string): DatasetSpec {
  if (!isDatasetName(name)) {
    throw new DatasetError(`unknown dataset ${JSON.stringify(name)}; known datasets: ${datasetNames().join(", ")}`);
  }
  return DATASETS[name];
}

/** `$XDG_CACHE_HOME/hyperforce/datasets`, or `~/.cache/hyperforce/datasets`. */
export function datasetCacheDir(): string {
  const xdg = process.env.XDG_CACHE_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(homedir(), ".cache");
  return join(base, "hyperforce", "datasets");
}

export function datasetUrl(spec: DatasetSpec): string {
  const base = (process.env.HYPERFORCE_DATASET_URL_BASE || DEFAULT_DATASET_URL_BASE).replace(/\/+$/, "");
  return `${base}/${spec.urlPath}`;
}

interface LocatedFile {
  path: string;
  bytes: Uint8Array;
}

/** The places a dataset file is looked for, in order, each with the path it would have there. */
function localCandidates(spec: DatasetSpec): { label: string; path: string }[] {
  const candidates: { label: string; path: string }[] = [];
  const dataDir = process.env.HYPERFORCE_DATA_DIR;
  if (dataDir) candidates.push({ label: "HYPERFORCE_DATA_DIR", path: join(dataDir, spec.fileName) });
  candidates.push({ label: "the cache", path: join(datasetCacheDir(), spec.fileName) });
  return candidates;
}

function readVerified(spec: DatasetSpec, path: string): LocatedFile {
  const bytes = readFileSync(path);
  const actual = contentSha256(bytes);
  if (actual !== spec.sha256) {
    throw new DatasetError(
      `${path} has sha256 ${actual} but the ${spec.name} dataset must have ${spec.sha256} ` +
        "(line endings normalised to LF); replace or delete the file",
    );
  }
  return { path, bytes };
}

function findLocal(spec: DatasetSpec): LocatedFile | null {
  for (const candidate of localCandidates(spec)) {
    if (existsSync(candidate.path)) return readVerified(spec, candidate.path);
  }
  return null;
}

function whereLooked(spec: DatasetSpec): string {
  return localCandidates(spec)
    .map((candidate) => `${candidate.path} (${candidate.label})`)
    .join(" or ");
}

/**
 * The path of a verified local copy of the dataset's file, downloading it into the cache when it
 * is in neither HYPERFORCE_DATA_DIR nor the cache.
 */
export async function ensureDatasetFile(name: string): Promise<string> {
  return (await locateOrDownload(getDatasetSpec(name))).path;
}

async function locateOrDownload(spec: DatasetSpec): Promise<LocatedFile> {
  const local = findLocal(spec);
  if (local) return local;
  const destination = join(datasetCacheDir(), spec.fileName);
  const url = datasetUrl(spec);
  try {
    const bytes = await downloadVerified(url, destination, spec.sha256);
    return { path: destination, bytes };
  } catch (error) {
    if (!(error instanceof DownloadError)) throw error;
    throw new DatasetError(`${spec.fileName} was not found at ${whereLooked(spec)}, and ${error.message}`);
  }
}

/** Parses a registered dataset's file content into inputs and targets. */
export function parseDataset(spec: DatasetSpec, text: string, source: string): Dataset {
  const table = parseCsv(text, {
    source,
    separator: spec.separator,
    header: spec.header,
    columnNames: spec.columnNames,
  });
  if (table.columnCount !== spec.columnCount) {
    throw new DatasetError(`${source}: expected ${spec.columnCount} columns for the ${spec.name} dataset, found ${table.columnCount}`);
  }
  const inputColumns: number[] = [];
  for (let c = 0; c < table.columnCount; c++) if (c !== spec.targetColumn) inputColumns.push(c);
  const names = table.columnNames ?? inputColumns.map((c) => `column ${c + 1}`);
  const inputs = numberMatrix(table, inputColumns);
  const targets =
    spec.kind === "classification"
      ? Float32Array.from(labelColumn(table, spec.targetColumn, spec.classNames ?? []))
      : Float32Array.from(numberColumn(table, spec.targetColumn));
  return {
    name: spec.name,
    kind: spec.kind,
    inputs,
    targets,
    nRows: table.rows.length,
    nInputs: inputColumns.length,
    nOutputs: spec.kind === "classification" ? (spec.classNames ?? []).length : 1,
    featureNames: inputColumns.map((c) => names[c]),
    ...(spec.classNames ? { classNames: [...spec.classNames] } : {}),
  };
}

const loaded = new Map<string, Dataset>();
const loading = new Map<string, Promise<Dataset>>();

/**
 * Loads a registered dataset (downloading it if needed). Cached per process: every caller gets the
 * same object, which must not be modified.
 */
export async function loadDataset(name: string): Promise<Dataset> {
  const spec = getDatasetSpec(name);
  const ready = loaded.get(spec.name);
  if (ready) return ready;
  let pending = loading.get(spec.name);
  if (!pending) {
    pending = locateOrDownload(spec)
      .then((file) => remember(spec, file))
      .finally(() => loading.delete(spec.name));
    loading.set(spec.name, pending);
  }
  return pending;
}

/** Like loadDataset, but reads local files only (no download), for worker threads and other synchronous callers. */
export function loadDatasetSync(name: string): Dataset {
  const spec = getDatasetSpec(name);
  const ready = loaded.get(spec.name);
  if (ready) return ready;
  const file = findLocal(spec);
  if (!file) {
    throw new DatasetError(
      `${spec.fileName} was not found at ${whereLooked(spec)}; the synchronous loader does not download, ` +
        `so call loadDataset("${spec.name}") once or set HYPERFORCE_DATA_DIR`,
    );
  }
  return remember(spec, file);
}

function remember(spec: DatasetSpec, file: LocatedFile): Dataset {
  const dataset = parseDataset(spec, new TextDecoder().decode(file.bytes), file.path);
  loaded.set(spec.name, dataset);
  return dataset;
}
