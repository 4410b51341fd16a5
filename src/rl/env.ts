/**
 * The paper's MDP over a discrete search space. The state is the previous configuration's indices
 * (a random configuration at reset); the action is one index per parameter; the reward is minus the
 * objective's value when minimizing (plus when maximizing); an episode lasts `tmax` steps (the
 * paper's is 1). Policies see the state as concatenated one-hots of its indices.
 * The samplers drive the same MDP through a study (PolicyAgent); this class drives it directly
 * with a synchronous objective over indices (tables, tests).
 */
import type { Rng } from "../nn/rng.ts";

export type Direction = "minimize" | "maximize";

/** A state drawn uniformly: one random index per parameter. */
export function randomState(sizes: readonly number[], rng: Rng): Int32Array {
  const state = new Int32Array(sizes.length);
  for (let i = 0; i < sizes.length; i++) state[i] = rng.int(sizes[i]);
  return state;
}

/** The reward the policy maximizes for an objective value. */
export function rewardOf(value: number, direction: Direction): number {
  return direction === "minimize" ? -value : value;
}

export interface EnvironmentStep {
  reward: number;
  value: number;
  state: Int32Array;
  done: boolean;
}

export class HpoEnvironment {
  private state: Int32Array;
  private t = 0;

  constructor(
    readonly sizes: readonly number[],
    private readonly objective: (indices: Int32Array) => number,
    private readonly direction: Direction,
    readonly tmax: number,
    private readonly rng: Rng,
  ) {
    if (!Number.isInteger(tmax) || tmax < 1) throw new Error(`tmax must be a positive integer, got ${tmax}`);
    this.state = randomState(sizes, rng);
  }

  reset(): Int32Array {
    this.state = randomState(this.sizes, this.rng);
    this.t = 0;
    return Int32Array.from(this.state);
  }

  step(action: Int32Array): EnvironmentStep {
    if (this.t >= this.tmax) throw new Error("the episode is over: call reset()");
    const value = this.objective(action);
    this.state = Int32Array.from(action);
    this.t++;
    return { reward: rewardOf(value, this.direction), value, state: Int32Array.from(this.state), done: this.t >= this.tmax };
  }
}
