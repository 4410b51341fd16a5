import type { AdamOptions } from "./adam.ts";
import { initLinear } from "./init.ts";
import type { Rng } from "./rng.ts";

/**
 * The Fashion-MNIST CNN: conv 3x3 (c1 channels, padding 1) -> ReLU -> max-pool 2 -> conv 3x3 (c2,
 * padding 1) -> ReLU -> max-pool 2 -> dense (hidden) -> ReLU -> dense 10, on 28x28 grey images,
 * trained on softmax cross-entropy. Padding 1 keeps the sides at 28 -> 14 -> 7, so the first dense
 * layer reads c2 x 7 x 7 features.
 */
export interface ConvNetShape {
  c1: number;
  c2: number;
  hidden: number;
}

export const IMAGE_SIDE = 28;
export const IMAGE_PIXELS = IMAGE_SIDE * IMAGE_SIDE;
export const CLASSES = 10;
/** Side of the second pool's output. */
export const POOLED_SIDE = 7;

/**
 * Parameters in PyTorch's layout: conv weights [out][in][3][3], dense weights [out][in], the first
 * dense layer's inputs in PyTorch's flatten order (channel, row, column).
 */
export interface ConvNetParameters {
  conv1Weight: Float32Array;
  conv1Bias: Float32Array;
  conv2Weight: Float32Array;
  conv2Bias: Float32Array;
  fc1Weight: Float32Array;
  fc1Bias: Float32Array;
  fc2Weight: Float32Array;
  fc2Bias: Float32Array;
}

export const CONV_NET_PARAMETER_NAMES = [
  "conv1Weight",
  "conv1Bias",
  "conv2Weight",
  "conv2Bias",
  "fc1Weight",
  "fc1Bias",
  "fc2Weight",
  "fc2Bias",
] as const;

/** Images row-major [n][784] with pixels in [0, 1]; y the class index of each. */
export interface Images {
  x: Float32Array;
  y: Float32Array;
  n: number;
}

/** What a CNN trainer offers; the TypeScript reference and the WebAssembly path both implement it. */
export interface ConvNetEngine {
  readonly shape: ConvNetShape;
  setParameters(parameters: ConvNetParameters): void;
  /** A copy of the current parameters, PyTorch layout. */
  getParameters(): ConvNetParameters;
  /** Starts a fresh Adam run (moments zero, step 0). */
  startAdam(options: AdamOptions): void;
  /**
   * Visits images order[0..count) in minibatches of batchSize (the last one partial): writes each
   * minibatch's mean loss (before its update) to losses[lossOffset + step], then takes one Adam step.
   * Stops right after a loss that is not finite, without updating. Returns the number of losses written.
   */
  trainEpoch(images: Images, order: Int32Array, count: number, batchSize: number, losses: Float64Array, lossOffset: number): number;
  /** Mean cross-entropy and the share classified right (argmax, first maximum) over all images. */
  evaluate(images: Images): { loss: number; accuracy: number };
  /** Mean loss of images first..first+count and its gradients (read them with getGradients), no update. */
  lossAndGradient(images: Images, first: number, count: number): number;
  getGradients(): ConvNetParameters;
}

export function checkConvNetShape(shape: ConvNetShape): void {
  for (const key of ["c1", "c2", "hidden"] as const) {
    const value = shape[key];
    if (!Number.isInteger(value) || value < 1 || value > 1024) throw new Error(`CNN ${key} must be an integer in [1, 1024], got ${value}`);
  }
}

/** Length of each parameter array, by name. */
export function convNetSizes(shape: ConvNetShape): Record<(typeof CONV_NET_PARAMETER_NAMES)[number], number> {
  const { c1, c2, hidden } = shape;
  return {
    conv1Weight: c1 * 9,
    conv1Bias: c1,
    conv2Weight: c2 * c1 * 9,
    conv2Bias: c2,
    fc1Weight: hidden * c2 * POOLED_SIDE * POOLED_SIDE,
    fc1Bias: hidden,
    fc2Weight: CLASSES * hidden,
    fc2Bias: CLASSES,
  };
}

export function emptyConvNetParameters(shape: ConvNetShape): ConvNetParameters {
  const sizes = convNetSizes(shape);
  return Object.fromEntries(CONV_NET_PARAMETER_NAMES.map((name) => [name, new Float32Array(sizes[name])])) as unknown as ConvNetParameters;
}

/** Throws naming the first array whose length does not fit the shape. */
export function checkConvNetParameters(shape: ConvNetShape, parameters: ConvNetParameters): void {
  const sizes = convNetSizes(shape);
  for (const name of CONV_NET_PARAMETER_NAMES) {
    const length = parameters[name]?.length;
    if (length !== sizes[name]) throw new Error(`CNN parameter ${name} has ${length} values, expected ${sizes[name]}`);
  }
}

/**
 * PyTorch's default init (bound 1/sqrt(fan in) for weights and biases, as nn.Conv2d and nn.Linear)
 * from `rng`, layer by layer: conv1 weight then bias, conv2, fc1, fc2 (see initLinear).
 */
export function initConvNetParameters(shape: ConvNetShape, rng: Rng): ConvNetParameters {
  checkConvNetShape(shape);
  const p = emptyConvNetParameters(shape);
  initLinear(p.conv1Weight, p.conv1Bias, 9, rng);
  initLinear(p.conv2Weight, p.conv2Bias, shape.c1 * 9, rng);
  initLinear(p.fc1Weight, p.fc1Bias, shape.c2 * POOLED_SIDE * POOLED_SIDE, rng);
  initLinear(p.fc2Weight, p.fc2Bias, shape.hidden, rng);
  return p;
}

/** Throws unless every label is an integer class index and x holds n images. */
export function checkImages(images: Images): void {
  if (!Number.isInteger(images.n) || images.n < 1) throw new Error(`images.n must be a positive integer, got ${images.n}`);
  if (images.x.length < images.n * IMAGE_PIXELS) throw new Error(`images.x has ${images.x.length} values, expected ${images.n} x 784`);
  for (let r = 0; r < images.n; r++) {
    const label = images.y[r];
    if (!(Number.isInteger(label) && label >= 0 && label < CLASSES)) {
      throw new Error(`image ${r} has label ${label}, expected an integer in [0, ${CLASSES - 1}]`);
    }
  }
}

/** Multiply-adds of one image's forward pass (the backward pass costs twice that, less conv1's input gradient). */
export function convNetForwardMacs(shape: ConvNetShape): number {
  const { c1, c2, hidden } = shape;
  return IMAGE_PIXELS * c1 * 9 + (IMAGE_PIXELS / 4) * c2 * c1 * 9 + c2 * 49 * hidden + hidden * CLASSES;
}
