/**
 * `hyperforce evaluate`: train the paper's MLP once on any registered task (wine, letter, a CSV file,
 * or look it up in a table) and print the validation loss, the test loss, whether training diverged,
 * the epochs run and the time (and, with --json, the accuracy of a classification task).
 */
import { Command } from "commander";
import { isNumber } from "../tasks/csv.ts";
import { openTask } from "../tasks/registry.ts";
import { type TaskReference, type TaskResult, taskNameOf } from "../tasks/task.ts";
import type { MlpConfig } from "../tasks/types.ts";
import { UsageError } from "./errors.ts";
import { addCsvTaskFlags, type TaskFlags, taskFlagHelp, taskReferenceOf } from "./task-flags.ts";

interface EvaluateFlags extends TaskFlags {
  lr: string;
  weightDecay: string;
  batchSize: string;
  hidden: string;
  seed: string;
  splitSeed: string;
  epochs: string;
  json?: boolean;
}

export interface EvaluateRequest {
  /** "wine", or a csv task with its options. */
  task: TaskReference;
  config: Required<MlpConfig>;
  seed: number;
  splitSeed: number;
}

function number(flag: string, text: string): number {
  if (!isNumber(text)) throw new UsageError(`${flag} must be a number, got ${JSON.stringify(text)}`);
  return Number(text);
}

function integerAtLeast(flag: string, text: string, minimum: number): number {
  const value = number(flag, text);
  if (!Number.isSafeInteger(value) || value < minimum) {
    const kind = minimum === 1 ? "a positive integer" : `an integer >= ${minimum}`;
    throw new UsageError(`${flag} must be ${kind}, got ${JSON.stringify(text)}`);
  }
  return value;
}

/** Checks the flags and turns them into a request; every bad value is a UsageError naming the flag. */
export function parseEvaluateFlags(flags: EvaluateFlags): EvaluateRequest {
  const task = taskReferenceOf(flags);
  const learningRate = number("--lr", flags.lr);
  if (!(learningRate > 0) || !Number.isFinite(learningRate)) {
    throw new UsageError(`--lr must be a positive number, got ${JSON.stringify(flags.lr)}`);
  }
  const weightDecay = number("--weight-decay", flags.weightDecay);
  if (!(weightDecay >= 0) || !Number.isFinite(weightDecay)) {
    throw new UsageError(`--weight-decay must be a number >= 0, got ${JSON.stringify(flags.weightDecay)}`);
  }
  return {
    task,
    config: {
      learningRate,
      weightDecay,
      batchSize: integerAtLeast("--batch-size", flags.batchSize, 1),
      hidden: integerAtLeast("--hidden", flags.hidden, 1),
      epochs: integerAtLeast("--epochs", flags.epochs, 1),
    },
    seed: integerAtLeast("--seed", flags.seed, 0),
    splitSeed: integerAtLeast("--split-seed", flags.splitSeed, 0),
  };
}

function formatLoss(loss: number): string {
  return Number.isFinite(loss) ? loss.toFixed(6) : String(loss);
}

/** The table for people; `lossName` says what the losses measure (the task's lossName). */
export function formatEvaluation(request: EvaluateRequest, result: TaskResult, lossName: string): string {
  const { config } = request;
  const rows: [string, string][] = [
    ["task", `${taskNameOf(request.task)} (split seed ${request.splitSeed}, seed ${request.seed})`],
    [
      "configuration",
      `lr ${config.learningRate}, weight decay ${config.weightDecay}, batch size ${config.batchSize}, ` +
        `hidden ${config.hidden}, epochs ${config.epochs}`,
    ],
    ["validation loss", `${formatLoss(result.validationLoss)} (${lossName})`],
    ["test loss", formatLoss(result.testLoss)],
    ["diverged", result.diverged ? "yes" : "no"],
    // A lookup in a table trains nothing.
    ["epochs run", result.epochsRun === undefined ? "-" : String(result.epochsRun)],
    ["time", result.seconds === undefined ? "-" : `${result.seconds.toFixed(3)} s`],
  ];
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  return rows.map(([label, value]) => label.padEnd(width) + value).join("\n") + "\n";
}

/**
 * The --json output: one object; a diverged run's infinite losses become null. A csv task adds its
 * options (taskOptions), a classification task its accuracies, a table lookup the seed of its row.
 */
export function evaluationJson(request: EvaluateRequest, result: TaskResult): string {
  const finiteOrNull = (value: number): number | null => (Number.isFinite(value) ? value : null);
  return (
    JSON.stringify({
      task: taskNameOf(request.task),
      ...(typeof request.task !== "string" && request.task.options !== undefined ? { taskOptions: request.task.options } : {}),
      learningRate: request.config.learningRate,
      weightDecay: request.config.weightDecay,
      batchSize: request.config.batchSize,
      hidden: request.config.hidden,
      epochs: request.config.epochs,
      seed: request.seed,
      splitSeed: request.splitSeed,
      validationLoss: finiteOrNull(result.validationLoss),
      testLoss: finiteOrNull(result.testLoss),
      diverged: result.diverged,
      epochsRun: result.epochsRun ?? null,
      seconds: result.seconds ?? null,
      ...(result.seed !== request.seed ? { lookedUpSeed: result.seed } : {}),
      ...(result.validationAccuracy !== undefined ? { validationAccuracy: result.validationAccuracy } : {}),
      ...(result.testAccuracy !== undefined ? { testAccuracy: result.testAccuracy } : {}),
    }) + "\n"
  );
}

export function evaluateCommand(): Command {
  const command = new Command("evaluate")
    .description("train the paper's MLP once on a task and print its validation and test loss")
    .requiredOption("--task <name>", `the task: ${taskFlagHelp()}`)
    .requiredOption("--lr <number>", "Adam learning rate (> 0)")
    .requiredOption("--weight-decay <number>", "Adam weight decay, coupled L2 (>= 0)")
    .requiredOption("--batch-size <integer>", "minibatch size (>= 1)")
    .requiredOption("--hidden <integer>", "hidden units (>= 1)")
    .requiredOption("--seed <integer>", "seed of the initial weights and the minibatch order")
    .option("--split-seed <integer>", "seed of the train / validation / test partition", "0")
    .option("--epochs <integer>", "training epochs", "15")
    .option("--json", "print one JSON object instead of a table");
  return addCsvTaskFlags(command).action(async (flags: EvaluateFlags) => {
    const request = parseEvaluateFlags(flags);
    const task = await openTask(request.task, { splitSeed: request.splitSeed, epochs: request.config.epochs });
    const params = {
      learning_rate: request.config.learningRate,
      weight_decay: request.config.weightDecay,
      batch_size: request.config.batchSize,
      hidden_units: request.config.hidden,
    };
    let result: TaskResult;
    try {
      result = task.evaluate(params, request.seed);
    } catch (error) {
      // Parameters the task cannot take (a configuration a table does not hold, say) are the user's to change.
      throw new UsageError((error as Error).message);
    }
    process.stdout.write(flags.json ? evaluationJson(request, result) : formatEvaluation(request, result, task.lossName));
  });
}
