import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { loadStudy } from "../../src/study/study.ts";
import { DATA_DIR, kill, obliterateQueue, ROOT, spawnWorker, uniqueQueue, type WorkerProcess } from "../execution/queue-helpers.ts";

const CONTROLLER = fileURLToPath(new URL("./fixtures/distributed-controller.ts", import.meta.url));

/** Lines "<worker>: trial N of study "S" <what>" of a worker's output, as trial numbers. */
function trialsThat(output: string, what: "started" | "finished"): number[] {
  const pattern = new RegExp(`trial (\\d+) of study "[^"]*" ${what}`);
  return output
    .split("\n")
    .map((line) => line.match(pattern)?.[1])
    .filter((found): found is string => found !== undefined)
    .map(Number);
}

test("a controller and two worker processes run 40 wine trials; a worker SIGKILLed mid-trial loses nothing and nothing runs twice", {
  timeout: 240_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), "hyperforce-distributed-"));
  const journal = join(dir, "study.jsonl");
  const queue = uniqueQueue("e2e");
  const workers: WorkerProcess[] = [spawnWorker(queue, ["--id", "w-a"]), spawnWorker(queue, ["--id", "w-b"])];
  let controller: ReturnType<typeof spawn> | undefined;
  try {
    await Promise.all(workers.map((worker) => worker.waitFor(/taking trials/, 90_000)));
    const config = {
      journal,
      study: "wine-distributed",
      queue,
      totalTrials: 40,
      concurrency: 2,
      objective: { kind: "task", task: "wine", epochs: 60 },
      space: {
        learning_rate: { type: "float", low: 0.001, high: 0.05, log: true },
        weight_decay: { type: "float", low: 0, high: 0.001 },
        batch_size: { type: "categorical", choices: [256, 512] },
        hidden_units: { type: "categorical", choices: [32, 64] },
      },
    };
    controller = spawn(process.execPath, ["--import", "tsx", CONTROLLER, JSON.stringify(config)], {
      cwd: ROOT,
      env: { ...process.env, HYPERFORCE_DATA_DIR: DATA_DIR },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let controllerOutput = "";
    controller.stdout!.on("data", (chunk) => (controllerOutput += chunk));
    controller.stderr!.on("data", (chunk) => (controllerOutput += chunk));
    const controllerExit = new Promise<number | null>((resolve) => controller!.on("exit", (code) => resolve(code)));

    // Worker A is killed just after it starts a trial (its fourth), so it dies holding it.
    const [victim, survivor] = workers;
    let held: number | undefined;
    const deadline = Date.now() + 120_000;
    while (held === undefined && Date.now() < deadline) {
      const started = trialsThat(victim.output(), "started");
      const finished = trialsThat(victim.output(), "finished");
      const open = started.filter((number) => !finished.includes(number));
      if (started.length >= 4 && open.length > 0) {
        kill(victim.child, "SIGKILL");
        held = open[0];
      } else await new Promise((resolve) => setTimeout(resolve, 2));
    }
    assert.ok(held !== undefined, `worker A never held a trial:\n${victim.output()}`);
    assert.equal((await victim.exited).signal, "SIGKILL");
    assert.ok(!trialsThat(victim.output(), "finished").includes(held), `worker A finished trial ${held} before it was killed`);

    assert.equal(await controllerExit, 0, `the controller failed:\n${controllerOutput}`);
    assert.match(controllerOutput, /controller done/);

    const study = loadStudy({ name: "wine-distributed", storage: journal, failStaleRunning: false });
    const trials = study.trials;
    study.close();
    assert.deepEqual(
      trials.map((trial) => trial.number),
      Array.from({ length: 40 }, (_, i) => i),
    );
    assert.deepEqual(
      trials.filter((trial) => trial.state !== "COMPLETE").map((trial) => [trial.number, trial.state, trial.failReason]),
      [],
    );
    for (const trial of trials) {
      assert.ok(Number.isFinite(trial.value), `trial ${trial.number} has a value`);
      assert.equal(typeof trial.userAttrs.seed, "number");
    }
    // Each trial finished exactly once across the workers; the held one was finished by worker B.
    const finished = [...trialsThat(victim.output(), "finished"), ...trialsThat(survivor.output(), "finished")].sort((a, b) => a - b);
    assert.deepEqual(
      finished,
      Array.from({ length: 40 }, (_, i) => i),
    );
    assert.ok(trialsThat(survivor.output(), "finished").includes(held));

    // The journal file itself records 40 trial creations and 40 COMPLETE endings.
    const operations = readFileSync(journal, "utf8")
      .trim()
      .split("\n")
      .map((row) => JSON.parse(row) as { op_code: number; state?: number });
    assert.equal(operations.filter((op) => op.op_code === 4).length, 40);
    assert.equal(operations.filter((op) => op.op_code === 6 && op.state === 1).length, 40);
  } finally {
    if (controller !== undefined) kill(controller);
    for (const worker of workers) kill(worker.child);
    await obliterateQueue(queue);
    rmSync(dir, { recursive: true, force: true });
  }
});
