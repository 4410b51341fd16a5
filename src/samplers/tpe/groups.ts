/**
 * Group decomposition of a define-by-run search space (Optuna's group=True): parameters that every
 * finished trial holds either all or none of form one group, modelled jointly; a parameter that only
 * some of a group's trials hold splits off. E.g. trials {kind, depth} and {kind, slope} give the groups
 * {kind}, {depth}, {slope}; trials that always suggest x, y and z give one group {x, y, z}.
 *
 * The partition is refined one trial at a time, so each ask reads only the trials finished since the
 * last one.
 */

import type { FrozenTrial } from "../../trial/types.ts";
import type { StudyView } from "../sampler.ts";

export class ParameterGroups {
  private groups: Array<Set<string>> = [];
  private readonly counted = new Set<number>();
  private study: StudyView | undefined;

  /** The groups after taking in the COMPLETE and PRUNED trials not counted yet. */
  update(study: StudyView, trials: readonly FrozenTrial[]): ReadonlyArray<ReadonlySet<string>> {
    if (study !== this.study) {
      this.study = study;
      this.groups = [];
      this.counted.clear();
    }
    for (const trial of trials) {
      if ((trial.state !== "COMPLETE" && trial.state !== "PRUNED") || this.counted.has(trial.number)) continue;
      this.counted.add(trial.number);
      this.add(Object.keys(trial.params));
    }
    return this.groups;
  }

  /** The group holding `name`, if a finished trial has held it. */
  groupOf(name: string): ReadonlySet<string> | undefined {
    return this.groups.find((group) => group.has(name));
  }

  private add(names: string[]): void {
    const fresh = new Set(names);
    const next: Array<Set<string>> = [];
    for (const group of this.groups) {
      const inside = new Set<string>();
      const outside = new Set<string>();
      for (const name of group) (fresh.has(name) ? inside : outside).add(name);
      for (const name of inside) fresh.delete(name);
      if (inside.size > 0) next.push(inside);
      if (outside.size > 0) next.push(outside);
    }
    if (fresh.size > 0) next.push(fresh);
    this.groups = next;
  }
}
