/**
 * Grid search: every combination of the space's discrete values exactly once, in lexicographic order
 * (last parameter fastest) or in a seeded shuffled order. Configurations the study already holds
 * (enqueued, running or finished, e.g. before a resume) are skipped, so a resumed grid carries on
 * where it stopped. Continuous floats are discretised into `levels` values, and need them.
 */

import { Rng } from "../nn/rng.ts";
import { isDiscrete } from "../space/discrete.ts";
import type { Distribution, Params, ParamValue, SearchSpace } from "../space/types.ts";
import { validateSpace } from "../space/validate.ts";
import { GridOptionsSchema, type GridSamplerOptions, parseSamplerOptions } from "./options.ts";
import type { Sampler, StudyView } from "./sampler.ts";
import { configurationAt, configurationCount, configurationKey, seenConfigurations } from "./seen.ts";

export type { GridSamplerOptions } from "./options.ts";

/** A shuffled order needs a permutation in memory; beyond this many points that is unreasonable. */
const SHUFFLE_LIMIT = 1 << 24;

export class GridSampler implements Sampler {
  readonly name = "grid";
  readonly needsFullSpace = true;
  private readonly fixedSpace?: SearchSpace;
  private readonly levels?: number;
  private shuffle: boolean;
  private seed: number;
  private order?: { spaceKey: string; positions?: Int32Array; total: number };
  /** Positions handed out by this instance, in case the study has not recorded their params yet. */
  private readonly proposed = new Set<string>();
  /** Every position before this one is known to be taken (positions are only ever taken, never freed). */
  private cursor = 0;

  constructor(given: GridSamplerOptions = {}) {
    const options = parseSamplerOptions("grid", GridOptionsSchema, given);
    this.levels = options.levels;
    this.shuffle = options.shuffle ?? false;
    this.seed = options.seed ?? 0;
    if (options.space !== undefined) {
      validateSpace(options.space);
      this.checkDiscretisable(options.space);
      this.fixedSpace = options.space;
    }
  }

  sampleRelative(study: StudyView, trialNumber: number, space: SearchSpace): Params {
    const grid = this.gridSpace(space);
    const order = this.orderFor(grid);
    const seen = seenConfigurations(study, grid, trialNumber, this.levels);
    for (; this.cursor < order.total; this.cursor++) {
      const params = configurationAt(grid, this.positionAt(order, this.cursor), this.levels);
      const key = configurationKey(grid, params, this.levels) as string;
      if (seen.has(key) || this.proposed.has(key)) continue;
      this.proposed.add(key);
      this.cursor++;
      return params;
    }
    throw new Error(`grid sampler: all ${order.total} configurations have been proposed; the grid is exhausted`);
  }

  sampleIndependent(_study: StudyView, _trialNumber: number, name: string, _distribution: Distribution): ParamValue {
    throw new Error(`grid sampler: parameter "${name}" is not in the grid's space; declare every parameter in the space up front`);
  }

  isExhausted(study: StudyView, space: SearchSpace): boolean {
    const grid = this.gridSpace(space);
    const taken = seenConfigurations(study, grid, undefined, this.levels);
    for (const key of this.proposed) taken.add(key);
    return taken.size >= configurationCount(grid, this.levels);
  }

  /** The order is a function of the seed and the shuffle flag, so those are all a resume needs. */
  saveState(): { seed: number; shuffle: boolean } {
    return { seed: this.seed, shuffle: this.shuffle };
  }

  loadState(state: unknown): void {
    const saved = state as { seed?: unknown; shuffle?: unknown } | null;
    if (typeof saved?.seed !== "number" || typeof saved.shuffle !== "boolean") {
      throw new Error('grid sampler: saved state must have a numeric "seed" and a boolean "shuffle"');
    }
    this.seed = saved.seed;
    this.shuffle = saved.shuffle;
    this.order = undefined;
    this.cursor = 0;
  }

  private gridSpace(studySpace: SearchSpace): SearchSpace {
    if (this.fixedSpace !== undefined) return this.fixedSpace;
    if (Object.keys(studySpace).length === 0) throw new Error("grid sampler: needs a search space (give one to the sampler or the study)");
    this.checkDiscretisable(studySpace);
    return studySpace;
  }

  private checkDiscretisable(space: SearchSpace): void {
    if (this.levels !== undefined) return;
    for (const [name, distribution] of Object.entries(space)) {
      if (!isDiscrete(distribution)) {
        throw new Error(`grid sampler: parameter "${name}" is a continuous float; give levels (values per continuous parameter) or a step`);
      }
    }
  }

  private orderFor(space: SearchSpace): { spaceKey: string; positions?: Int32Array; total: number } {
    const spaceKey = JSON.stringify(space);
    if (this.order?.spaceKey === spaceKey) return this.order;
    const total = configurationCount(space, this.levels);
    if (!Number.isSafeInteger(total)) throw new Error(`grid sampler: the grid has too many configurations (${total})`);
    let positions: Int32Array | undefined;
    if (this.shuffle) {
      if (total > SHUFFLE_LIMIT) throw new Error(`grid sampler: cannot shuffle ${total} configurations (at most ${SHUFFLE_LIMIT})`);
      positions = new Rng(this.seed).permutation(total);
    }
    this.order = { spaceKey, positions, total };
    this.cursor = 0;
    return this.order;
  }

  private positionAt(order: { positions?: Int32Array }, index: number): number {
    return order.positions === undefined ? index : order.positions[index];
  }
}

export function gridSampler(options: GridSamplerOptions = {}): GridSampler {
  return new GridSampler(options);
}
