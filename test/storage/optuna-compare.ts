// Round trips with real Optuna (Debian's python3-optuna, run by /usr/bin/python3) on any storage Optuna
// opens too: optuna_load.py loads or writes a journal file, a Redis journal or a PostgreSQL database,
// and these functions compare what it read with what hyperforce reads, field by field.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import type { Distribution } from "../../src/space/types.ts";
import { datetimeFromOptuna, directionToOptuna, distributionToOptuna, stateToOptuna } from "../../src/storage/optuna-format.ts";
import { fromPythonJson } from "../../src/storage/python-json.ts";
import type { Storage } from "../../src/storage/storage.ts";

export const PYTHON = "/usr/bin/python3";
export const SCRIPT = join(import.meta.dirname, "optuna_load.py");
const probe = spawnSync(PYTHON, ["-c", "import optuna; print(optuna.__version__)"], { encoding: "utf8" });
export const skip = probe.status === 0 ? false : `Optuna is not installed for ${PYTHON} (apt-get install -y python3-optuna)`;

export interface OptunaTrial {
  number: number;
  state: number;
  values: number[] | null;
  params: Record<string, unknown>;
  distributions: Record<string, unknown>;
  intermediate_values: Record<string, number>;
  user_attrs: Record<string, unknown>;
  system_attrs: Record<string, unknown>;
  datetime_start: string | null;
  datetime_complete: string | null;
}
export interface OptunaStudy {
  study_id: number;
  name: string;
  directions: number[];
  user_attrs: Record<string, unknown>;
  system_attrs: Record<string, unknown>;
  trials: OptunaTrial[];
}
export interface OptunaDump {
  optuna_version: string;
  studies: OptunaStudy[];
}

export function optuna(command: "load" | "write", path: string): OptunaDump {
  const run = spawnSync(PYTHON, [SCRIPT, command, path], { encoding: "utf8" });
  assert.equal(run.status, 0, `optuna_load.py ${command} failed:\n${run.stderr}`);
  return fromPythonJson(run.stdout) as OptunaDump;
}

/** Every field of every study and trial as hyperforce sees them equals what Optuna loaded. */
/** `sameIds`: the study ids are Optuna's too (journals; PostgreSQL numbers its rows from 1). */
export function assertSameAsOptuna(storage: Storage, dump: OptunaDump, sameIds = true): void {
  assert.deepEqual(
    storage.listStudies().map((s) => s.name),
    dump.studies.map((s) => s.name),
  );
  for (const expected of dump.studies) {
    const study = storage.findStudy(expected.name);
    assert.ok(study, `study ${expected.name}`);
    if (sameIds) assert.equal(study.studyId, expected.study_id);
    assert.deepEqual([directionToOptuna(study.direction)], expected.directions);
    assert.deepEqual(study.userAttrs, expected.user_attrs);
    assert.deepEqual(study.systemAttrs, expected.system_attrs);
    const trials = storage.getAllTrials(study.studyId);
    assert.equal(trials.length, expected.trials.length, `trials of ${expected.name}`);
    trials.forEach((trial, i) => {
      const theirs = expected.trials[i];
      const where = `${expected.name} trial ${i}`;
      assert.equal(trial.number, theirs.number, where);
      assert.equal(stateToOptuna(trial.state), theirs.state, where);
      assert.deepEqual(trial.value === undefined ? null : [trial.value], theirs.values, where);
      assert.deepEqual(trial.params, theirs.params, where);
      const distributions = Object.fromEntries(Object.entries(trial.distributions).map(([k, d]) => [k, distributionToOptuna(d)]));
      assert.deepEqual(distributions, theirs.distributions, where);
      assert.deepEqual(
        Object.fromEntries(Object.entries(trial.intermediateValues).map(([k, v]) => [String(k), v])),
        theirs.intermediate_values,
        where,
      );
      assert.deepEqual(trial.userAttrs, theirs.user_attrs, where);
      assert.deepEqual(trial.systemAttrs, theirs.system_attrs, where);
      const time = (s: string | null) => (s === null ? undefined : datetimeFromOptuna(s));
      assert.equal(trial.datetimeStart, time(theirs.datetime_start), `${where} datetime_start`);
      assert.equal(trial.datetimeComplete, time(theirs.datetime_complete), `${where} datetime_complete`);
    });
  }
}

const lr: Distribution = { type: "float", low: 1e-5, high: 1e-1, log: true };
const dropout: Distribution = { type: "float", low: 0, high: 0.5, step: 0.1 };
const units: Distribution = { type: "int", low: 16, high: 128, step: 16 };
const layers: Distribution = { type: "int", low: 1, high: 8, log: true };
const act: Distribution = { type: "categorical", choices: ["relu", "tanh", null, 2, true] };

