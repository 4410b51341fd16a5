/**
 * Distributed trials through BullMQ on Redis (loads bullmq and ioredis):
 *   import { QueueExecutor, startQueueWorker } from "hyperforce/queue";
 */
export { checkQueueName, QueueExecutor, type QueueExecutorOptions } from "./execution/queue.ts";
export { DEFAULT_QUEUE_NAME } from "./execution/queue-protocol.ts";
export { DEFAULT_REDIS_URL, resolveRedisUrl } from "./execution/queue-redis.ts";
export { QueueWorker, type QueueWorkerOptions, startQueueWorker } from "./execution/queue-worker.ts";
