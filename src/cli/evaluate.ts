/**
 * `hyperforce evaluate`: train the paper's MLP once on a built-in task and print the validation
 * loss, the test loss, whether training diverged, the epochs run and the time.
 */
import { Command } from "commander";
import { CsvError, isNumber } from "../tasks/csv.ts";
import { DatasetError, loadDataset } from "../tasks/datasets.ts";
import type { PaperTaskName } from "../tasks/paper-task.ts";
import type { EvaluationResult, MlpConfig } from "../tasks/types.ts";
import { UsageError } from "./errors.ts";

const PAPER_TASKS: readonly PaperTaskName[] = ["wine", "letter"];

interface EvaluateFlags {
  task: string;
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
  task: PaperTaskName;
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
  if (!(PAPER_TASKS as readonly string[]).includes(flags.task)) {
    throw new UsageError(`unknown task ${JSON.stringify(flags.task)}; known tasks: ${PAPER_TASKS.join(", ")}`);
  }
  const learningRate = number("--lr", flags.lr);
  if (!(learningRate > 0) || !Number.isFinite(learningRate)) {
    throw new UsageError(`--lr must be a positive number, got ${JSON.stringify(flags.lr)}`);
  }
  const weightDecay = number("--weight-decay", flags.weightDecay);
  if (!(weightDecay >= 0) || !Number.isFinite(weightDecay)) {
    throw new UsageError(`--weight-decay must be a number >= 0, got ${JSON.stringify(flags.weightDecay)}`);
  }
  return {
    task: flags.task as PaperTaskName,
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

const LOSS_NAMES: Record<PaperTaskName, string> = {
  wine: "mean squared error of the standardised target",
  letter: "mean cross-entropy in nats",
};

function formatLoss(loss: number): string {
  return Number.isFinite(loss) ? loss.toFixed(6) : String(loss);
}

export function formatEvaluation(request: EvaluateRequest, result: EvaluationResult): string {
  const { config } = request;
  const rows: [string, string][] = [
    ["task", `${request.task} (split seed ${request.splitSeed}, seed ${request.seed})`],
    [
      "configuration",
      `lr ${config.learningRate}, weight decay ${config.weightDecay}, batch size ${config.batchSize}, hidden ${config.hidden}, epochs ${config.epochs}`,
    ],
    ["validation loss", `${formatLoss(result.validationLoss)} (${LOSS_NAMES[request.task]})`],
    ["test loss", formatLoss(result.testLoss)],
    ["diverged", result.diverged ? "yes" : "no"],
    ["epochs run", String(result.epochsRun)],
    ["time", `${result.seconds.toFixed(3)} s`],
  ];
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  return rows.map(([label, value]) => label.padEnd(width) + value).join("\n") + "\n";
}

/** The --json output: one object; a diverged run's infinite losses become null. */
export function evaluationJson(request: EvaluateRequest, result: EvaluationResult): string {
  const finiteOrNull = (value: number): number | null => (Number.isFinite(value) ? value : null);
  return (
    JSON.stringify({
      task: request.task,
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
      epochsRun: result.epochsRun,
      seconds: result.seconds,
    }) + "\n"
  );
}

export function evaluateCommand(): Command {
  return new Command("evaluate")
    .description("train the paper's MLP once on a built-in task and print its validation and test loss")
    .requiredOption("--task <name>", `built-in task: ${PAPER_TASKS.join(" or ")}`)
    .requiredOption("--lr <number>", "Adam learning rate (> 0)")
    .requiredOption("--weight-decay <number>", "Adam weight decay, coupled L2 (>= 0)")
    .requiredOption("--batch-size <integer>", "minibatch size (>= 1)")
    .requiredOption("--hidden <integer>", "hidden units (>= 1)")
    .requiredOption("--seed <integer>", "seed of the initial weights and the minibatch order")
    .option("--split-seed <integer>", "seed of the train / validation / test partition", "0")
    .option("--epochs <integer>", "training epochs", "15")
    .option("--json", "print one JSON object instead of a table")
    .action(async (flags: EvaluateFlags) => {
      const request = parseEvaluateFlags(flags);
      try {
        await loadDataset(request.task);
      } catch (error) {
        // A missing or corrupt data file is the user's to fix: a usage error.
        if (error instanceof DatasetError || error instanceof CsvError) throw new UsageError(error.message);
        throw error;
      }
      // The trainer is loaded only when a run is asked for, which keeps `hyperforce --help` quick.
      const { evaluatePaperTask } = await import("../tasks/paper-task.ts");
      const result = await evaluatePaperTask(request.task, request.config, { seed: request.seed, splitSeed: request.splitSeed });
      process.stdout.write(flags.json ? evaluationJson(request, result) : formatEvaluation(request, result));
    });
}
