/**
 * The paper's MLP policy (Fig. 1): the state (concatenated one-hots of the previous configuration's
 * indices) -> hidden[0] -> ReLU -> hidden[1] -> ReLU, then one softmax head per parameter, as wide
 * as that parameter's number of choices. The heads are independent given the state.
 * The one-hot input is never materialised: the first layer adds the weight columns of the active
 * indices.
 */
import { type DenseShape, denseForward, denseInputGradient, denseParamGradients } from "../nn/dense.ts";
import { initLinear } from "../nn/init.ts";
import { oneHotDenseBackward, oneHotDenseForward } from "../nn/one-hot-dense.ts";
import type { Rng } from "../nn/rng.ts";
import {
  checkHidden,
  checkIndices,
  checkSizes,
  ordinalWidths,
  type Policy,
  type PolicyEvaluation,
  type PolicyShape,
  withOrdinal,
} from "./policy.ts";
import { SoftmaxHeads } from "./softmax-heads.ts";

export interface MlpPolicyOptions {
  /** Widths of the two hidden layers; the paper's are [64, 16]. */
  hidden?: [number, number];
  /** Per parameter: the width of its ordinal head (./ordinal.ts); absent or 0 for a plain softmax head. */
  ordinal?: readonly number[];
}

export class MlpPolicy implements Policy {
  readonly kind = "mlp" as const;
  readonly sizes: readonly number[];
  readonly params: Float32Array[];
  readonly grads: Float32Array[];
  private readonly hidden: [number, number];
  private readonly ordinal: number[];
  private readonly offsets: number[];
  private readonly layer1: DenseShape;
  private readonly layer2: DenseShape;
  // Weights are [out][in] row-major, like PyTorch.
  private readonly w1: Float32Array;
  private readonly b1: Float32Array;
  private readonly w2: Float32Array;
  private readonly b2: Float32Array;
  private readonly heads: SoftmaxHeads;
  // What backward needs from the last evaluate: the one-hot columns of the state, the action, the activations.
  private readonly columns: Int32Array;
  private readonly action: Int32Array;
  private readonly z1: Float64Array;
  private readonly a1: Float64Array;
  private readonly z2: Float64Array;
  private readonly a2: Float64Array;
  private readonly gA2: Float64Array;
  private readonly gZ2: Float64Array;
  private readonly gA1: Float64Array;
  private evaluated = false;

  /** Weights drawn from rng in this order: w1, b1, w2, b2, then each head's weight and bias. */
  constructor(sizes: readonly number[], rng: Rng, options: MlpPolicyOptions = {}) {
    checkSizes(sizes);
    const hidden = options.hidden ?? [64, 16];
    if (hidden.length !== 2) throw new Error(`the mlp policy has two hidden layers, got hidden of length ${hidden.length}`);
    hidden.forEach((h, i) => checkHidden(`hidden[${i}]`, h));
    this.sizes = sizes.slice();
    this.hidden = [hidden[0], hidden[1]];
    this.offsets = [];
    let offset = 0;
    for (const size of sizes) {
      this.offsets.push(offset);
      offset += size;
    }
    const [h1, h2] = this.hidden;
    this.layer1 = { inputs: offset, outputs: h1 };
    this.layer2 = { inputs: h1, outputs: h2 };
    this.w1 = new Float32Array(h1 * offset);
    this.b1 = new Float32Array(h1);
    this.w2 = new Float32Array(h2 * h1);
    this.b2 = new Float32Array(h2);
    initLinear(this.w1, this.b1, offset, rng);
    initLinear(this.w2, this.b2, h1, rng);
    this.ordinal = ordinalWidths(sizes, options.ordinal);
    this.heads = new SoftmaxHeads(sizes, h2, rng, this.ordinal);
    this.params = [this.w1, this.b1, this.w2, this.b2];
    this.grads = this.params.map((p) => new Float32Array(p.length));
    for (let k = 0; k < sizes.length; k++) {
      this.params.push(this.heads.weights[k], this.heads.biases[k]);
      this.grads.push(this.heads.weightGrads[k], this.heads.biasGrads[k]);
    }
    this.columns = new Int32Array(sizes.length);
    this.action = new Int32Array(sizes.length);
    this.z1 = new Float64Array(h1);
    this.a1 = new Float64Array(h1);
    this.z2 = new Float64Array(h2);
    this.a2 = new Float64Array(h2);
    this.gA2 = new Float64Array(h2);
    this.gZ2 = new Float64Array(h2);
    this.gA1 = new Float64Array(h1);
  }

