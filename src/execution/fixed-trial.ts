/**
 * The trial an objective sees inside a worker thread: its parameters were decided by the controller,
 * so a suggestion returns the decided value (after checking the distribution is the declared one) and
 * an undeclared name is an error. Reports and user attributes are forwarded to the controller.
 */

import { sameDistribution } from "../space/compare.ts";
import type { CategoricalChoice, Distribution, Params, ParamValue } from "../space/types.ts";
import { describeDistribution } from "../trial/describe.ts";
import type { FloatOptions, IntOptions, OrderedOptions, Trial } from "../trial/types.ts";

export interface TrialSink {
  report(step: number, value: number): void;
  /** Asks the controller's pruner (after sending the reports so far); false without a pruner. */
  shouldPrune(): boolean;
  readonly pruning: boolean;
  setUserAttr(key: string, value: unknown): void;
}

export class FixedTrial implements Trial {
  constructor(
    readonly number: number,
    private readonly values: Params,
    private readonly distributions: Record<string, Distribution>,
    private readonly sink: TrialSink,
  ) {}

  get params(): Readonly<Params> {
    return { ...this.values };
  }

  suggestFloat(name: string, low: number, high: number, options: FloatOptions = {}): number {
    const distribution: Distribution = { type: "float", low, high };
    if (options.step !== undefined) distribution.step = options.step;
    if (options.log === true) distribution.log = true;
    return this.decided(name, distribution) as number;
  }

  suggestInt(name: string, low: number, high: number, options: IntOptions = {}): number {
    const distribution: Distribution = { type: "int", low, high };
    if (options.step !== undefined) distribution.step = options.step;
    if (options.log === true) distribution.log = true;
    return this.decided(name, distribution) as number;
  }

  suggestCategorical<T extends CategoricalChoice>(name: string, choices: readonly T[]): T {
    return this.decided(name, { type: "categorical", choices: choices.slice() }) as T;
  }

  suggestOrdered(name: string, choices: readonly number[], options: OrderedOptions = {}): number {
    if (!Array.isArray(choices)) throw new Error(`suggestOrdered("${name}") needs an array of numbers`);
    const distribution: Distribution = { type: options.type ?? "float", choices: choices.slice() };
    if (options.log === true) distribution.log = true;
    return this.decided(name, distribution) as number;
  }

  report(step: number, value: number): void {
    if (!Number.isInteger(step) || step < 0) throw new Error(`trial ${this.number}: report step must be an integer >= 0, got ${step}`);
    if (typeof value !== "number" || Number.isNaN(value))
      throw new Error(`trial ${this.number}: report(${step}, value) needs a number, got ${String(value)}`);
    this.sink.report(step, value);
  }

  shouldPrune(): boolean {
    return this.sink.shouldPrune();
  }

  get pruning(): boolean {
    return this.sink.pruning;
  }

  setUserAttr(key: string, value: unknown): void {
    if (typeof key !== "string" || key === "") throw new Error(`trial ${this.number}: user attribute keys must be non-empty strings`);
    this.sink.setUserAttr(key, value);
  }

  private decided(name: string, distribution: Distribution): ParamValue {
    const declared = this.distributions[name];
    if (declared === undefined) {
      const names = Object.keys(this.distributions);
      throw new Error(
        `parameter "${name}" is not in the study's declared search space (${names.length > 0 ? names.join(", ") : "none declared"}); ` +
          "objectives in worker threads get every parameter from the controller, so declare it in createStudy({ space })",
      );
    }
    if (!sameDistribution(declared, distribution)) {
      throw new Error(
        `parameter "${name}" is declared as ${describeDistribution(declared)} ` +
          `but the objective suggests ${describeDistribution(distribution)}`,
      );
    }
    return this.values[name];
  }
}
