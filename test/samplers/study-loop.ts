// A minimal in-memory study for sampler tests: an array of FrozenTrial and an ask -> evaluate -> tell loop.
import type { Sampler, StudyView } from "../../src/samplers/sampler.ts";
import type { Params, SearchSpace } from "../../src/space/types.ts";
import type { Direction, FrozenTrial, TrialState } from "../../src/trial/types.ts";

export class ArrayStudy implements StudyView {
  readonly list: FrozenTrial[] = [];
  constructor(readonly direction: Direction = "minimize") {}

  trials(): readonly FrozenTrial[] {
    return this.list;
  }

  /** Starts a RUNNING trial with the sampler's values: relative for the space, or one name at a time (define-by-run). */
  ask(sampler: Sampler, space: SearchSpace, defineByRun = false): FrozenTrial {
    const trial: FrozenTrial = {
      number: this.list.length,
      state: "RUNNING",
      params: {},
      distributions: space,
      intermediateValues: {},
      userAttrs: {},
      systemAttrs: {},
    };
    this.list.push(trial);
    if (defineByRun) {
      for (const [name, distribution] of Object.entries(space)) {
        trial.params[name] = sampler.sampleIndependent(this, trial.number, name, distribution);
      }
    } else {
      trial.params = sampler.sampleRelative(this, trial.number, space);
    }
    return trial;
  }

  tell(sampler: Sampler, trial: FrozenTrial, value: number | undefined, state: TrialState = "COMPLETE"): void {
    trial.state = state;
    if (state === "COMPLETE") trial.value = value;
    sampler.afterTrial?.(this, trial);
  }

  /** A finished trial with given params, as if from an earlier run. */
  add(params: Params, value: number | undefined, state: TrialState = "COMPLETE"): void {
    this.list.push({
      number: this.list.length,
      state,
      params,
      distributions: {},
      value: state === "COMPLETE" ? value : undefined,
      intermediateValues: {},
      userAttrs: {},
      systemAttrs: {},
    });
  }
}

/** Runs n trials of `objective` and returns the study. */
export function optimize(
  sampler: Sampler,
  space: SearchSpace,
  objective: (params: Params) => number,
  nTrials: number,
  options: { direction?: Direction; defineByRun?: boolean; study?: ArrayStudy } = {},
): ArrayStudy {
  const study = options.study ?? new ArrayStudy(options.direction ?? "minimize");
  for (let i = 0; i < nTrials; i++) {
    const trial = study.ask(sampler, space, options.defineByRun ?? false);
    study.tell(sampler, trial, objective(trial.params));
  }
  return study;
}

export function bestValue(study: ArrayStudy): number {
  const values = study.list.filter((t) => t.state === "COMPLETE").map((t) => t.value as number);
  return study.direction === "minimize" ? Math.min(...values) : Math.max(...values);
}

export function median(values: number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
