// A module objective in TypeScript: needs a TypeScript loader (tsx) in the process.
import type { Trial } from "../../../src/trial/types.ts";

interface Settings {
  offset: number;
}
const settings: Settings = { offset: 3 };

export function objective(trial: Trial): number {
  const x: number = trial.suggestFloat("x", -5, 5);
  return (x - settings.offset) ** 2;
}
