/**
 * `hyperforce table build`: train every configuration of the paper space with a few seeds and write
 * the exhaustive table (resumable; see src/experiments/table-build.ts). Prints a summary at the end:
 * rows, wall time, rows per second, the best configuration and the seeds' rank agreement.
 */
import { Command } from "commander";
import cliProgress from "cli-progress";
import { CsvError, isNumber } from "../tasks/csv.ts";
import { DatasetError } from "../tasks/datasets.ts";
import { PAPER_TASKS, type PaperTaskName } from "../tasks/paper-task.ts";
import { UsageError } from "./errors.ts";

interface TableBuildFlags {
  task: string;
  seeds: string;
  workers?: string;
  out: string;
  splitSeed: string;
  epochs: string;
  logEvery: string;
}

export interface TableBuildRequest {
  task: PaperTaskName;
  seeds: number;
  workers?: number;
  out: string;
  splitSeed: number;
  epochs: number;
  logEvery: number;
}

function integerAtLeast(flag: string, text: string, minimum: number): number {
  const value = isNumber(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < minimum) throw new UsageError(`${flag} must be an integer >= ${minimum}, got ${JSON.stringify(text)}`);
  return value;
}

export function parseTableBuildFlags(flags: TableBuildFlags): TableBuildRequest {
  if (!(PAPER_TASKS as readonly string[]).includes(flags.task)) {
    throw new UsageError(`unknown task ${JSON.stringify(flags.task)}; known tasks: ${PAPER_TASKS.join(", ")}`);
  }
  if (!flags.out.endsWith(".csv")) throw new UsageError(`--out must name a .csv file, got ${JSON.stringify(flags.out)}`);
  const request: TableBuildRequest = {
    task: flags.task as PaperTaskName,
    seeds: integerAtLeast("--seeds", flags.seeds, 1),
    out: flags.out,
    splitSeed: integerAtLeast("--split-seed", flags.splitSeed, 0),
    epochs: integerAtLeast("--epochs", flags.epochs, 1),
    logEvery: integerAtLeast("--log-every", flags.logEvery, 1),
  };
  if (flags.workers !== undefined) request.workers = integerAtLeast("--workers", flags.workers, 1);
  return request;
}

interface BuildProgressView {
  update(done: number, total: number, rowsPerSecond: number): void;
  stop(): void;
}

function progressView(request: TableBuildRequest, stream: NodeJS.WriteStream = process.stderr): BuildProgressView {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${request.task} table {bar} {value}/{total} rows | {rate} rows/s | {eta_formatted} left`, hideCursor: true, etaBuffer: 200, stream },
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
      stream.write(`${request.task} table ${done}/${total} rows | ${rowsPerSecond.toFixed(1)} rows/s | ${left}\n`);
    },
    stop() {},
  };
}

export function tableCommand(): Command {
  const table = new Command("table").description("exhaustive tables of the paper's search space");
  table.addCommand(
    new Command("build")
      .description("train every configuration of the paper space with seeds 0..S-1 and write one CSV row per run (resumes an existing --out)")
      .requiredOption("--task <name>", `built-in task: ${PAPER_TASKS.join(" or ")}`)
      .requiredOption("--out <file.csv>", "the table to write or continue")
      .option("--seeds <count>", "training seeds per configuration (seeds 0..count-1)", "2")
      .option("--workers <count>", "worker threads (default: the number of cores)")
      .option("--split-seed <integer>", "seed of the train / validation / test partition", "0")
      .option("--epochs <integer>", "training epochs", "15")
      .option("--log-every <rows>", "without a terminal, print a progress line every this many rows", "1000")
      .action(async (flags: TableBuildFlags) => {
        const request = parseTableBuildFlags(flags);
        const { buildTable } = await import("../experiments/table-build.ts");
        const { loadTable, indicesAt, valuesAt, TABLE_PARAMS } = await import("../tasks/table.ts");
        const view = progressView(request);
        let result;
        try {
          result = await buildTable({
            task: request.task,
            out: request.out,
            seeds: request.seeds,
            ...(request.workers !== undefined ? { workers: request.workers } : {}),
            splitSeed: request.splitSeed,
            epochs: request.epochs,
            onProgress: (progress) => view.update(progress.done, progress.total, progress.rowsPerSecond),
          });
        } catch (error) {
          if (error instanceof DatasetError || error instanceof CsvError) throw new UsageError(error.message);
          throw error;
        } finally {
          view.stop();
        }
        const built = loadTable(result.out);
        const best = built.best();
        const values = valuesAt(indicesAt(best.position));
        const lines = [
          `table ${result.out}: ${built.rowCount} rows (${result.resumed} already there, ${result.written} trained now)`,
          `this session: ${result.wallSeconds.toFixed(1)} s wall, ${result.rowsPerSecond.toFixed(1)} rows/s; record in ${result.recordPath}`,
          `best mean validation loss ${best.meanValidationLoss.toPrecision(6)} at ${TABLE_PARAMS.map((name, i) => `${name} ${values[i]}`).join(", ")}`,
        ];
        if (built.seeds.length >= 2) {
          lines.push(`Spearman rank correlation of validation losses, seed ${built.seeds[0]} vs ${built.seeds[1]}: ${built.seedRankCorrelation(0, 1).toFixed(4)}`);
        }
        process.stdout.write(lines.join("\n") + "\n");
      }),
  );
  return table;
}
