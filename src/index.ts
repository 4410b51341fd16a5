/**
 * hyperforce's core API (floors 0-4: studies, trials, spaces, samplers, storage, executors, objectives,
 * tasks, numerics):
 *   import { createStudy, tpeSampler, paperSpace } from "hyperforce";
 * Loading it loads none of the heavy optional packages (bullmq, ioredis, vega, resvg): those sit behind
 * "hyperforce/queue", "hyperforce/report" and "hyperforce/experiments".
 */

// Studies and trials
export { createStudy, loadStudy, Study, type CreateStudyOptions, type LoadStudyOptions } from "./study/study.ts";
export type { OptimizeOptions, StudyCallback } from "./study/optimize.ts";
export { TrialPruned } from "./trial/pruned.ts";
export type { Direction, FrozenTrial, Objective, Trial, TrialState, FloatOptions, IntOptions } from "./trial/types.ts";
export { HyperforceError, UsageError, ConfigError, StorageError, ObjectiveError } from "./errors/errors.ts";

// Search spaces
export * from "./space/index.ts";

// Samplers
export {
  createSampler,
  samplerFromLabel,
  SAMPLER_NAMES,
  SAMPLER_LABELS,
  gridSampler,
  randomSampler,
  tpeSampler,
  gpSampler,
  reinforceSampler,
  ppoSampler,
  type Sampler,
  type StudyView,
  type SamplerName,
  type GridSamplerOptions,
  type RandomSamplerOptions,
  type TpeSamplerOptions,
  type GpSamplerOptions,
  type ReinforceSamplerOptions,
  type PpoSamplerOptions,
} from "./samplers/index.ts";
export type { ExportedPolicy } from "./rl/checkpoint.ts";

// Storage
export {
  InMemoryStorage,
  JournalFileStorage,
  openStorage,
  type Storage,
  type StudySummary,
  type JournalFileStorageOptions,
} from "./storage/index.ts";

// Execution
export { InlineExecutor } from "./execution/inline.ts";
export { ThreadPoolExecutor, type ThreadPoolOptions } from "./execution/thread-pool.ts";
export type { Executor, TrialJob } from "./execution/executor.ts";

// Objectives
export { loadObjective, parseObjectiveSpec, type ObjectiveSpec } from "./objectives/spec.ts";
export { builtinTaskObjective, type BuiltinTaskOptions } from "./objectives/builtin-task.ts";
export { commandObjective, type CommandObjectiveOptions } from "./objectives/command.ts";
export { loadModuleObjective } from "./objectives/module.ts";
export { csvTaskObjective } from "./objectives/csv-task.ts";
export { tableObjective, type TableObjectiveSpec } from "./objectives/table.ts";
export { taskObjective, type TaskObjectiveOptions } from "./objectives/task-objective.ts";

// Tasks: datasets and the paper's inner model
export { loadDataset, loadDatasetSync, DATASETS, DatasetError } from "./tasks/datasets.ts";
export { splitDataset } from "./tasks/split.ts";
export { evaluatePaperTask, evaluatePaperTaskSync, type PaperTaskName } from "./tasks/paper-task.ts";
export { loadCsvDataset, evaluateCsvTask } from "./tasks/csv-task.ts";
export { trainAndEvaluate, trainWithOrders, type TrainerPath } from "./tasks/train.ts";
export type { Dataset, SplitData, MlpConfig, EvaluationResult, TaskKind } from "./tasks/types.ts";
export type { Task, TaskResult, TaskSettings, TaskReference, TaskOptions } from "./tasks/task.ts";
export { openTask, openTaskSync, registerTaskFamily, namedTaskNames, type TaskFamily } from "./tasks/registry.ts";

// Numerics
export { Rng, type RngState } from "./nn/rng.ts";
export { Adam, type AdamOptions, type AdamState } from "./nn/adam.ts";

// Exhaustive tables of the paper's space (built by "hyperforce/experiments")
export { loadTable, ConfigurationTable } from "./tasks/table.ts";