/** Writes two studies through `s` (every state, param kind, attr and value kind), then Optuna loads `spec`. */
export function writeAndLoadInOptuna(s: Storage, spec: string, sameIds = true): void {
  const warmup = s.createStudy("warmup", "maximize");
  const id = s.createStudy("hyperforce-written", "minimize");
  s.setStudyUserAttr(id, "space", { lr: { type: "float", low: 1e-5, high: 0.1, log: true } });
  s.setStudySystemAttr(id, "sampler_state", { weights: [0.5, -1.25], step: 3 });
  const suggest = (n: number, values: [number, number, number, number, string | number | boolean | null]) => {
    s.setTrialParam(id, n, "lr", values[0], lr);
    s.setTrialParam(id, n, "dropout", values[1], dropout);
    s.setTrialParam(id, n, "units", values[2], units);
    s.setTrialParam(id, n, "layers", values[3], layers);
    s.setTrialParam(id, n, "act", values[4], act);
  };
  // A trial of another study in between: trial ids are global in the file, numbers per study.
  const w = s.createTrial(warmup);
  const done = s.createTrial(id);
  s.setTrialStateValue(warmup, w, "COMPLETE", 10);
  suggest(done, [0.0015, 0.2, 48, 2, "tanh"]);
  s.setTrialIntermediateValue(id, done, 0, 0.9);
  s.setTrialIntermediateValue(id, done, 1, 0.45);
  s.setTrialUserAttr(id, done, "note", { text: "épreuve ✓", ok: true });
  s.setTrialStateValue(id, done, "COMPLETE", 0.4175);

  const failed = s.createTrial(id);
  suggest(failed, [0.05, 0.5, 128, 8, null]);
  s.setTrialSystemAttr(id, failed, "fail_reason", "objective returned NaN");
  s.setTrialStateValue(id, failed, "FAIL");

  const pruned = s.createTrial(id);
  suggest(pruned, [1e-5, 0, 16, 1, 2]);
  s.setTrialIntermediateValue(id, pruned, 0, 3);
  s.setTrialIntermediateValue(id, pruned, 5, Infinity);
  s.setTrialStateValue(id, pruned, "PRUNED", 3);

  const running = s.createTrial(id);
  suggest(running, [0.001, 0.1, 32, 4, true]);
  s.setTrialIntermediateValue(id, running, 0, NaN);

  const waiting = s.createTrial(id, {
    state: "WAITING",
    params: { act: "relu" },
    distributions: { act },
    systemAttrs: { fixed_params: { act: "relu", lr: 0.01 } },
  });
  assert.equal(waiting, 4);

  const dump = optuna("load", spec);
  assert.match(dump.optuna_version, /^[34]\./);
  assertSameAsOptuna(s, dump, sameIds);
  assert.deepEqual(
    dump.studies[1].trials.map((t) => t.state),
    [1, 3, 2, 0, 4],
  );
  assert.equal(s.getTrial(id, failed).failReason, "objective returned NaN");
}

/**
 * Optuna writes two studies into `spec`; the storage `open()` gives reads them, continues them (the
 * interrupted trial failed, the enqueued one run, new trials), and Optuna reads the result.
 */
export function continueOptunaStudies(spec: string, open: () => Storage, sameIds = true): void {
  const written = optuna("write", spec);
  const s = open();
  assertSameAsOptuna(s, written, sameIds);

  const id = s.findStudy("optuna-written")!.studyId;
  const trials = s.getAllTrials(id);
  assert.deepEqual(
    trials.map((t) => t.state),
    ["COMPLETE", "COMPLETE", "PRUNED", "FAIL", "COMPLETE", "RUNNING", "WAITING"],
  );
  assert.equal(trials[2].value, trials[2].intermediateValues[2]); // Optuna keeps the last reported value
  assert.ok(Number.isNaN(trials[5].intermediateValues[0]));
  assert.deepEqual(trials[6].systemAttrs, { fixed_params: { lr: 0.01, units: 32 } });

  // Continue: resume the interrupted trial as FAIL, run the enqueued one, add trials to both studies.
  s.setTrialSystemAttr(id, 5, "fail_reason", "interrupted: left RUNNING by a process that stopped");
  s.setTrialStateValue(id, 5, "FAIL");
  s.setTrialStateValue(id, 6, "RUNNING");
  s.setTrialParam(id, 6, "lr", 0.01, lr);
  s.setTrialParam(id, 6, "units", 32, units);
  s.setTrialParam(id, 6, "act", 2, act);
  s.setTrialStateValue(id, 6, "COMPLETE", 0.042);
  const other = s.findStudy("optuna-other")!.studyId;
  const n = s.createTrial(other);
  s.setTrialParam(other, n, "n", 5, { type: "int", low: 1, high: 9 });
  s.setTrialStateValue(other, n, "COMPLETE", 5);
  const extra = s.createTrial(id);
  s.setTrialParam(id, extra, "dropout", 0.3, dropout);
  s.setTrialParam(id, extra, "layers", 3, layers);
  s.setTrialStateValue(id, extra, "PRUNED");
  assert.throws(() => s.setTrialParam(id, extra, "units", 3, { type: "float", low: 0, high: 9 }), {
    message: 'trial 7 of study "optuna-written" is already PRUNED and cannot be updated',
  });

  const reloaded = optuna("load", spec);
  assertSameAsOptuna(s, reloaded, sameIds);
  assert.equal(reloaded.studies[0].trials.length, 3);
  assert.equal(reloaded.studies[1].trials.length, 8);
  assert.equal(reloaded.studies[1].trials[6].params.act, 2);
}
