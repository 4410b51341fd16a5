/**
 * A TensorFlow.js model tuned by hyperforce through a module objective.
 *
 * The model: Dense(units, relu) -> Dense(1), trained with Adam on the red-wine data (predict
 * `residual sugar` from the 11 other columns, as in the paper's regression task). The trial
 * suggests the learning rate, the width, the batch size and the number of epochs; the objective
 * returns the validation mean squared error (of the z-scored target: 1.0 = predicting the mean).
 *
 * Pure JavaScript CPU backend, so it runs anywhere Node runs. Seeded: trial N gives the same
 * number on every run.
 */

import { existsSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../../src/nn/rng.ts";
import type { SearchSpace } from "../../src/space/types.ts";
import { loadCsvDataset } from "../../src/tasks/csv-task.ts";
import { splitDataset } from "../../src/tasks/split.ts";
import type { DataPart, SplitData } from "../../src/tasks/types.ts";
import type { Trial } from "../../src/trial/types.ts";

/** The wine file: WINE_CSV, else winequality-red.csv in HYPERFORCE_DATA_DIR; an error says which is missing. */
export function winePath(): string {
  const dataDir = process.env.HYPERFORCE_DATA_DIR;
  if (!process.env.WINE_CSV && !dataDir) {
    throw new Error("set HYPERFORCE_DATA_DIR to the folder holding winequality-red.csv (or WINE_CSV to the file)");
  }
  const path = process.env.WINE_CSV || join(dataDir as string, "winequality-red.csv");
  if (!existsSync(path)) throw new Error(`the wine data file is not there: ${path}`);
  return path;
}

let cachedSplit: SplitData | undefined;

/** Read once per process; the same split seed, so every trial sees the same rows. */
function wineSplit(): SplitData {
  cachedSplit ??= splitDataset(loadCsvDataset(winePath(), { target: "residual sugar", kind: "regression" }), 0);
  return cachedSplit;
}

function tensors(part: DataPart, nInputs: number): { x: tf.Tensor2D; y: tf.Tensor2D } {
  return { x: tf.tensor2d(part.x, [part.n, nInputs]), y: tf.tensor2d(part.y, [part.n, 1]) };
}

async function meanSquaredError(model: tf.Sequential, x: tf.Tensor2D, y: tf.Tensor2D): Promise<number> {
  const loss = tf.tidy(() => tf.losses.meanSquaredError(y, model.predict(x) as tf.Tensor2D));
  const value = (await loss.data())[0];
  loss.dispose();
  return value;
}

/**
 * The parameters objective() suggests, declared up front: a study must declare them to run the
 * objective in worker threads (the controller decides every parameter there).
 */
export const space: SearchSpace = {
  learning_rate: { type: "float", low: 1e-3, high: 1e-1, log: true },
  units: { type: "int", low: 4, high: 64, log: true },
  batch_size: { type: "categorical", choices: [32, 64, 128] },
  epochs: { type: "int", low: 2, high: 8 },
};

export async function objective(trial: Trial): Promise<number> {
  const learningRate = trial.suggestFloat("learning_rate", 1e-3, 1e-1, { log: true });
  const units = trial.suggestInt("units", 4, 64, { log: true });
  const batchSize = trial.suggestCategorical("batch_size", [32, 64, 128]);
  const epochs = trial.suggestInt("epochs", 2, 8);

  if (tf.getBackend() !== "cpu") await tf.setBackend("cpu");
  const split = wineSplit();
  const seed = 1000 + trial.number;
  const train = tensors(split.train, split.nInputs);
  const validation = tensors(split.validation, split.nInputs);
  const model = tf.sequential();
  model.add(
    tf.layers.dense({
      units,
      activation: "relu",
      inputShape: [split.nInputs],
      kernelInitializer: tf.initializers.glorotUniform({ seed }),
    }),
  );
  model.add(tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }));
  model.compile({ optimizer: tf.train.adam(learningRate), loss: "meanSquaredError" });

  // Our own seeded minibatch order (model.fit would shuffle with Math.random).
  const rng = new Rng(seed);
  let validationLoss = Infinity;
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const order = tf.tensor1d(rng.permutation(split.train.n), "int32");
      for (let start = 0; start < split.train.n; start += batchSize) {
        const end = Math.min(start + batchSize, split.train.n);
        const [x, y] = tf.tidy(() => {
          const rows = order.slice(start, end - start);
          return [tf.gather(train.x, rows), tf.gather(train.y, rows)];
        });
        await model.trainOnBatch(x, y);
        x.dispose();
        y.dispose();
      }
      order.dispose();
      validationLoss = await meanSquaredError(model, validation.x, validation.y);
      trial.report(epoch, validationLoss);
      if (!Number.isFinite(validationLoss)) break;
    }
  } finally {
    model.dispose();
    tf.dispose([train.x, train.y, validation.x, validation.y]);
  }
  trial.setUserAttr("tfjs_backend", tf.getBackend());
  return validationLoss;
}
