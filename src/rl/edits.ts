/**
 * Edits around the incumbent: a step whose state is the best configuration so far and whose action
 * changes exactly one of its parameters (the paper's MDP, where the state is a configuration, with
 * the action restricted to that configuration's neighbours). The action is drawn from the policy at
 * that state restricted to the allowed neighbours (those no trial holds), renormalised:
 *   pi_A(x | s) = q(x | s) / Z,  Z = sum over allowed y of q(y | s),
 * so the learner's log-probability is log q(x | s) - log Z, whose gradient is
 *   d log q(x | s) - sum over allowed y of (q(y | s) / Z) d log q(y | s).
 */
import type { Rng } from "../nn/rng.ts";
import type { Policy, PolicyEvaluation } from "./policy.ts";

/** The configurations that differ from `x` in exactly one parameter, parameter by parameter, in index order. */
export function neighbours(sizes: readonly number[], x: ArrayLike<number>): Int32Array[] {
  const result: Int32Array[] = [];
  for (let i = 0; i < sizes.length; i++) {
    for (let c = 0; c < sizes[i]; c++) {
      if (c === x[i]) continue;
      const y = Int32Array.from(x);
      y[i] = c;
      result.push(y);
    }
  }
  return result;
}

/** q(y | state) of each allowed configuration and their sum. */
function allowedMass(policy: Policy, state: ArrayLike<number>, allowed: readonly ArrayLike<number>[]): { q: number[]; z: number } {
  const q = allowed.map((y) => Math.exp(policy.evaluate(state, y).logProb));
  return { q, z: q.reduce((a, b) => a + b, 0) };
}

/** Draws from pi_A(. | state); `allowed` must not be empty. */
export function sampleAllowed(
  policy: Policy,
  state: ArrayLike<number>,
  allowed: readonly Int32Array[],
  rng: Rng,
): { action: Int32Array; logProb: number } {
  if (allowed.length === 0) throw new Error("an edit needs at least one allowed configuration");
  const { q, z } = allowedMass(policy, state, allowed);
  const probabilities = z > 0 ? q.map((v) => v / z) : q.map(() => 1 / q.length);
  const k = rng.categorical(probabilities);
  return { action: Int32Array.from(allowed[k]), logProb: Math.log(probabilities[k]) };
}

/** log pi_A(action | state) at the policy's current weights. */
export function allowedLogProb(
  policy: Policy,
  state: ArrayLike<number>,
  action: ArrayLike<number>,
  allowed: readonly Int32Array[],
): number {
  const { z } = allowedMass(policy, state, allowed);
  return policy.evaluate(state, action).logProb - Math.log(z);
}

/**
 * Adds logProbWeight * d log pi_A(action | state) + entropyWeight * d H(pi(. | state)) to the policy's
 * gradients (the entropy bonus stays the unrestricted policy's). Returns the action's unrestricted evaluation.
 */
export function allowedBackward(
  policy: Policy,
  state: ArrayLike<number>,
  action: ArrayLike<number>,
  allowed: readonly Int32Array[],
  logProbWeight: number,
  entropyWeight: number,
): PolicyEvaluation {
  if (logProbWeight !== 0) {
    const { q, z } = allowedMass(policy, state, allowed);
    const weights = q.map((v) => (z > 0 ? (-logProbWeight * v) / z : 0));
    if (policy.backwardMixture !== undefined) policy.backwardMixture(state, allowed, weights);
    else {
      allowed.forEach((y, k) => {
        if (weights[k] === 0) return;
        policy.evaluate(state, y);
        policy.backward(weights[k], 0);
      });
    }
  }
  const evaluation = policy.evaluate(state, action);
  policy.backward(logProbWeight, entropyWeight);
  return evaluation;
}
