/**
 * The default split and scaling: one shuffled 0.7 / 0.1 / 0.2 partition drawn from a split seed,
 * inputs (and a regression target) z-scored with the training rows' mean and population std.
 * No validation or test row contributes to any statistic.
 */
import { Rng } from "../nn/rng.ts";
import type { DataPart, Dataset, SplitData } from "./types.ts";

export interface SplitIndices {
  train: Int32Array;
  validation: Int32Array;
  test: Int32Array;
}

/** Row indices of the partition: n_train = floor(0.7 n), n_val = floor(0.1 n), the rest test. */
export function splitIndices(nRows: number, splitSeed: number): SplitIndices {
  if (!Number.isInteger(nRows) || nRows < 3) {
    throw new Error(`a split needs at least 3 rows, got ${nRows}`);
  }
  const order = new Rng(splitSeed).permutation(nRows);
  const nTrain = Math.floor(0.7 * nRows);
  const nValidation = Math.floor(0.1 * nRows);
  return {
    train: order.slice(0, nTrain),
    validation: order.slice(nTrain, nTrain + nValidation),
    test: order.slice(nTrain + nValidation),
  };
}

/** Per-column mean and population std of the given rows (a zero std becomes 1). */
export interface ColumnScaling {
  mean: Float64Array;
  std: Float64Array;
}

export function columnScaling(values: Float32Array, width: number, rows: Int32Array): ColumnScaling {
  const mean = new Float64Array(width);
  const std = new Float64Array(width);
  for (const r of rows) {
    for (let c = 0; c < width; c++) mean[c] += values[r * width + c];
  }
  for (let c = 0; c < width; c++) mean[c] /= rows.length;
  for (const r of rows) {
    for (let c = 0; c < width; c++) {
      const d = values[r * width + c] - mean[c];
      std[c] += d * d;
    }
  }
  for (let c = 0; c < width; c++) {
    const s = Math.sqrt(std[c] / rows.length);
    std[c] = s > 0 ? s : 1;
  }
  return { mean, std };
}

function scaledRows(values: Float32Array, width: number, rows: Int32Array, scaling: ColumnScaling): Float32Array {
  const out = new Float32Array(rows.length * width);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    for (let c = 0; c < width; c++) {
      out[i * width + c] = (values[r * width + c] - scaling.mean[c]) / scaling.std[c];
    }
  }
  return out;
}

function pickRows(values: Float32Array, rows: Int32Array): Float32Array {
  const out = new Float32Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = values[rows[i]];
  return out;
}

/** Splits and scales a dataset; the same split seed always gives the same rows. */
export function splitDataset(dataset: Dataset, splitSeed: number): SplitData {
  if (!Number.isFinite(splitSeed)) throw new Error(`the split seed must be a finite number, got ${splitSeed}`);
  const parts = splitIndices(dataset.nRows, splitSeed);
  const inputScaling = columnScaling(dataset.inputs, dataset.nInputs, parts.train);
  const targetScaling = dataset.kind === "regression" ? columnScaling(dataset.targets, 1, parts.train) : null;
  const part = (rows: Int32Array): DataPart => ({
    x: scaledRows(dataset.inputs, dataset.nInputs, rows, inputScaling),
    y: targetScaling ? scaledRows(dataset.targets, 1, rows, targetScaling) : pickRows(dataset.targets, rows),
    n: rows.length,
  });
  return {
    kind: dataset.kind,
    nInputs: dataset.nInputs,
    nOutputs: dataset.nOutputs,
    train: part(parts.train),
    validation: part(parts.validation),
    test: part(parts.test),
  };
}
