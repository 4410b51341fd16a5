import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { describeCliError, UsageError } from "../../src/cli/errors.ts";
import { main } from "../../src/cli/main.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `hyperforce <args>` from the TypeScript sources as a child process. */
function hyperforce(args: string[], env: Record<string, string | undefined> = {}): Promise<Outcome> {
  const childEnv: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...process.env, ...env })) if (value !== undefined) childEnv[key] = value;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "src/cli/run.ts", ...args],
      { cwd: ROOT, env: childEnv, timeout: 120_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const GOOD = ["--task", "wine", "--lr", "1e-3", "--weight-decay", "1e-4", "--batch-size", "64", "--hidden", "20", "--seed", "1"];

function withFlag(flag: string, value: string): string[] {
  const args = [...GOOD];
  args[args.indexOf(flag) + 1] = value;
  return args;
}

function withoutFlag(flag: string): string[] {
  const args = [...GOOD];
  args.splice(args.indexOf(flag), 2);
  return args;
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function assertUsageError(outcome: Outcome, line: string): void {
  assert.equal(outcome.code, 2, `exit code (stderr: ${outcome.stderr})`);
  assert.equal(outcome.stdout, "");
  assert.equal(outcome.stderr, `${line}\n`);
}

// Every bad value, checked in-process through the same entry the command runs (main + describeCliError).
describe("hyperforce evaluate: each bad value is a usage error (exit code 2) with one clear line", () => {
  const cases: [string, string[], string][] = [
    ["unknown task", withFlag("--task", "iris"), 'unknown task "iris"; known tasks: wine, letter, fashion'],
    ["batch size 0", withFlag("--batch-size", "0"), '--batch-size must be a positive integer, got "0"'],
    ["batch size not an integer", withFlag("--batch-size", "2.5"), '--batch-size must be a positive integer, got "2.5"'],
    ["negative learning rate", withFlag("--lr", "-0.1"), '--lr must be a positive number, got "-0.1"'],
    ["zero learning rate", withFlag("--lr", "0"), '--lr must be a positive number, got "0"'],
    ["non-numeric learning rate", withFlag("--lr", "fast"), '--lr must be a number, got "fast"'],
    ["hexadecimal is not a number here", withFlag("--hidden", "0x10"), '--hidden must be a number, got "0x10"'],
    ["negative weight decay", withFlag("--weight-decay", "-1e-4"), '--weight-decay must be a number >= 0, got "-1e-4"'],
    ["hidden below 1", withFlag("--hidden", "0"), '--hidden must be a positive integer, got "0"'],
    ["negative seed", withFlag("--seed", "-3"), '--seed must be an integer >= 0, got "-3"'],
    ["epochs 0", [...GOOD, "--epochs", "0"], '--epochs must be a positive integer, got "0"'],
    [
      "a missing required flag",
      withoutFlag("--seed"),
      "required option '--seed <integer>' not specified (see: hyperforce evaluate --help)",
    ],
    ["an unknown flag", [...GOOD, "--momentum", "0.9"], "unknown option '--momentum' (see: hyperforce evaluate --help)"],
  ];
  for (const [name, args, message] of cases) {
    test(name, async () => {
      const error = await main(["node", "hyperforce", "evaluate", ...args]).then(
        () => assert.fail("expected a usage error"),
        (thrown: unknown) => thrown,
      );
      assert.ok(error instanceof UsageError, `expected a UsageError, got ${String(error)}`);
      assert.equal(error.message, message);
      assert.deepEqual(describeCliError(error), { exitCode: 2, line: `hyperforce: ${message}` });
    });
  }
  test("an unknown command", async () => {
    await assert.rejects(
      main(["node", "hyperforce", "evaluat"]),
      new UsageError("unknown command 'evaluat' (Did you mean evaluate?) (see: hyperforce --help)"),
    );
  });
  test("an unexpected failure is exit code 1, still one line", () => {
    assert.deepEqual(describeCliError(new Error("disk on fire\nsecond line")), {
      exitCode: 1,
      line: "hyperforce: disk on fire; second line",
    });
  });
});

describe("hyperforce evaluate as a child process: bad input gives one stderr line and exit code 2", { concurrency: 2 }, () => {
  const cases: [string, string[], string][] = [
    ["unknown task", withFlag("--task", "iris"), 'hyperforce: unknown task "iris"; known tasks: wine, letter, fashion'],
    ["batch size 0", withFlag("--batch-size", "0"), 'hyperforce: --batch-size must be a positive integer, got "0"'],
    [
      "a missing required flag",
      withoutFlag("--lr"),
      "hyperforce: required option '--lr <number>' not specified (see: hyperforce evaluate --help)",
    ],
  ];
  for (const [name, args, line] of cases) {
    test(name, async () => assertUsageError(await hyperforce(["evaluate", ...args]), line));
  }

  test("a missing data file (not in the data folder nor the cache, download refused)", async () => {
    const home = mkdtempSync(join(tmpdir(), "hyperforce-home-"));
    const empty = mkdtempSync(join(tmpdir(), "hyperforce-data-"));
    const port = await closedPort();
    try {
      const outcome = await hyperforce(["evaluate", ...GOOD], {
        HOME: home,
        XDG_CACHE_HOME: undefined,
        HYPERFORCE_DATA_DIR: empty,
        HYPERFORCE_DATASET_URL_BASE: `http://127.0.0.1:${port}`,
      });
      const cache = join(home, ".cache/hyperforce/datasets/winequality-red.csv");
      assertUsageError(
        outcome,
        `hyperforce: winequality-red.csv was not found at ${join(empty, "winequality-red.csv")} (HYPERFORCE_DATA_DIR) ` +
          `or ${cache} (the cache), and downloading http://127.0.0.1:${port}/wine-quality/winequality-red.csv ` +
          `failed (fetch failed: connect ECONNREFUSED 127.0.0.1:${port})`,
      );
    } finally {
      rmSync(home, { recursive: true, force: true });
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe("hyperforce evaluate: a good run", () => {
  test("--json prints one object with finite losses", async () => {
    const outcome = await hyperforce(["evaluate", ...GOOD, "--json"]);
    assert.equal(outcome.code, 0, outcome.stderr);
    assert.equal(outcome.stderr, "");
    const lines = outcome.stdout.trimEnd().split("\n");
    assert.equal(lines.length, 1);
    const result = JSON.parse(lines[0]);
    assert.equal(result.task, "wine");
    assert.deepEqual(
      [result.learningRate, result.weightDecay, result.batchSize, result.hidden, result.epochs, result.seed, result.splitSeed],
      [1e-3, 1e-4, 64, 20, 15, 1, 0],
    );
    assert.equal(result.diverged, false);
    assert.equal(result.epochsRun, 15);
    assert.ok(Number.isFinite(result.validationLoss) && result.validationLoss > 0);
    assert.ok(Number.isFinite(result.testLoss) && result.testLoss > 0);
    assert.ok(result.seconds >= 0);
  });

  test("the table for people, on letter with two epochs", async () => {
    const outcome = await hyperforce(["evaluate", ...withFlag("--task", "letter"), "--epochs", "2", "--split-seed", "3"]);
    assert.equal(outcome.code, 0, outcome.stderr);
    const lines = outcome.stdout.trimEnd().split("\n");
    assert.deepEqual(
      lines.map((line) => line.slice(0, 17).trimEnd()),
      ["task", "configuration", "validation loss", "test loss", "diverged", "epochs run", "time"],
    );
    assert.equal(lines[0], "task             letter (split seed 3, seed 1)");
    assert.match(lines[2], /^validation loss {2}\d+\.\d{6} \(mean cross-entropy in nats\)$/);
    assert.equal(lines[4], "diverged         no");
    assert.equal(lines[5], "epochs run       2");
    assert.match(lines[6], /^time {13}\d+\.\d{3} s$/);
  });
});

describe("hyperforce evaluate on every registered task: a CSV file, a classification CSV, a table", { concurrency: 2 }, () => {
  const dataDir = process.env.HYPERFORCE_DATA_DIR ?? fileURLToPath(new URL("../../../shared/data", import.meta.url));
  const diabetes = join(dataDir, "diabetes.csv");
  const CONFIG = ["--lr", "1e-3", "--weight-decay", "1e-4", "--batch-size", "32", "--hidden", "20", "--seed", "1"];

  test("--task csv:FILE --target COL trains on the file, repeats exactly, and names the task with its options", async () => {
    const args = ["evaluate", "--task", `csv:${diabetes}`, "--target", "progression", ...CONFIG, "--json"];
    const [first, second] = await Promise.all([hyperforce(args), hyperforce(args)]);
    assert.equal(first.code, 0, first.stderr);
    const result = JSON.parse(first.stdout);
    assert.equal(result.task, `csv:${diabetes}`);
    assert.deepEqual(result.taskOptions, { target: "progression" });
    assert.equal(result.diverged, false);
    assert.equal(result.epochsRun, 15);
    assert.ok(
      Number.isFinite(result.validationLoss) && result.validationLoss > 0 && result.validationLoss < 1.5,
      `loss ${result.validationLoss}`,
    );
    assert.equal(result.validationAccuracy, undefined, "regression has no accuracy");
    const again = JSON.parse(second.stdout);
    assert.deepEqual([again.validationLoss, again.testLoss], [result.validationLoss, result.testLoss]);
  });

  test("a classification CSV reports validation and test accuracy", async () => {
    const outcome = await hyperforce([
      "evaluate",
      "--task",
      `csv:${join(dataDir, "digits.csv")}`,
      "--target",
      "digit",
      ...CONFIG,
      "--lr",
      "1e-2",
      "--json",
    ]);
    assert.equal(outcome.code, 0, outcome.stderr);
    const result = JSON.parse(outcome.stdout);
    assert.ok(result.validationAccuracy > 0.8 && result.validationAccuracy <= 1, `validation accuracy ${result.validationAccuracy}`);
    assert.ok(result.testAccuracy > 0.8 && result.testAccuracy <= 1, `test accuracy ${result.testAccuracy}`);
  });

  test("csv flags: --target is required for a csv task and refused for others; a missing column is one line, exit 2", async () => {
    assertUsageError(
      await hyperforce(["evaluate", "--task", `csv:${diabetes}`, ...CONFIG]),
      `hyperforce: --task csv:${diabetes} needs --target COLUMN (the column to predict)`,
    );
    assertUsageError(await hyperforce(["evaluate", ...GOOD, "--target", "x"]), "hyperforce: --target applies to --task csv:FILE");
    const missing = await hyperforce(["evaluate", "--task", `csv:${diabetes}`, "--target", "price", ...CONFIG]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^hyperforce: .*diabetes\.csv: no column "price" for the target; the columns are: age, sex, bmi/);
  });

  test("--task table:FILE looks the configuration up (no training) and says so", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hyperforce-evaluate-table-"));
    try {
      const header =
        "learning_rate_index,weight_decay_index,batch_size_index,hidden_units_index,learning_rate,weight_decay,batch_size,hidden_units";
      const table = join(dir, "t.csv");
      writeFileSync(table, `${header},seed,validation_loss,test_loss,diverged,seconds\n2,1,2,9,0.001,0.0001,32,20,0,0.25,0.5,0,0.1\n`);
      const outcome = await hyperforce(["evaluate", "--task", `table:${table}`, ...CONFIG, "--json"]);
      assert.equal(outcome.code, 0, outcome.stderr);
      const result = JSON.parse(outcome.stdout);
      assert.deepEqual([result.validationLoss, result.testLoss, result.epochsRun, result.lookedUpSeed], [0.25, 0.5, null, 0]);
      const absent = await hyperforce(["evaluate", "--task", `table:${table}`, ...CONFIG, "--hidden", "8"]);
      assert.equal(absent.code, 2);
      assert.match(absent.stderr, /is absent from the table/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
