/**
 * Hyperband (Li et al. 2017) as a pruner, the way Optuna runs it: several asynchronous successive
 * halving brackets side by side. Bracket b starts halving at minResource * reductionFactor^b, so
 * bracket 0 prunes hardest and the last one lets every trial train to maxResource. Each trial joins
 * one bracket, by a hash of the study name and the trial number (the same trial always lands in the
 * same bracket, in any process), with more trials in the aggressive brackets: bracket b gets a share
 * proportional to ceil(n * reductionFactor^s / (s + 1)), s = n - 1 - b, as in the Hyperband paper.
 * A trial competes only with the trials of its bracket.
 */
import type { FrozenTrial } from "../trial/types.ts";
import { checkInteger, type Pruner, type PrunerStudy } from "./pruner.ts";
import { SuccessiveHalvingPruner } from "./successive-halving.ts";

export interface HyperbandOptions {
  /** The step of the most aggressive bracket's first rung; default 1. */
  minResource?: number;
  /** The steps a trial trains when never stopped (the task's epochs); required. */
  maxResource: number;
  /** Default 4: chosen on the wine table, seeds 0-49 (3 spent 33.4% of the unpruned epochs, 4 spent 26%; bench/pruners.ts). */
  reductionFactor?: number;
}

/** FNV-1a over the text: a stable hash, the same in every process and run. */
function stableHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

export class HyperbandPruner implements Pruner {
  readonly name = "hyperband";
  readonly brackets: SuccessiveHalvingPruner[];
  /** Trials of each bracket per round of the assignment. */
  readonly bracketShares: number[];

  constructor(options: HyperbandOptions) {
    const minResource = options.minResource ?? 1;
    const reductionFactor = options.reductionFactor ?? 4;
    checkInteger("minResource", minResource, 1);
    checkInteger("maxResource", options.maxResource, minResource);
    checkInteger("reductionFactor", reductionFactor, 2);
    // Brackets whose first rung is within maxResource.
    let count = 1;
    while (minResource * reductionFactor ** count <= options.maxResource) count++;
    this.brackets = [];
    this.bracketShares = [];
    for (let bracket = 0; bracket < count; bracket++) {
      this.brackets.push(new SuccessiveHalvingPruner({ minResource, reductionFactor, minEarlyStoppingRate: bracket }));
      const s = count - 1 - bracket;
      this.bracketShares.push(Math.ceil((count * reductionFactor ** s) / (s + 1)));
    }
  }

  /** The bracket a trial of this study belongs to. */
  bracketOf(studyName: string, trialNumber: number): number {
    const total = this.bracketShares.reduce((sum, share) => sum + share, 0);
    let slot = stableHash(`${studyName}_${trialNumber}`) % total;
    for (let bracket = 0; bracket < this.bracketShares.length; bracket++) {
      if (slot < this.bracketShares[bracket]) return bracket;
      slot -= this.bracketShares[bracket];
    }
    return this.bracketShares.length - 1;
  }

  prune(study: PrunerStudy, trial: FrozenTrial): boolean {
    const bracket = this.bracketOf(study.name, trial.number);
    const members = study.trials().filter((other) => this.bracketOf(study.name, other.number) === bracket);
    return this.brackets[bracket].pruneAmong(members, study.direction === "minimize" ? 1 : -1, trial);
  }
}

export function hyperbandPruner(options: HyperbandOptions): HyperbandPruner {
  return new HyperbandPruner(options);
}
