/**
 * Recurrent cells for the rnn policy, over a sparse input: the input vector is all zeros except ones
 * at `active` columns (the one-hot token and the one-hot state), so W x is a sum of columns.
 * Each cell keeps its per-step activations so a backward pass through time can follow.
 *   elman: h = tanh(Wx x + Wh h_prev + b)
 *   gru (PyTorch's equations): r = s(Wxr x + bxr + Whr h_prev + bhr), z = s(Wxz x + bxz + Whz h_prev + bhz),
 *        n = tanh(Wxn x + bxn + r * (Whn h_prev + bhn)), h = (1 - z) n + z h_prev
 * Initialisation as PyTorch's nn.RNN / nn.GRU: every weight and bias uniform in +-1/sqrt(hidden).
 */
import type { Rng } from "../nn/rng.ts";
import { uniformInit, type RecurrentCellKind } from "./policy.ts";

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
  private readonly wx: Float32Array;
  private readonly wh: Float32Array;
  private readonly b: Float32Array;
  private readonly h: Float64Array[];

  /** Draw order: wx, wh, b. */
  constructor(
    private readonly inputSize: number,
    private readonly hidden: number,
    steps: number,
    rng: Rng,
  ) {
    this.wx = new Float32Array(hidden * inputSize);
    this.wh = new Float32Array(hidden * hidden);
    this.b = new Float32Array(hidden);
    const bound = 1 / Math.sqrt(hidden);
    uniformInit(this.wx, bound, rng);
    uniformInit(this.wh, bound, rng);
    uniformInit(this.b, bound, rng);
    this.params = [this.wx, this.wh, this.b];
    this.grads = this.params.map((p) => new Float32Array(p.length));
    this.h = Array.from({ length: steps }, () => new Float64Array(hidden));
  }

  forward(step: number, active: Int32Array, hPrev: Float64Array, out: Float64Array): void {
    const H = this.hidden;
    for (let o = 0; o < H; o++) {
      let sum = this.b[o];
      const rowX = o * this.inputSize;
      for (let a = 0; a < active.length; a++) sum += this.wx[rowX + active[a]];
      const rowH = o * H;
      for (let i = 0; i < H; i++) sum += this.wh[rowH + i] * hPrev[i];
      out[o] = Math.tanh(sum);
    }
    this.h[step].set(out);
  }

  backward(step: number, active: Int32Array, hPrev: Float64Array, gH: Float64Array, gPrev: Float64Array): void {
    const H = this.hidden;
    const [gWx, gWh, gB] = this.grads;
    const h = this.h[step];
    gPrev.fill(0);
    for (let o = 0; o < H; o++) {
      const gPre = gH[o] * (1 - h[o] * h[o]);
      gB[o] += gPre;
      const rowX = o * this.inputSize;
      for (let a = 0; a < active.length; a++) gWx[rowX + active[a]] += gPre;
      const rowH = o * H;
      for (let i = 0; i < H; i++) {
        gWh[rowH + i] += gPre * hPrev[i];
        gPrev[i] += this.wh[rowH + i] * gPre;
      }
    }
  }
}

class GruCell implements RecurrentCell {
  readonly kind = "gru" as const;
  readonly params: Float32Array[];
  readonly grads: Float32Array[];
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
  private readonly gGates: Float64Array;

  /** Draw order: wx, wh, bx, bh. */
  constructor(
    private readonly inputSize: number,
    private readonly hidden: number,
    steps: number,
    rng: Rng,
  ) {
    this.wx = new Float32Array(3 * hidden * inputSize);
    this.wh = new Float32Array(3 * hidden * hidden);
    this.bx = new Float32Array(3 * hidden);
    this.bh = new Float32Array(3 * hidden);
    const bound = 1 / Math.sqrt(hidden);
    uniformInit(this.wx, bound, rng);
    uniformInit(this.wh, bound, rng);
    uniformInit(this.bx, bound, rng);
    uniformInit(this.bh, bound, rng);
    this.params = [this.wx, this.wh, this.bx, this.bh];
    this.grads = this.params.map((p) => new Float32Array(p.length));
    const perStep = () => Array.from({ length: steps }, () => new Float64Array(hidden));
    this.r = perStep();
    this.z = perStep();
    this.n = perStep();
    this.hn = perStep();
    this.gGates = new Float64Array(3 * hidden);
  }

  private inputPart(row: number, active: Int32Array): number {
    let sum = this.bx[row];
    const offset = row * this.inputSize;
    for (let a = 0; a < active.length; a++) sum += this.wx[offset + active[a]];
    return sum;
  }

  private hiddenPart(row: number, hPrev: Float64Array): number {
    let sum = this.bh[row];
    const offset = row * this.hidden;
    for (let i = 0; i < this.hidden; i++) sum += this.wh[offset + i] * hPrev[i];
    return sum;
  }

  forward(step: number, active: Int32Array, hPrev: Float64Array, out: Float64Array): void {
    const H = this.hidden;
    const r = this.r[step];
    const z = this.z[step];
    const n = this.n[step];
    const hn = this.hn[step];
    for (let o = 0; o < H; o++) {
      r[o] = sigmoid(this.inputPart(o, active) + this.hiddenPart(o, hPrev));
      z[o] = sigmoid(this.inputPart(H + o, active) + this.hiddenPart(H + o, hPrev));
      hn[o] = this.hiddenPart(2 * H + o, hPrev);
      n[o] = Math.tanh(this.inputPart(2 * H + o, active) + r[o] * hn[o]);
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
    const g = this.gGates;
    // g holds, per gate row: the gradient of the input-side pre-activation (r, z, n) ...
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
    for (let row = 0; row < 3 * H; row++) {
      const gIn = g[row];
      gBx[row] += gIn;
      const offset = row * this.inputSize;
      for (let a = 0; a < active.length; a++) gWx[offset + active[a]] += gIn;
      // ... and the hidden side: same for r and z, times r for the candidate (r * (Whn h + bhn)).
      const gHid = row < 2 * H ? gIn : gIn * r[row - 2 * H];
      gBh[row] += gHid;
      const offsetH = row * H;
      for (let i = 0; i < H; i++) {
        gWh[offsetH + i] += gHid * hPrev[i];
        gPrev[i] += this.wh[offsetH + i] * gHid;
      }
    }
  }
}
