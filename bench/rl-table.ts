/**
 * Synthetic lookup tables over the paper's 10^4 space (learning rate x weight decay x batch size x
 * hidden units, in the paper's index order) for measuring the RL samplers cheaply, and a minimal
 * ask -> look up -> tell loop that drives any sampler over such a table.
 *
 * The value is a smooth bowl over the hyperparameters' real values (log learning rate, log weight
 * decay, log2 batch size, hidden units) whose centre is drawn from the seed, so the table has one
 * clear best region; a fixed per-configuration noise (like retraining noise) then decides which
 * configuration inside that region is the very best. A constant 0.3 floor keeps values loss-like.
 * Lower is better (like a validation loss). The paper's index order is not sorted by value (the
 * 3e-x learning rates come after the 1e-x ones), so neighbours in value are not neighbours in index.
 */
import { Rng } from "../src/nn/rng.ts";
import { indicesOf, policySpace } from "../src/rl/policy-space.ts";
import type { Sampler, StudyView } from "../src/samplers/sampler.ts";
import { paperSpace } from "../src/space/presets.ts";
import type { SearchSpace } from "../src/space/types.ts";
import type { Direction, FrozenTrial } from "../src/trial/types.ts";

export interface Table {
  space: SearchSpace;
  sizes: number[];
  values: Float64Array;
  /** Index (row-major, last parameter fastest) of the minimum. */
  best: number;
  bestIndices: number[];
}

export function tableIndex(sizes: readonly number[], indices: ArrayLike<number>): number {
  let index = 0;
  for (let i = 0; i < sizes.length; i++) index = index * sizes[i] + indices[i];
  return index;
}

export function syntheticPaperTable(seed: number, noise = 0.02): Table {
  const space = paperSpace();
  const discrete = policySpace(space);
  const sizes = discrete.sizes.slice();
  const rng = new Rng(seed);
  const [lrs, wds, batches, hiddens] = discrete.choices as number[][];
  // Centre of the bowl: log10 lr in [-4, -1.5], log10 wd in [-5, -2], log2 batch in [4, 9], hidden in [6, 20].
  const centre = [rng.uniformIn(-4, -1.5), rng.uniformIn(-5, -2), rng.uniformIn(4, 9), rng.uniformIn(6, 20)];
  const values = new Float64Array(sizes.reduce((a, b) => a * b, 1));
  const idx = [0, 0, 0, 0];
  for (idx[0] = 0; idx[0] < sizes[0]; idx[0]++)
    for (idx[1] = 0; idx[1] < sizes[1]; idx[1]++)
      for (idx[2] = 0; idx[2] < sizes[2]; idx[2]++)
        for (idx[3] = 0; idx[3] < sizes[3]; idx[3]++) {
          const lr = Math.log10(lrs[idx[0]]) - centre[0];
          const wd = Math.log10(wds[idx[1]]) - centre[1];
          const bs = Math.log2(batches[idx[2]]) - centre[2];
          const h = (hiddens[idx[3]] - centre[3]) / 4;
          const v = 0.3 + 0.08 * lr * lr + 0.03 * wd * wd + 0.01 * bs * bs + 0.03 * h * h + 0.03 * lr * bs;
          values[tableIndex(sizes, idx)] = v + noise * rng.normal();
        }
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] < values[best]) best = i;
  const bestIndices: number[] = [];
  let rest = best;
  for (let i = sizes.length - 1; i >= 0; i--) {
    bestIndices[i] = rest % sizes[i];
    rest = Math.floor(rest / sizes[i]);
  }
  return { space, sizes, values, best, bestIndices };
}

/** A study reduced to what samplers read: the trials list. */
export class TableStudy implements StudyView {
  readonly list: FrozenTrial[] = [];
  constructor(readonly direction: Direction = "minimize") {}
  trials(): readonly FrozenTrial[] {
    return this.list;
  }
}

/**
 * Runs `evaluations` trials of `sampler` on the table; returns the best value after each trial.
 * `study` lets a caller continue a run (resume tests).
 */
export function runOnTable(
  sampler: Sampler,
  table: Table,
  evaluations: number,
  study = new TableStudy(),
): { bestSoFar: number[]; study: TableStudy } {
  const discrete = policySpace(table.space);
  const bestSoFar: number[] = [];
  let best = Infinity;
  for (const trial of study.list) if (trial.value !== undefined) best = Math.min(best, trial.value);
  for (let e = 0; e < evaluations; e++) {
    if (sampler.isExhausted?.(study, table.space) === true) break;
    const trial: FrozenTrial = {
      number: study.list.length,
      state: "RUNNING",
      params: {},
      distributions: table.space,
      intermediateValues: {},
      userAttrs: {},
      systemAttrs: {},
    };
    study.list.push(trial);
    trial.params = sampler.sampleRelative(study, trial.number, table.space);
    const indices = indicesOf(discrete, trial.params)!;
    trial.value = table.values[tableIndex(table.sizes, indices)];
    trial.state = "COMPLETE";
    sampler.afterTrial?.(study, trial);
    best = Math.min(best, trial.value);
    bestSoFar.push(best);
  }
  return { bestSoFar, study };
}

export function median(values: number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
