/**
 * The fashion task's partition: a stratified draw from Fashion-MNIST's 60,000 training images into
 * train and validation (each class gets an equal share of both, the first classes one more when a
 * size is not a multiple of 10), and the official 10,000 t10k images as the test set. Pixels become
 * byte / 255, in [0, 1]. The same split seed and sizes always give the same images.
 */
import type { Images } from "../nn/conv-net.ts";
import { Rng } from "../nn/rng.ts";
import type { FashionData, FashionPart } from "./fashion-data.ts";

export interface FashionSplit {
  train: Images;
  validation: Images;
  test: Images;
}

/** Training images used when no train size is given: the 60,000 less the validation images. */
export const FASHION_FULL_TRAIN_SIZE = 50_000;

/** Validation images for a train size: a fifth of it, at least 10 and at most 10,000. */
export function fashionValidationSize(trainSize: number): number {
  return Math.min(10_000, Math.max(10, Math.round(trainSize / 5)));
}

function quota(total: number, label: number): number {
  return Math.floor(total / 10) + (label < total % 10 ? 1 : 0);
}

function imagesOf(part: FashionPart, rows: ArrayLike<number>): Images {
  const n = rows.length;
  const x = new Float32Array(n * 784);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    for (let p = 0; p < 784; p++) x[i * 784 + p] = part.pixels[row * 784 + p] / 255;
    y[i] = part.labels[row];
  }
  return { x, y, n };
}

/** Row indices of the stratified train / validation draw from the training part. */
export function fashionSplitRows(part: FashionPart, splitSeed: number, trainSize: number): { train: number[]; validation: number[] } {
  const validationSize = fashionValidationSize(trainSize);
  const byClass: number[][] = Array.from({ length: 10 }, () => []);
  for (let row = 0; row < part.n; row++) byClass[part.labels[row]].push(row);
  const rng = new Rng(splitSeed);
  const train: number[] = [];
  const validation: number[] = [];
  byClass.forEach((rows, label) => {
    const [v, t] = [quota(validationSize, label), quota(trainSize, label)];
    if (rows.length < v + t) {
      throw new Error(`class ${label} has ${rows.length} training images, fewer than the ${v + t} a train size of ${trainSize} needs`);
    }
    const order = rng.permutation(rows.length);
    for (let i = 0; i < v; i++) validation.push(rows[order[i]]);
    for (let i = v; i < v + t; i++) train.push(rows[order[i]]);
  });
  return { train: train.sort((a, b) => a - b), validation: validation.sort((a, b) => a - b) };
}

export function fashionSplit(data: FashionData, splitSeed: number, trainSize: number): FashionSplit {
  const rows = fashionSplitRows(data.train, splitSeed, trainSize);
  const all = Array.from({ length: data.test.n }, (_, i) => i);
  return { train: imagesOf(data.train, rows.train), validation: imagesOf(data.train, rows.validation), test: imagesOf(data.test, all) };
}
