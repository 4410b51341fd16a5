/**
 * `hyperforce bench`: every listed sampler on an exhaustive table, at several budgets, over repeats
 * (see src/experiments/sampler-bench.ts). Each finished study is appended to <out>/studies.jsonl, so
 * an interrupted benchmark run again with the same flags skips the studies it already has.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Command } from "commander";
import type { BenchStudyTrace } from "../experiments/sampler-bench.ts";
import { SAMPLER_LABELS } from "../samplers/index.ts";
import { isNumber } from "../tasks/csv.ts";
import { UsageError } from "./errors.ts";

/**
 * The published comparison at the published budgets: about 30 minutes on the wine table with 2 cores. 1000
 * evaluations (the default before) took a default REINFORCE study 149 s and a GP study 221 s, hours for 50 repeats.
 */
const DEFAULT_SAMPLERS = "random,grid,tpe,gp,evolution,reinforce-mlp,ppo";
const DEFAULT_BUDGETS = "25,50,100,300";

interface BenchFlags {
  table: string;
  samplers: string;
  budgets: string;
  repeats: string;
  firstSeed?: string;
  workers?: string;
  space?: string;
  out: string;
  pruner?: string;
  prunerOptions?: string;
}

export interface BenchRequest {
  table: string;
  samplers: string[];
  budgets: number[];
  repeats: number;
  firstSeed?: number;
  workers?: number;
  space: string;
  out: string;
}

function integerAtLeast(flag: string, text: string, minimum: number): number {
  const value = isNumber(text.trim()) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < minimum)
    throw new UsageError(`${flag} must be an integer >= ${minimum}, got ${JSON.stringify(text)}`);
  return value;
}

function list(flag: string, text: string): string[] {
  const items = text.split(",").map((item) => item.trim());
  if (items.some((item) => item === ""))
    throw new UsageError(`${flag} must be a comma-separated list without empty items, got ${JSON.stringify(text)}`);
  const repeated = items.find((item, i) => items.indexOf(item) !== i);
  if (repeated !== undefined) throw new UsageError(`${flag} lists ${JSON.stringify(repeated)} twice`);
  return items;
}

export function parseBenchFlags(flags: BenchFlags): BenchRequest {
  const samplers = list("--samplers", flags.samplers);
  for (const label of samplers) {
    if (!(SAMPLER_LABELS as readonly string[]).includes(label))
      throw new UsageError(`unknown sampler "${label}" in --samplers; samplers: ${SAMPLER_LABELS.join(", ")}`);
  }
  const request: BenchRequest = {
    table: flags.table,
    samplers,
    budgets: list("--budgets", flags.budgets).map((text) => integerAtLeast("each of --budgets", text, 1)),
    repeats: integerAtLeast("--repeats", flags.repeats, 1),
    space: flags.space ?? "paper",
    out: flags.out,
  };
  if (!BENCH_SPACES.includes(request.space)) {
    throw new UsageError(
      `--space must be one of ${BENCH_SPACES.join(", ")} (the presets a table covers), got ${JSON.stringify(flags.space)}`,
    );
  }
  if (flags.firstSeed !== undefined) request.firstSeed = integerAtLeast("--first-seed", flags.firstSeed, 0);
  if (flags.workers !== undefined) request.workers = integerAtLeast("--workers", flags.workers, 0);
  return request;
}

/** The presets a table can be searched in: the same rows, ordered choices or the paper's categoricals. */
const BENCH_SPACES = ["paper", "paper-categorical"];

/** One line of studies.jsonl: a study's trace (NaN stored as null), with the table and space it ran on. */
interface StoredStudy {
  table: string;
  /** Absent in lines written before --space: those searched paper-categorical. */
  space?: string;
  trace: Omit<BenchStudyTrace, "values"> & { values: (number | null)[] };
}