  shape(): PolicyShape {
    return withOrdinal({ kind: "mlp", sizes: this.sizes.slice(), hidden: this.hidden.slice() }, this.ordinal);
  }

  private forward(state: ArrayLike<number>): void {
    checkIndices("state", state, this.sizes);
    for (let k = 0; k < this.sizes.length; k++) this.columns[k] = this.offsets[k] + state[k];
    oneHotDenseForward(this.layer1, this.columns, this.w1, this.b1, this.z1);
    relu(this.z1, this.a1);
    denseForward(this.layer2, this.a1, 1, this.w2, this.b2, this.z2);
    relu(this.z2, this.a2);
    this.heads.forwardAll(this.a2);
  }

  evaluate(state: ArrayLike<number>, action: ArrayLike<number>): PolicyEvaluation {
    checkIndices("action", action, this.sizes);
    this.forward(state);
    const { logProbs, entropies, probs } = this.heads;
    let logProb = 0;
    let entropy = 0;
    for (let k = 0; k < this.sizes.length; k++) {
      this.action[k] = action[k];
      logProb += logProbs[k][action[k]];
      entropy += entropies[k];
    }
    this.evaluated = true;
    return {
      logProb,
      entropy,
      headEntropies: Array.from(entropies),
      probabilities: probs.map((p) => Float64Array.from(p)),
    };
  }

  headProbabilities(state: ArrayLike<number>, prefix: ArrayLike<number>): Float64Array {
    this.forward(state);
    this.evaluated = false;
    return Float64Array.from(this.heads.probs[prefix.length]);
  }

  sample(state: ArrayLike<number>, rng: Rng): { action: Int32Array; logProb: number } {
    this.forward(state);
    const action = new Int32Array(this.sizes.length);
    let logProb = 0;
    for (let k = 0; k < this.sizes.length; k++) {
      action[k] = rng.categorical(this.heads.probs[k]);
      logProb += this.heads.logProbs[k][action[k]];
    }
    this.evaluated = false;
    return { action, logProb };
  }

  backward(logProbWeight: number, entropyWeight: number): void {
    if (!this.evaluated) throw new Error("MlpPolicy.backward needs an evaluate() first");
    this.heads.backwardAll(this.a2, this.action, logProbWeight, entropyWeight, this.gA2);
    this.backwardTrunk();
  }

  /**
   * Adds sum_k weights[k] * d log pi(configurations[k] | state): the heads are independent given the state, so
   * this is one backward pass with per-choice weights, however many configurations.
   */
  backwardMixture(state: ArrayLike<number>, configurations: readonly ArrayLike<number>[], weights: readonly number[]): void {
    this.forward(state);
    const perChoice = this.sizes.map((size) => new Float64Array(size));
    configurations.forEach((x, k) => {
      for (let i = 0; i < this.sizes.length; i++) perChoice[i][x[i]] += weights[k];
    });
    this.heads.backwardAllMixture(this.a2, perChoice, this.gA2);
    this.backwardTrunk();
    this.evaluated = false;
  }

  /** From the heads' input gradient (in gA2) down to the first layer. */
  private backwardTrunk(): void {
    const [gW1, gB1, gW2, gB2] = this.grads;
    reluGradient(this.z2, this.gA2, this.gZ2);
    denseParamGradients(this.layer2, this.a1, 1, this.gZ2, gW2, gB2, true);
    denseInputGradient(this.layer2, 1, this.w2, this.gZ2, this.gA1, false);
    reluGradient(this.z1, this.gA1, this.gA1);
    oneHotDenseBackward(this.layer1, this.columns, this.gA1, gW1, gB1);
  }

  zeroGrads(): void {
    for (const g of this.grads) g.fill(0);
  }
}

function relu(z: Float64Array, out: Float64Array): void {
  for (let i = 0; i < z.length; i++) out[i] = z[i] > 0 ? z[i] : 0;
}

/** gradZ = gradA where z > 0, else 0 (as PyTorch: the gradient at exactly 0 is 0; NaN passes its gradient on). */
function reluGradient(z: Float64Array, gradA: Float64Array, gradZ: Float64Array): void {
  for (let i = 0; i < z.length; i++) gradZ[i] = z[i] <= 0 ? 0 : gradA[i];
}
