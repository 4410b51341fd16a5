/**
 * A trial with fixed parameter values (like Optuna's FixedTrial): suggestions return the given
 * values, and what the objective reports is kept for the test to read.
 */
import type { CategoricalChoice, Params, ParamValue } from "../../src/space/types.ts";
import type { Trial } from "../../src/trial/types.ts";

export class FixedTrial implements Trial {
  readonly number: number;
  readonly params: Params = {};
  readonly reports: Array<[number, number]> = [];
  readonly userAttrs: Record<string, unknown> = {};
  private readonly fixed: Params;

  constructor(fixed: Params, number = 0) {
    this.fixed = fixed;
    this.number = number;
  }

  private take(name: string): ParamValue {
    if (!Object.hasOwn(this.fixed, name)) throw new Error(`FixedTrial has no value for ${name}`);
    this.params[name] = this.fixed[name];
    return this.fixed[name];
  }

  suggestFloat(name: string): number {
    return this.take(name) as number;
  }

  suggestInt(name: string): number {
    return this.take(name) as number;
  }

  suggestCategorical<T extends CategoricalChoice>(name: string, choices: readonly T[]): T {
    const value = this.take(name) as T;
    if (!choices.includes(value)) throw new Error(`FixedTrial value ${String(value)} is not a choice of ${name}`);
    return value;
  }

  suggestOrdered(name: string, choices: readonly number[]): number {
    const value = this.take(name) as number;
    if (!choices.includes(value)) throw new Error(`FixedTrial value ${String(value)} is not a choice of ${name}`);
    return value;
  }

  report(step: number, value: number): void {
    this.reports.push([step, value]);
  }

  readonly pruning = false;

  shouldPrune(): boolean {
    return false;
  }

  setUserAttr(key: string, value: unknown): void {
    this.userAttrs[key] = value;
  }
}
