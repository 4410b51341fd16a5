import { readFileSync } from "node:fs";
import { Command } from "commander";
import { describeCliError, routeCommanderErrors } from "./errors.ts";

interface CommandEntry {
  name: string;
  /** One line for `hyperforce --help`; the command's own --help says more. */
  summary: string;
  /** Loads the command's module only when it runs: the plotting and queue libraries are slow to load. */
  load(): Promise<Command>;
}

// In the order a newcomer needs them.
const COMMANDS: CommandEntry[] = [
  { name: "run", summary: "run (or resume) a study", load: async () => (await import("./run-command.ts")).runCommand() },
  { name: "studies", summary: "list the studies in a storage", load: async () => (await import("./studies.ts")).studiesCommand() },
  {
    name: "trials",
    summary: "list the trials of one study (table, JSON or CSV)",
    load: async () => (await import("./studies.ts")).trialsCommand(),
  },
  {
    name: "best",
    summary: "the best trial of a study (text or JSON)",
    load: async () => (await import("./best.ts")).bestCommand(),
  },
  {
    name: "dashboard",
    summary: "a live web dashboard of a storage's studies",
    load: async () => (await import("./dashboard.ts")).dashboardCommand(),
  },
  {
    name: "enqueue",
    summary: "add a trial with given parameters, run first",
    load: async () => (await import("./enqueue.ts")).enqueueCommand(),
  },
  { name: "delete", summary: "delete a study from a storage", load: async () => (await import("./delete.ts")).deleteCommand() },
  {
    name: "report",
    summary: "plots (SVG, PNG), trials.csv and index.html of one study",
    load: async () => (await import("./report.ts")).reportCommand(),
  },
  {
    name: "reproduce",
    summary: "the paper's experiment over several seeds, beside its tables",
    load: async () => (await import("./reproduce.ts")).reproduceCommand(),
  },
  {
    name: "evaluate",
    summary: "train the paper's MLP once and print its losses",
    load: async () => (await import("./evaluate.ts")).evaluateCommand(),
  },
  {
    name: "table",
    summary: "exhaustive tables of the paper's search space",
    load: async () => (await import("./table.ts")).tableCommand(),
  },
  { name: "bench", summary: "benchmark samplers on an exhaustive table", load: async () => (await import("./bench.ts")).benchCommand() },
  {
    name: "worker",
    summary: "run trials from a controller's Redis queue",
    load: async () => (await import("./worker.ts")).workerCommand(),
  },
];

/** The version in hyperforce's package.json, found above this file (src/cli or dist/src/cli). */
function packageVersion(): string {
  for (let dir = new URL("./", import.meta.url); dir.pathname !== "/"; dir = new URL("../", dir)) {
    try {
      const pkg = JSON.parse(readFileSync(new URL("package.json", dir), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "hyperforce" && typeof pkg.version === "string") return pkg.version;
    } catch {
      // no package.json here: look further up
    }
  }
  return "unknown";
}

/**
 * Builds the `hyperforce` command for these arguments: the command they name is loaded in full, the
 * others are listed by name and summary only.
 */
export async function buildProgram(argv: string[]): Promise<Command> {
  const program = new Command("hyperforce")
    .description("Hyperparameter optimization: grid, random, TPE, GP, evolution and deep-RL samplers, persistent studies, parallel trials")
    .version(packageVersion())
    .exitOverride();
  const words = argv.slice(2);
  const requested = words[0] === "help" ? words[1] : words[0];
  for (const entry of COMMANDS) {
    const command = entry.name === requested ? await entry.load() : new Command(entry.name);
    program.addCommand(command.summary(entry.summary));
  }
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = await buildProgram(argv);
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
