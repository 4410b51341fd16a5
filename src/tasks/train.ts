import { performance } from "node:perf_hooks";
import { resolveAdamOptions } from "../nn/adam.ts";
import {
  checkMlpParameters,
  checkMlpShape,
  initMlpParameters,
  type MlpEngine,
  type MlpParameters,
  type MlpShape,
  MlpTrainer,
  type Rows,
} from "../nn/mlp.ts";
import { Rng } from "../nn/rng.ts";
import { WasmWorkspace, wasmAvailable, wasmUnavailableReason } from "../nn/wasm.ts";
import { classificationAccuracy } from "./accuracy.ts";
import type { EvaluationResult, MlpConfig, SplitData } from "./types.ts";

/**
 * The paper's inner model, trained and evaluated as TASKS.md "Inner model and training" specifies:
 * PyTorch-default init from Rng(seed), then one fresh permutation of the training rows per epoch from
 * the same Rng, minibatches of batchSize with the last partial batch kept, Adam (coupled L2), and the
 * row-weighted loss over all validation and test rows after the last epoch.
 */

/** Which implementation trains: the TypeScript reference, the WebAssembly SIMD kernels, or the faster one for the batch size. */
export type TrainerPath = "typescript" | "wasm" | "auto";

export const DEFAULT_EPOCHS = 15;

/**
 * Batch sizes below this train on the TypeScript path under "auto". Measured by bench/trainer.ts
 * (bench/results/trainer.json): the WebAssembly path took 5x to 8x less CPU time than the TypeScript
 * path at every batch size measured (8, 64, 512, 4096, wine and letter), so "auto" picks it whenever
 * the kernels are built.
 */
export const WASM_FROM_BATCH_SIZE = 1;

export function resolveTrainerPath(path: TrainerPath, batchSize: number): "typescript" | "wasm" {
  if (path === "typescript") return "typescript";
  if (path === "wasm") {
    if (!wasmAvailable()) throw new Error(`the wasm trainer path was asked for, but ${wasmUnavailableReason()}`);
    return "wasm";
  }
  return batchSize >= WASM_FROM_BATCH_SIZE && wasmAvailable() ? "wasm" : "typescript";
}

export interface TrainOptions {
  /** Default "auto". */
  path?: TrainerPath;
  /**
   * Called after each epoch with its number (from 1) and the validation loss then (Infinity when not
   * finite); returning true stops training there. Without it no loss is computed between epochs.
   */
  onEpoch?: (epoch: number, validationLoss: number) => boolean;
}

/**
 * Trains one configuration and returns validation loss, test loss, divergence, epochs run and seconds.
 * Never throws for a valid config, whatever the learning rate. The wasm path copies the split's rows
 * into wasm memory on its first use and reuses them afterwards: do not modify a split's arrays.
 */
