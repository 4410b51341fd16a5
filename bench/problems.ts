// The synthetic problems of bench/samplers.ts (reported, seeds 0-19) and bench/tpe-tune.ts (choosing defaults, other seeds).
import { paperSpace } from "../src/space/presets.ts";
import type { Params, SearchSpace } from "../src/space/types.ts";

export interface SyntheticProblem {
  name: string;
  space: SearchSpace;
  f: (p: Params) => number;
  optimum: number;
}

export const problems: SyntheticProblem[] = [
  {
    name: "quadratic",
    space: { x: { type: "float", low: -10, high: 10 }, y: { type: "float", low: -10, high: 10 } },
    f: (p) => ((p.x as number) - 1.5) ** 2 + ((p.y as number) + 2) ** 2,
    optimum: 0,
  },
  {
    name: "branin",
    space: { x1: { type: "float", low: -5, high: 10 }, x2: { type: "float", low: 0, high: 15 } },
    f: (p) => {
      const x1 = p.x1 as number;
      const x2 = p.x2 as number;
      return (x2 - (5.1 / (4 * Math.PI ** 2)) * x1 ** 2 + (5 / Math.PI) * x1 - 6) ** 2 + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x1) + 10;
    },
    optimum: 0.397887,
  },
  {
    // A smooth bowl over the paper's categorical space (10^4 points), best at lr 1e-3, wd 1e-5, batch 64, 16 units.
    name: "paper-toy",
    space: paperSpace(),
    f: (p) =>
      (Math.log10(p.learning_rate as number) + 3) ** 2 +
      0.5 * (Math.log10(p.weight_decay as number) + 5) ** 2 +
      0.3 * (Math.log2(p.batch_size as number) - 6) ** 2 +
      0.05 * ((p.hidden_units as number) - 16) ** 2,
    optimum: 0,
  },
];
