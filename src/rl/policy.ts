/**
 * What the REINFORCE and PPO updates need of a policy over a discrete space: sample an action for a
 * state, evaluate log pi(action | state) and the entropy, and accumulate their gradients.
 *
 * A state and an action are both one index per parameter (the state is the previous configuration).
 * Parameters are Float32Array (what Adam updates); every intermediate value is float64, so the
 * gradients are as exact as float32 weights allow and finite differences check them cleanly.
 */
import type { Rng } from "../nn/rng.ts";

export type PolicyKind = "mlp" | "rnn";
export type RecurrentCellKind = "elman" | "gru";

export interface PolicyEvaluation {
  /** log pi(action | state), summed over the parameters. */
  logProb: number;
  /**
   * Sum of the per-parameter entropies. For the mlp the heads are independent, so this is the exact
   * entropy of the joint distribution; for the rnn head i is conditioned on the action's earlier
   * choices, and this sum is the usual single-sample estimate of the joint entropy.
   */
  entropy: number;
  headEntropies: number[];
  /** probabilities[i]: head i's distribution (for the rnn, given the action's choices before i). */
  probabilities: Float64Array[];
}

export interface PolicyShape {
  kind: PolicyKind;
  cell?: RecurrentCellKind;
  sizes: number[];
  hidden: number[];
  /** Per parameter, its ordinal head's width (./ordinal.ts); absent when every head is a plain softmax. */
  ordinal?: number[];
}

export interface Policy {
  readonly kind: PolicyKind;
  readonly sizes: readonly number[];
  readonly params: Float32Array[];
  readonly grads: Float32Array[];
  shape(): PolicyShape;
  /** Runs the policy on (state, action) and keeps what `backward` needs. */
  evaluate(state: ArrayLike<number>, action: ArrayLike<number>): PolicyEvaluation;
  /** Adds logProbWeight * d(logProb)/dparams + entropyWeight * d(entropy)/dparams of the last evaluate. */
  backward(logProbWeight: number, entropyWeight: number): void;
  /**
   * p(. | state, prefix): the distribution of parameter prefix.length given the state and the choices of
   * the parameters before it (the mlp's heads ignore the prefix). A fresh array; backward needs an evaluate after it.
   * `reuse`: the state and weights are those of the previous headProbabilities call and nothing else ran on the
   * policy since, so the rnn recomputes only the steps past the prefix it shares with that call (a trie walk).
   */
  headProbabilities(state: ArrayLike<number>, prefix: ArrayLike<number>, reuse?: boolean): Float64Array;
  /** Optional, for speed: adds sum_k weights[k] * d log pi(configurations[k] | state) (else one evaluate + backward each). */
  backwardMixture?(state: ArrayLike<number>, configurations: readonly ArrayLike<number>[], weights: readonly number[]): void;
  /** Draws an action for the state, head by head. */
  sample(state: ArrayLike<number>, rng: Rng): { action: Int32Array; logProb: number };
  zeroGrads(): void;
}

export function checkSizes(sizes: readonly number[]): void {
  if (sizes.length === 0) throw new Error("a policy needs at least one parameter");
  sizes.forEach((size, i) => {
    if (!Number.isInteger(size) || size < 1) throw new Error(`parameter ${i} needs a positive integer number of choices, got ${size}`);
  });
}

/** One ordinal width per parameter (0 where absent), checked. */
export function ordinalWidths(sizes: readonly number[], given: readonly number[] = []): number[] {
  if (given.length > sizes.length) throw new Error(`ordinal has ${given.length} widths, the policy has ${sizes.length} parameters`);
  return sizes.map((_, i) => {
    const width = given[i] ?? 0;
    if (!(width >= 0) || !Number.isFinite(width)) throw new Error(`ordinal width ${i} must be a finite number >= 0, got ${width}`);
    return width;
  });
}

/** The shape with its ordinal widths, or without them when every head is a plain softmax (as shapes saved before them). */
export function withOrdinal(shape: PolicyShape, ordinal: readonly number[]): PolicyShape {
  return ordinal.some((width) => width > 0) ? { ...shape, ordinal: ordinal.slice() } : shape;
}

export function checkHidden(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${value}`);
}

export function checkIndices(what: string, indices: ArrayLike<number>, sizes: readonly number[]): void {
  if (indices.length !== sizes.length) throw new Error(`${what} has ${indices.length} indices, the policy has ${sizes.length} parameters`);
  for (let i = 0; i < sizes.length; i++) {
    const k = indices[i];
    if (!Number.isInteger(k) || k < 0 || k >= sizes[i]) {
      throw new Error(`${what} index ${k} for parameter ${i} is outside 0..${sizes[i] - 1}`);
    }
  }
}
