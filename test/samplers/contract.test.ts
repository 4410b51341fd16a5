// The contract every sampler of the registry keeps (after Optuna's tests/samplers_tests/test_samplers.py):
// values inside their distributions, one seed one sequence of trials, a saved and restored sampler carrying on
// as the original, no repeated configuration on a discrete space unless allowed, several trials asked before
// any is told, failed and pruned trials, and maximize. A new sampler joins with one line in CASES.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createSampler, SAMPLER_NAMES, type SamplerName } from "../../src/samplers/index.ts";
import type { Sampler } from "../../src/samplers/sampler.ts";
import { paperSpace } from "../../src/space/presets.ts";
import type { Distribution, Params, ParamValue, SearchSpace } from "../../src/space/types.ts";
import type { Direction, FrozenTrial, TrialState } from "../../src/trial/types.ts";
import { ArrayStudy } from "./study-loop.ts";

interface ContractCase {
  label: string;
  sampler: SamplerName;
  /** Options besides the seed; small settings keep the test fast. Continuous floats need `levels` for some samplers. */
  options: Record<string, unknown>;
  /** The sampler may propose a configuration the study already holds (on a discrete space). */
  repeats?: boolean;
  /** Its trials do not depend on the seed (the grid in its order). */
  seedless?: boolean;
}

const CASES: ContractCase[] = [
  { label: "grid", sampler: "grid", options: { levels: 3 }, seedless: true },
  { label: "grid shuffled", sampler: "grid", options: { levels: 3, shuffle: true } },
  { label: "random", sampler: "random", options: {} },
  { label: "tpe", sampler: "tpe", options: { nStartupTrials: 3 } },
  { label: "tpe multivariate", sampler: "tpe", options: { nStartupTrials: 3, multivariate: true } },
  { label: "tpe independent", sampler: "tpe", options: { nStartupTrials: 3, multivariate: false } },
  { label: "tpe constant liar", sampler: "tpe", options: { nStartupTrials: 3, constantLiar: true } },
  { label: "gp", sampler: "gp", options: { nStartupTrials: 3, nCandidates: 64 } },
  { label: "evolution", sampler: "evolution", options: { populationSize: 4, tournamentSize: 2 } },
  { label: "reinforce mlp", sampler: "reinforce", options: { policy: "mlp", levels: 4, batchSize: 2 } },
  { label: "reinforce rnn", sampler: "reinforce", options: { policy: "rnn", levels: 4, batchSize: 2 } },
  {
    label: "reinforce surrogate",
    sampler: "reinforce",
    options: { policy: "mlp", levels: 4, batchSize: 2, surrogate: "ei", surrogateStartupTrials: 3, surrogateSteps: 5 },
  },
  {
    label: "reinforce adaptive surrogate (the default's kind)",
    sampler: "reinforce",
    options: { policy: "mlp", levels: 4, batchSize: 2, surrogate: "ei+tpe-adaptive", surrogateStartupTrials: 3, surrogateSteps: 5 },
  },
  { label: "reinforce paper (no cache)", sampler: "reinforce", options: { preset: "paper", levels: 4, batchSize: 2 }, repeats: true },
  { label: "ppo mlp", sampler: "ppo", options: { policy: "mlp", levels: 4, batchSize: 4, minibatchSize: 2, epochs: 2 } },
  { label: "ppo rnn", sampler: "ppo", options: { policy: "rnn", levels: 4, batchSize: 4, minibatchSize: 2, epochs: 2 } },
];

/** Every kind of distribution: log and linear floats, a float step, int steps and log, a categorical of mixed choices. */
const MIXED: SearchSpace = {
  lr: { type: "float", low: 1e-5, high: 1, log: true },
  dropout: { type: "float", low: 0, high: 0.5 },
  momentum: { type: "float", low: 0.5, high: 0.99, step: 0.07 },
  units: { type: "int", low: 2, high: 64, step: 2 },
  layers: { type: "int", low: 1, high: 4 },
  batch: { type: "int", low: 8, high: 512, log: true },
  activation: { type: "categorical", choices: ["relu", 1.5, false, null] },
};