export function trainAndEvaluate(split: SplitData, config: MlpConfig, seed: number, options: TrainOptions = {}): EvaluationResult {
  const started = performance.now();
  const epochs = config.epochs ?? DEFAULT_EPOCHS;
  checkConfig(config, epochs);
  checkSplit(split);
  if (!Number.isFinite(seed)) throw new Error(`seed must be a finite number, got ${seed}`);
  const shape: MlpShape = { kind: split.kind, inputs: split.nInputs, hidden: config.hidden, outputs: split.nOutputs };
  const nTrain = split.train.n;
  const batchSize = Math.min(config.batchSize, nTrain);
  const path = resolveTrainerPath(options.path ?? "auto", batchSize);
  const engine = engineFor(path, split, shape, evaluationBatch(batchSize, split));

  const rng = new Rng(seed);
  engine.setParameters(initMlpParameters(shape, rng));
  engine.startAdam({ lr: config.learningRate, weightDecay: config.weightDecay });
  const stepsPerEpoch = Math.ceil(nTrain / batchSize);
  const losses = new Float64Array(stepsPerEpoch);
  let epochsRun = 0;
  let diverged = false;
  let stopped = false;
  const curve: number[] = [];
  for (let epoch = 0; epoch < epochs && !stopped; epoch++) {
    const order = rng.permutation(nTrain);
    const steps = engine.trainEpoch(split.train, order, nTrain, batchSize, losses, 0);
    if (steps < stepsPerEpoch || !Number.isFinite(losses[steps - 1])) {
      diverged = true;
      break;
    }
    epochsRun++;
    if (options.onEpoch !== undefined) {
      const loss = engine.meanLoss(split.validation);
      curve.push(Number.isFinite(loss) ? loss : Infinity);
      stopped = options.onEpoch(epochsRun, curve[curve.length - 1]) === true && epochsRun < epochs;
    }
  }
  let validationLoss = Infinity;
  let testLoss = Infinity;
  if (!diverged) {
    // The last epoch's validation loss is already known when epochs were reported (same computation).
    validationLoss = curve.length === epochsRun && epochsRun > 0 ? curve[epochsRun - 1] : engine.meanLoss(split.validation);
    testLoss = engine.meanLoss(split.test);
    if (!Number.isFinite(validationLoss) || !Number.isFinite(testLoss)) {
      diverged = true;
      validationLoss = Infinity;
      testLoss = Infinity;
    }
  }
  const accuracy = diverged || shape.kind !== "classification" ? {} : accuracies(shape, engine, split);
  const seconds = (performance.now() - started) / 1000;
  const reported = options.onEpoch === undefined ? {} : { validationCurve: curve, ...(stopped ? { stoppedAtEpoch: epochsRun } : {}) };
  return { validationLoss, testLoss, diverged, epochsRun, seconds, ...accuracy, ...reported };
}

/** Validation and test accuracy of the trained model (a non-finite output leaves the accuracy out). */
function accuracies(shape: MlpShape, engine: MlpEngine, split: SplitData): Pick<EvaluationResult, "validationAccuracy" | "testAccuracy"> {
  const parameters = engine.getParameters();
  const validationAccuracy = classificationAccuracy(shape, parameters, split.validation);
  const testAccuracy = classificationAccuracy(shape, parameters, split.test);
  return {
    ...(Number.isFinite(validationAccuracy) ? { validationAccuracy } : {}),
    ...(Number.isFinite(testAccuracy) ? { testAccuracy } : {}),
  };
}

/** Evaluation runs in chunks of the engine's maxBatch: make it at least 256 rows so small training batches do not slow it. */
function evaluationBatch(batchSize: number, split: SplitData): number {
  const largest = Math.max(split.train.n, split.validation.n, split.test.n);
  return Math.max(batchSize, Math.min(256, largest));
}

// One wasm workspace per split: its rows are copied into wasm memory once, then reused by every evaluation.
const workspaces = new WeakMap<SplitData, WasmWorkspace>();

function engineFor(path: "typescript" | "wasm", split: SplitData, shape: MlpShape, maxBatch: number): MlpEngine {
  if (path === "typescript") return new MlpTrainer(shape, maxBatch);
  let workspace = workspaces.get(split);
  if (workspace === undefined) {
    workspace = new WasmWorkspace();
    workspace.upload(split.train, split.nInputs);
    workspace.upload(split.validation, split.nInputs);
    workspace.upload(split.test, split.nInputs);
    workspaces.set(split, workspace);
  }
  return workspace.createEngine(shape, maxBatch);
}

function checkConfig(config: MlpConfig, epochs: number): void {
  if (!(Number.isFinite(config.learningRate) && config.learningRate > 0)) {
    throw new Error(`learning rate must be a positive finite number, got ${config.learningRate}`);
  }
  if (!(Number.isFinite(config.weightDecay) && config.weightDecay >= 0)) {
    throw new Error(`weight decay must be a non-negative finite number, got ${config.weightDecay}`);
  }
  if (!Number.isInteger(config.batchSize) || config.batchSize < 1) {
    throw new Error(`batch size must be a positive integer, got ${config.batchSize}`);
  }
  if (!Number.isInteger(config.hidden) || config.hidden < 1) {
    throw new Error(`hidden units must be a positive integer, got ${config.hidden}`);
  }
  if (!Number.isInteger(epochs) || epochs < 1) throw new Error(`epochs must be a positive integer, got ${epochs}`);
}

