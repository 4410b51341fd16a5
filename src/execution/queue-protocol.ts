/**
 * What travels through the BullMQ queue between a controller (QueueExecutor) and its workers
 * (`hyperforce worker`): the job's data, its progress (the trial's reports and user attributes so
 * far, and a question to the pruner), its return value, and the pruner's answers (a Redis list per
 * job, outside BullMQ). Everything is JSON, so numbers JSON cannot hold (NaN, +-Infinity) are
 * spelled out.
 *
 * Pruning: when the objective asks trial.shouldPrune(), the worker writes its progress with the
 * question's number (1, 2, ... per attempt) and waits on the job's answer list; the controller, on
 * seeing a question it has not answered, records the reports, asks the study's pruner and pushes
 * { attempt, question, prune }. A worker skips answers to other questions (an earlier attempt's).
 */

import type { ObjectiveSpec } from "../objectives/spec.ts";
import type { Distribution, Params } from "../space/types.ts";

/** The queue both sides use unless told otherwise. */
export const DEFAULT_QUEUE_NAME = "hyperforce";
export const TRIAL_JOB_NAME = "trial";

export interface QueueJobData {
  study: string;
  trialNumber: number;
  params: Params;
  distributions: Record<string, Distribution>;
  objective: ObjectiveSpec;
  timeoutMs?: number;
  /** The controller that enqueued the job (random per QueueExecutor): a leftover of another is recognised. */
  controller: string;
  /** The study has a pruner: trial.pruning is true, and shouldPrune asks the controller. */
  pruning?: boolean;
}

export type WireNumber = number | "NaN" | "Infinity" | "-Infinity";

/** What a trial recorded in its current attempt, whole (not a delta): a controller that missed an update loses nothing. */
export interface QueueJobProgress {
  /** job.attemptsStarted when recorded: a new attempt (retry, or a stalled job run again) starts afresh. */
  attempt: number;
  reports: Array<[step: number, value: WireNumber]>;
  userAttrs: Array<[key: string, value: unknown]>;
  /** The last shouldPrune question of this attempt (numbered from 1); absent before the first. */
  question?: number;
}

/** The controller's answer to a shouldPrune question, pushed on pruneAnswerKey. */
export interface PruneAnswer {
  attempt: number;
  question: number;
  prune: boolean;
}

/** The Redis list where the controller pushes the answers for one job. */
export function pruneAnswerKey(queueName: string, jobId: string): string {
  return `hyperforce:${queueName}:prune:${jobId}`;
}

/** An answer list nobody reads any more (the job ended) expires after this. */
export const PRUNE_ANSWER_TTL_MS = 10 * 60_000;

export type QueueJobResult = { value: WireNumber } | { pruned: string };

export function toWire(value: number): WireNumber {
  if (Number.isFinite(value)) return value;
  return Number.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";
}

export function fromWire(value: WireNumber): number {
  return typeof value === "number" ? value : Number(value);
}

/**
 * The job id of a trial: the same (study, trial number) always gives the same id, so BullMQ never
 * holds two jobs for one trial. The study name is percent-encoded (BullMQ ids cannot hold ":").
 */
export function trialJobId(study: string, trialNumber: number): string {
  return `${studyJobPrefix(study)}${trialNumber}`;
}

/** Every job id of the study starts with this. */
export function studyJobPrefix(study: string): string {
  return `trial.${encodeURIComponent(study)}.`;
}

/** A worker's registry key: its WorkerInfo, which expires unless the worker renews it. */
export function workerRegistryKey(queueName: string, workerId: string): string {
  return `hyperforce:${queueName}:workers:${workerId}`;
}

/** The set of worker ids that registered on a queue (an id whose key expired is dropped when read). */
export function workerIndexKey(queueName: string): string {
  return `hyperforce:${queueName}:workers`;
}

export interface WorkerInfo {
  id: string;
  host: string;
  pid: number;
  concurrency: number;
  /** Trials running now. */
  running: number;
  /** Epoch milliseconds. */
  startedAt: number;
}
