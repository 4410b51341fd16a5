/**
 * Distributed trials through BullMQ on Redis (loads bullmq and ioredis):
 *   import { QueueExecutor, startQueueWorker } from "hyperforce/queue";
 */
export { QueueExecutor, checkQueueName, type QueueExecutorOptions } from "./execution/queue.ts";
export { QueueWorker, startQueueWorker, type QueueWorkerOptions } from "./execution/queue-worker.ts";
export { DEFAULT_QUEUE_NAME } from "./execution/queue-protocol.ts";
export { DEFAULT_REDIS_URL, resolveRedisUrl } from "./execution/queue-redis.ts";
