/**
 * `hyperforce table build`: train every configuration of the paper space with a few seeds on a task
 * (wine, letter, or a CSV file with --target) and write the exhaustive table (resumable; see
 * src/experiments/table-build.ts). Prints a summary at the end: rows, wall time, rows per second, the
 * best configuration and the seeds' rank agreement.
 */

import cliProgress from "cli-progress";
import { Command } from "commander";
import { isNumber } from "../tasks/csv.ts";
import { indicesAt, loadTable, TABLE_PARAMS, type TableParam, tableSpace, valuesAt } from "../tasks/table.ts";
import { type TaskReference, taskNameOf } from "../tasks/task.ts";
import { UsageError } from "./errors.ts";
import { addCsvTaskFlags, type TaskFlags, taskFlagHelp, taskReferenceOf } from "./task-flags.ts";

interface TableBuildFlags extends TaskFlags {
  seeds: string;
  workers?: string;
  out: string;
  splitSeed: string;
  epochs: string;
  logEvery: string;
  /** Repeated --only name=v1,v2 (commander collects them). */
  only?: string[];
}

export interface TableBuildRequest {
  /** "wine", or a csv task with its options. */
  task: TaskReference;
  seeds: number;
  workers?: number;
  out: string;
  splitSeed: number;
  epochs: number;
  logEvery: number;
  /** Only these values of some parameters: a part of the space. */
  only?: Partial<Record<TableParam, number[]>>;
}

function integerAtLeast(flag: string, text: string, minimum: number): number {
  const value = isNumber(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < minimum)
    throw new UsageError(`${flag} must be an integer >= ${minimum}, got ${JSON.stringify(text)}`);
  return value;
}

export function parseTableBuildFlags(flags: TableBuildFlags): TableBuildRequest {
  const task = taskReferenceOf(flags);
  if (!flags.out.endsWith(".csv")) throw new UsageError(`--out must name a .csv file, got ${JSON.stringify(flags.out)}`);
  const request: TableBuildRequest = {
    task,
    seeds: integerAtLeast("--seeds", flags.seeds, 1),
    out: flags.out,
    splitSeed: integerAtLeast("--split-seed", flags.splitSeed, 0),
    epochs: integerAtLeast("--epochs", flags.epochs, 1),
    logEvery: integerAtLeast("--log-every", flags.logEvery, 1),
  };
  if (flags.workers !== undefined) request.workers = integerAtLeast("--workers", flags.workers, 1);
  if (flags.only !== undefined && flags.only.length > 0) request.only = parseOnly(flags.only);
  return request;
}

/** `--only learning_rate=0.001,0.01 --only batch_size=64`: each value must be a choice of the paper space. */
export function parseOnly(items: readonly string[]): Partial<Record<TableParam, number[]>> {
  const space = tableSpace();
  const only: Partial<Record<TableParam, number[]>> = {};
  for (const item of items) {
    const equals = item.indexOf("=");
    const name = item.slice(0, Math.max(0, equals)).trim();
    if (equals < 0 || !(TABLE_PARAMS as readonly string[]).includes(name)) {
      throw new UsageError(`--only must be NAME=V1,V2 with NAME one of ${TABLE_PARAMS.join(", ")}, got ${JSON.stringify(item)}`);
    }
    if (Object.hasOwn(only, name)) throw new UsageError(`--only names ${name} twice`);
    const choices = (space[name] as { choices: number[] }).choices;
    only[name as TableParam] = item
      .slice(equals + 1)
      .split(",")
      .map((text) => {
        const value = isNumber(text.trim()) ? Number(text) : NaN;
        if (!choices.includes(value)) {
          throw new UsageError(`--only ${name}: ${JSON.stringify(text)} is not one of the paper space's choices (${choices.join(", ")})`);
        }
        return value;
      });
  }
  return only;
}

interface BuildProgressView {
  update(done: number, total: number, rowsPerSecond: number): void;
  stop(): void;
}

function progressView(request: TableBuildRequest, stream: NodeJS.WriteStream = process.stderr): BuildProgressView {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${taskNameOf(request.task)} table {bar} {value}/{total} rows | {rate} rows/s | {eta_formatted} left`,
        hideCursor: true,
        etaBuffer: 200,
        stream,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(done, total, rowsPerSecond) {
        if (!started) {
          bar.start(total, done, { rate: "-" });
          started = true;
        } else bar.update(done, { rate: rowsPerSecond.toFixed(1) });
      },
      stop: () => bar.stop(),
    };
  }
  let nextLine = -1;
  return {
    update(done, total, rowsPerSecond) {
      if (nextLine < 0) nextLine = done + request.logEvery;
      if (done < nextLine && done !== total) return;
      nextLine = done + request.logEvery;
      const left = rowsPerSecond > 0 ? `${Math.round((total - done) / rowsPerSecond)} s left` : "time left unknown";
      stream.write(`${taskNameOf(request.task)} table ${done}/${total} rows | ${rowsPerSecond.toFixed(1)} rows/s | ${left}\n`);
    },
    stop() {},
  };
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function tableCommand(): Command {
  const table = new Command("table").description("exhaustive tables of the paper's search space");
  const build = new Command("build")
    .description("train every configuration of the paper space with seeds 0..S-1 and write one CSV row per run (resumes an existing --out)")
    .requiredOption("--task <name>", `the task: ${taskFlagHelp()}`)
    .requiredOption("--out <file.csv>", "the table to write or continue")
    .option("--seeds <count>", "training seeds per configuration (seeds 0..count-1)", "2")
    .option("--workers <count>", "worker threads (default: the number of cores)")
    .option("--split-seed <integer>", "seed of the train / validation / test partition", "0")
    .option("--epochs <integer>", "training epochs", "15")
    .option("--log-every <rows>", "without a terminal, print a progress line every this many rows", "1000")
    .option("--only <name=values>", "train only these values of a parameter, e.g. batch_size=64,128 (repeatable)", collect);
  table.addCommand(
    addCsvTaskFlags(build).action(async (flags: TableBuildFlags) => {
      const request = parseTableBuildFlags(flags);
      const { buildTable } = await import("../experiments/table-build.ts");
      const view = progressView(request);
      let result: Awaited<ReturnType<typeof buildTable>>;
      try {
        result = await buildTable({
          task: request.task,
          out: request.out,
          seeds: request.seeds,
          ...(request.workers !== undefined ? { workers: request.workers } : {}),
          splitSeed: request.splitSeed,
          epochs: request.epochs,
          ...(request.only !== undefined ? { only: request.only } : {}),
          onProgress: (progress) => view.update(progress.done, progress.total, progress.rowsPerSecond),
        });
      } finally {
        view.stop();
      }
      const built = loadTable(result.out);
      const best = built.best();
      const values = valuesAt(indicesAt(best.position));
      const lines = [
        `table ${result.out}: ${built.rowCount} rows (${result.resumed} already there, ${result.written} trained now)`,
        `this session: ${result.wallSeconds.toFixed(1)} s wall, ${result.rowsPerSecond.toFixed(1)} rows/s; record in ${result.recordPath}`,
        `best mean validation loss ${best.meanValidationLoss.toPrecision(6)} ` +
          `at ${TABLE_PARAMS.map((name, i) => `${name} ${values[i]}`).join(", ")}`,
      ];
      if (built.seeds.length >= 2) {
        lines.push(
          "Spearman rank correlation of validation losses, " +
            `seed ${built.seeds[0]} vs ${built.seeds[1]}: ${built.seedRankCorrelation(0, 1).toFixed(4)}`,
        );
      }
      process.stdout.write(lines.join("\n") + "\n");
    }),
  );
  return table;
}
