/** The pruners by the names the command line and config files use. */

import { HyperbandPruner } from "./hyperband.ts";
import { MedianPruner, type MedianPrunerOptions } from "./median.ts";
import type { Pruner } from "./pruner.ts";
import { type SuccessiveHalvingOptions, SuccessiveHalvingPruner } from "./successive-halving.ts";

export const PRUNER_NAMES = ["none", "median", "asha", "hyperband"] as const;
export type PrunerName = (typeof PRUNER_NAMES)[number];

/** Every pruner's options in one object; each pruner reads its own (see their option types). */
export interface PrunerOptions extends MedianPrunerOptions, SuccessiveHalvingOptions {
  /** Hyperband: the steps a trial trains when never stopped (a task's epochs). */
  maxResource?: number;
}

/** The pruner a name gives, or undefined for "none"; unknown names and bad options are errors naming them. */
export function createPruner(name: string, options: PrunerOptions = {}): Pruner | undefined {
  switch (name) {
    case "none":
      return undefined;
    case "median":
      return new MedianPruner(options);
    case "asha":
      return new SuccessiveHalvingPruner(options);
    case "hyperband":
      if (options.maxResource === undefined) throw new Error("the hyperband pruner needs maxResource (the steps of a full trial)");
      return new HyperbandPruner({ ...options, maxResource: options.maxResource });
    default:
      throw new Error(`unknown pruner ${JSON.stringify(name)}; pruners: ${PRUNER_NAMES.join(", ")}`);
  }
}

export { HyperbandPruner, hyperbandPruner } from "./hyperband.ts";
export { MedianPruner, medianPruner } from "./median.ts";
export type { Pruner, PrunerStudy } from "./pruner.ts";
export { SuccessiveHalvingPruner, successiveHalvingPruner } from "./successive-halving.ts";
