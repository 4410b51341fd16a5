/** Named search spaces. `paper` is the space of the HPO-as-RL paper (TASKS.md), in policy index order. */
import type { SearchSpace } from "./types.ts";

const RATES = [1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 3e-5, 3e-4, 3e-3, 3e-2, 3e-1];

/** The paper's 10x10x10x10 space; every parameter is categorical so the choice order is the index order. */
export function paperSpace(): SearchSpace {
  return {
    learning_rate: { type: "categorical", choices: RATES.slice() },
    weight_decay: { type: "categorical", choices: RATES.slice() },
    batch_size: { type: "categorical", choices: [8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096] },
    hidden_units: { type: "categorical", choices: [2, 4, 6, 8, 10, 12, 14, 16, 18, 20] },
  };
}

const PRESETS: Record<string, () => SearchSpace> = { paper: paperSpace };

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
