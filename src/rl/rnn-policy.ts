/**
 * The paper's RNN policy (Fig. 2), autoregressive over the parameters. At step i the input is the
 * one-hot of a token together with the state encoding (concatenated one-hots of the previous
 * configuration); the token is a start token at i = 0, and "parameter i-1 took choice c" after that.
 * Each (parameter, choice) pair has its own token, which amounts to a per-step input layer: the cell
 * sees which parameter it is choosing for without having to count steps. Then a recurrent cell
 * (hidden[0] units, elman or gru), a layer of hidden[1] ReLU units shared by the steps, and a softmax
 * head over parameter i's choices (one output layer per parameter, sized to its choices).
 * Later choices depend on earlier ones through the token and the recurrent state.
 */
import { type DenseShape, denseForward, denseInputGradient, denseParamGradients } from "../nn/dense.ts";
import { initLinear } from "../nn/init.ts";
import type { Rng } from "../nn/rng.ts";
import {
  checkHidden,
  checkIndices,
  checkSizes,
  ordinalWidths,
  type Policy,
  type PolicyEvaluation,
  type PolicyShape,
  type RecurrentCellKind,
  withOrdinal,
} from "./policy.ts";
import { createCell, type RecurrentCell } from "./recurrent-cell.ts";
import { SoftmaxHeads } from "./softmax-heads.ts";

export interface RnnPolicyOptions {
  cell?: RecurrentCellKind;
  /** [recurrent units, ReLU units]; the paper's are [16, 8]. */
  hidden?: [number, number];
  /** Per parameter: the width of its ordinal head (./ordinal.ts); absent or 0 for a plain softmax head. */
  ordinal?: readonly number[];
}

export class RnnPolicy implements Policy {
  readonly kind = "rnn" as const;
  readonly sizes: readonly number[];
  readonly params: Float32Array[];
  readonly grads: Float32Array[];
  readonly cellKind: RecurrentCellKind;
  private readonly hidden: [number, number];
  private readonly ordinal: number[];
  private readonly cell: RecurrentCell;
  private readonly tokenOffsets: number[];
  private readonly stateOffsets: number[];
  private readonly vocabulary: number;
  private readonly reluLayer: DenseShape;
  private readonly wm: Float32Array;
  private readonly bm: Float32Array;
  private readonly heads: SoftmaxHeads;
  // Per-step activations of the last evaluate/sample.
  private readonly active: Int32Array[];
  private readonly h: Float64Array[];
  private readonly zeroH: Float64Array;
  private readonly mPre: Float64Array[];
  private readonly y: Float64Array[];
  private readonly action: Int32Array;
  private readonly gY: Float64Array;
  private readonly gM: Float64Array;
  private readonly gH: Float64Array;
  private readonly gCarry: Float64Array;
  private evaluated = false;
  /** Steps of the last headProbabilities call still in the per-step buffers (0 after evaluate or sample). */
  private computedSteps = 0;

  /** Weights drawn from rng in this order: the cell's, the ReLU layer's (w, b), each head's (w, b). */
  constructor(sizes: readonly number[], rng: Rng, options: RnnPolicyOptions = {}) {
    checkSizes(sizes);
    const hidden = options.hidden ?? [16, 8];
    if (hidden.length !== 2) throw new Error(`the rnn policy takes hidden = [recurrent units, ReLU units], got length ${hidden.length}`);
    hidden.forEach((h, i) => checkHidden(`hidden[${i}]`, h));
    this.sizes = sizes.slice();
    this.hidden = [hidden[0], hidden[1]];
    this.cellKind = options.cell ?? "gru";
    const n = sizes.length;
    // Token 0 is the start token; token 1 + tokenOffsets[i] + c means "parameter i took choice c".
    this.tokenOffsets = [];
    let vocabulary = 1;
    for (let i = 0; i < n - 1; i++) {
      this.tokenOffsets.push(vocabulary - 1);
      vocabulary += sizes[i];
    }
    this.vocabulary = vocabulary;
    this.stateOffsets = [];
    let stateSize = 0;
    for (const size of sizes) {
      this.stateOffsets.push(stateSize);
      stateSize += size;
    }
    const [H, M] = this.hidden;
    this.cell = createCell(this.cellKind, vocabulary + stateSize, H, n, rng);
    this.reluLayer = { inputs: H, outputs: M };
    this.wm = new Float32Array(M * H);
    this.bm = new Float32Array(M);
    initLinear(this.wm, this.bm, H, rng);
    this.ordinal = ordinalWidths(sizes, options.ordinal);
    this.heads = new SoftmaxHeads(sizes, M, rng, this.ordinal);
    this.params = [...this.cell.params, this.wm, this.bm];
    this.grads = [...this.cell.grads, new Float32Array(this.wm.length), new Float32Array(this.bm.length)];
    for (let i = 0; i < n; i++) {
      this.params.push(this.heads.weights[i], this.heads.biases[i]);
      this.grads.push(this.heads.weightGrads[i], this.heads.biasGrads[i]);
    }
    this.active = Array.from({ length: n }, () => new Int32Array(1 + n));
    this.h = Array.from({ length: n }, () => new Float64Array(H));
    this.zeroH = new Float64Array(H);
    this.mPre = Array.from({ length: n }, () => new Float64Array(M));
    this.y = Array.from({ length: n }, () => new Float64Array(M));
    this.action = new Int32Array(n);
    this.gY = new Float64Array(M);
    this.gM = new Float64Array(M);
    this.gH = new Float64Array(H);
    this.gCarry = new Float64Array(H);
  }

