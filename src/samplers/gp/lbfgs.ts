/**
 * Limited-memory BFGS for small smooth unconstrained problems (the GP's few kernel hyperparameters),
 * with a backtracking Armijo line search. An objective may return a non-finite value where it cannot
 * be evaluated (a Cholesky failure); the line search then shortens the step.
 */

/** Returns f(x), and writes ∇f(x) into grad when one is given (the line search asks for values alone). */
export type Objective = (x: Float64Array, grad?: Float64Array) => number;

export interface LbfgsOptions {
  maxIterations?: number;
  /** Pairs of (step, gradient change) kept (default 6). */
  memory?: number;
  /** Stop when the largest gradient component is below this (default 1e-5). */
  gradientTolerance?: number;
  /** Longest move of any coordinate in one step (default unlimited). */
  maxStep?: number;
  /** Longest move of any coordinate in the first step, before curvature is known (default 1). */
  firstStep?: number;
  /** Stop when a step lowers f by less than this (default 1e-10 · max(1, |f|)). */
  valueTolerance?: number;
}

export interface LbfgsResult {
  x: Float64Array;
  value: number;
  iterations: number;
}

export function minimizeLbfgs(f: Objective, start: Float64Array, options: LbfgsOptions = {}): LbfgsResult {
  const maxIterations = options.maxIterations ?? 100;
  const memory = options.memory ?? 6;
  const tolerance = options.gradientTolerance ?? 1e-5;
  const maxStep = options.maxStep ?? Infinity;
  const firstStep = options.firstStep ?? 1;
  const m = start.length;
  let x = Float64Array.from(start);
  let grad = new Float64Array(m);
  let value = f(x, grad);
  if (!Number.isFinite(value)) return { x, value, iterations: 0 };
  const steps: Float64Array[] = [];
  const changes: Float64Array[] = [];
  const rhos: number[] = [];
  const direction = new Float64Array(m);
  const alphas = new Float64Array(memory);
  let candidate = new Float64Array(m);
  let candidateGrad = new Float64Array(m);
  let iteration = 0;
  for (; iteration < maxIterations; iteration++) {
    if (maxAbs(grad) < tolerance) break;
    twoLoopDirection(grad, steps, changes, rhos, alphas, direction);
    let slope = dot(direction, grad);
    if (!(slope < 0)) {
      // Not a descent direction (a poor curvature history): restart from steepest descent.
      steps.length = changes.length = rhos.length = 0;
      for (let k = 0; k < m; k++) direction[k] = -grad[k];
      slope = -dot(grad, grad);
    }
    // Start the line search at a unit quasi-Newton step (without curvature pairs yet, a move of firstStep),
    // shortened so that no coordinate moves more than maxStep.
    const longest = maxAbs(direction);
    let stepLength = Math.min(1, maxStep / longest, steps.length === 0 ? firstStep / longest : Infinity);
    let accepted = false;
    for (let tries = 0; tries < 40; tries++) {
      for (let k = 0; k < m; k++) candidate[k] = x[k] + stepLength * direction[k];
      const candidateValue = f(candidate);
      if (Number.isFinite(candidateValue) && candidateValue <= value + 1e-4 * stepLength * slope) {
        f(candidate, candidateGrad);
        const s = new Float64Array(m);
        const yk = new Float64Array(m);
        for (let k = 0; k < m; k++) {
          s[k] = candidate[k] - x[k];
          yk[k] = candidateGrad[k] - grad[k];
        }
        const sy = dot(s, yk);
        if (sy > 1e-12) {
          steps.push(s);
          changes.push(yk);
          rhos.push(1 / sy);
          if (steps.length > memory) {
            steps.shift();
            changes.shift();
            rhos.shift();
          }
        }
        [x, candidate] = [candidate, x];
        [grad, candidateGrad] = [candidateGrad, grad];
        const improvement = value - candidateValue;
        value = candidateValue;
        accepted = true;
        if (improvement <= (options.valueTolerance ?? 1e-10 * Math.max(1, Math.abs(value)))) iteration = maxIterations;
        break;
      }
      stepLength *= 0.5;
    }
    if (!accepted) break;
  }
  return { x, value, iterations: iteration };
}

/** The quasi-Newton direction -H∇f from the stored pairs (Nocedal and Wright, algorithm 7.4). */
function twoLoopDirection(
  grad: Float64Array,
  steps: Float64Array[],
  changes: Float64Array[],
  rhos: number[],
  alphas: Float64Array,
  out: Float64Array,
): void {
  for (let k = 0; k < grad.length; k++) out[k] = -grad[k];
  for (let i = steps.length - 1; i >= 0; i--) {
    alphas[i] = rhos[i] * dot(steps[i], out);
    axpy(-alphas[i], changes[i], out);
  }
  if (steps.length > 0) {
    const last = steps.length - 1;
    const scale = dot(steps[last], changes[last]) / dot(changes[last], changes[last]);
    for (let k = 0; k < out.length; k++) out[k] *= scale;
  }
  for (let i = 0; i < steps.length; i++) {
    const beta = rhos[i] * dot(changes[i], out);
    axpy(alphas[i] - beta, steps[i], out);
  }
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let k = 0; k < a.length; k++) sum += a[k] * b[k];
  return sum;
}

function axpy(scale: number, x: Float64Array, y: Float64Array): void {
  for (let k = 0; k < x.length; k++) y[k] += scale * x[k];
}

function maxAbs(a: Float64Array): number {
  let largest = 0;
  for (let k = 0; k < a.length; k++) largest = Math.max(largest, Math.abs(a[k]));
  return largest;
}
