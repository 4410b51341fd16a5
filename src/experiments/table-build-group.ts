/**
 * A table build's configurations trained in groups: runs with the same seed, hidden units and batch
 * size share their initial weights (Rng(seed) draws them first) and every epoch's row order (drawn
 * next from the same Rng), so they differ only in learning rate and weight decay and can be trained
 * together in one pass over the data (src/nn/wasm-group.ts). Each run's numbers are bit for bit those
 * of trainAndEvaluate with onEpoch (test/experiments/table-build-group.test.ts); a run's `seconds` is
 * its group's wall time divided by the group's size.
 */
import { performance } from "node:perf_hooks";
import { initMlpParameters, type MlpShape } from "../nn/mlp.ts";
import { Rng } from "../nn/rng.ts";
import { WasmWorkspace, wasmAvailable } from "../nn/wasm.ts";
import { WasmMlpGroup } from "../nn/wasm-group.ts";
import { csvDatasetOptionsOf, csvTaskSplit, loadCsvDataset } from "../tasks/csv-task.ts";
import { PAPER_TASKS, type PaperTaskName, paperTaskSplitSync } from "../tasks/paper-task.ts";
import { type TaskReference, taskNameOf } from "../tasks/task.ts";
import type { SplitData } from "../tasks/types.ts";

/** What the runs of a group share. */
export interface GroupSettings {
  hidden: number;
  batchSize: number;
  seed: number;
  epochs: number;
}

/** One run of a group: its learning rate and weight decay. */
export interface GroupRun {
  learningRate: number;
  weightDecay: number;
}

export interface GroupRunResult {
  validationLoss: number;
  testLoss: number;
  diverged: boolean;
  /** The validation loss after each epoch trained (Infinity where it was not finite). */
  curve: number[];
  seconds: number;
}

/**
 * The split a task trains on, when it is the paper's MLP on wine, letter or a CSV file (the same
 * rows the task's own evaluate uses); undefined for other tasks, whose runs are trained one by one.
 */
export function groupableSplit(reference: TaskReference, splitSeed: number): SplitData | undefined {
  if (!wasmAvailable()) return undefined;
  const name = taskNameOf(reference);
  if ((PAPER_TASKS as readonly string[]).includes(name)) return paperTaskSplitSync(name as PaperTaskName, splitSeed);
  if (name.startsWith("csv:") && typeof reference !== "string") {
    const dataset = loadCsvDataset(name.slice(4), csvDatasetOptionsOf(reference.options), splitSeed);
    return csvTaskSplit(dataset, splitSeed);
  }
  return undefined;
}

const workspaces = new WeakMap<SplitData, WasmWorkspace>();

function workspaceFor(split: SplitData): WasmWorkspace {
  let workspace = workspaces.get(split);
  if (workspace === undefined) {
    workspace = new WasmWorkspace();
    for (const part of [split.train, split.validation, split.test]) workspace.upload(part, split.nInputs);
    workspaces.set(split, workspace);
  }
  return workspace;
}

/** Trains the runs together and returns their results in the same order. */
export function trainGroup(split: SplitData, settings: GroupSettings, runs: GroupRun[]): GroupRunResult[] {
  const started = performance.now();
  const { hidden, seed, epochs } = settings;
  if (runs.length === 0) return [];
  const shape: MlpShape = { kind: split.kind, inputs: split.nInputs, hidden, outputs: split.nOutputs };
  const nTrain = split.train.n;
  const batchSize = Math.min(settings.batchSize, nTrain);
  const group = new WasmMlpGroup(workspaceFor(split), shape, runs.length);
  const rng = new Rng(seed);
  group.setParameters(initMlpParameters(shape, rng));
  group.startAdam(
    runs.map((run) => run.learningRate),
    runs.map((run) => run.weightDecay),
  );
  const curves: number[][] = runs.map(() => []);
  let live = runs.map(() => true);
  for (let epoch = 0; epoch < epochs && live.some(Boolean); epoch++) {
    group.trainEpoch(split.train, rng.permutation(nTrain), nTrain, batchSize);
    live = group.alive();
    const losses = group.meanLosses(split.validation);
    for (let m = 0; m < runs.length; m++) if (live[m]) curves[m].push(Number.isFinite(losses[m]) ? losses[m] : Infinity);
  }
  const testLosses = group.meanLosses(split.test);
  const seconds = (performance.now() - started) / 1000 / runs.length;
  return runs.map((_, m) => {
    const curve = curves[m];
    const validationLoss = curve.length === epochs ? curve[epochs - 1] : Infinity;
    const finite = live[m] && Number.isFinite(validationLoss) && Number.isFinite(testLosses[m]);
    return {
      validationLoss: finite ? validationLoss : Infinity,
      testLoss: finite ? testLosses[m] : Infinity,
      diverged: !finite,
      curve,
      seconds,
    };
  });
}
