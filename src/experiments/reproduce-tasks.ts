/**
 * What `hyperforce reproduce` needs to know of each task it runs: the space its studies search, the
 * parameters its table shows, its loss, its default budget and epochs, and the paper's published
 * numbers where the paper has them (wine and letter: Tables 1 and 2; fashion is the paper's future work).
 */
import { cnnSpace, paperCategoricalSpace } from "../space/presets.ts";
import type { SearchSpace } from "../space/types.ts";

export type PaperRow = "baseline" | "mlp" | "rnn";
export type ReproduceTaskName = "wine" | "letter" | "fashion";

export interface PaperResult {
  testLoss: number;
  params: { learning_rate: number; weight_decay: number; batch_size: number; hidden_units: number };
}

export interface ReproduceTask {
  /** The space every study of the task searches. */
  space(): SearchSpace;
  /** The table's parameter columns: name and header. */
  columns: ReadonlyArray<readonly [string, string]>;
  /** What the losses measure, for the table's note. */
  metric: string;
  /** Trials per study when --budget is not given. */
  budget: number;
  /** Training epochs per trial when --epochs is not given. */
  epochs: number;
  /** Training images per trial when --train-size is not given (tasks that take one). */
  trainSize?: number;
  /** The paper's rows, beside which the table puts ours. */
  paper?: Record<PaperRow, PaperResult>;
}

const PAPER_COLUMNS = [
  ["learning_rate", "learning rate"],
  ["weight_decay", "weight decay"],
  ["batch_size", "batch size"],
  ["hidden_units", "hidden units"],
] as const;

/** The fashion studies' space: the cnn preset, its epochs fixed by the experiment (the budget stays predictable). */
function fashionReproduceSpace(): SearchSpace {
  const space = cnnSpace();
  delete space.epochs;
  return space;
}

export const REPRODUCE_TASKS: Record<ReproduceTaskName, ReproduceTask> = {
  wine: {
    space: paperCategoricalSpace,
    columns: PAPER_COLUMNS,
    metric: "mean squared error of the z-scored target",
    budget: 100,
    epochs: 15,
    paper: {
      baseline: { testLoss: 0.5948, params: { learning_rate: 1e-2, weight_decay: 1e-4, batch_size: 128, hidden_units: 18 } },
      mlp: { testLoss: 0.4232, params: { learning_rate: 3e-2, weight_decay: 3e-4, batch_size: 16, hidden_units: 18 } },
      rnn: { testLoss: 0.3957, params: { learning_rate: 1e-1, weight_decay: 3e-4, batch_size: 128, hidden_units: 8 } },
    },
  },
  letter: {
    space: paperCategoricalSpace,
    columns: PAPER_COLUMNS,
    metric: "cross-entropy in nats",
    budget: 30,
    epochs: 15,
    paper: {
      baseline: { testLoss: 0.7674, params: { learning_rate: 1e-2, weight_decay: 1e-5, batch_size: 64, hidden_units: 20 } },
      mlp: { testLoss: 0.6678, params: { learning_rate: 3e-3, weight_decay: 1e-5, batch_size: 8, hidden_units: 20 } },
      rnn: { testLoss: 0.7772, params: { learning_rate: 1e-3, weight_decay: 1e-3, batch_size: 8, hidden_units: 20 } },
    },
  },
  fashion: {
    space: fashionReproduceSpace,
    columns: [...PAPER_COLUMNS.slice(0, 3), ["c1", "c1"], ["c2", "c2"], ["hidden_units", "hidden units"]],
    metric: "cross-entropy in nats",
    budget: 12,
    epochs: 2,
    trainSize: 2000,
  },
};

export function isReproduceTask(name: string): name is ReproduceTaskName {
  return Object.hasOwn(REPRODUCE_TASKS, name);
}
