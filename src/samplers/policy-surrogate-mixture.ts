/**
 * The weight of the surrogate "ei+tpe-adaptive" (./policy-surrogate.ts): the policy's target is
 * w p_EI + (1 − w) p_TPE, and w follows which of the two models has been ranking this study's good
 * trials higher. When a trial is drawn, each model ranks its configuration among the unseen ones (q: the
 * share of them it scores lower) and δ = q_EI − q_TPE is kept. When the trial completes it is good if it
 * is at or below the worst of TPE's good trials at the draw. A model that tells good configurations from
 * bad ones better has a larger δ on the good trials than on the bad ones, whichever model drew them; so
 * w = Φ(z), z the two-sample statistic of mean δ over the good trials minus mean δ over the bad, kept
 * within [FLOOR, 1 − FLOOR] so that the losing model keeps a share of the target and can win back.
 */
import { erfc } from "../nn/normal.ts";
import type { Direction, FrozenTrial } from "../trial/types.ts";

/** The least weight either target keeps. */
const FLOOR = 0.05;

/** A trial's δ = q_EI − q_TPE and the value it must reach to be good. */
export type AtDraw = [difference: number, threshold: number];

/** Count, sum and sum of squares of δ over one group of trials. */
type Moments = [number, number, number];

/** The saved part: δ's moments over the good and the bad trials, and the rank differences of trials not yet scored. */
export interface MixtureState {
  good: Moments;
  bad: Moments;
  pending: Record<string, AtDraw>;
}

export class MixtureWeight {
  private good: Moments = [0, 0, 0];
  private bad: Moments = [0, 0, 0];
  private pending = new Map<number, AtDraw>();

  /** EI's weight in the target. */
  weight(): number {
    const [ng, sg, qg] = this.good;
    const [nb, sb, qb] = this.bad;
    if (ng < 2 || nb < 2) return 0.5;
    const mg = sg / ng;
    const mb = sb / nb;
    const variance = Math.max(qg / ng - mg * mg, 1e-6) / ng + Math.max(qb / nb - mb * mb, 1e-6) / nb;
    const z = (mg - mb) / Math.sqrt(variance);
    return Math.min(1 - FLOOR, Math.max(FLOOR, 0.5 * erfc(-z / Math.SQRT2)));
  }

  record(trialNumber: number, atDraw: AtDraw): void {
    this.pending.set(trialNumber, atDraw);
  }

  /** Scores every recorded trial that has finished (one that did not complete is dropped). */
  account(trials: readonly FrozenTrial[], direction: Direction): void {
    if (this.pending.size === 0) return;
    const sign = direction === "maximize" ? -1 : 1;
    for (const trial of trials) {
      const atDraw = this.pending.get(trial.number);
      if (atDraw === undefined || trial.state === "RUNNING" || trial.state === "WAITING") continue;
      this.pending.delete(trial.number);
      if (trial.state !== "COMPLETE" || typeof trial.value !== "number" || !Number.isFinite(trial.value)) continue;
      const [difference, threshold] = atDraw;
      const group = sign * trial.value <= threshold ? this.good : this.bad;
      group[0] += 1;
      group[1] += difference;
      group[2] += difference * difference;
    }
  }

  getState(): MixtureState {
    return { good: [...this.good], bad: [...this.bad], pending: Object.fromEntries(this.pending) };
  }

  setState(state: MixtureState): void {
    const isMoments = (m: unknown) => Array.isArray(m) && m.length === 3 && m.every((x) => typeof x === "number" && Number.isFinite(x));
    const isAtDraw = (f: unknown) => Array.isArray(f) && f.length === 2 && f.every((x) => typeof x === "number");
    const valid =
      state !== null &&
      typeof state === "object" &&
      isMoments(state.good) &&
      isMoments(state.bad) &&
      state.pending !== null &&
      typeof state.pending === "object" &&
      Object.entries(state.pending).every(([k, f]) => Number.isInteger(Number(k)) && isAtDraw(f));
    if (!valid) {
      throw new Error("the saved mixture state must hold good and bad (3 numbers each) and pending (trial number → [δ, threshold])");
    }
    this.good = [state.good[0], state.good[1], state.good[2]];
    this.bad = [state.bad[0], state.bad[1], state.bad[2]];
    this.pending = new Map(Object.entries(state.pending).map(([k, f]) => [Number(k), f]));
  }
}
