/**
 * `hyperforce run`: a study from the command line. Every finished trial is in the journal file, so
 * Ctrl-C (or a crash) loses nothing and the same command resumes to the same target.
 */
import { Command } from "commander";
import { ConfigError } from "../errors/errors.ts";
import { findCommandProgram } from "../objectives/command.ts";
import { checkModuleObjective } from "../objectives/module.ts";
import { loadObjective } from "../objectives/spec.ts";
import { roundForPeople } from "../report/labels.ts";
import { formatParamValue } from "../report/scale.ts";
import { SAMPLER_NAMES } from "../samplers/index.ts";
import { presetNames } from "../space/presets.ts";
import { StudyDefinitionError } from "../study/definition.ts";
import { createStudy, type Study } from "../study/study.ts";
import { prepareTask } from "../tasks/registry.ts";
import { findBestTrial } from "../trial/best.ts";
import { type FrozenTrial, isFinished } from "../trial/types.ts";
import { createProgress } from "./progress.ts";
import { configFromFlags, type RunConfig, readRunConfig } from "./run-config.ts";
import { type AllFailed, allFailed, allFailedLine, gaveNoNumber } from "./run-failures.ts";
import { createExecutor, DEFAULT_STORAGE, DEFAULT_TRIALS, planRun, type RunPlan } from "./run-setup.ts";
import { studyDefinition } from "./study-definition.ts";
import { addCsvTaskFlags, taskFlagHelp } from "./task-flags.ts";

export interface RunSummary {
  study: string;
  storage: string;
  objective: string;
  sampler: string;
  trials: { finished: number; complete: number; failed: number; pruned: number };
  best: null | { number: number; params: FrozenTrial["params"]; value: number; testLoss: number | null };
  wallSeconds: number;
  interrupted: boolean;
  /** The trials the study should hold when done (--trials). */
  target: number;
  /** It already held its target when this run started: nothing was run. */
  alreadyComplete: boolean;
  /** --timeout stopped it before its target. */
  timedOut: boolean;
  /** Every trial this run finished failed: the most common reason (the command then exits 1). */
  allFailed?: AllFailed;
}

export interface RunOutcome {
  interrupted: boolean;
  alreadyComplete?: boolean;
  timedOut?: boolean;
  /** The run's first finished trial, when its objective gave no number (the run stops there). */
  noNumber?: FrozenTrial;
}

export function summarize(plan: RunPlan, trials: readonly FrozenTrial[], wallSeconds: number, outcome: RunOutcome): RunSummary {
  const count = (state: string) => trials.filter((trial) => trial.state === state).length;
  const best = findBestTrial(trials, plan.direction);
  const testLoss = best?.userAttrs.test_loss;
  return {
    study: plan.studyName,
    storage: plan.storage,
    objective: plan.objectiveLabel,
    sampler:
      plan.samplerName +
      (plan.config.policy ? ` (${plan.config.policy} policy${plan.config.preset === "paper" ? ", paper preset" : ""})` : ""),
    trials: {
      finished: trials.filter((trial) => isFinished(trial.state)).length,
      complete: count("COMPLETE"),
      failed: count("FAIL"),
      pruned: count("PRUNED"),
    },
    best:
      best === undefined
        ? null
        : { number: best.number, params: best.params, value: best.value!, testLoss: typeof testLoss === "number" ? testLoss : null },
    wallSeconds,
    interrupted: outcome.interrupted,
    target: plan.trials,
    alreadyComplete: outcome.alreadyComplete === true,
    timedOut: outcome.timedOut === true,
  };
}

/** The line that says how the run ended when it did not simply reach its target. */
function statusLine(summary: RunSummary): string | undefined {
  const held = `it holds ${summary.trials.finished} finished trials of ${summary.target}`;
  if (summary.alreadyComplete) return `already complete: ${held}, nothing to run (raise --trials to run more)`;
  if (summary.timedOut) return `stopped by --timeout: ${held}; run the same command to continue it`;
  return undefined;
}

