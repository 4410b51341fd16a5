/**
 * Named search spaces. `paper` is the space of the HPO-as-RL paper (TASKS.md) as ordered numeric
 * choices, values ascending; `paper-categorical` is the same values as categoricals in the paper's
 * index order (learning rates 1e-5, 1e-4, ..., 1e-1, 3e-5, ...), the encoding before ordered choices,
 * kept for comparison and for the paper's reproduction.
 */
import type { SearchSpace } from "./types.ts";

const RATES = [1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 3e-5, 3e-4, 3e-3, 3e-2, 3e-1];
const BATCH_SIZES = [8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096];
const HIDDEN_UNITS = [2, 4, 6, 8, 10, 12, 14, 16, 18, 20];

const ascending = (values: readonly number[]) => values.slice().sort((a, b) => a - b);

/** The paper's 10x10x10x10 space as ordered choices: rates and batch sizes on a log scale. */
export function paperSpace(): SearchSpace {
  return {
    learning_rate: { type: "float", choices: ascending(RATES), log: true },
    weight_decay: { type: "float", choices: ascending(RATES), log: true },
    batch_size: { type: "int", choices: BATCH_SIZES.slice(), log: true },
    hidden_units: { type: "int", choices: HIDDEN_UNITS.slice() },
  };
}

/** The same space with every parameter categorical, choices in the paper's index order (the tables' stored order). */
export function paperCategoricalSpace(): SearchSpace {
  return {
    learning_rate: { type: "categorical", choices: RATES.slice() },
    weight_decay: { type: "categorical", choices: RATES.slice() },
    batch_size: { type: "categorical", choices: BATCH_SIZES.slice() },
    hidden_units: { type: "categorical", choices: HIDDEN_UNITS.slice() },
  };
}

/**
 * The fashion CNN's space (issue 18): rates, weight decays, batch sizes and widths on a log scale.
 * Epochs are a parameter here (the pruners' fidelity is the epoch each trial reports after), except
 * when a run fixes them: then the fashion task leaves them out (fashionDefaultSpace).
 */
export function cnnSpace(): SearchSpace {
  return {
    learning_rate: { type: "float", choices: [1e-4, 3e-4, 1e-3, 3e-3, 1e-2], log: true },
    weight_decay: { type: "float", choices: [1e-6, 1e-5, 1e-4, 1e-3], log: true },
    batch_size: { type: "int", choices: [16, 32, 64, 128], log: true },
    c1: { type: "int", choices: [4, 8, 16, 32], log: true },
    c2: { type: "int", choices: [8, 16, 32, 64], log: true },
    hidden_units: { type: "int", choices: [32, 64, 128], log: true },
    epochs: { type: "int", choices: [1, 2, 4, 8], log: true },
  };
}

const PRESETS: Record<string, () => SearchSpace> = { paper: paperSpace, "paper-categorical": paperCategoricalSpace, cnn: cnnSpace };
/** The preset space with this name; an unknown name is an error listing the known ones. */
export function spacePreset(name: string): SearchSpace {
  const make = Object.hasOwn(PRESETS, name) ? PRESETS[name] : undefined;
  if (make === undefined) {
    throw new Error(`unknown search space preset "${name}"; known presets: ${Object.keys(PRESETS).join(", ")}`);
  }
  return make();
}

export function presetNames(): string[] {
  return Object.keys(PRESETS);
}
