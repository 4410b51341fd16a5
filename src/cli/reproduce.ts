/**
 * `hyperforce reproduce`: the paper's experiment over several seeds (src/experiments/reproduce.ts),
 * printed as a markdown table beside the paper's numbers.
 */
import { availableParallelism } from "node:os";
import { Command } from "commander";
import {
  DEFAULT_BUDGETS,
  DEFAULT_SEEDS,
  REPRODUCE_METHODS,
  ReproduceInterrupted,
  type ReproduceResult,
  runReproduce,
} from "../experiments/reproduce.ts";
import { isReproduceTask, REPRODUCE_TASKS } from "../experiments/reproduce-tasks.ts";
import { prepareTask } from "../tasks/registry.ts";
import { UsageError } from "./errors.ts";

function positiveInteger(flag: string, text: string): number {
  const value = Number(text);
  if (text.trim() === "" || !Number.isInteger(value) || value < 1)
    throw new UsageError(`${flag} must be a positive integer, got ${JSON.stringify(text)}`);
  return value;
}

const DESCRIPTION =
  "the paper's experiment: for each seed, every method (random and grid baselines, REINFORCE with the MLP and RNN policies " +
  "in the paper preset and our default, PPO, TPE) tunes the task (the paper's wine or letter, or fashion's CNN over the cnn " +
  "space less epochs); prints a table like the paper's Tables 1 and 2 (test loss mean ± std over seeds, beside the paper's). " +
  "Ctrl-C keeps every finished trial; re-running resumes and skips finished studies.";

const TASKS = Object.keys(REPRODUCE_TASKS);

/** --train-size: only for a task with a train size (fashion), an integer in [10, 50000]. */
function trainSizeOf(task: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (REPRODUCE_TASKS[task as keyof typeof REPRODUCE_TASKS].trainSize === undefined)
    throw new UsageError("--train-size applies to --task fashion");
  const value = Number(text);
  if (text.trim() === "" || !Number.isInteger(value) || value < 10 || value > 50_000)
    throw new UsageError(`--train-size must be an integer in [10, 50000], got ${JSON.stringify(text)}`);
  return value;
}

export function reproduceCommand(): Command {
  return new Command("reproduce")
    .description(DESCRIPTION)
    .requiredOption("--task <task>", `${TASKS.join(", ")}`)
    .option("--seeds <n>", "seeds 0..n-1, each its own split, sampler and training seeds", String(DEFAULT_SEEDS))
    .option(
      "--budget <n>",
      `trials per study (default ${DEFAULT_BUDGETS.wine} for wine: 5 seeds x 8 methods in about 2 minutes on 2 cores; ` +
        `${DEFAULT_BUDGETS.letter} for letter: about 5 minutes; ${DEFAULT_BUDGETS.fashion} for fashion: about 10 minutes)`,
    )
    .option("--out <dir>", "folder for the journal, table, CSV, policies and plots (default reproduce-out/<task>)")
    .option("--workers <n>", "studies run at once, one worker thread each (default: the number of cores)")
    .option("--epochs <n>", `training epochs per trial (default 15, the paper's; ${REPRODUCE_TASKS.fashion.epochs} for fashion)`)
    .option("--train-size <n>", `fashion: training images per trial, 10..50000 (default ${REPRODUCE_TASKS.fashion.trainSize})`)
    .option("--methods <list>", `comma-separated subset of: ${REPRODUCE_METHODS.map((method) => method.id).join(", ")}`)
    .option("--json", "print the results as one JSON object instead of the table")
    .action(
      async (flags: {
        task: string;
        seeds: string;
        budget?: string;
        out?: string;
        workers?: string;
        epochs?: string;
        trainSize?: string;
        methods?: string;
        json?: boolean;
      }) => {
        const task = flags.task;
        if (!isReproduceTask(task)) throw new UsageError(`--task must be one of ${TASKS.join(", ")}, got ${JSON.stringify(task)}`);
        const seeds = positiveInteger("--seeds", flags.seeds);
        const budget = flags.budget === undefined ? DEFAULT_BUDGETS[task] : positiveInteger("--budget", flags.budget);
        const workers = flags.workers === undefined ? availableParallelism() : positiveInteger("--workers", flags.workers);
        const epochs = flags.epochs === undefined ? undefined : positiveInteger("--epochs", flags.epochs);
        const trainSize = trainSizeOf(task, flags.trainSize);
        const known = REPRODUCE_METHODS.map((method) => method.id);
        const methods = flags.methods
          ?.split(",")
          .map((id) => id.trim())
          .filter((id) => id !== "");
        for (const id of methods ?? [])
          if (!known.includes(id)) throw new UsageError(`--methods: unknown method "${id}"; methods: ${known.join(", ")}`);
        if (methods !== undefined && methods.length === 0) throw new UsageError(`--methods must name at least one of: ${known.join(", ")}`);
        await prepareTask(trainSize === undefined ? task : { name: task, options: { trainSize } });
        const out = flags.out ?? `reproduce-out/${task}`;
        const controller = new AbortController();
        const onInterrupt = () => {
          if (controller.signal.aborted) process.exit(130);
          process.stderr.write("\nstopping: letting the running trials finish (Ctrl-C again to quit at once; finished trials are kept)\n");
          controller.abort();
        };
        process.on("SIGINT", onInterrupt);
        process.on("SIGTERM", onInterrupt);
        let result: ReproduceResult;
        try {
          result = await runReproduce({
            task,
            seeds,
            budget,
            out,
            workers,
            signal: controller.signal,
            ...(epochs !== undefined ? { epochs } : {}),
            ...(trainSize !== undefined ? { trainSize } : {}),
            ...(methods !== undefined ? { methods } : {}),
            onStudy: ({ done, total, job, outcome }) => {
              const what = outcome.ran === 0 ? "already done" : `${outcome.ran} trials in ${outcome.seconds.toFixed(1)} s`;
              process.stderr.write(`[${done}/${total}] ${job.study}: ${what}\n`);
            },
          });
        } catch (error) {
          if (!(error instanceof ReproduceInterrupted)) throw error;
          process.stderr.write(`${error.message}\n`);
          process.exitCode = 130;
          return;
        } finally {
          process.off("SIGINT", onInterrupt);
          process.off("SIGTERM", onInterrupt);
        }
        if (flags.json) {
          process.stdout.write(JSON.stringify({ ...result, table: undefined }) + "\n");
          return;
        }
        process.stdout.write(result.table);
        process.stdout.write(
          `\n${result.studiesRun} studies run, ${result.studiesSkipped} already finished; wall time ${result.wallSeconds.toFixed(1)} s\n` +
            `table ${result.files.table}, best configurations ${result.files.bestCsv}, plots and page ${result.files.index}\n`,
        );
      },
    );
}
