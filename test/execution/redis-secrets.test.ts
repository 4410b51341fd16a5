// A Redis password never reaches a printed line or an error, whatever characters it holds and
// whether or not the URL parses (issue 14 item 5). Only 127.0.0.1 is ever connected to.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { test } from "node:test";
import { parseWorkerFlags } from "../../src/cli/worker.ts";
import { maskRedisUrl, redisOptionsFromUrl, scrubPassword } from "../../src/execution/queue-redis.ts";
import { CLI, freePort, kill, ROOT, spawnWorker, startPasswordRedis, uniqueQueue } from "./queue-helpers.ts";

/** Passwords with each character that cuts a URL short: / @ : % (a valid and an invalid escape). */
const PASSWORDS = ["Zm9v/YmFy", "p@ss", "a:b:c", "100%sure", "x%2Fy", "Zm9v/Y@m:F%zz"];

function assertNoSecret(text: string, secret: string): void {
  for (const form of [secret, encodeURIComponent(secret)]) assert.ok(!text.includes(form), `the secret ${secret} leaked in: ${text}`);
}

test("maskRedisUrl hides passwords holding / @ : %, also in URLs that do not parse", () => {
  assert.equal(maskRedisUrl("redis://:Zm9v/YmFy@10.0.0.5:6379"), "redis://:***@10.0.0.5:6379");
  for (const password of PASSWORDS) {
    for (const [url, masked] of [
      [`redis://:${password}@127.0.0.1:6379`, "redis://:***@127.0.0.1:6379"],
      [`rediss://alice:${password}@127.0.0.1:6380/2`, "rediss://alice:***@127.0.0.1:6380/2"],
      // A lone token is all secret; with a colon, the part before it is a user name and stays.
      [`redis://${password}@127.0.0.1`, `redis://${password.includes(":") ? `${password.split(":")[0]}:` : ""}***@127.0.0.1`],
      [`redis:/:${password}@127.0.0.1`, "redis:***@127.0.0.1"], // no scheme recognised: all after the first colon hidden
      [`:${password}@127.0.0.1:6379`, ":***@127.0.0.1:6379"],
      [`redis://:${password}@`, "redis://:***@"],
    ]) {
      assert.equal(maskRedisUrl(url), masked, url);
      assertNoSecret(maskRedisUrl(url), url.includes(`//${password}`) ? password.slice(password.indexOf(":") + 1) : password);
    }
  }
  assert.equal(maskRedisUrl("redis://127.0.0.1:6379/0"), "redis://127.0.0.1:6379/0");
});

test("a password with / @ : % is read from the URL as typed (decoded when it is a valid escape)", () => {
  assert.deepEqual(redisOptionsFromUrl("redis://:Zm9v/YmFy@127.0.0.1:6379"), { host: "127.0.0.1", port: 6379, password: "Zm9v/YmFy" });
  assert.equal(redisOptionsFromUrl("redis://:p@ss@127.0.0.1").password, "p@ss");
  assert.equal(redisOptionsFromUrl("redis://:a:b:c@127.0.0.1").password, "a:b:c");
  assert.equal(redisOptionsFromUrl("redis://:100%sure@127.0.0.1").password, "100%sure");
  assert.equal(redisOptionsFromUrl("redis://:x%2Fy@127.0.0.1").password, "x/y");
  assert.deepEqual(redisOptionsFromUrl("redis://bob:Zm9v/Y@m:F%zz@127.0.0.1:6380/1"), {
    host: "127.0.0.1",
    port: 6380,
    username: "bob",
    password: "Zm9v/Y@m:F%zz",
    db: 1,
  });
});

test("errors about a bad URL name it masked, with the flag", () => {
  for (const password of PASSWORDS) {
    for (const url of [
      `redis://:${password}@`,
      `http://:${password}@127.0.0.1`,
      `redis://:${password}@127.0.0.1/x`,
      `:${password}@127.0.0.1`,
    ]) {
      assert.throws(
        () =>
          parseWorkerFlags({
            redis: url,
            queue: "q",
            concurrency: "1",
            lockDuration: "30000",
            stalledInterval: "30000",
            maxStalled: "1",
            heartbeat: "5000",
          }),
        (error: Error) => {
          assert.equal(error.name, "UsageError");
          assert.match(error.message, /^--redis: /);
          assertNoSecret(error.message, password);
          return true;
        },
      );
    }
  }
});

test("scrubPassword removes the secret as typed, decoded and encoded", () => {
  assert.equal(scrubPassword("AUTH Zm9v/YmFy failed", "redis://:Zm9v/YmFy@127.0.0.1"), "AUTH *** failed");
  assert.equal(scrubPassword("x/y or x%2Fy", "redis://:x%2Fy@127.0.0.1"), "*** or ***");
  assert.equal(scrubPassword("token p@ss:w", "redis://p@ss:w@127.0.0.1"), "token p@ss:***");
  assert.equal(scrubPassword("nothing secret", "redis://127.0.0.1"), "nothing secret");
});

test("hyperforce worker prints its Redis masked when it cannot reach it (a password with / @ : %)", { timeout: 60_000 }, async () => {
  const port = await freePort();
  const password = "Zm9v/Y@m:F%zz";
  const child = spawn(process.execPath, ["--import", "tsx", CLI, "worker", "--redis", `redis://:${password}@127.0.0.1:${port}`], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const code = await new Promise<number | null>((resolve) => child.on("exit", (exitCode) => resolve(exitCode)));
  assert.equal(code, 1);
  assert.equal(output, `hyperforce: cannot reach Redis at redis://:***@127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}\n`);
});

test("hyperforce worker connected to a Redis whose password holds / @ : % prints it masked", { timeout: 60_000 }, async () => {
  const password = "Zm9v/Y@m:F%zz";
  const redis = await startPasswordRedis(password);
  const worker = spawnWorker(uniqueQueue("secret"), ["--redis", redis.url]);
  try {
    const line = await worker.waitFor(/taking trials/);
    assert.match(line, new RegExp(`at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${redis.port} `));
    kill(worker.child, "SIGTERM");
    await worker.exited;
    assertNoSecret(worker.output(), password);
  } finally {
    kill(worker.child);
    redis.stop();
  }
});