function checkSplit(split: SplitData): void {
  for (const name of ["train", "validation", "test"] as const) {
    const part = split[name];
    if (!Number.isInteger(part.n) || part.n < 1) throw new Error(`the ${name} split must have at least one row, got ${part.n}`);
    if (part.x.length !== part.n * split.nInputs) {
      throw new Error(`the ${name} split has ${part.x.length} input values, expected ${part.n} rows x ${split.nInputs}`);
    }
    if (part.y.length !== part.n) throw new Error(`the ${name} split has ${part.y.length} targets, expected ${part.n}`);
  }
}

export interface TrainWithOrdersInput {
  shape: MlpShape;
  rows: Rows;
  initial: MlpParameters;
  /** One visiting order per epoch; each lists row indices (usually a permutation of all rows). */
  epochOrders: ArrayLike<number>[];
  learningRate: number;
  weightDecay: number;
  batchSize: number;
  /** Default "auto". */
  path?: TrainerPath;
}

export interface TrainWithOrdersResult {
  /** Loss of every step taken, before its update; ends with the non-finite loss when diverged. */
  stepLosses: number[];
  final: MlpParameters;
  diverged: boolean;
  /** Epochs completed without a non-finite loss. */
  epochsRun: number;
  /** Row-weighted loss over all `rows` after training (Infinity when diverged or not finite). */
  finalLoss: number;
}

/**
 * The trainer with explicit initial weights and explicit epoch orders (what the PyTorch golden file
 * fixes): returns every step loss and the final parameters.
 */
export function trainWithOrders(input: TrainWithOrdersInput): TrainWithOrdersResult {
  const { shape, rows, initial, epochOrders, batchSize } = input;
  checkMlpShape(shape);
  checkMlpParameters(shape, initial);
  resolveAdamOptions({ lr: input.learningRate, weightDecay: input.weightDecay });
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batch size must be a positive integer, got ${batchSize}`);
  const orders = epochOrders.map((order, e) => {
    const copy = Int32Array.from(order);
    for (let i = 0; i < copy.length; i++) {
      if (!(copy[i] >= 0 && copy[i] < rows.n) || copy[i] !== order[i]) {
        throw new Error(`epoch ${e} order[${i}] = ${order[i]} is not a row index in [0, ${rows.n})`);
      }
    }
    return copy;
  });
  const longest = Math.max(1, ...orders.map((o) => o.length));
  const maxBatch = Math.min(batchSize, longest);
  const path = resolveTrainerPath(input.path ?? "auto", maxBatch);
  let engine: MlpEngine;
  if (path === "wasm") {
    const workspace = new WasmWorkspace();
    workspace.upload(rows, shape.inputs);
    engine = workspace.createEngine(shape, Math.max(maxBatch, Math.min(256, rows.n)));
  } else {
    engine = new MlpTrainer(shape, Math.max(maxBatch, Math.min(256, rows.n)));
  }
  engine.setParameters(initial);
  engine.startAdam({ lr: input.learningRate, weightDecay: input.weightDecay });
  const stepLosses: number[] = [];
  const losses = new Float64Array(longest);
  let diverged = false;
  let epochsRun = 0;
  for (const order of orders) {
    const steps = engine.trainEpoch(rows, order, order.length, maxBatch, losses, 0);
    for (let s = 0; s < steps; s++) stepLosses.push(losses[s]);
    if (steps < Math.ceil(order.length / maxBatch) || (steps > 0 && !Number.isFinite(losses[steps - 1]))) {
      diverged = true;
      break;
    }
    epochsRun++;
  }
  let finalLoss = diverged ? Infinity : engine.meanLoss(rows);
  if (!Number.isFinite(finalLoss)) {
    finalLoss = Infinity;
    diverged = true;
  }
  return { stepLosses, final: engine.getParameters(), diverged, epochsRun, finalLoss };
}