/** 3 x 4 x 2 = 24 configurations. */
const DISCRETE: SearchSpace = {
  a: { type: "int", low: 0, high: 4, step: 2 },
  b: { type: "categorical", choices: ["w", "x", "y", "z"] },
  c: { type: "float", low: 0.25, high: 0.75, step: 0.5 },
};

function make(c: ContractCase, seed: number): Sampler {
  return createSampler(c.sampler, { ...c.options, seed } as never);
}

/** A value of the objective that depends on every parameter and on nothing else. */
function objective(params: Params): number {
  let hash = 2166136261;
  for (const char of JSON.stringify(params)) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
  return hash / 2 ** 32;
}

function inDistribution(value: ParamValue, d: Distribution): boolean {
  if ("choices" in d) return (d.choices as ParamValue[]).some((choice) => Object.is(choice, value));
  if (typeof value !== "number" || !Number.isFinite(value) || value < d.low || value > d.high) return false;
  if (d.type === "int" && !Number.isInteger(value)) return false;
  const step = d.step ?? (d.type === "int" ? 1 : undefined);
  if (step === undefined) return true;
  const k = (value - d.low) / step;
  return Math.abs(k - Math.round(k)) < 1e-9;
}

function assertValid(trial: FrozenTrial, space: SearchSpace, label: string): void {
  assert.deepEqual(Object.keys(trial.params).sort(), Object.keys(space).sort(), `${label}: trial ${trial.number} has every parameter`);
  for (const [name, d] of Object.entries(space)) {
    const value = JSON.stringify(trial.params[name]);
    assert.ok(inDistribution(trial.params[name], d), `${label}: trial ${trial.number}: ${name} = ${value} is outside ${JSON.stringify(d)}`);
  }
}

interface RunOptions {
  direction?: Direction;
  /** Trials asked before any is told. */
  concurrency?: number;
  /** State of the trial with this number (COMPLETE when not given). */
  stateOf?: (number: number) => TrialState;
  /** Values told are value(params) (objective when not given). */
  value?: (params: Params) => number;
  study?: ArrayStudy;
}

/** Runs `count` trials, `concurrency` asked at a time and then told in order; returns the study. */
function run(sampler: Sampler, space: SearchSpace, count: number, options: RunOptions = {}): ArrayStudy {
  const study = options.study ?? new ArrayStudy(options.direction ?? "minimize");
  const value = options.value ?? objective;
  for (let done = 0; done < count; ) {
    const asked: FrozenTrial[] = [];
    for (let k = 0; k < (options.concurrency ?? 1) && done + asked.length < count; k++) asked.push(study.ask(sampler, space));
    for (const trial of asked) {
      const state = options.stateOf?.(trial.number) ?? "COMPLETE";
      if (state === "PRUNED") trial.intermediateValues = { 0: value(trial.params) };
      study.tell(sampler, trial, state === "COMPLETE" ? value(trial.params) : undefined, state);
    }
    done += asked.length;
  }
  return study;
}

function copyOf(study: ArrayStudy): ArrayStudy {
  const copy = new ArrayStudy(study.direction);
  copy.list.push(...structuredClone(study.list));
  return copy;
}

const keyOf = (params: Params) =>
  JSON.stringify(
    Object.keys(params)
      .sort()
      .map((name) => params[name]),
  );

test("every sampler of the registry is in the contract list", () => {
  for (const name of SAMPLER_NAMES) {
    const listed = CASES.some((c) => c.sampler === name);
    assert.ok(listed, `sampler "${name}" is offered by src/samplers/index.ts but not checked here: add a line to CASES`);
  }
});

