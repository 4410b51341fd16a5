/**
 * Recurrent cells for the rnn policy, over a sparse input: the input vector is all zeros except ones
 * at `active` columns (the one-hot token and the one-hot state), so W x is a sum of columns.
 * Each cell keeps its per-step activations so a backward pass through time can follow.
 *   elman: h = tanh(Wx x + Wh h_prev + b)
 *   gru (PyTorch's equations): r = s(Wxr x + bxr + Whr h_prev + bhr), z = s(Wxz x + bxz + Whz h_prev + bhz),
 *        n = tanh(Wxn x + bxn + r * (Whn h_prev + bhn)), h = (1 - z) n + z h_prev
 * Initialisation as PyTorch's nn.RNN / nn.GRU: every weight and bias uniform in +-1/sqrt(hidden).
 */
import { type DenseShape, denseForward, denseInputGradient, denseParamGradients } from "../nn/dense.ts";
import { initUniform } from "../nn/init.ts";
import { oneHotDenseBackward, oneHotDenseForward } from "../nn/one-hot-dense.ts";
import type { Rng } from "../nn/rng.ts";
import type { RecurrentCellKind } from "./policy.ts";

export interface RecurrentCell {
  readonly kind: RecurrentCellKind;
  readonly params: Float32Array[];
  readonly grads: Float32Array[];
  /** Computes h for `step` from hPrev and stores it in `out` (and the cell's own step cache). */
  forward(step: number, active: Int32Array, hPrev: Float64Array, out: Float64Array): void;
  /** Given dL/dh at `step`, accumulates parameter gradients and writes dL/dhPrev into gPrev. */
  backward(step: number, active: Int32Array, hPrev: Float64Array, gH: Float64Array, gPrev: Float64Array): void;
}

export function createCell(kind: RecurrentCellKind, inputSize: number, hidden: number, steps: number, rng: Rng): RecurrentCell {
  if (kind === "elman") return new ElmanCell(inputSize, hidden, steps, rng);
  if (kind === "gru") return new GruCell(inputSize, hidden, steps, rng);
  throw new Error(`unknown recurrent cell "${kind as string}": use "elman" or "gru"`);
}

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

class ElmanCell implements RecurrentCell {
  readonly kind = "elman" as const;
  readonly params: Float32Array[];
  readonly grads: Float32Array[];
  private readonly input: DenseShape;
  private readonly recurrent: DenseShape;
  private readonly wx: Float32Array;
  private readonly wh: Float32Array;
  private readonly b: Float32Array;
  private readonly h: Float64Array[];
  /** b + Wx x, then + Wh h_prev: one sum, in that order. */
  private readonly pre: Float64Array;
  private readonly gPre: Float64Array;
  /** Wh's own bias gradient is not a parameter (b is counted once, on the input side): written and dropped. */
  private readonly unusedBiasGrad: Float64Array;

  /** Draw order: wx, wh, b. */
  constructor(inputSize: number, hidden: number, steps: number, rng: Rng) {
    this.input = { inputs: inputSize, outputs: hidden };
    this.recurrent = { inputs: hidden, outputs: hidden };
    this.wx = new Float32Array(hidden * inputSize);
    this.wh = new Float32Array(hidden * hidden);
    this.b = new Float32Array(hidden);
    const bound = 1 / Math.sqrt(hidden);
    initUniform(this.wx, bound, rng);
    initUniform(this.wh, bound, rng);
    initUniform(this.b, bound, rng);
    this.params = [this.wx, this.wh, this.b];
    this.grads = this.params.map((p) => new Float32Array(p.length));
    this.h = Array.from({ length: steps }, () => new Float64Array(hidden));
    this.pre = new Float64Array(hidden);
    this.gPre = new Float64Array(hidden);
    this.unusedBiasGrad = new Float64Array(hidden);
  }

  forward(step: number, active: Int32Array, hPrev: Float64Array, out: Float64Array): void {
    oneHotDenseForward(this.input, active, this.wx, this.b, this.pre);
    denseForward(this.recurrent, hPrev, 1, this.wh, this.pre, out);
    for (let o = 0; o < out.length; o++) out[o] = Math.tanh(out[o]);
    this.h[step].set(out);
  }

  backward(step: number, active: Int32Array, hPrev: Float64Array, gH: Float64Array, gPrev: Float64Array): void {
    const [gWx, gWh, gB] = this.grads;
    const h = this.h[step];
    for (let o = 0; o < h.length; o++) this.gPre[o] = gH[o] * (1 - h[o] * h[o]);
    oneHotDenseBackward(this.input, active, this.gPre, gWx, gB);
    this.unusedBiasGrad.fill(0);
    denseParamGradients(this.recurrent, hPrev, 1, this.gPre, gWh, this.unusedBiasGrad, true);
    denseInputGradient(this.recurrent, 1, this.wh, this.gPre, gPrev, false);
  }
}

