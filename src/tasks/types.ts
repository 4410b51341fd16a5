/** A dataset in memory: rows of float features and a target per row. */
export type TaskKind = "regression" | "classification";

export interface Dataset {
  name: string;
  kind: TaskKind;
  /** Row-major, nRows x nInputs. */
  inputs: Float32Array;
  /** Regression: the target value; classification: the class index (0..nClasses-1). */
  targets: Float32Array;
  nRows: number;
  nInputs: number;
  /** Width of the model's output: 1 for regression, the number of classes for classification. */
  nOutputs: number;
  featureNames: string[];
  /** Classification only: class labels in index order. */
  classNames?: string[];
}

/** One part of a split: rows already scaled with the training rows' statistics. */
export interface DataPart {
  x: Float32Array;
  y: Float32Array;
  n: number;
}

export interface SplitData {
  kind: TaskKind;
  nInputs: number;
  nOutputs: number;
  train: DataPart;
  validation: DataPart;
  test: DataPart;
}

/** One configuration of the paper's inner model. */
export interface MlpConfig {
  learningRate: number;
  weightDecay: number;
  batchSize: number;
  hidden: number;
  /** Default 15. */
  epochs?: number;
}

export interface EvaluationResult {
  validationLoss: number;
  testLoss: number;
  /** True when a loss became NaN or infinite; training stopped there and the losses are Infinity. */
  diverged: boolean;
  epochsRun: number;
  seconds: number;
  /** Classification only, when training did not diverge: the share of validation rows classified right. */
  validationAccuracy?: number;
  /** Classification only, when training did not diverge: the share of test rows classified right. */
  testAccuracy?: number;
  /** Validation loss after each epoch trained, when the run reported epochs (TrainOptions.onEpoch). */
  validationCurve?: number[];
  /** The epochs trained when onEpoch stopped the run. */
  stoppedAtEpoch?: number;
}
