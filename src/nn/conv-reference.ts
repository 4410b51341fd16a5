import { Adam, type AdamOptions } from "./adam.ts";
import {
  CLASSES,
  CONV_NET_PARAMETER_NAMES,
  type ConvNetEngine,
  type ConvNetParameters,
  type ConvNetShape,
  checkConvNetParameters,
  checkConvNetShape,
  checkImages,
  emptyConvNetParameters,
  IMAGE_PIXELS,
  IMAGE_SIDE,
  type Images,
} from "./conv-net.ts";

/**
 * The plain TypeScript CNN trainer: PyTorch's layouts (channels first), one image at a time, sums in
 * float64. It is the reference the WebAssembly kernels are checked against, not a fast path.
 */

/** z[co][y][x] = b[co] + sum of w[co][ci][ky][kx] input[ci][y+ky-1][x+kx-1] (zero outside): padding 1. */
export function conv3x3Forward(input: Float64Array, ci: number, side: number, w: Float32Array, b: Float32Array, co: number): Float64Array {
  const z = new Float64Array(co * side * side);
  for (let o = 0; o < co; o++) {
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        let sum = b[o];
        for (let i = 0; i < ci; i++) {
          for (let ky = 0; ky < 3; ky++) {
            const yy = y + ky - 1;
            if (yy < 0 || yy >= side) continue;
            for (let kx = 0; kx < 3; kx++) {
              const xx = x + kx - 1;
              if (xx < 0 || xx >= side) continue;
              sum += w[((o * ci + i) * 3 + ky) * 3 + kx] * input[(i * side + yy) * side + xx];
            }
          }
        }
        z[(o * side + y) * side + x] = sum;
      }
    }
  }
  return z;
}

/** Adds the gradients of conv3x3Forward to gw and gb and returns d(loss)/d(input) when asked. */
export function conv3x3Backward(
  input: Float64Array,
  ci: number,
  side: number,
  w: Float32Array,
  co: number,
  dz: Float64Array,
  gw: Float64Array,
  gb: Float64Array,
  wantInputGradient: boolean,
): Float64Array | null {
  const dInput = wantInputGradient ? new Float64Array(ci * side * side) : null;
  for (let o = 0; o < co; o++) {
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        const g = dz[(o * side + y) * side + x];
        if (g === 0) continue;
        gb[o] += g;
        for (let i = 0; i < ci; i++) {
          for (let ky = 0; ky < 3; ky++) {
            const yy = y + ky - 1;
            if (yy < 0 || yy >= side) continue;
            for (let kx = 0; kx < 3; kx++) {
              const xx = x + kx - 1;
              if (xx < 0 || xx >= side) continue;
              const wi = ((o * ci + i) * 3 + ky) * 3 + kx;
              const xi = (i * side + yy) * side + xx;
              gw[wi] += g * input[xi];
              if (dInput) dInput[xi] += g * w[wi];
            }
          }
        }
      }
    }
  }
  return dInput;
}

/** relu(max of each 2x2 window), channel by channel. */
export function poolReluForward(z: Float64Array, c: number, side: number): Float64Array {
  const half = side / 2;
  const out = new Float64Array(c * half * half);
  for (let k = 0; k < c; k++) {
    for (let y = 0; y < half; y++) {
      for (let x = 0; x < half; x++) {
        const at = (k * side + 2 * y) * side + 2 * x;
        const m = Math.max(z[at], z[at + 1], z[at + side], z[at + side + 1]);
        out[(k * half + y) * half + x] = Math.max(m, 0);
      }
    }
  }
  return out;
}

/** The gradient through poolReluForward: each window's to its first maximum (PyTorch's choice) when positive. */
export function poolReluBackward(z: Float64Array, c: number, side: number, dOut: Float64Array): Float64Array {
  const half = side / 2;
  const dz = new Float64Array(c * side * side);
  for (let k = 0; k < c; k++) {
    for (let y = 0; y < half; y++) {
      for (let x = 0; x < half; x++) {
        const at = (k * side + 2 * y) * side + 2 * x;
        const window = [at, at + 1, at + side, at + side + 1];
        let best = window[0];
        for (const i of window) if (z[i] > z[best]) best = i;
        if (z[best] > 0) dz[best] = dOut[(k * half + y) * half + x];
      }
    }
  }
  return dz;
}

