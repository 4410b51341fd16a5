/**
 * The paper's MLP policy (Fig. 1): the state (concatenated one-hots of the previous configuration's
 * indices) -> hidden[0] -> ReLU -> hidden[1] -> ReLU, then one softmax head per parameter, as wide
 * as that parameter's number of choices. The heads are independent given the state.
 * The one-hot input is never materialised: the first layer adds the weight columns of the active
 * indices.
 */
import type { Rng } from "../nn/rng.ts";
import {
  checkHidden,
  checkIndices,
  checkSizes,
  headLogitGradient,
  softmaxWithEntropy,
  uniformInit,
  type Policy,
  type PolicyEvaluation,
  type PolicyShape,
} from "./policy.ts";

export interface MlpPolicyOptions {
  /** Widths of the two hidden layers; the paper's are [64, 16]. */
  hidden?: [number, number];
}

export class MlpPolicy implements Policy {
  readonly kind = "mlp" as const;
  readonly sizes: readonly number[];
  readonly params: Float32Array[];
  readonly grads: Float32Array[];
  private readonly hidden: [number, number];
  private readonly inputSize: number;
  private readonly offsets: number[];
  // Weights are [out][in] row-major, like PyTorch.
  private readonly w1: Float32Array;
  private readonly b1: Float32Array;
  private readonly w2: Float32Array;
  private readonly b2: Float32Array;
  private readonly headW: Float32Array[];
  private readonly headB: Float32Array[];
  // What backward needs from the last evaluate.
  private readonly state: Int32Array;
  private readonly action: Int32Array;
  private readonly z1: Float64Array;
  private readonly a1: Float64Array;
  private readonly z2: Float64Array;
  private readonly a2: Float64Array;
  private readonly logits: Float64Array[];
  private readonly probs: Float64Array[];
  private readonly logProbs: Float64Array[];
  private readonly entropies: Float64Array;
  private readonly gLogits: Float64Array[];
  private readonly gA2: Float64Array;
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
    this.inputSize = offset;
    const [h1, h2] = this.hidden;
    this.w1 = new Float32Array(h1 * this.inputSize);
    this.b1 = new Float32Array(h1);
    this.w2 = new Float32Array(h2 * h1);
    this.b2 = new Float32Array(h2);
    this.headW = sizes.map((size) => new Float32Array(size * h2));
    this.headB = sizes.map((size) => new Float32Array(size));
    uniformInit(this.w1, 1 / Math.sqrt(this.inputSize), rng);
    uniformInit(this.b1, 1 / Math.sqrt(this.inputSize), rng);
    uniformInit(this.w2, 1 / Math.sqrt(h1), rng);
    uniformInit(this.b2, 1 / Math.sqrt(h1), rng);
    for (let k = 0; k < sizes.length; k++) {
      uniformInit(this.headW[k], 1 / Math.sqrt(h2), rng);
      uniformInit(this.headB[k], 1 / Math.sqrt(h2), rng);
    }
    this.params = [this.w1, this.b1, this.w2, this.b2];
    for (let k = 0; k < sizes.length; k++) this.params.push(this.headW[k], this.headB[k]);
    this.grads = this.params.map((p) => new Float32Array(p.length));
    this.state = new Int32Array(sizes.length);
    this.action = new Int32Array(sizes.length);
    this.z1 = new Float64Array(h1);
    this.a1 = new Float64Array(h1);
    this.z2 = new Float64Array(h2);
    this.a2 = new Float64Array(h2);
    this.logits = sizes.map((size) => new Float64Array(size));
    this.probs = sizes.map((size) => new Float64Array(size));
    this.logProbs = sizes.map((size) => new Float64Array(size));
    this.entropies = new Float64Array(sizes.length);
    this.gLogits = sizes.map((size) => new Float64Array(size));
    this.gA2 = new Float64Array(h2);
    this.gA1 = new Float64Array(h1);
  }

  shape(): PolicyShape {
    return { kind: "mlp", sizes: this.sizes.slice(), hidden: this.hidden.slice() };
  }

  private forward(state: ArrayLike<number>): void {
    checkIndices("state", state, this.sizes);
    const [h1, h2] = this.hidden;
    for (let k = 0; k < this.sizes.length; k++) this.state[k] = state[k];
    for (let o = 0; o < h1; o++) {
      let sum = this.b1[o];
      const row = o * this.inputSize;
      for (let k = 0; k < this.sizes.length; k++) sum += this.w1[row + this.offsets[k] + this.state[k]];
      this.z1[o] = sum;
      this.a1[o] = sum > 0 ? sum : 0;
    }
    for (let o = 0; o < h2; o++) {
      let sum = this.b2[o];
      const row = o * h1;
      for (let i = 0; i < h1; i++) sum += this.w2[row + i] * this.a1[i];
      this.z2[o] = sum;
      this.a2[o] = sum > 0 ? sum : 0;
    }
    for (let k = 0; k < this.sizes.length; k++) {
      const w = this.headW[k];
      const b = this.headB[k];
      const logits = this.logits[k];
      for (let j = 0; j < this.sizes[k]; j++) {
        let sum = b[j];
        const row = j * h2;
        for (let i = 0; i < h2; i++) sum += w[row + i] * this.a2[i];
        logits[j] = sum;
      }
      this.entropies[k] = softmaxWithEntropy(logits, this.probs[k], this.logProbs[k]);
    }
  }

  evaluate(state: ArrayLike<number>, action: ArrayLike<number>): PolicyEvaluation {
    checkIndices("action", action, this.sizes);
    this.forward(state);
    let logProb = 0;
    let entropy = 0;
    for (let k = 0; k < this.sizes.length; k++) {
      this.action[k] = action[k];
      logProb += this.logProbs[k][action[k]];
      entropy += this.entropies[k];
    }
    this.evaluated = true;
    return {
      logProb,
      entropy,
      headEntropies: Array.from(this.entropies),
      probabilities: this.probs.map((p) => Float64Array.from(p)),
    };
  }

  sample(state: ArrayLike<number>, rng: Rng): { action: Int32Array; logProb: number } {
    this.forward(state);
    const action = new Int32Array(this.sizes.length);
    let logProb = 0;
    for (let k = 0; k < this.sizes.length; k++) {
      action[k] = rng.categorical(this.probs[k]);
      logProb += this.logProbs[k][action[k]];
    }
    this.evaluated = false;
    return { action, logProb };
  }

  backward(logProbWeight: number, entropyWeight: number): void {
    if (!this.evaluated) throw new Error("MlpPolicy.backward needs an evaluate() first");
    const [h1, h2] = this.hidden;
    const [gW1, gB1, gW2, gB2] = this.grads;
    this.gA2.fill(0);
    for (let k = 0; k < this.sizes.length; k++) {
      const g = this.gLogits[k];
      headLogitGradient(this.probs[k], this.logProbs[k], this.entropies[k], this.action[k], logProbWeight, entropyWeight, g);
      const w = this.headW[k];
      const gW = this.grads[4 + 2 * k];
      const gB = this.grads[5 + 2 * k];
      for (let j = 0; j < this.sizes[k]; j++) {
        const gj = g[j];
        gB[j] += gj;
        const row = j * h2;
        for (let i = 0; i < h2; i++) {
          gW[row + i] += gj * this.a2[i];
          this.gA2[i] += w[row + i] * gj;
        }
      }
    }
    this.gA1.fill(0);
    for (let o = 0; o < h2; o++) {
      if (this.z2[o] <= 0) continue;
      const gz = this.gA2[o];
      gB2[o] += gz;
      const row = o * h1;
      for (let i = 0; i < h1; i++) {
        gW2[row + i] += gz * this.a1[i];
        this.gA1[i] += this.w2[row + i] * gz;
      }
    }
    for (let o = 0; o < h1; o++) {
      if (this.z1[o] <= 0) continue;
      const gz = this.gA1[o];
      gB1[o] += gz;
      const row = o * this.inputSize;
      for (let k = 0; k < this.sizes.length; k++) gW1[row + this.offsets[k] + this.state[k]] += gz;
    }
  }

  zeroGrads(): void {
    for (const g of this.grads) g.fill(0);
  }
}
