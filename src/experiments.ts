/**
 * The experiments around the paper, not part of the core API: its reproduction, exhaustive tables of
 * its search space, and the sampler benchmark on those tables with its reports:
 *   import { runReproduce, buildTable, runSamplerBench } from "hyperforce/experiments";
 */

export { benchMarkdown, writeBenchOutputs } from "./experiments/bench-report.ts";
export { type ReproduceOptions, type ReproduceResult, runReproduce } from "./experiments/reproduce.ts";
export { runSamplerBench, type SamplerBenchOptions, type SamplerBenchResult } from "./experiments/sampler-bench.ts";
export { buildTable, type TableBuildOptions, type TableBuildResult } from "./experiments/table-build.ts";