function dense(w: Float32Array, b: Float32Array, input: Float64Array, outputs: number, relu: boolean): Float64Array {
  const inputs = input.length;
  const out = new Float64Array(outputs);
  for (let o = 0; o < outputs; o++) {
    let sum = b[o];
    for (let i = 0; i < inputs; i++) sum += w[o * inputs + i] * input[i];
    out[o] = relu ? Math.max(sum, 0) : sum;
  }
  return out;
}

interface Activations {
  image: Float64Array;
  z1: Float64Array;
  p1: Float64Array;
  z2: Float64Array;
  features: Float64Array;
  hidden: Float64Array;
  logits: Float64Array;
}

export function convNetForward(shape: ConvNetShape, p: ConvNetParameters, image: Float64Array): Activations {
  const { c1, c2, hidden } = shape;
  const z1 = conv3x3Forward(image, 1, IMAGE_SIDE, p.conv1Weight, p.conv1Bias, c1);
  const p1 = poolReluForward(z1, c1, IMAGE_SIDE);
  const z2 = conv3x3Forward(p1, c1, IMAGE_SIDE / 2, p.conv2Weight, p.conv2Bias, c2);
  const features = poolReluForward(z2, c2, IMAGE_SIDE / 2);
  const h = dense(p.fc1Weight, p.fc1Bias, features, hidden, true);
  return { image, z1, p1, z2, features, hidden: h, logits: dense(p.fc2Weight, p.fc2Bias, h, CLASSES, false) };
}

/** Cross-entropy of the logits and, when `dLogits` is given, scale x its gradient written there. */
function crossEntropy(logits: Float64Array, label: number, scale: number, dLogits: Float64Array | null): number {
  const top = Math.max(...logits);
  let sum = 0;
  for (const v of logits) sum += Math.exp(v - top);
  if (dLogits) {
    for (let c = 0; c < CLASSES; c++) dLogits[c] = (scale * Math.exp(logits[c] - top)) / sum;
    dLogits[label] -= scale;
  }
  return top + Math.log(sum) - logits[label];
}

type Gradients = Record<(typeof CONV_NET_PARAMETER_NAMES)[number], Float64Array>;

/** Adds one image's gradients, scaled by `scale`, to g. */
function convNetBackward(shape: ConvNetShape, p: ConvNetParameters, a: Activations, dLogits: Float64Array, g: Gradients): void {
  const { c1, c2, hidden } = shape;
  const nFeatures = a.features.length;
  const dHidden = new Float64Array(hidden);
  for (let c = 0; c < CLASSES; c++) {
    g.fc2Bias[c] += dLogits[c];
    for (let j = 0; j < hidden; j++) {
      g.fc2Weight[c * hidden + j] += dLogits[c] * a.hidden[j];
      dHidden[j] += dLogits[c] * p.fc2Weight[c * hidden + j];
    }
  }
  const dFeatures = new Float64Array(nFeatures);
  for (let j = 0; j < hidden; j++) {
    if (a.hidden[j] <= 0) continue;
    g.fc1Bias[j] += dHidden[j];
    for (let i = 0; i < nFeatures; i++) {
      g.fc1Weight[j * nFeatures + i] += dHidden[j] * a.features[i];
      dFeatures[i] += dHidden[j] * p.fc1Weight[j * nFeatures + i];
    }
  }
  const dz2 = poolReluBackward(a.z2, c2, IMAGE_SIDE / 2, dFeatures);
  const dP1 = conv3x3Backward(a.p1, c1, IMAGE_SIDE / 2, p.conv2Weight, c2, dz2, g.conv2Weight, g.conv2Bias, true);
  const dz1 = poolReluBackward(a.z1, c1, IMAGE_SIDE, dP1 as Float64Array);
  conv3x3Backward(a.image, 1, IMAGE_SIDE, p.conv1Weight, c1, dz1, g.conv1Weight, g.conv1Bias, false);
}

