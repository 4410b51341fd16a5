import assert from "node:assert/strict";
import { test } from "node:test";
import { QueueExecutor } from "../../src/execution/queue.ts";
import {
  checkRedis,
  maskRedisUrl,
  redisOptionsFromUrl,
  resolveRedisUrl,
  scrubPassword,
  urlOfOptions,
} from "../../src/execution/queue-redis.ts";
import { type QueueWorker, startQueueWorker } from "../../src/execution/queue-worker.ts";
import { randomSampler } from "../../src/samplers/random.ts";
import { createStudy } from "../../src/study/study.ts";
import { kill, obliterateQueue, QUEUE_OBJECTIVES, spawnWorker, startPasswordRedis, uniqueQueue } from "./queue-helpers.ts";

const SECRET = "s3cret-Pa55";

test("maskRedisUrl hides the password and keeps the rest", () => {
  assert.equal(maskRedisUrl("redis://:secret@127.0.0.1:6379"), "redis://:***@127.0.0.1:6379");
  assert.equal(maskRedisUrl("redis://alice:secret@host:6380/2"), "redis://alice:***@host:6380/2");
  assert.equal(maskRedisUrl("rediss://token@host"), "rediss://***@host");
  assert.equal(maskRedisUrl("redis://127.0.0.1:6379"), "redis://127.0.0.1:6379");
  assert.equal(maskRedisUrl("redis://:p@ss:word@host:1"), "redis://:***@host:1");
  assert.equal(scrubPassword("auth p%40ss and p@ss failed", "redis://:p%40ss@host:1"), "auth *** and *** failed");
});

test("redisOptionsFromUrl reads host, port, user, password, database and TLS; bad URLs are named masked", () => {
  assert.deepEqual(redisOptionsFromUrl("redis://127.0.0.1:6379"), { host: "127.0.0.1", port: 6379 });
  assert.deepEqual(redisOptionsFromUrl("rediss://bob:p%40ss@cache.example:6380/3"), {
    host: "cache.example",
    port: 6380,
    username: "bob",
    password: "p@ss",
    db: 3,
    tls: {},
  });
  assert.deepEqual(redisOptionsFromUrl("redis://h"), { host: "h", port: 6379 });
  assert.throws(
    () => redisOptionsFromUrl("http://:pw@host:1"),
    /^Error: a Redis URL starts with redis:\/\/ or rediss:\/\/, got http:\/\/:\*\*\*@host:1$/,
  );
  assert.throws(
    () => redisOptionsFromUrl("redis://:pw@host:1/x"),
    /^Error: the Redis URL redis:\/\/:\*\*\*@host:1\/x has "x" where a database number belongs$/,
  );
  assert.throws(() => redisOptionsFromUrl("not a url :pw@"), /^Error: not a Redis URL/);
  assert.equal(urlOfOptions({ host: "h", port: 1, password: "p w" }), "redis://:p%20w@h:1");
  assert.equal(urlOfOptions({ host: "h", username: "u", password: "x", db: 2, tls: {} }), "rediss://u:x@h:6379/2");
  assert.equal(new QueueExecutor({ redis: { host: "h", port: 7, password: "p w" } }).where, "redis://:***@h:7");
});

test("the URL comes from the option, else REDIS_URL, else the local default", () => {
  const saved = process.env.REDIS_URL;
  try {
    process.env.REDIS_URL = "redis://from-env:1";
    assert.equal(resolveRedisUrl("redis://given:2"), "redis://given:2");
    assert.equal(resolveRedisUrl(), "redis://from-env:1");
    delete process.env.REDIS_URL;
    assert.equal(resolveRedisUrl(), "redis://127.0.0.1:6379");
  } finally {
    if (saved === undefined) delete process.env.REDIS_URL;
    else process.env.REDIS_URL = saved;
  }
});

test("a Redis with a password: trials run, a wrong password is refused, and no line or error shows the password", {
  timeout: 180_000,
}, async () => {
  const redis = await startPasswordRedis(SECRET);
  const queueName = uniqueQueue("password");
  const lines: string[] = [];
  let worker: QueueWorker | undefined;
  let executor: QueueExecutor | undefined;
  let cliWorker: ReturnType<typeof spawnWorker> | undefined;
  try {
    const wrong = redis.url.replace(SECRET, "wrong-one");
    await assert.rejects(checkRedis(wrong, redisOptionsFromUrl(wrong)), (error: Error) => {
      assert.match(
        error.message,
        new RegExp(`^Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${redis.port} refused the credentials: WRONGPASS`),
      );
      assert.ok(!error.message.includes("wrong-one"));
      return true;
    });
    await assert.rejects(
      startQueueWorker({ redis: redis.url.replace(`:${SECRET}@`, ""), queueName, log: (line) => lines.push(line) }),
      /NOAUTH/,
    );

    worker = await startQueueWorker({ redis: redis.url, queueName, log: (line) => lines.push(line), heartbeatMs: 200 });
    executor = new QueueExecutor({ redis: redis.url, queueName, pollIntervalMs: 200, log: (line) => lines.push(line) });
    assert.equal(executor.where, `redis://:***@127.0.0.1:${redis.port}`);
    const study = createStudy({ name: "secret", space: { x: { type: "float", low: -2, high: 2 } }, sampler: randomSampler({ seed: 2 }) });
    await study.optimize({ kind: "module", path: QUEUE_OBJECTIVES, exportName: "noop" }, { nTrials: 3, executor });
    assert.deepEqual(
      study.trials.map((trial) => trial.state),
      ["COMPLETE", "COMPLETE", "COMPLETE"],
    );
    assert.equal((await executor.liveWorkers()).length, 1);

    // The command line worker prints the masked URL.
    cliWorker = spawnWorker(queueName, ["--redis", redis.url]);
    const started = await cliWorker.waitFor(/taking trials/, 90_000);
    assert.match(
      started,
      new RegExp(`taking trials from queue "${queueName}" at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${redis.port} \\(concurrency 1\\)`),
    );
    kill(cliWorker.child, "SIGTERM");
    assert.deepEqual(await cliWorker.exited, { code: 0, signal: null });
    const everything = [...lines, cliWorker.output()].join("\n");
    assert.ok(
      lines.some((line) => line.includes("redis://:***@")),
      "the URL was logged, masked",
    );
    assert.ok(!everything.includes(SECRET), `the password leaked:\n${everything}`);
  } finally {
    if (cliWorker !== undefined) kill(cliWorker.child);
    await executor?.close();
    await worker?.close();
    await obliterateQueue(queueName, redis.url).catch(() => undefined);
    redis.stop();
  }
});
