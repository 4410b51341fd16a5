/**
 * `hyperforce bench --pruner NAME [--pruner-options JSON]`: pruning replayed on a table's learning
 * curves (src/experiments/pruner-bench.ts) for every listed sampler over the repeats, with the epochs
 * the trials trained beside the regret at each budget. Each finished study is appended to
 * <out>/pruned-studies.jsonl, so the same command run again skips the studies it already has; the
 * summary goes to <out>/pruning-<pruner>.json and .md, so runs with several pruners share a folder.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { PrunedCell, PrunedStudyTrace } from "../experiments/pruner-bench.ts";
import type { BenchRequest } from "./bench.ts";
import { UsageError } from "./errors.ts";
import { checkPrunerRequest, parsePrunerOptionsFlag } from "./run-pruner.ts";

export interface PrunerBenchFlags {
  pruner?: string;
  prunerOptions?: string;
  workers?: string;
}

/** The pruner and its options; refusals for what the pruner replay cannot honour. */
export function parsePrunerBenchFlags(flags: PrunerBenchFlags): { name: string; options: Record<string, number> } | undefined {
  if (flags.pruner === undefined) {
    if (flags.prunerOptions !== undefined) throw new UsageError("--pruner-options needs --pruner");
    return undefined;
  }
  if (flags.workers !== undefined)
    throw new UsageError("--workers applies to the sampler benchmark; with --pruner the studies run one after another in this process");
  const given = flags.prunerOptions === undefined ? {} : parsePrunerOptionsFlag(flags.prunerOptions);
  return { name: flags.pruner, options: checkPrunerRequest(flags.pruner, given) as Record<string, number> };
}

/** One line of pruned-studies.jsonl (NaN values stored as null). */
interface StoredPrunedStudy {
  table: string;
  space: string;
  pruner: string;
  prunerOptions: Record<string, number>;
  trace: Omit<PrunedStudyTrace, "values"> & { values: (number | null)[] };
}

const sameOptions = (a: Record<string, number>, b: Record<string, number>): boolean =>
  JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

function readPrunedStudies(path: string, key: Omit<StoredPrunedStudy, "trace">): PrunedStudyTrace[] {
  if (!existsSync(path)) return [];
  const lines = readFileSync(path, "utf8").split("\n");
  const traces: PrunedStudyTrace[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() === "") continue;
    let entry: StoredPrunedStudy;
    try {
      entry = JSON.parse(lines[i]);
    } catch {
      // The last line may be cut by a kill; anything else is a corrupt file.
      if (i >= lines.length - 2) continue;
      throw new UsageError(`${path}: line ${i + 1} is not JSON; remove the file to start the benchmark afresh`);
    }
    if (entry.table !== key.table || entry.space !== key.space || entry.pruner !== key.pruner) continue;
    if (!sameOptions(entry.prunerOptions, key.prunerOptions)) continue;
    traces.push({ ...entry.trace, values: entry.trace.values.map((value) => (value === null ? NaN : value)) });
  }
  return traces;
}

const fixed = (value: number): string => (Number.isFinite(value) ? value.toFixed(4) : String(value));

export function prunedMarkdown(title: string, cells: readonly PrunedCell[]): string {
  const lines = [
    `# ${title}`,
    "",
    "| sampler | trials | median regret [IQR] | median epochs | share of full training |",
    "| --- | ---: | --- | ---: | ---: |",
  ];
  for (const cell of cells) {
    lines.push(
      `| ${cell.sampler} | ${cell.budget} | ${fixed(cell.medianRegret)} [${fixed(cell.regretQ1)}, ${fixed(cell.regretQ3)}] | ` +
        `${cell.medianEpochs} | ${(100 * cell.medianEpochShare).toFixed(1)}% |`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** Runs the replay the request and pruner describe; prints the table and the files written. */
export async function runPrunerBenchCommand(
  request: BenchRequest,
  pruner: { name: string; options: Record<string, number> },
): Promise<void> {
  const { benchTable, missingCurves, runPrunerBench } = await import("../experiments/pruner-bench.ts");
  const table = benchTable(request.table);
  const missing = missingCurves(table);
  if (missing !== undefined) throw new UsageError(missing);
  mkdirSync(request.out, { recursive: true });
  const studiesPath = join(request.out, "pruned-studies.jsonl");
  const key = { table: resolve(request.table), space: request.space, pruner: pruner.name, prunerOptions: pruner.options };
  const started = Date.now();
  const { traces, cells } = await runPrunerBench({
    table,
    samplers: request.samplers,
    pruner,
    budgets: request.budgets,
    repeats: request.repeats,
    space: request.space,
    ...(request.firstSeed !== undefined ? { firstSeed: request.firstSeed } : {}),
    previous: readPrunedStudies(studiesPath, key),
    onStudyDone: (done, total, trace, seconds) => {
      const stored = { ...trace, values: trace.values.map((value) => (Number.isFinite(value) ? value : null)) };
      appendFileSync(studiesPath, JSON.stringify({ ...key, trace: stored }) + "\n");
      process.stderr.write(
        `bench ${done}/${total} studies | ${trace.sampler} seed ${trace.seed} with ${pruner.name}: ${trace.pruned} pruned, ` +
          `took ${seconds.toFixed(1)} s | ${((Date.now() - started) / 1000).toFixed(0)} s elapsed\n`,
      );
    },
  });
  const firstSeed = request.firstSeed ?? 0;
  const options = Object.keys(pruner.options).length > 0 ? ` ${JSON.stringify(pruner.options)}` : "";
  const title =
    `Pruner ${pruner.name}${options} replayed on ${request.table} (${table.curveEpochs} epochs per full trial), ` +
    `seeds ${firstSeed}-${firstSeed + request.repeats - 1}`;
  const markdown = prunedMarkdown(title, cells);
  const jsonPath = join(request.out, `pruning-${pruner.name}.json`);
  const markdownPath = join(request.out, `pruning-${pruner.name}.md`);
  const summary = {
    table: request.table,
    space: request.space,
    pruner: pruner.name,
    prunerOptions: pruner.options,
    curveEpochs: table.curveEpochs,
    bestMeanValidationLoss: table.best().meanValidationLoss,
    samplers: request.samplers,
    budgets: request.budgets,
    repeats: request.repeats,
    firstSeed,
    wallSeconds: (Date.now() - started) / 1000,
    cells,
    traces: traces.map((trace) => ({ ...trace, values: trace.values.map((value) => (Number.isFinite(value) ? value : null)) })),
  };
  writeFileSync(jsonPath, JSON.stringify(summary) + "\n");
  writeFileSync(markdownPath, markdown);
  process.stdout.write(`${markdown}\n${jsonPath}\n${markdownPath}\n`);
}