function imageOf(images: Images, row: number): Float64Array {
  return Float64Array.from(images.x.subarray(row * IMAGE_PIXELS, (row + 1) * IMAGE_PIXELS));
}

export class ConvNetTrainer implements ConvNetEngine {
  readonly shape: ConvNetShape;
  private readonly params: ConvNetParameters;
  private gradients: Gradients;
  private adam: Adam | null = null;

  constructor(shape: ConvNetShape) {
    checkConvNetShape(shape);
    this.shape = { ...shape };
    this.params = emptyConvNetParameters(shape);
    this.gradients = this.zeroGradients();
  }

  private zeroGradients(): Gradients {
    const p = this.params;
    return Object.fromEntries(CONV_NET_PARAMETER_NAMES.map((name) => [name, new Float64Array(p[name].length)])) as Gradients;
  }

  setParameters(parameters: ConvNetParameters): void {
    checkConvNetParameters(this.shape, parameters);
    for (const name of CONV_NET_PARAMETER_NAMES) this.params[name].set(parameters[name]);
  }

  getParameters(): ConvNetParameters {
    const p = this.params;
    return Object.fromEntries(CONV_NET_PARAMETER_NAMES.map((name) => [name, p[name].slice()])) as unknown as ConvNetParameters;
  }

  getGradients(): ConvNetParameters {
    const g = this.gradients;
    return Object.fromEntries(CONV_NET_PARAMETER_NAMES.map((name) => [name, Float32Array.from(g[name])])) as unknown as ConvNetParameters;
  }

  startAdam(options: AdamOptions): void {
    this.adam = new Adam(
      CONV_NET_PARAMETER_NAMES.map((name) => this.params[name]),
      options,
    );
  }

  /** Mean loss of the given rows; fills this.gradients with d(mean loss)/d(params). */
  private batch(images: Images, rows: ArrayLike<number>): number {
    this.gradients = this.zeroGradients();
    const dLogits = new Float64Array(CLASSES);
    let total = 0;
    for (let i = 0; i < rows.length; i++) {
      const a = convNetForward(this.shape, this.params, imageOf(images, rows[i]));
      total += crossEntropy(a.logits, images.y[rows[i]], 1 / rows.length, dLogits);
      convNetBackward(this.shape, this.params, a, dLogits, this.gradients);
    }
    return total / rows.length;
  }

  trainEpoch(images: Images, order: Int32Array, count: number, batchSize: number, losses: Float64Array, lossOffset: number): number {
    if (this.adam === null) throw new Error("ConvNetTrainer.trainEpoch: call startAdam first");
    checkImages(images);
    let steps = 0;
    for (let start = 0; start < count; start += batchSize) {
      const loss = this.batch(images, order.subarray(start, Math.min(start + batchSize, count)));
      losses[lossOffset + steps++] = loss;
      if (!Number.isFinite(loss)) break;
      this.adam.step(CONV_NET_PARAMETER_NAMES.map((name) => Float32Array.from(this.gradients[name])));
    }
    return steps;
  }

  evaluate(images: Images): { loss: number; accuracy: number } {
    checkImages(images);
    let total = 0;
    let right = 0;
    for (let r = 0; r < images.n; r++) {
      const { logits } = convNetForward(this.shape, this.params, imageOf(images, r));
      total += crossEntropy(logits, images.y[r], 1, null);
      if (logits.indexOf(Math.max(...logits)) === images.y[r]) right++;
    }
    return { loss: total / images.n, accuracy: right / images.n };
  }

  lossAndGradient(images: Images, first: number, count: number): number {
    checkImages(images);
    if (!(Number.isInteger(first) && Number.isInteger(count) && first >= 0 && count >= 1 && first + count <= images.n)) {
      throw new Error(`lossAndGradient: images ${first}..${first + count} are not within the ${images.n} images`);
    }
    return this.batch(
      images,
      Array.from({ length: count }, (_, i) => first + i),
    );
  }
}