for (const c of CASES) {
  describe(`sampler contract: ${c.label}`, () => {
    test("values lie inside their distributions, on a mixed space and on the paper's space", () => {
      for (const [spaceName, space] of [
        ["mixed", MIXED],
        ["paper", paperSpace()],
      ] as const) {
        const study = run(make(c, 1), space, 12);
        for (const trial of study.list) assertValid(trial, space, `${c.label} on ${spaceName}`);
      }
    });

    // Only for samplers that do not need the whole space: the case is not generated for the others (a skip fails CI).
    const definedByRun = make(c, 2).needsFullSpace ? undefined : test;
    definedByRun?.("define-by-run values lie inside their distributions", () => {
      const sampler = make(c, 2);
      const study = new ArrayStudy();
      for (let i = 0; i < 10; i++) {
        const trial = study.ask(sampler, MIXED, true);
        assertValid(trial, MIXED, c.label);
        study.tell(sampler, trial, objective(trial.params));
      }
    });

    test("the same seed gives the same trials; another seed other trials", () => {
      const first = run(make(c, 7), MIXED, 12).list.map((trial) => trial.params);
      assert.deepEqual(
        run(make(c, 7), MIXED, 12).list.map((trial) => trial.params),
        first,
      );
      if (!c.seedless)
        assert.notDeepEqual(
          run(make(c, 8), MIXED, 12).list.map((trial) => trial.params),
          first,
        );
    });

    test("a sampler restored from saved state mid-study proposes the same next trials as the original", () => {
      for (const space of [MIXED, DISCRETE]) {
        const original = make(c, 3);
        const study = run(original, space, 7);
        assert.ok(original.saveState !== undefined && original.loadState !== undefined, "saveState and loadState are part of the contract");
        const saved = JSON.parse(JSON.stringify(original.saveState()));
        const restored = make(c, 3);
        restored.loadState!(saved);
        const copy = copyOf(study);
        const next = run(original, space, 6, { study })
          .list.slice(7)
          .map((trial) => trial.params);
        const resumed = run(restored, space, 6, { study: copy })
          .list.slice(7)
          .map((trial) => trial.params);
        assert.deepEqual(resumed, next);
      }
    });

    // Not generated for a sampler that allows repeats.
    const withoutRepeats = c.repeats ? undefined : test;
    withoutRepeats?.("no configuration twice on a discrete space", () => {
      const sampler = make(c, 4);
      const study = run(sampler, DISCRETE, 24);
      assert.equal(new Set(study.list.map((trial) => keyOf(trial.params))).size, 24);
      if (sampler.isExhausted !== undefined) assert.equal(sampler.isExhausted(study, DISCRETE), true, "every configuration was proposed");
    });

    test("works with several trials asked before any is told", () => {
      const study = run(make(c, 5), MIXED, 16, { concurrency: 4 });
      for (const trial of study.list) assertValid(trial, MIXED, c.label);
      if (c.repeats) return;
      const discrete = run(make(c, 5), DISCRETE, 16, { concurrency: 4 });
      assert.equal(new Set(discrete.list.map((trial) => keyOf(trial.params))).size, 16, "running trials are not proposed again");
    });

    test("failed and pruned trials do not break it", () => {
      const stateOf = (number: number): TrialState => (number % 3 === 1 ? "FAIL" : number % 3 === 2 ? "PRUNED" : "COMPLETE");
      for (const space of [MIXED, DISCRETE]) {
        const study = run(make(c, 6), space, 15, { stateOf });
        for (const trial of study.list) assertValid(trial, space, c.label);
      }
    });

    test("maximize: maximizing -f proposes exactly the trials of minimizing f", () => {
      const minimized = run(make(c, 9), MIXED, 12, { direction: "minimize" }).list.map((trial) => trial.params);
      const maximized = run(make(c, 9), MIXED, 12, { direction: "maximize", value: (params) => -objective(params) }).list;
      assert.deepEqual(
        maximized.map((trial) => trial.params),
        minimized,
      );
    });
  });
}
