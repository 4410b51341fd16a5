/**
 * How the `hyperforce` command reports failures: one line on stderr and an exit code chosen by the
 * error's class, never by where it was thrown: 2 for a UsageError or ConfigError (a bad flag or
 * value, an unknown name, a missing or wrong input file: the user can fix the command) and 1 for
 * everything else (a StorageError, an ObjectiveError, any other failure). Never a stack trace.
 */
import { type Command, CommanderError } from "commander";
import { ConfigError, UsageError } from "../errors/errors.ts";

export { UsageError };

export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

const QUIET_CODES = new Set(["commander.helpDisplayed", "commander.version", "commander.help"]);

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let current: Command | null = command; current; current = current.parent) names.unshift(current.name());
  return names.join(" ");
}

/**
 * Makes commander throw instead of exiting and print nothing itself, on the program and every
 * subcommand, so that its usage errors come back as one UsageError line pointing at the help.
 * Call it after all subcommands are registered.
 */
export function routeCommanderErrors(program: Command): void {
  const visit = (command: Command): void => {
    command.showHelpAfterError(false);
    command.configureOutput({ outputError: () => {} });
    command.exitOverride((error: CommanderError) => {
      if (error.code === "commander.executeSubCommandAsync") return;
      if (error.exitCode === 0 || QUIET_CODES.has(error.code)) throw error;
      const what = error.message.replace(/^error: /, "").replace(/\s*\n\s*/g, " ");
      throw new UsageError(`${what} (see: ${commandPath(command)} --help)`);
    });
    for (const sub of command.commands) visit(sub);
  };
  visit(program);
}

export interface CliErrorReport {
  exitCode: number;
  /** The line to print on stderr, or null when commander already printed what was needed (help). */
  line: string | null;
}

/** The exit code and the single stderr line for an error thrown by a command. */
export function describeCliError(error: unknown): CliErrorReport {
  if (error instanceof CommanderError) {
    // Help or version output: already printed by commander.
    return { exitCode: error.exitCode === 0 ? 0 : EXIT_USAGE, line: null };
  }
  const message = error instanceof Error ? error.message : String(error);
  const line = `hyperforce: ${message.replace(/\s*\n\s*/g, "; ")}`;
  return { exitCode: exitCodeOf(error), line };
}

/** 2 when the user can fix the command or its input files (UsageError, ConfigError), else 1. */
export function exitCodeOf(error: unknown): number {
  return error instanceof UsageError || error instanceof ConfigError ? EXIT_USAGE : EXIT_FAILURE;
}