class GruCell implements RecurrentCell {
  readonly kind = "gru" as const;
  readonly params: Float32Array[];
  readonly grads: Float32Array[];
  private readonly input: DenseShape;
  private readonly recurrent: DenseShape;
  // Rows 0..H-1: reset gate r, H..2H-1: update gate z, 2H..3H-1: candidate n (PyTorch's order).
  private readonly wx: Float32Array;
  private readonly wh: Float32Array;
  private readonly bx: Float32Array;
  private readonly bh: Float32Array;
  private readonly r: Float64Array[];
  private readonly z: Float64Array[];
  private readonly n: Float64Array[];
  /** Whn h_prev + bhn, per step (r multiplies it). */
  private readonly hn: Float64Array[];
  /** Wx x + bx and Wh h_prev + bh for the three gates of the current step. */
  private readonly inputSide: Float64Array;
  private readonly hiddenSide: Float64Array;
  private readonly gInput: Float64Array;
  private readonly gHidden: Float64Array;

  /** Draw order: wx, wh, bx, bh. */
  constructor(
    inputSize: number,
    private readonly hidden: number,
    steps: number,
    rng: Rng,
  ) {
    this.input = { inputs: inputSize, outputs: 3 * hidden };
    this.recurrent = { inputs: hidden, outputs: 3 * hidden };
    this.wx = new Float32Array(3 * hidden * inputSize);
    this.wh = new Float32Array(3 * hidden * hidden);
    this.bx = new Float32Array(3 * hidden);
    this.bh = new Float32Array(3 * hidden);
    const bound = 1 / Math.sqrt(hidden);
    initUniform(this.wx, bound, rng);
    initUniform(this.wh, bound, rng);
    initUniform(this.bx, bound, rng);
    initUniform(this.bh, bound, rng);
    this.params = [this.wx, this.wh, this.bx, this.bh];
    this.grads = this.params.map((p) => new Float32Array(p.length));
    const perStep = () => Array.from({ length: steps }, () => new Float64Array(hidden));
    this.r = perStep();
    this.z = perStep();
    this.n = perStep();
    this.hn = perStep();
    this.inputSide = new Float64Array(3 * hidden);
    this.hiddenSide = new Float64Array(3 * hidden);
    this.gInput = new Float64Array(3 * hidden);
    this.gHidden = new Float64Array(3 * hidden);
  }

  forward(step: number, active: Int32Array, hPrev: Float64Array, out: Float64Array): void {
    const H = this.hidden;
    const r = this.r[step];
    const z = this.z[step];
    const n = this.n[step];
    const hn = this.hn[step];
    const x = this.inputSide;
    const h = this.hiddenSide;
    oneHotDenseForward(this.input, active, this.wx, this.bx, x);
    denseForward(this.recurrent, hPrev, 1, this.wh, this.bh, h);
    for (let o = 0; o < H; o++) {
      r[o] = sigmoid(x[o] + h[o]);
      z[o] = sigmoid(x[H + o] + h[H + o]);
      hn[o] = h[2 * H + o];
      n[o] = Math.tanh(x[2 * H + o] + r[o] * hn[o]);
      out[o] = (1 - z[o]) * n[o] + z[o] * hPrev[o];
    }
  }

  backward(step: number, active: Int32Array, hPrev: Float64Array, gH: Float64Array, gPrev: Float64Array): void {
    const H = this.hidden;
    const [gWx, gWh, gBx, gBh] = this.grads;
    const r = this.r[step];
    const z = this.z[step];
    const n = this.n[step];
    const hn = this.hn[step];
    const g = this.gInput;
    // g holds, per gate row, the gradient of the input-side pre-activation (r, z, n); gPrev starts with the
    // path through the update gate, and the hidden-side rows add theirs after it.
    for (let o = 0; o < H; o++) {
      const gN = gH[o] * (1 - z[o]);
      const gZ = gH[o] * (hPrev[o] - n[o]);
      const gNPre = gN * (1 - n[o] * n[o]);
      const gR = gNPre * hn[o];
      g[o] = gR * r[o] * (1 - r[o]);
      g[H + o] = gZ * z[o] * (1 - z[o]);
      g[2 * H + o] = gNPre;
      gPrev[o] = gH[o] * z[o];
    }
    // The hidden side has the same gradient for r and z, times r for the candidate (r * (Whn h + bhn)).
    for (let row = 0; row < 3 * H; row++) this.gHidden[row] = row < 2 * H ? g[row] : g[row] * r[row - 2 * H];
    oneHotDenseBackward(this.input, active, g, gWx, gBx);
    denseParamGradients(this.recurrent, hPrev, 1, this.gHidden, gWh, gBh, true);
    denseInputGradient(this.recurrent, 1, this.wh, this.gHidden, gPrev, true);
  }
}
