import { Command } from "commander";

/** Builds the `hyperforce` command; each subcommand lives in its own file beside this one. */
export function buildProgram(): Command {
  const program = new Command("hyperforce")
    .description("Hyperparameter optimization: grid, random, TPE and deep-RL samplers, persistent studies, parallel trials")
    .showHelpAfterError()
    .exitOverride();
  // Subcommands register here, one line each.
  return program;
}

export async function main(argv: string[]): Promise<void> {
  await buildProgram().parseAsync(argv);
}
