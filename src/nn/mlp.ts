import { Adam, type AdamOptions } from "./adam.ts";
import { type DenseShape, denseBackward, denseForward, denseReluForward } from "./dense.ts";
import { initLinear } from "./init.ts";
import { meanSquaredError, softmaxCrossEntropy } from "./losses.ts";
import { reluBackward } from "./relu.ts";
import type { Rng } from "./rng.ts";

/** Linear(inputs, hidden) -> ReLU -> Linear(hidden, outputs), trained on MSE or softmax cross-entropy. */
export interface MlpShape {
  kind: "regression" | "classification";
  inputs: number;
  hidden: number;
  outputs: number;
}

/** Parameters in PyTorch's layout: w1 [hidden][inputs], b1 [hidden], w2 [outputs][hidden], b2 [outputs]. */
export interface MlpParameters {
  w1: Float32Array;
  b1: Float32Array;
  w2: Float32Array;
  b2: Float32Array;
}

/** Rows of a dataset: x row-major [n][inputs]; y the target (regression) or class index (classification). */
export interface Rows {
  x: Float32Array;
  y: Float32Array;
  n: number;
}

/** What a trainer implementation offers; the TypeScript and WebAssembly paths both implement it. */
export interface MlpEngine {
  readonly shape: MlpShape;
  readonly maxBatch: number;
  setParameters(parameters: MlpParameters): void;
  /** A copy of the current parameters, PyTorch layout. */
  getParameters(): MlpParameters;
  /** Starts a fresh Adam run (moments zero, step 0). */
  startAdam(options: AdamOptions): void;
  /**
   * Visits rows order[0..count) in minibatches of batchSize (the last one partial): for each, writes
   * its loss (before the update) to losses[lossOffset + step], then takes one Adam step. Stops right
   * after a loss that is not finite, without updating. Returns the number of losses written.
   */
  trainEpoch(rows: Rows, order: Int32Array, count: number, batchSize: number, losses: Float64Array, lossOffset: number): number;
  /** Loss over all rows, row-weighted. */
  meanLoss(rows: Rows): number;
}

export function checkMlpShape(shape: MlpShape): void {
  for (const key of ["inputs", "hidden", "outputs"] as const) {
    const value = shape[key];
    if (!Number.isInteger(value) || value < 1) throw new Error(`MLP ${key} must be a positive integer, got ${value}`);
  }
  if (shape.kind === "regression" && shape.outputs !== 1) {
    throw new Error(`a regression MLP has one output (one target per row), got ${shape.outputs}`);
  }
  if (shape.kind === "classification" && shape.outputs < 2) {
    throw new Error(`a classification MLP needs at least 2 outputs (classes), got ${shape.outputs}`);
  }
}

export function emptyMlpParameters(shape: MlpShape): MlpParameters {
  return {
    w1: new Float32Array(shape.hidden * shape.inputs),
    b1: new Float32Array(shape.hidden),
    w2: new Float32Array(shape.outputs * shape.hidden),
    b2: new Float32Array(shape.outputs),
  };
}

/** PyTorch default init of both layers from `rng`: w1, then b1, then w2, then b2 (see initLinear). */
export function initMlpParameters(shape: MlpShape, rng: Rng): MlpParameters {
  checkMlpShape(shape);
  const p = emptyMlpParameters(shape);
  initLinear(p.w1, p.b1, shape.inputs, rng);
  initLinear(p.w2, p.b2, shape.hidden, rng);
  return p;
}

export function checkMlpParameters(shape: MlpShape, parameters: MlpParameters): void {
  const expected = emptyMlpParameters(shape);
  for (const key of ["w1", "b1", "w2", "b2"] as const) {
    if (parameters[key].length !== expected[key].length) {
      throw new Error(`MLP parameter ${key} has ${parameters[key].length} values, expected ${expected[key].length}`);
    }
  }
}

export function checkMaxBatch(maxBatch: number): void {
  if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new Error(`maxBatch must be a positive integer, got ${maxBatch}`);
}

/**
 * The plain TypeScript trainer (the reference path). Holds every buffer for its shape and maxBatch
 * and reuses them for every step and epoch.
 */
export class MlpTrainer implements MlpEngine {
  readonly shape: MlpShape;
  readonly maxBatch: number;
  readonly parameters: MlpParameters;
  readonly gradients: MlpParameters;
  private readonly layer1: DenseShape;
  private readonly layer2: DenseShape;
  private readonly xBatch: Float32Array;
  private readonly yBatch: Float32Array;
  private readonly hidden: Float32Array;
  private readonly dHidden: Float32Array;
  private readonly out: Float32Array;
  private readonly dOut: Float32Array;
  private readonly parameterList: Float32Array[];
  private readonly gradientList: Float32Array[];
  private adam: Adam | null = null;

