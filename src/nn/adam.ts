/**
 * Adam with PyTorch's semantics (torch.optim.Adam, amsgrad off):
 *   g = grad + weightDecay * param            (coupled L2, before the moments)
 *   m = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g^2
 *   param -= (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * Parameters stay Float32Array and are updated in place; the moments are kept in float64, which
 * costs nothing at these sizes and keeps rounding out of the tiny-gradient coordinates.
 */
export interface AdamOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
}

export interface AdamState {
  step: number;
  m: number[][];
  v: number[][];
}

/** The options with defaults filled in, after checking each one (throws a specific message). */
export function resolveAdamOptions(options: AdamOptions): Required<AdamOptions> {
  const resolved = {
    lr: options.lr,
    beta1: options.beta1 ?? 0.9,
    beta2: options.beta2 ?? 0.999,
    eps: options.eps ?? 1e-8,
    weightDecay: options.weightDecay ?? 0,
  };
  checkOption("lr", resolved.lr, 0, Infinity);
  checkOption("beta1", resolved.beta1, 0, 1);
  checkOption("beta2", resolved.beta2, 0, 1);
  checkOption("eps", resolved.eps, 0, Infinity);
  checkOption("weightDecay", resolved.weightDecay, 0, Infinity);
  return resolved;
}

export class Adam {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  private readonly params: Float32Array[];
  private readonly m: Float64Array[];
  private readonly v: Float64Array[];
  private stepCount = 0;

  constructor(params: Float32Array[], options: AdamOptions) {
    const resolved = resolveAdamOptions(options);
    this.lr = resolved.lr;
    this.beta1 = resolved.beta1;
    this.beta2 = resolved.beta2;
    this.eps = resolved.eps;
    this.weightDecay = resolved.weightDecay;
    this.params = params;
    this.m = params.map((p) => new Float64Array(p.length));
    this.v = params.map((p) => new Float64Array(p.length));
  }

  step(grads: Float32Array[]): void {
    if (grads.length !== this.params.length) {
      throw new Error(`Adam.step got ${grads.length} gradient arrays for ${this.params.length} parameter arrays`);
    }
    this.stepCount++;
    const { beta1, beta2, eps, weightDecay } = this;
    const stepSize = this.lr / (1 - beta1 ** this.stepCount);
    const correction2Sqrt = Math.sqrt(1 - beta2 ** this.stepCount);
    for (let t = 0; t < this.params.length; t++) {
      const p = this.params[t];
      const g = grads[t];
      const m = this.m[t];
      const v = this.v[t];
      if (g.length !== p.length) {
        throw new Error(`Adam.step: gradient ${t} has length ${g.length}, its parameter has length ${p.length}`);
      }
      for (let i = 0; i < p.length; i++) {
        const gi = g[i] + weightDecay * p[i];
        const mi = beta1 * m[i] + (1 - beta1) * gi;
        const vi = beta2 * v[i] + (1 - beta2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        p[i] -= (stepSize * mi) / (Math.sqrt(vi) / correction2Sqrt + eps);
      }
    }
  }

  getState(): AdamState {
    return { step: this.stepCount, m: this.m.map((a) => Array.from(a)), v: this.v.map((a) => Array.from(a)) };
  }

  setState(state: AdamState): void {
    if (!Number.isInteger(state.step) || state.step < 0) {
      throw new Error(`Adam.setState: step must be a non-negative integer, got ${state.step}`);
    }
    for (const [name, arrays] of [
      ["m", state.m],
      ["v", state.v],
    ] as const) {
      if (arrays.length !== this.params.length) {
        throw new Error(`Adam.setState: ${name} has ${arrays.length} arrays, expected ${this.params.length}`);
      }
      arrays.forEach((a, t) => {
        if (a.length !== this.params[t].length) {
          throw new Error(`Adam.setState: ${name}[${t}] has length ${a.length}, expected ${this.params[t].length}`);
        }
      });
    }
    this.stepCount = state.step;
    state.m.forEach((a, t) => this.m[t].set(a));
    state.v.forEach((a, t) => this.v[t].set(a));
  }
}

function checkOption(name: string, value: number, low: number, high: number): void {
  if (!(Number.isFinite(value) && value >= low && value < high)) {
    throw new Error(`Adam: ${name} must be a finite number in [${low}, ${high}), got ${value}`);
  }
}
