/**
 * The weight of the surrogate "ei+tpe-hedge" (./policy-surrogate.ts), after GP-Hedge (Hoffman, Brochu
 * and de Freitas 2011): the policy's target is w p_EI + (1 − w) p_TPE, and w = σ(η (G_EI − G_TPE)),
 * G_k the gains of model k. When a trial is drawn each model nominates its best unseen configuration
 * (the argmax of its score); once the trial has finished, each nominee gains −μ, the GP's posterior
 * mean there (standardised, minimised) with that trial's result in the posterior. So a model gains when
 * the GP, which weighs every result against its neighbours' instead of taking one noisy value at its
 * word, rates its nominees well. w stays within [FLOOR, 1 − FLOOR] so the losing model can win back.
 */
import type { FrozenTrial } from "../trial/types.ts";

const FLOOR = 0.05;
/** η of σ(η ΔG), per unit of standardised posterior mean. */
const RATE = 1;

/** Each model's nominee at a trial's draw: choice indices, EI's then TPE's. */
export type Nominees = [ei: number[], tpe: number[]];

/** The saved part: both gains and the nominees of trials not yet scored. */
export interface HedgeState {
  gains: [number, number];
  pending: Record<string, Nominees>;
}

export class HedgeWeight {
  private gains: [number, number] = [0, 0];
  private pending = new Map<number, Nominees>();

  /** EI's weight in the target. */
  weight(): number {
    const w = 1 / (1 + Math.exp(-RATE * (this.gains[0] - this.gains[1])));
    return Math.min(1 - FLOOR, Math.max(FLOOR, w));
  }

  record(trialNumber: number, nominees: Nominees): void {
    this.pending.set(trialNumber, nominees);
  }

  /**
   * Scores the nominees of every recorded trial that has finished, by `meanAt` (the current posterior's
   * standardised mean at a configuration, minimised; NaN where it has none); a trial that failed is dropped.
   */
  account(trials: readonly FrozenTrial[], meanAt: (indices: readonly number[]) => number): void {
    if (this.pending.size === 0) return;
    for (const trial of trials) {
      const nominees = this.pending.get(trial.number);
      if (nominees === undefined || trial.state === "RUNNING" || trial.state === "WAITING") continue;
      this.pending.delete(trial.number);
      const ei = meanAt(nominees[0]);
      const tpe = meanAt(nominees[1]);
      if (trial.state !== "COMPLETE" || !Number.isFinite(ei) || !Number.isFinite(tpe)) continue;
      this.gains[0] -= ei;
      this.gains[1] -= tpe;
    }
  }

  getState(): HedgeState {
    return { gains: [...this.gains], pending: Object.fromEntries(this.pending) };
  }

  setState(state: HedgeState): void {
    const isIndices = (x: unknown) => Array.isArray(x) && x.every((i) => Number.isInteger(i) && i >= 0);
    const valid =
      state !== null &&
      typeof state === "object" &&
      Array.isArray(state.gains) &&
      state.gains.length === 2 &&
      state.gains.every((g) => typeof g === "number" && Number.isFinite(g)) &&
      state.pending !== null &&
      typeof state.pending === "object" &&
      Object.entries(state.pending).every(
        ([k, n]) => Number.isInteger(Number(k)) && Array.isArray(n) && n.length === 2 && isIndices(n[0]) && isIndices(n[1]),
      );
    if (!valid) throw new Error("the saved hedge state must hold gains (2 numbers) and pending (trial number → [EI's, TPE's nominee])");
    this.gains = [state.gains[0], state.gains[1]];
    this.pending = new Map(Object.entries(state.pending).map(([k, n]) => [Number(k), n]));
  }
}