/** Studies recorded by an earlier run on the same table and space (other lines are ignored). */
function readPreviousStudies(path: string, table: string, space: string): BenchStudyTrace[] {
  if (!existsSync(path)) return [];
  const traces = [];
  const lines = readFileSync(path, "utf8").split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() === "") continue;
    let entry: StoredStudy;
    try {
      entry = JSON.parse(lines[i]);
    } catch {
      // The last line may be cut by a kill; anything else is a corrupt file.
      if (i >= lines.length - 2) continue;
      throw new UsageError(`${path}: line ${i + 1} is not JSON; remove the file to start the benchmark afresh`);
    }
    if (entry.table !== table || (entry.space ?? "paper-categorical") !== space) continue;
    traces.push({ ...entry.trace, values: entry.trace.values.map((value: number | null) => (value === null ? NaN : value)) });
  }
  return traces;
}

export function benchCommand(): Command {
  return new Command("bench")
    .description(
      "benchmark samplers on an exhaustive table: regret of the reported best configuration " +
        "(and of the best one completed) per budget, over repeats",
    )
    .requiredOption("--table <file>", "the table (.csv or .csv.gz) built by hyperforce table build")
    .option("--samplers <list>", `comma-separated sampler labels (${SAMPLER_LABELS.join(", ")})`, DEFAULT_SAMPLERS)
    .option("--budgets <list>", "comma-separated evaluation budgets", DEFAULT_BUDGETS)
    .option("--repeats <count>", "studies per sampler (seeds first-seed..first-seed+count-1); 50 or more for the rank tests", "50")
    .option("--first-seed <seed>", "the first repeat's seed (default 0): choose settings on some seeds, report others")
    .option("--workers <count>", "worker threads (default: the number of cores; 0 runs in this thread)")
    .option("--space <preset>", `the space the samplers search: ${BENCH_SPACES.join(" or ")}`, "paper")
    .requiredOption(
      "--out <dir>",
      "where results.json, results.md and the regret plots (svg, png) go (with --pruner: pruning-<pruner>.json, .md)",
    )
    .option("--pruner <name>", "replay pruning on the table's learning curves: none|median|asha|hyperband (epochs beside regret)")
    .option("--pruner-options <json>", "the pruner's options as JSON, e.g. '{\"reductionFactor\": 4}'")
    .action(async (flags: BenchFlags) => {
      const request = parseBenchFlags(flags);
      const { parsePrunerBenchFlags, runPrunerBenchCommand } = await import("./bench-pruner.ts");
      const pruner = parsePrunerBenchFlags(flags);
      if (pruner !== undefined) return runPrunerBenchCommand(request, pruner);
      const { runSamplerBench, benchTable } = await import("../experiments/sampler-bench.ts");
      const { writeBenchOutputs } = await import("../experiments/bench-report.ts");
      benchTable(request.table);
      mkdirSync(request.out, { recursive: true });
      const studiesPath = join(request.out, "studies.jsonl");
      const tableKey = resolve(request.table);
      const previous = readPreviousStudies(studiesPath, tableKey, request.space);
      const started = Date.now();
      const result = await runSamplerBench({
        table: request.table,
        samplers: request.samplers,
        budgets: request.budgets,
        repeats: request.repeats,
        space: request.space,
        ...(request.firstSeed !== undefined ? { firstSeed: request.firstSeed } : {}),
        ...(request.workers !== undefined ? { workers: request.workers } : {}),
        previous,
        onStudyDone: (done, total, trace) => {
          const stored = { ...trace, values: trace.values.map((value) => (Number.isFinite(value) ? value : null)) };
          appendFileSync(studiesPath, JSON.stringify({ table: tableKey, space: request.space, trace: stored }) + "\n");
          const elapsed = (Date.now() - started) / 1000;
          process.stderr.write(
            `bench ${done}/${total} studies | ${trace.sampler} seed ${trace.seed} took ${trace.seconds.toFixed(1)} s | ` +
              `${elapsed.toFixed(0)} s elapsed\n`,
          );
        },
      });
      const files = await writeBenchOutputs(result, request.out);
      process.stdout.write(`${files.join("\n")}\n`);
    });
}