export function formatSummary(summary: RunSummary): string {
  const valueName = summary.objective.startsWith("table:") || !/[#\s]/.test(summary.objective) ? "validation loss" : "best value";
  const rows: [string, string][] = [
    ["study", `${summary.study} (${summary.storage})`],
    ["objective", summary.objective],
    ["sampler", summary.sampler],
    [
      "trials",
      `${summary.trials.finished} finished: ${summary.trials.complete} complete, ` +
        `${summary.trials.failed} failed, ${summary.trials.pruned} pruned`,
    ],
  ];
  if (summary.best === null) {
    rows.push(["best", "no complete trial yet"]);
  } else {
    rows.push(["best trial", `#${summary.best.number}`]);
    rows.push([
      "configuration",
      Object.entries(summary.best.params)
        .map(([name, value]) => `${name}=${formatParamValue(value)}`)
        .join(" "),
    ]);
    // Rounded for people (4 significant digits); --json keeps every digit.
    rows.push([valueName, roundForPeople(summary.best.value)]);
    if (summary.best.testLoss !== null)
      rows.push(["test loss", `${roundForPeople(summary.best.testLoss)} (of the best configuration only)`]);
  }
  const status = statusLine(summary);
  if (status !== undefined) rows.push(["status", status]);
  rows.push([
    "wall time",
    `${summary.wallSeconds.toFixed(1)} s${summary.interrupted ? " (interrupted: run the same command to resume)" : ""}`,
  ]);
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  return rows.map(([label, value]) => label.padEnd(width) + value).join("\n") + "\n";
}

/**
 * Loads the objective (and a built-in task's dataset) once, so a bad file or template fails before any trial.
 * Its errors keep their class: a bad spec or data file is a ConfigError, a module that cannot be loaded an ObjectiveError.
 */
async function checkObjective(plan: RunPlan): Promise<void> {
  const spec = plan.objective;
  // A module that does not load and a program that is not there are the user's to fix: exit 2. (Queue
  // workers run a command on other machines, so the controller cannot look for its program.)
  if (spec.kind === "module") await checkModuleObjective(spec.exportName === undefined ? spec.path : `${spec.path}#${spec.exportName}`);
  if (spec.kind === "command" && plan.executorName !== "queue") findCommandProgram(spec.command, spec.space);
  await loadObjective(plan.objective);
  if (plan.objective.kind === "task") await prepareTask(plan.objective.task);
}

/** Its errors keep their class: a study continued with other settings is a UsageError, a journal that fails a StorageError. */
function openStudy(plan: RunPlan): Study {
  const { heartbeatInterval, gracePeriod } = plan.config;
  try {
    return createStudy({
      name: plan.studyName,
      direction: plan.direction,
      space: plan.space,
      sampler: plan.sampler,
      pruner: plan.pruner,
      storage: plan.storage,
      seed: plan.seed,
      loadIfExists: true,
      definition: studyDefinition(plan),
      heartbeat: {
        ...(heartbeatInterval !== undefined ? { intervalMs: heartbeatInterval * 1000 } : {}),
        ...(gracePeriod !== undefined ? { gracePeriodMs: gracePeriod * 1000 } : {}),
      },
    });
  } catch (error) {
    if (!(error instanceof StudyDefinitionError)) throw error;
    throw new StudyDefinitionError(error.studyName, error.differences, `start a new study: use --study NEW or another --storage`);
  }
}

/** Runs (or resumes) the study the config describes and returns its summary. */
export async function runStudy(config: RunConfig, options: { progress?: boolean } = {}): Promise<RunSummary> {
  const plan = planRun(config);
  await checkObjective(plan);
  const study = openStudy(plan);
  try {
    const startedAt = Date.now();
    const alreadyFinished = study.trials.filter((trial) => isFinished(trial.state)).length;
    const before = new Set(study.trials.map((trial) => trial.number));
    const outcome: RunOutcome = { interrupted: false, alreadyComplete: alreadyFinished >= plan.trials };
    if (!outcome.alreadyComplete) await optimizeStudy(plan, study, alreadyFinished, outcome, options.progress !== false);
    if (outcome.noNumber !== undefined) {
      throw new ConfigError(
        `the objective gave no number in the run's first trial (#${outcome.noNumber.number}): ${outcome.noNumber.failReason}; ` +
          "it must return (a command print) a finite number; the run stopped there",
      );
    }
    const trials = study.trials;
    const finished = trials.filter((trial) => isFinished(trial.state)).length;
    const timedOut = plan.timeoutMs !== undefined && !outcome.interrupted && !outcome.alreadyComplete && finished < plan.trials;
    const summary = summarize(plan, trials, (Date.now() - startedAt) / 1000, { ...outcome, timedOut });
    const failures = allFailed(trials.filter((trial) => !before.has(trial.number)));
    return failures === undefined ? summary : { ...summary, allFailed: failures };
  } finally {
    study.close();
  }
}

/** Runs the study to its target, with a progress bar and Ctrl-C handling; records an interrupt in `outcome`. */
async function optimizeStudy(plan: RunPlan, study: Study, alreadyFinished: number, outcome: RunOutcome, showProgress: boolean) {
  const executor = await createExecutor(plan);
  const progress = showProgress ? createProgress(plan.trials, alreadyFinished) : undefined;
  let finished = alreadyFinished;
  let best: number | undefined = findBestTrial(study.trials, plan.direction)?.value;
  const better = (value: number) => best === undefined || (plan.direction === "minimize" ? value < best : value > best);
  const onInterrupt = () => {
    if (outcome.interrupted) process.exit(130);
    outcome.interrupted = true;
    // The bar stops first, so it draws neither over this line nor over the summary after it.
    progress?.stop();
    process.stderr.write("stopping: waiting for the running trials to finish (Ctrl-C again to quit at once; finished trials are kept)\n");
    study.stop();
  };
  process.on("SIGINT", onInterrupt);
  process.on("SIGTERM", onInterrupt);
  try {
    await study.optimize(plan.objective, {
      totalTrials: plan.trials,
      concurrency: plan.workers,
      executor,
      ...(plan.trialTimeoutMs !== undefined ? { trialTimeoutMs: plan.trialTimeoutMs } : {}),
      ...(plan.timeoutMs !== undefined ? { timeoutMs: plan.timeoutMs } : {}),
      callbacks: [
        (_study, trial) => {
          finished++;
          // The first result says whether the objective gives numbers at all (the dry check of a value).
          if (finished === alreadyFinished + 1 && gaveNoNumber(trial)) {
            outcome.noNumber = trial;
            study.stop();
          }
          if (trial.state === "COMPLETE" && trial.value !== undefined && better(trial.value)) best = trial.value;
          progress?.update(finished, best, trial);
        },
      ],
    });
  } finally {
    progress?.stop();
    process.off("SIGINT", onInterrupt);
    process.off("SIGTERM", onInterrupt);
    await executor.close?.();
  }
}

export function runCommand(): Command {
  const command = new Command("run")
    .description("run (or resume) a study: every finished trial is kept in the storage, and the same command continues it")
    .option("--config <file>", "a YAML or JSON file giving any of these options (flags override it)")
    .option("--task <name>", taskFlagHelp())
    .option("--objective <file#export>", "a JavaScript/TypeScript module exporting objective(trial) => number")
    .option(
      "--command <template>",
      'a program in any language, e.g. "python3 train.py --lr {learning_rate}"; it prints "hyperforce: value=<number>"',
    );
  return addCsvTaskFlags(command)
    .option(
      "--space <preset|file>",
      `search space: a preset (${presetNames().join(", ")}) or a JSON file; default the task's (cnn for fashion, else paper)`,
    )
    .option("--direction <direction>", "minimize or maximize (default minimize)")
    .option("--sampler <name>", `${SAMPLER_NAMES.join(", ")} (default tpe)`)
    .option("--policy <policy>", "reinforce/ppo: mlp or rnn")
    .option("--cell <cell>", "rnn policy: elman or gru")
    .option("--preset <preset>", "reinforce: default or paper (the paper's exact setup)")
    .option("--levels <n>", "values per continuous parameter for grid, reinforce and ppo")
    .option("--pruner <name>", "none, median, asha or hyperband: stops unpromising trials from their per-epoch reports (default none)")
    .option("--pruner-options <json>", 'e.g. \'{"reductionFactor": 3, "minResource": 1}\' (median: startupTrials, warmupSteps, minTrials)')
    .option("--trials <n>", `trials the study should hold when done (default ${DEFAULT_TRIALS})`)
    .option("--workers <n>", "trials at once (worker threads for tasks and modules, processes for commands)")
    .option("--executor <kind>", "inline, threads or queue (BullMQ on Redis, with `hyperforce worker` processes)")
    .option("--redis <url>", "queue executor: Redis URL (default $REDIS_URL, else redis://127.0.0.1:6379)")
    .option("--queue <name>", "queue executor: queue name shared with the workers (default hyperforce)")
    .option("--max-retries <n>", "queue executor: attempts after a failed trial before it is recorded as FAIL")
    .option("--study <name>", "study name (default <task>-<sampler>)")
    .option(
      "--storage <file|url>",
      `journal file (default ${DEFAULT_STORAGE}; in Optuna's journal format, loadable by Optuna), redis:// or postgresql:// URL`,
    )
    .option("--seed <n>", "seed of the sampler and the training seeds (default 0)")
    .option("--split-seed <n>", "tasks: seed of the train/validation/test partition (default 0)")
    .option("--epochs <n>", "tasks: training epochs (default 15)")
    .option("--trial-timeout <seconds>", "a trial running longer fails (a command's process group is killed)")
    .option("--timeout <seconds>", "start no new trial after this long")
    .option("--heartbeat-interval <seconds>", "how often running trials record that they are alive (default 10)")
    .option(
      "--grace-period <seconds>",
      "a trial with no heartbeat for this long is failed as interrupted; a stale RL study lease may be taken over (default 60)",
    )
    .option("--log-dir <dir>", "command objectives: folder for each trial's stdout and stderr")
    .option("--json", "print the summary as one JSON object")
    .option("--no-progress", "no progress bar or progress lines")
    .action(async (flags: Record<string, unknown>) => {
      const fromFile = typeof flags.config === "string" ? readRunConfig(flags.config) : {};
      const config: RunConfig = { ...fromFile, ...configFromFlags(flags) };
      const summary = await runStudy(config, { progress: flags.progress !== false });
      process.stdout.write(flags.json ? JSON.stringify(summary) + "\n" : formatSummary(summary));
      if (summary.interrupted) process.exitCode = 130;
      else if (summary.allFailed !== undefined) {
        process.stderr.write(`${allFailedLine(summary.allFailed)}\n`);
        process.exitCode = 1;
      }
    });
}
