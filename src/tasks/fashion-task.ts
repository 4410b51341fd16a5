/**
 * The `fashion` task: the CNN of nn/conv-net.ts on Fashion-MNIST (fashion-data.ts, fashion-split.ts).
 * One evaluation: PyTorch-default init from Rng(seed), then per epoch one fresh permutation of the
 * training images from the same Rng, minibatches of batch_size (the last one partial), Adam with
 * coupled L2; validation and test cross-entropy and accuracy after the last epoch. Epochs are the
 * fidelity: with an epoch report (EvaluateOptions.onEpoch) the validation loss after each epoch is
 * reported and the run can stop there.
 */

import type { ConvNetEngine, ConvNetShape } from "../nn/conv-net.ts";
import { initConvNetParameters } from "../nn/conv-net.ts";
import { ConvNetTrainer } from "../nn/conv-reference.ts";
import { ConvWasmWorkspace, convWasmAvailable } from "../nn/conv-wasm.ts";
import { Rng } from "../nn/rng.ts";
import { cnnSpace } from "../space/presets.ts";
import type { Params, SearchSpace } from "../space/types.ts";
import { type FashionConfig, fashionConfigOf, fashionOptionsOf } from "./fashion-config.ts";
import { loadFashion } from "./fashion-data.ts";
import { FASHION_FULL_TRAIN_SIZE, type FashionSplit, fashionSplit } from "./fashion-split.ts";
import { checkMlpSettings } from "./mlp-task.ts";
import type { EvaluateOptions, Task, TaskOptions, TaskResult, TaskSettings } from "./task.ts";

export const FASHION_DEFAULT_EPOCHS = 5;

/**
 * The space searched when none is given: the `cnn` preset, whose epochs parameter is the most a trial
 * trains (the pruners stop it earlier from its per-epoch reports). When the run fixes the epochs
 * (--epochs), the space leaves them out, as a parameter and a setting both at once are refused.
 */
export function fashionDefaultSpace(settingsEpochs?: number): SearchSpace {
  const space = cnnSpace();
  if (settingsEpochs !== undefined) delete space.epochs;
  return space;
}

const splits = new Map<string, FashionSplit>();
const workspaces = new WeakMap<FashionSplit, ConvWasmWorkspace>();

function cachedSplit(splitSeed: number, trainSize: number): FashionSplit {
  const key = `${splitSeed}:${trainSize}`;
  let split = splits.get(key);
  if (split === undefined) {
    split = fashionSplit(loadFashion(), splitSeed, trainSize);
    splits.set(key, split);
  }
  return split;
}

/** The wasm engine when build/cnn.wasm loads (the split's images uploaded once), else the TypeScript reference. */
function engineFor(split: FashionSplit, shape: ConvNetShape): ConvNetEngine {
  if (!convWasmAvailable()) return new ConvNetTrainer(shape);
  let workspace = workspaces.get(split);
  if (workspace === undefined) {
    workspace = new ConvWasmWorkspace();
    for (const part of [split.train, split.validation, split.test]) workspace.upload(part);
    workspaces.set(split, workspace);
  }
  return workspace.createEngine(shape);
}

/** Trains one configuration and scores it; never throws for a valid configuration. */
export function trainFashion(split: FashionSplit, config: FashionConfig, seed: number, options: EvaluateOptions = {}): TaskResult {
  const started = performance.now();
  const engine = engineFor(split, config.shape);
  const rng = new Rng(seed);
  engine.setParameters(initConvNetParameters(config.shape, rng));
  engine.startAdam({ lr: config.learningRate, weightDecay: config.weightDecay });
  const n = split.train.n;
  const batchSize = Math.min(config.batchSize, n);
  const losses = new Float64Array(Math.ceil(n / batchSize));
  const curve: number[] = [];
  let [epochsRun, diverged, stopped] = [0, false, false];
  while (epochsRun < config.epochs && !stopped) {
    const steps = engine.trainEpoch(split.train, rng.permutation(n), n, batchSize, losses, 0);
    if (steps < losses.length || !Number.isFinite(losses[steps - 1])) {
      diverged = true;
      break;
    }
    epochsRun++;
    if (options.onEpoch !== undefined) {
      const { loss } = engine.evaluate(split.validation);
      curve.push(Number.isFinite(loss) ? loss : Infinity);
      stopped = options.onEpoch(epochsRun, curve[curve.length - 1]) === true && epochsRun < config.epochs;
    }
  }
  const scores = diverged ? null : { validation: engine.evaluate(split.validation), test: engine.evaluate(split.test) };
  diverged ||= scores === null || !Number.isFinite(scores.validation.loss) || !Number.isFinite(scores.test.loss);
  const reported = options.onEpoch === undefined ? {} : { validationCurve: curve, ...(stopped ? { stoppedAtEpoch: epochsRun } : {}) };
  return {
    validationLoss: diverged ? Infinity : (scores?.validation.loss ?? Infinity),
    testLoss: diverged ? Infinity : (scores?.test.loss ?? Infinity),
    diverged,
    seed,
    epochsRun,
    seconds: (performance.now() - started) / 1000,
    ...(diverged || scores === null ? {} : { validationAccuracy: scores.validation.accuracy, testAccuracy: scores.test.accuracy }),
    ...reported,
  };
}

/** Opens the task from local files (see fashion-data.ts); options: { trainSize }. */
export function fashionTask(options: TaskOptions | undefined, settings: TaskSettings): Task {
  const { trainSize } = fashionOptionsOf(options);
  checkMlpSettings(settings);
  const split = cachedSplit(settings.splitSeed ?? 0, trainSize ?? FASHION_FULL_TRAIN_SIZE);
  return {
    name: "fashion",
    reference: trainSize === undefined ? "fashion" : { name: "fashion", options: { trainSize } },
    kind: "classification",
    lossName: "mean cross-entropy in nats",
    defaultSpace: () => fashionDefaultSpace(settings.epochs),
    evaluate: (params: Params, seed: number, evaluateOptions?: EvaluateOptions) =>
      trainFashion(split, fashionConfigOf(params, settings.epochs, FASHION_DEFAULT_EPOCHS), seed, evaluateOptions),
  };
}
