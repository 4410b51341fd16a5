/**
 * hyperforce's core API (floors 0-4: studies, trials, spaces, samplers, storage, executors, objectives,
 * tasks, numerics):
 *   import { createStudy, tpeSampler, paperSpace } from "hyperforce";
 * Loading it loads none of the heavy optional packages (bullmq, ioredis, vega, resvg): those sit behind
 * "hyperforce/queue", "hyperforce/report" and "hyperforce/experiments".
 */

export { ConfigError, HyperforceError, ObjectiveError, StorageError, UsageError } from "./errors/errors.ts";
export type { Executor, TrialJob } from "./execution/executor.ts";
// Execution
export { InlineExecutor } from "./execution/inline.ts";
export { ThreadPoolExecutor, type ThreadPoolOptions } from "./execution/thread-pool.ts";
export { Adam, type AdamOptions, type AdamState } from "./nn/adam.ts";
// Numerics
export { Rng, type RngState } from "./nn/rng.ts";
export { type BuiltinTaskOptions, builtinTaskObjective } from "./objectives/builtin-task.ts";
export { type CommandObjectiveOptions, commandObjective } from "./objectives/command.ts";
export { csvTaskObjective } from "./objectives/csv-task.ts";
export { loadModuleObjective } from "./objectives/module.ts";
// Objectives
export { loadObjective, type ObjectiveSpec, parseObjectiveSpec } from "./objectives/spec.ts";
export { type TableObjectiveSpec, tableObjective } from "./objectives/table.ts";
export { type TaskObjectiveOptions, taskObjective } from "./objectives/task-objective.ts";
export type { ExportedPolicy } from "./rl/checkpoint.ts";
// Samplers
export {
  createSampler,
  type EvolutionSamplerOptions,
  evolutionSampler,
  type GpSamplerOptions,
  type GridSamplerOptions,
  gpSampler,
  gridSampler,
  type PpoSamplerOptions,
  ppoSampler,
  type RandomSamplerOptions,
  type ReinforceSamplerOptions,
  randomSampler,
  reinforceSampler,
  SAMPLER_LABELS,
  SAMPLER_NAMES,
  type Sampler,
  type SamplerName,
  type StudyView,
  samplerFromLabel,
  type TpeSamplerOptions,
  tpeSampler,
} from "./samplers/index.ts";
// Search spaces
export * from "./space/index.ts";
// Storage
export {
  InMemoryStorage,
  JournalFileStorage,
  type JournalFileStorageOptions,
  openStorage,
  PostgresStorage,
  RedisJournalStorage,
  type RedisJournalStorageOptions,
  type Storage,
  type StudySummary,
} from "./storage/index.ts";
export type { OptimizeOptions, StudyCallback } from "./study/optimize.ts";
// Studies and trials
export { type CreateStudyOptions, createStudy, type LoadStudyOptions, loadStudy, Study } from "./study/study.ts";
export { evaluateCsvTask, loadCsvDataset } from "./tasks/csv-task.ts";
// Tasks: datasets and the paper's inner model
export { DATASETS, DatasetError, loadDataset, loadDatasetSync } from "./tasks/datasets.ts";
export { evaluatePaperTask, evaluatePaperTaskSync, type PaperTaskName } from "./tasks/paper-task.ts";
export { namedTaskNames, openTask, openTaskSync, registerTaskFamily, type TaskFamily } from "./tasks/registry.ts";
export { splitDataset } from "./tasks/split.ts";
// Exhaustive tables of the paper's space (built by "hyperforce/experiments")
export { ConfigurationTable, loadTable } from "./tasks/table.ts";
export type { Task, TaskOptions, TaskReference, TaskResult, TaskSettings } from "./tasks/task.ts";
export { type TrainerPath, trainAndEvaluate, trainWithOrders } from "./tasks/train.ts";
export type { Dataset, EvaluationResult, MlpConfig, SplitData, TaskKind } from "./tasks/types.ts";
export { TrialPruned } from "./trial/pruned.ts";
export type { Direction, FloatOptions, FrozenTrial, IntOptions, Objective, OrderedOptions, Trial, TrialState } from "./trial/types.ts";
