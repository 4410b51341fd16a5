/**
 * The fashion task's parameters and options, checked. Parameters: learning_rate, weight_decay,
 * batch_size, hidden_units (as the paper space names them, so `hyperforce evaluate --hidden` works),
 * c1 and c2 (default 16 and 32, the benchmark shape), and epochs. Epochs come from the
 * parameters when the space holds them, else from the task's epochs setting; both at once is refused.
 */

import { ConfigError } from "../errors/errors.ts";
import type { ConvNetShape } from "../nn/conv-net.ts";
import { checkConvNetShape } from "../nn/conv-net.ts";
import type { Params } from "../space/types.ts";
import type { TaskOptions } from "./task.ts";

export interface FashionConfig {
  shape: ConvNetShape;
  learningRate: number;
  weightDecay: number;
  batchSize: number;
  epochs: number;
}

export const FASHION_PARAMS = ["learning_rate", "weight_decay", "batch_size", "hidden_units", "c1", "c2", "epochs"] as const;
export const FASHION_DEFAULT_CHANNELS = { c1: 16, c2: 32 };

function numberParam(params: Params, name: string, fallback?: number): number {
  if (!Object.hasOwn(params, name)) {
    if (fallback !== undefined) return fallback;
    throw new Error(`parameter "${name}" is missing; the fashion CNN needs learning_rate, weight_decay, batch_size, hidden_units`);
  }
  const value = params[name];
  if (typeof value !== "number" || !Number.isFinite(value))
    throw new Error(`parameter "${name}" must be a finite number, got ${JSON.stringify(value)}`);
  return value;
}

function wholeParam(params: Params, name: string, fallback?: number): number {
  const value = numberParam(params, name, fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be an integer >= 1, got ${value}`);
  return value;
}

/** The configuration the parameters name; `settingsEpochs` is the task's epochs setting, if any. */
export function fashionConfigOf(params: Params, settingsEpochs: number | undefined, defaultEpochs: number): FashionConfig {
  const unknown = Object.keys(params).filter((name) => !(FASHION_PARAMS as readonly string[]).includes(name));
  if (unknown.length > 0)
    throw new Error(`the fashion task has no parameter ${unknown.join(", ")}; its parameters: ${FASHION_PARAMS.join(", ")}`);
  if (settingsEpochs !== undefined && Object.hasOwn(params, "epochs")) {
    throw new Error(`epochs is both a parameter (${JSON.stringify(params.epochs)}) and a setting (${settingsEpochs}): give one`);
  }
  const config: FashionConfig = {
    learningRate: numberParam(params, "learning_rate"),
    weightDecay: numberParam(params, "weight_decay"),
    batchSize: wholeParam(params, "batch_size"),
    epochs: wholeParam(params, "epochs", settingsEpochs ?? defaultEpochs),
    shape: {
      c1: wholeParam(params, "c1", FASHION_DEFAULT_CHANNELS.c1),
      c2: wholeParam(params, "c2", FASHION_DEFAULT_CHANNELS.c2),
      hidden: wholeParam(params, "hidden_units"),
    },
  };
  if (!(config.learningRate > 0)) throw new Error(`learning_rate must be > 0, got ${config.learningRate}`);
  if (!(config.weightDecay >= 0)) throw new Error(`weight_decay must be >= 0, got ${config.weightDecay}`);
  checkConvNetShape(config.shape);
  return config;
}

/** The task's options: only trainSize, an integer in [10, 50000]. */
export function fashionOptionsOf(options: TaskOptions | undefined): { trainSize?: number } {
  const given = Object.keys(options ?? {}).filter((name) => name !== "trainSize");
  if (given.length > 0) throw new ConfigError(`the task fashion takes only the option trainSize, got ${given.join(", ")}`);
  const trainSize = options?.trainSize;
  if (trainSize === undefined) return {};
  if (typeof trainSize !== "number" || !Number.isInteger(trainSize) || trainSize < 10 || trainSize > 50_000) {
    throw new ConfigError(`fashion: trainSize must be an integer in [10, 50000], got ${JSON.stringify(trainSize)}`);
  }
  return { trainSize };
}
