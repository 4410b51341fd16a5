import { Command } from "commander";
import { describeCliError, routeCommanderErrors } from "./errors.ts";
import { evaluateCommand } from "./evaluate.ts";
import { tableCommand } from "./table.ts";
import { benchCommand } from "./bench.ts";
import { workerCommand } from "./worker.ts";
import { runCommand } from "./run-command.ts";
import { studyListCommands } from "./studies.ts";
import { reportCommand } from "./report.ts";
import { reproduceCommand } from "./reproduce.ts";

/** Builds the `hyperforce` command; each subcommand lives in its own file beside this one. */
export function buildProgram(): Command {
  const program = new Command("hyperforce")
    .description("Hyperparameter optimization: grid, random, TPE and deep-RL samplers, persistent studies, parallel trials")
    .exitOverride();
  // Subcommands register here, one line each.
  program.addCommand(runCommand());
  for (const command of studyListCommands()) program.addCommand(command);
  program.addCommand(reportCommand());
  program.addCommand(reproduceCommand());
  program.addCommand(evaluateCommand());
  program.addCommand(tableCommand());
  program.addCommand(benchCommand());
  program.addCommand(workerCommand());
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  routeCommanderErrors(program);
  await program.parseAsync(argv);
}

/** Runs the command line and returns the exit code; a failure prints one line on stderr (see errors.ts). */
export async function runCli(argv: string[]): Promise<number> {
  try {
    await main(argv);
    return 0;
  } catch (error) {
    const report = describeCliError(error);
    if (report.line !== null) process.stderr.write(`${report.line}\n`);
    return report.exitCode;
  }
}
