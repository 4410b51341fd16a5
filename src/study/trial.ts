/**
 * The live trial an objective receives in the controller process. Every suggestion, report and user
 * attribute is written to storage at once, so a crash loses nothing that was recorded.
 */

import { containsValue, sameDistribution } from "../space/compare.ts";
import type { CategoricalChoice, Distribution, Params, ParamValue } from "../space/types.ts";
import { validateDistribution } from "../space/validate.ts";
import { describeDistribution } from "../trial/describe.ts";
import type { FloatOptions, IntOptions, OrderedOptions, Trial } from "../trial/types.ts";

/** What a live trial needs from its study. */
export interface TrialHost {
  /** Persists one parameter of this trial. */
  recordParam(trialNumber: number, name: string, value: ParamValue, distribution: Distribution): void;
  /** Asks the sampler for a parameter that was neither declared nor fixed. */
  sampleIndependent(trialNumber: number, name: string, distribution: Distribution): ParamValue;
  recordIntermediate(trialNumber: number, step: number, value: number): void;
  /** The pruner's decision on the trial as stored; false without a pruner. */
  shouldPrune(trialNumber: number): boolean;
  /** True when the study has a pruner. */
  readonly pruning: boolean;
  recordUserAttr(trialNumber: number, key: string, value: unknown): void;
}

export class LiveTrial implements Trial {
  private readonly values: Params = {};
  private readonly distributions: Record<string, Distribution> = {};
  private readonly declared = new Set<string>();
  private finishedAs: string | undefined;

  /**
   * @param decided parameters settled before the objective runs (the declared space, fixed values), with their distributions
   * @param fixed values given by enqueueTrial / ask(fixedParams) for names not settled yet (define-by-run)
   */
  constructor(
    private readonly host: TrialHost,
    readonly number: number,
    decided: Record<string, { value: ParamValue; distribution: Distribution }>,
    private readonly fixed: Params = {},
  ) {
    for (const [name, { value, distribution }] of Object.entries(decided)) {
      this.values[name] = value;
      this.distributions[name] = distribution;
      this.declared.add(name);
    }
  }

  get params(): Readonly<Params> {
    return { ...this.values };
  }

  /** The distributions of the parameters settled so far (for executors that run the trial elsewhere). */
  get paramDistributions(): Readonly<Record<string, Distribution>> {
    return { ...this.distributions };
  }

  /** Set when the study has recorded the end of this trial; later writes are refused. */
  get finished(): boolean {
    return this.finishedAs !== undefined;
  }

  markFinished(state: string): void {
    this.finishedAs = state;
  }

  suggestFloat(name: string, low: number, high: number, options: FloatOptions = {}): number {
    const distribution: Distribution = { type: "float", low, high };
    if (options.step !== undefined) distribution.step = options.step;
    if (options.log === true) distribution.log = true;
    return this.suggest(name, distribution) as number;
  }

  suggestInt(name: string, low: number, high: number, options: IntOptions = {}): number {
    const distribution: Distribution = { type: "int", low, high };
    if (options.step !== undefined) distribution.step = options.step;
    if (options.log === true) distribution.log = true;
    return this.suggest(name, distribution) as number;
  }

  suggestCategorical<T extends CategoricalChoice>(name: string, choices: readonly T[]): T {
    if (!Array.isArray(choices)) throw new Error(`suggestCategorical("${name}") needs an array of choices`);
    return this.suggest(name, { type: "categorical", choices: choices.slice() }) as T;
  }

  suggestOrdered(name: string, choices: readonly number[], options: OrderedOptions = {}): number {
    if (!Array.isArray(choices)) throw new Error(`suggestOrdered("${name}") needs an array of numbers`);
    const distribution: Distribution = { type: options.type ?? "float", choices: choices.slice() };
    if (options.log === true) distribution.log = true;
    return this.suggest(name, distribution) as number;
  }

  report(step: number, value: number): void {
    this.assertRunning("report");
    if (!Number.isInteger(step) || step < 0) throw new Error(`trial ${this.number}: report step must be an integer >= 0, got ${step}`);
    if (typeof value !== "number" || Number.isNaN(value))
      throw new Error(`trial ${this.number}: report(${step}, value) needs a number, got ${String(value)}`);
    this.host.recordIntermediate(this.number, step, value);
  }

  shouldPrune(): boolean {
    this.assertRunning("shouldPrune");
    return this.host.shouldPrune(this.number);
  }

  get pruning(): boolean {
    return this.host.pruning;
  }

  setUserAttr(key: string, value: unknown): void {
    this.assertRunning("setUserAttr");
    if (typeof key !== "string" || key === "") throw new Error(`trial ${this.number}: user attribute keys must be non-empty strings`);
    this.host.recordUserAttr(this.number, key, value);
  }

  private suggest(name: string, distribution: Distribution): ParamValue {
    this.assertRunning(`suggest "${name}"`);
    validateDistribution(name, distribution);
    const known = this.distributions[name];
    if (known !== undefined) {
      if (!sameDistribution(known, distribution)) {
        const where = this.declared.has(name) ? "is declared in the study's space as" : "was already suggested in this trial as";
        throw new Error(
          `trial ${this.number}: parameter "${name}" ${where} ${describeDistribution(known)}; ` +
            `it cannot change to ${describeDistribution(distribution)} within a trial`,
        );
      }
      return this.values[name];
    }
    let value: ParamValue;
    if (Object.hasOwn(this.fixed, name)) {
      value = this.fixed[name];
      if (!containsValue(distribution, value)) {
        throw new Error(
          `trial ${this.number}: the fixed value ${JSON.stringify(value)} of parameter "${name}" ` +
            `is not in ${describeDistribution(distribution)}`,
        );
      }
    } else {
      value = this.host.sampleIndependent(this.number, name, distribution);
    }
    this.host.recordParam(this.number, name, value, distribution);
    this.values[name] = value;
    this.distributions[name] = distribution;
    return value;
  }

  private assertRunning(what: string): void {
    if (this.finishedAs !== undefined) {
      throw new Error(`trial ${this.number} is already finished (${this.finishedAs}); cannot ${what}`);
    }
  }
}