  constructor(shape: MlpShape, maxBatch: number) {
    checkMlpShape(shape);
    checkMaxBatch(maxBatch);
    this.shape = { ...shape };
    this.maxBatch = maxBatch;
    this.layer1 = { inputs: shape.inputs, outputs: shape.hidden };
    this.layer2 = { inputs: shape.hidden, outputs: shape.outputs };
    this.parameters = emptyMlpParameters(shape);
    this.gradients = emptyMlpParameters(shape);
    this.parameterList = [this.parameters.w1, this.parameters.b1, this.parameters.w2, this.parameters.b2];
    this.gradientList = [this.gradients.w1, this.gradients.b1, this.gradients.w2, this.gradients.b2];
    this.xBatch = new Float32Array(maxBatch * shape.inputs);
    this.yBatch = new Float32Array(maxBatch);
    this.hidden = new Float32Array(maxBatch * shape.hidden);
    this.dHidden = new Float32Array(maxBatch * shape.hidden);
    this.out = new Float32Array(maxBatch * shape.outputs);
    this.dOut = new Float32Array(maxBatch * shape.outputs);
  }

  setParameters(parameters: MlpParameters): void {
    checkMlpParameters(this.shape, parameters);
    this.parameters.w1.set(parameters.w1);
    this.parameters.b1.set(parameters.b1);
    this.parameters.w2.set(parameters.w2);
    this.parameters.b2.set(parameters.b2);
  }

  getParameters(): MlpParameters {
    const p = this.parameters;
    return { w1: p.w1.slice(), b1: p.b1.slice(), w2: p.w2.slice(), b2: p.b2.slice() };
  }

  startAdam(options: AdamOptions): void {
    this.adam = new Adam(this.parameterList, options);
  }

  /** Mean loss of `rows` consecutive rows of x/y; gradients (this.gradients) when `withGradient`. */
  lossAndGradient(x: Float32Array, y: Float32Array, rows: number, withGradient: boolean): number {
    const { parameters: p, gradients: g } = this;
    denseReluForward(this.layer1, x, rows, p.w1, p.b1, this.hidden);
    denseForward(this.layer2, this.hidden, rows, p.w2, p.b2, this.out);
    const dOut = withGradient ? this.dOut : null;
    const loss =
      this.shape.kind === "regression"
        ? meanSquaredError(this.out, y, rows, dOut)
        : softmaxCrossEntropy(this.out, y, rows, this.shape.outputs, dOut);
    if (!withGradient) return loss;
    denseBackward(this.layer2, this.hidden, rows, p.w2, this.dOut, g.w2, g.b2, this.dHidden);
    reluBackward(this.hidden, this.dHidden, rows * this.shape.hidden);
    denseBackward(this.layer1, x, rows, p.w1, this.dHidden, g.w1, g.b1, null);
    return loss;
  }

  trainEpoch(rows: Rows, order: Int32Array, count: number, batchSize: number, losses: Float64Array, lossOffset: number): number {
    const adam = this.adam;
    if (adam === null) throw new Error("MlpTrainer.trainEpoch: call startAdam first");
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > this.maxBatch) {
      throw new Error(`batch size must be an integer in [1, ${this.maxBatch}], got ${batchSize}`);
    }
    const d = this.shape.inputs;
    const { x, y } = rows;
    const xBatch = this.xBatch;
    const yBatch = this.yBatch;
    let steps = 0;
    for (let start = 0; start < count; start += batchSize) {
      const n = Math.min(batchSize, count - start);
      for (let r = 0; r < n; r++) {
        const row = order[start + r];
        const from = row * d;
        const to = r * d;
        for (let i = 0; i < d; i++) xBatch[to + i] = x[from + i];
        yBatch[r] = y[row];
      }
      const loss = this.lossAndGradient(xBatch, yBatch, n, true);
      losses[lossOffset + steps] = loss;
      steps++;
      if (!Number.isFinite(loss)) return steps;
      adam.step(this.gradientList);
    }
    return steps;
  }

  meanLoss(rows: Rows): number {
    const d = this.shape.inputs;
    let total = 0;
    for (let start = 0; start < rows.n; start += this.maxBatch) {
      const n = Math.min(this.maxBatch, rows.n - start);
      const x = rows.x.subarray(start * d, (start + n) * d);
      const y = rows.y.subarray(start, start + n);
      total += this.lossAndGradient(x, y, n, false) * n;
    }
    return total / rows.n;
  }
}
