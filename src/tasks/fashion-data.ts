/**
 * Fashion-MNIST from its four gzipped IDX files (train-images-idx3-ubyte.gz, ...): looked for in
 * $HYPERFORCE_DATA_DIR/fashion-mnist, then $HYPERFORCE_DATA_DIR, then Debian's package folder
 * /usr/share/datasets/fashion-mnist (package dataset-fashion-mnist). Nothing is downloaded.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { ConfigError } from "../errors/errors.ts";

export const FASHION_DEBIAN_DIR = "/usr/share/datasets/fashion-mnist";
export const FASHION_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];
const SIDE = 28;

/** One part of the dataset as stored: pixels 0..255, [n][28][28], and a class index per image. */
export interface FashionPart {
  pixels: Uint8Array;
  labels: Uint8Array;
  n: number;
}

export interface FashionData {
  folder: string;
  train: FashionPart;
  test: FashionPart;
}

const FILES = {
  train: ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"],
  test: ["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"],
} as const;

/** The folders searched, in order. */
export function fashionFolders(): string[] {
  const dataDir = process.env.HYPERFORCE_DATA_DIR;
  const folders = dataDir ? [join(dataDir, "fashion-mnist"), dataDir] : [];
  return [...folders, FASHION_DEBIAN_DIR];
}

/** The first folder holding all four files; a ConfigError naming the folders and the package otherwise. */
export function findFashionFolder(folders: string[] = fashionFolders()): string {
  const all = [...FILES.train, ...FILES.test];
  const found = folders.find((folder) => all.every((file) => existsSync(join(folder, file))));
  if (found !== undefined) return found;
  throw new ConfigError(
    `Fashion-MNIST was not found: looked for ${all.join(", ")} in ${folders.join(", ")}; ` +
      "install Debian's dataset-fashion-mnist package (apt-get install dataset-fashion-mnist) " +
      "or put the four files in $HYPERFORCE_DATA_DIR/fashion-mnist",
  );
}

/**
 * The values of a gzipped IDX file of unsigned bytes and its dimensions, checked: magic 0x0801
 * (labels, one dimension) or 0x0803 (images, three), and exactly as many bytes as the dimensions say.
 */
export function readIdx(path: string, dimensions: 1 | 3): { dims: number[]; values: Uint8Array } {
  let bytes: Buffer;
  try {
    bytes = gunzipSync(readFileSync(path));
  } catch (error) {
    throw new ConfigError(`${path}: not a readable gzip file (${(error as Error).message})`);
  }
  const header = 4 + 4 * dimensions;
  if (bytes.length < header) throw new ConfigError(`${path}: ${bytes.length} bytes, too short for an IDX header of ${header}`);
  const magic = bytes.readUInt32BE(0);
  const expected = 0x0800 + dimensions;
  if (magic !== expected) {
    throw new ConfigError(
      `${path}: IDX magic number 0x${magic.toString(16)}, expected 0x0${expected.toString(16)} (unsigned bytes, ${dimensions}-D)`,
    );
  }
  const dims = Array.from({ length: dimensions }, (_, i) => bytes.readUInt32BE(4 + 4 * i));
  const size = dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== header + size) {
    throw new ConfigError(`${path}: ${bytes.length - header} data bytes, expected ${size} for dimensions ${dims.join(" x ")}`);
  }
  return { dims, values: new Uint8Array(bytes.buffer, bytes.byteOffset + header, size) };
}

function readPart(folder: string, images: string, labels: string): FashionPart {
  const x = readIdx(join(folder, images), 3);
  const y = readIdx(join(folder, labels), 1);
  if (x.dims[1] !== SIDE || x.dims[2] !== SIDE) {
    throw new ConfigError(`${join(folder, images)}: images are ${x.dims[1]} x ${x.dims[2]}, expected ${SIDE} x ${SIDE}`);
  }
  if (x.dims[0] !== y.dims[0]) throw new ConfigError(`${join(folder, labels)}: ${y.dims[0]} labels for ${x.dims[0]} images in ${images}`);
  const bad = y.values.findIndex((label) => label >= FASHION_CLASSES.length);
  if (bad >= 0) throw new ConfigError(`${join(folder, labels)}: label ${y.values[bad]} at index ${bad}, expected 0..9`);
  return { pixels: x.values, labels: y.values, n: x.dims[0] };
}

const cache = new Map<string, FashionData>();

/** Reads (once per folder and process) the training and test parts. */
export function loadFashion(): FashionData {
  const folder = findFashionFolder();
  let data = cache.get(folder);
  if (data === undefined) {
    data = { folder, train: readPart(folder, ...FILES.train), test: readPart(folder, ...FILES.test) };
    cache.set(folder, data);
  }
  return data;
}
