/**
 * The policies' output: one softmax head per parameter, as wide as its number of choices, each a dense
 * layer from the same number of inputs. The heads' weights are stored as one [sum of choices][inputs]
 * matrix (each head a row block, exposed as its own weight and bias arrays), so the mlp, whose heads
 * share an input, runs them all as one dense layer; the rnn runs head i alone at step i. A head given an
 * ordinal width smooths its logits over neighbouring choices (./ordinal.ts).
 */
import { type DenseShape, denseForward, denseInputGradient, denseParamGradients } from "../nn/dense.ts";
import { initLinear } from "../nn/init.ts";
import type { Rng } from "../nn/rng.ts";
import { softmaxLogitGradient, softmaxWithEntropy } from "../nn/softmax.ts";
import { OrdinalSmoothing } from "./ordinal.ts";

export class SoftmaxHeads {
  /** weights[i], biases[i]: head i's parameters (views into the shared matrix), and their gradients. */
  readonly weights: Float32Array[];
  readonly biases: Float32Array[];
  readonly weightGrads: Float32Array[];
  readonly biasGrads: Float32Array[];
  readonly logits: Float64Array[];
  readonly probs: Float64Array[];
  readonly logProbs: Float64Array[];
  readonly entropies: Float64Array;
  private readonly all: DenseShape;
  private readonly shapes: DenseShape[];
  private readonly weight: Float32Array;
  private readonly bias: Float32Array;
  private readonly weightGrad: Float32Array;
  private readonly biasGrad: Float32Array;
  private readonly allLogits: Float64Array;
  private readonly allLogitGrads: Float64Array;
  private readonly logitGrads: Float64Array[];
  private readonly smoothing: (OrdinalSmoothing | undefined)[];

  /**
   * Weights drawn from rng head by head: head 0's weight then bias (PyTorch's nn.Linear init), head 1's, ...
   * ordinalWidths[i] > 0 makes head i ordinal with that width (absent or 0: a plain softmax head).
   */
  constructor(
    readonly sizes: readonly number[],
    readonly inputs: number,
    rng: Rng,
    ordinalWidths: readonly number[] = [],
  ) {
    const total = sizes.reduce((a, b) => a + b, 0);
    this.all = { inputs, outputs: total };
    this.shapes = sizes.map((outputs) => ({ inputs, outputs }));
    this.weight = new Float32Array(total * inputs);
    this.bias = new Float32Array(total);
    this.weightGrad = new Float32Array(total * inputs);
    this.biasGrad = new Float32Array(total);
    this.allLogits = new Float64Array(total);
    this.allLogitGrads = new Float64Array(total);
    const blocks = <T extends Float32Array | Float64Array>(array: T, width: number): T[] => {
      let start = 0;
      return sizes.map((size) => {
        const block = array.subarray(start * width, (start + size) * width) as T;
        start += size;
        return block;
      });
    };
    this.weights = blocks(this.weight, inputs);
    this.biases = blocks(this.bias, 1);
    this.weightGrads = blocks(this.weightGrad, inputs);
    this.biasGrads = blocks(this.biasGrad, 1);
    this.logits = blocks(this.allLogits, 1);
    this.logitGrads = blocks(this.allLogitGrads, 1);
    this.probs = sizes.map((size) => new Float64Array(size));
    this.logProbs = sizes.map((size) => new Float64Array(size));
    this.entropies = new Float64Array(sizes.length);
    for (let i = 0; i < sizes.length; i++) initLinear(this.weights[i], this.biases[i], inputs, rng);
    this.smoothing = sizes.map((size, i) =>
      (ordinalWidths[i] ?? 0) > 0 && size > 1 ? new OrdinalSmoothing(size, ordinalWidths[i]) : undefined,
    );
  }

  /** Every head on the same input (one row). */
  forwardAll(input: Float64Array): void {
    denseForward(this.all, input, 1, this.weight, this.bias, this.allLogits);
    for (let i = 0; i < this.sizes.length; i++) this.normalise(i);
  }

  /** Head i alone on its input. */
  forwardHead(i: number, input: Float64Array): void {
    denseForward(this.shapes[i], input, 1, this.weights[i], this.biases[i], this.logits[i]);
    this.normalise(i);
  }

  /**
   * After forwardAll: adds the gradient of sum_i (logProbWeight * log p_i[chosen[i]] + entropyWeight * H_i) to the
   * heads' gradients and writes its gradient with respect to the shared input into gradInput.
   */
  backwardAll(input: Float64Array, chosen: ArrayLike<number>, logProbWeight: number, entropyWeight: number, gradInput: Float64Array): void {
    for (let i = 0; i < this.sizes.length; i++) this.logitGradient(i, chosen[i], logProbWeight, entropyWeight);
    for (let i = 0; i < this.sizes.length; i++) this.smoothing[i]?.apply(this.logitGrads[i]);
    denseParamGradients(this.all, input, 1, this.allLogitGrads, this.weightGrad, this.biasGrad, true);
    denseInputGradient(this.all, 1, this.weight, this.allLogitGrads, gradInput, false);
  }

  /**
   * After forwardAll: adds the gradient of sum_i sum_c weights[i][c] log p_i[c] (a weighted sum of log-probabilities of
   * many configurations at once) to the heads' gradients and writes its gradient with respect to the input into gradInput.
   */
  backwardAllMixture(input: Float64Array, weights: readonly Float64Array[], gradInput: Float64Array): void {
    for (let i = 0; i < this.sizes.length; i++) {
      const w = weights[i];
      const p = this.probs[i];
      const out = this.logitGrads[i];
      let total = 0;
      for (let c = 0; c < w.length; c++) total += w[c];
      for (let c = 0; c < w.length; c++) out[c] = w[c] - p[c] * total;
      this.smoothing[i]?.apply(out);
    }
    denseParamGradients(this.all, input, 1, this.allLogitGrads, this.weightGrad, this.biasGrad, true);
    denseInputGradient(this.all, 1, this.weight, this.allLogitGrads, gradInput, false);
  }

  /** After forwardHead(i): the same for head i alone. */
  backwardHead(
    i: number,
    input: Float64Array,
    chosen: number,
    logProbWeight: number,
    entropyWeight: number,
    gradInput: Float64Array,
  ): void {
    this.logitGradient(i, chosen, logProbWeight, entropyWeight);
    this.smoothing[i]?.apply(this.logitGrads[i]);
    denseParamGradients(this.shapes[i], input, 1, this.logitGrads[i], this.weightGrads[i], this.biasGrads[i], true);
    denseInputGradient(this.shapes[i], 1, this.weights[i], this.logitGrads[i], gradInput, false);
  }

  private normalise(i: number): void {
    this.smoothing[i]?.apply(this.logits[i]);
    this.entropies[i] = softmaxWithEntropy(this.logits[i], this.probs[i], this.logProbs[i]);
  }

  private logitGradient(i: number, chosen: number, logProbWeight: number, entropyWeight: number): void {
    softmaxLogitGradient(this.probs[i], this.logProbs[i], this.entropies[i], chosen, logProbWeight, entropyWeight, this.logitGrads[i]);
  }
}
