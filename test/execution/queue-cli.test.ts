import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { test } from "node:test";
import { parseWorkerFlags } from "../../src/cli/worker.ts";
import { CLI, freePort, ROOT } from "./queue-helpers.ts";

const DEFAULTS = {
  queue: "hyperforce",
  concurrency: "1",
  lockDuration: "30000",
  stalledInterval: "30000",
  maxStalled: "1",
  heartbeat: "5000",
};

test("hyperforce worker flags become worker options; every bad value names its flag", () => {
  assert.deepEqual(parseWorkerFlags({ ...DEFAULTS, redis: "redis://:pw@h:6380/1", concurrency: "3", id: "box-1" }), {
    redis: "redis://:pw@h:6380/1",
    queueName: "hyperforce",
    concurrency: 3,
    lockDurationMs: 30000,
    stalledIntervalMs: 30000,
    maxStalledCount: 1,
    heartbeatMs: 5000,
    id: "box-1",
  });
  const bad: Array<[Partial<typeof DEFAULTS> & { redis?: string; id?: string }, string]> = [
    [{ concurrency: "0" }, '--concurrency must be an integer >= 1, got "0"'],
    [{ concurrency: "two" }, '--concurrency must be an integer >= 1, got "two"'],
    [{ lockDuration: "50" }, '--lock-duration must be an integer >= 100, got "50"'],
    [{ maxStalled: "-1" }, '--max-stalled must be an integer >= 0, got "-1"'],
    [{ queue: "a:b" }, '--queue must be a non-empty name without ":", got "a:b"'],
    [{ redis: "http://:pw@host:1" }, "--redis: a Redis URL starts with redis:// or rediss://, got http://:***@host:1"],
    [{ id: "" }, "--id must not be empty"],
  ];
  for (const [flags, message] of bad) {
    assert.throws(
      () => parseWorkerFlags({ ...DEFAULTS, ...flags }),
      (error: Error) => error.name === "UsageError" && error.message === message,
    );
  }
});

test("a worker that cannot reach Redis exits 1 with one line, the password masked", { timeout: 120_000 }, async () => {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", CLI, "worker", "--redis", `redis://:hunter2@127.0.0.1:${port}`], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve) => child.on("exit", (exitCode) => resolve(exitCode)));
  assert.equal(code, 1);
  assert.equal(stdout, "");
  assert.match(
    stderr,
    new RegExp(
      `^hyperforce: cannot reach Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${port}: connect ECONNREFUSED 127\\.0\\.0\\.1:${port}\\n$`,
    ),
  );
});