  shape(): PolicyShape {
    return withOrdinal({ kind: "rnn", cell: this.cellKind, sizes: this.sizes.slice(), hidden: this.hidden.slice() }, this.ordinal);
  }

  /** Computes head i's distribution given the state and action[0..i-1] (already in this.action). */
  private step(i: number, state: ArrayLike<number>): void {
    const n = this.sizes.length;
    const active = this.active[i];
    active[0] = i === 0 ? 0 : 1 + this.tokenOffsets[i - 1] + this.action[i - 1];
    for (let k = 0; k < n; k++) active[1 + k] = this.vocabulary + this.stateOffsets[k] + state[k];
    const hPrev = i === 0 ? this.zeroH : this.h[i - 1];
    this.cell.forward(i, active, hPrev, this.h[i]);
    const mPre = this.mPre[i];
    const y = this.y[i];
    denseForward(this.reluLayer, this.h[i], 1, this.wm, this.bm, mPre);
    for (let o = 0; o < y.length; o++) y[o] = mPre[o] > 0 ? mPre[o] : 0;
    this.heads.forwardHead(i, y);
  }

  evaluate(state: ArrayLike<number>, action: ArrayLike<number>): PolicyEvaluation {
    checkIndices("state", state, this.sizes);
    checkIndices("action", action, this.sizes);
    const { logProbs, entropies, probs } = this.heads;
    let logProb = 0;
    let entropy = 0;
    this.computedSteps = 0;
    for (let i = 0; i < this.sizes.length; i++) {
      this.step(i, state);
      this.action[i] = action[i];
      logProb += logProbs[i][action[i]];
      entropy += entropies[i];
    }
    this.evaluated = true;
    return {
      logProb,
      entropy,
      headEntropies: Array.from(entropies),
      probabilities: probs.map((p) => Float64Array.from(p)),
    };
  }

  headProbabilities(state: ArrayLike<number>, prefix: ArrayLike<number>, reuse = false): Float64Array {
    checkIndices("state", state, this.sizes);
    // Steps 0..computedSteps-1 of the previous call hold; step i also needs action[i-1] unchanged.
    let from = 0;
    if (reuse)
      while (from < this.computedSteps && from <= prefix.length && (from === 0 || this.action[from - 1] === prefix[from - 1])) from++;
    for (let i = from; i <= prefix.length; i++) {
      if (i > 0) this.action[i - 1] = prefix[i - 1];
      this.step(i, state);
    }
    this.computedSteps = prefix.length + 1;
    this.evaluated = false;
    return Float64Array.from(this.heads.probs[prefix.length]);
  }

  sample(state: ArrayLike<number>, rng: Rng): { action: Int32Array; logProb: number } {
    checkIndices("state", state, this.sizes);
    let logProb = 0;
    this.computedSteps = 0;
    for (let i = 0; i < this.sizes.length; i++) {
      this.step(i, state);
      this.action[i] = rng.categorical(this.heads.probs[i]);
      logProb += this.heads.logProbs[i][this.action[i]];
    }
    this.evaluated = false;
    return { action: Int32Array.from(this.action), logProb };
  }

  backward(logProbWeight: number, entropyWeight: number): void {
    if (!this.evaluated) throw new Error("RnnPolicy.backward needs an evaluate() first");
    const cellCount = this.cell.params.length;
    const gWm = this.grads[cellCount];
    const gBm = this.grads[cellCount + 1];
    this.gCarry.fill(0);
    for (let i = this.sizes.length - 1; i >= 0; i--) {
      const y = this.y[i];
      const mPre = this.mPre[i];
      this.heads.backwardHead(i, y, this.action[i], logProbWeight, entropyWeight, this.gY);
      for (let o = 0; o < y.length; o++) this.gM[o] = mPre[o] <= 0 ? 0 : this.gY[o];
      // dL/dh at step i: what the next step carried back, then the ReLU layer's share.
      this.gH.set(this.gCarry);
      denseParamGradients(this.reluLayer, this.h[i], 1, this.gM, gWm, gBm, true);
      denseInputGradient(this.reluLayer, 1, this.wm, this.gM, this.gH, true);
      const hPrev = i === 0 ? this.zeroH : this.h[i - 1];
      this.cell.backward(i, this.active[i], hPrev, this.gH, this.gCarry);
    }
  }

  zeroGrads(): void {
    for (const g of this.grads) g.fill(0);
  }
}
