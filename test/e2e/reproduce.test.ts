import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { JournalFileStorage } from "../../src/storage/journal.ts";
import { hyperforce, startHyperforce } from "../helpers/cli.ts";

const METHODS = [
  ["random search (baseline)", "0.5948 (0.01, 1e-4, 128, 18)"],
  ["grid search in order (the paper's baseline)", "0.5948 (0.01, 1e-4, 128, 18)"],
  ["REINFORCE, MLP policy, paper preset", "0.4232 (0.03, 3e-4, 16, 18)"],
  ["REINFORCE, MLP policy, our default", "0.4232 (0.03, 3e-4, 16, 18)"],
  ["REINFORCE, RNN policy, paper preset", "0.3957 (0.1, 3e-4, 128, 8)"],
  ["REINFORCE, RNN policy, our default", "0.3957 (0.1, 3e-4, 128, 8)"],
  ["PPO, MLP policy", "-"],
  ["TPE", "-"],
] as const;

const tableOf = (stdout: string) => stdout.slice(0, stdout.indexOf("\n\n", stdout.indexOf("| --- |")) + 1);

const ARGS = ["reproduce", "--task", "wine", "--seeds", "2", "--budget", "6", "--epochs", "1", "--workers", "2"];
let uninterruptedTable: string | undefined;

const REPRODUCE_TEST_NAME =
  "reproduce: a row per method with mean ± std beside the paper's numbers, CSV per method and seed, policies, plots; re-running is a no-op";

test(REPRODUCE_TEST_NAME, async () => {
  const out = join(mkdtempSync(join(tmpdir(), "hyperforce-reproduce-")), "wine");
  const args = [...ARGS, "--out", out];
  const first = await hyperforce(args);
  assert.equal(first.code, 0, first.stderr);
  uninterruptedTable = tableOf(first.stdout);
  const lines = tableOf(first.stdout).trimEnd().split("\n");
  assert.match(
    lines[0],
    new RegExp(
      "^\\| method \\| learning rate \\| weight decay \\| batch size \\| hidden units \\| " +
        "test loss, mean ± std \\(2 seeds\\) \\| validation loss, mean ± std \\| paper: test loss",
    ),
  );
  const rows = lines.slice(2).map((line) =>
    line
      .split("|")
      .slice(1, -1)
      .map((cell) => cell.trim()),
  );
  assert.deepEqual(
    rows.map((row) => [row[0], row[7]]),
    METHODS.map(([title, paper]) => [title, paper]),
  );
  for (const row of rows) {
    assert.match(row[5], /^\d\.\d{4} ± \d\.\d{4}$/);
    assert.match(row[6], /^\d\.\d{4} ± \d\.\d{4}$/);
  }
  assert.equal(readFileSync(join(out, "results.md"), "utf8").startsWith(tableOf(first.stdout)), true);

  // best.csv: methods x seeds; the table's mean is the mean of the two seeds' test losses, and its
  // hyperparameters are those of the seed with the lower test loss (the lower middle of two).
  const csv = readFileSync(join(out, "best.csv"), "utf8")
    .trimEnd()
    .split("\n")
    .map((line) => line.split(","));
  assert.deepEqual(csv[0], [
    "method",
    "seed",
    "study",
    "best_trial",
    "learning_rate",
    "weight_decay",
    "batch_size",
    "hidden_units",
    "validation_loss",
    "test_loss",
    "trials",
    "failed",
  ]);
  assert.equal(csv.length - 1, METHODS.length * 2);
  const tpe = csv.filter((row) => row[0] === "tpe");
  assert.deepEqual(
    tpe.map((row) => [row[1], row[2], row[10]]),
    [
      ["0", "wine-tpe-seed0", "6"],
      ["1", "wine-tpe-seed1", "6"],
    ],
  );
  const losses = tpe.map((row) => Number(row[9]));
  assert.equal(rows[7][5].split(" ± ")[0], ((losses[0] + losses[1]) / 2).toFixed(4));
  assert.equal(rows[7][5].split(" ± ")[1], (Math.abs(losses[0] - losses[1]) / Math.SQRT2).toFixed(4));
  const median = tpe[losses[0] <= losses[1] ? 0 : 1];
  assert.equal(rows[7][3], median[6]);
  assert.equal(rows[7][4], median[7]);

  const policies = readdirSync(join(out, "policies")).sort();
  assert.equal(policies.length, 10);
  assert.ok(policies.includes("wine-reinforce-paper-rnn-seed1.json"));
  const policy = JSON.parse(readFileSync(join(out, "policies", "wine-reinforce-rnn-seed0.json"), "utf8"));
  assert.equal(policy.format, "hyperforce-policy");
  assert.deepEqual(policy.shape.sizes, [10, 10, 10, 10]);
  assert.deepEqual(policy.names, ["learning_rate", "weight_decay", "batch_size", "hidden_units"]);
  const plots = readdirSync(join(out, "plots"));
  for (const name of ["convergence", "history-random", "history-tpe", "history-reinforce-rnn"])
    assert.ok(plots.includes(`${name}.png`) && plots.includes(`${name}.svg`), name);
  const html = readFileSync(join(out, "index.html"), "utf8");
  assert.ok(html.includes('<img src="plots/convergence.png"') && html.includes('<a href="best.csv">'));

  const again = await hyperforce(args);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(tableOf(again.stdout), tableOf(first.stdout));
  assert.match(again.stdout, /0 studies run, 16 already finished/);
  assert.equal(
    again.stderr
      .trimEnd()
      .split("\n")
      .filter((line) => line.endsWith(": already done")).length,
    16,
  );
});

test("reproduce: Ctrl-C lets the running trials finish, keeps them, and the same command resumes to the same table", async () => {
  assert.ok(uninterruptedTable !== undefined, "the first test ran the same experiment without interruption");
  const out = join(mkdtempSync(join(tmpdir(), "hyperforce-reproduce-")), "wine");
  const child = startHyperforce([...ARGS, "--out", out]);
  let stderr = "";
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  await new Promise<void>((resolve) => {
    child.stderr!.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes("[2/16]")) resolve();
    });
  });
  child.kill("SIGINT");
  assert.equal(await exited, 130, stderr);
  assert.match(stderr, /stopping: letting the running trials finish/);
  assert.match(stderr, /interrupted after \d+ of 16 studies; every finished trial is kept: run the same command to resume/);
  // No trial was left RUNNING (or marked failed on resume): the interrupted studies just hold fewer trials.
  const journal = new JournalFileStorage(join(out, "studies.jsonl"));
  const states = journal.listStudies().flatMap((study) => journal.getAllTrials(study.studyId).map((trial) => trial.state));
  assert.ok(states.length < 16 * 6, `${states.length} trials before the resume`);
  assert.deepEqual([...new Set(states)], ["COMPLETE"]);
  journal.close();

  const resumed = await hyperforce([...ARGS, "--out", out]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.equal(tableOf(resumed.stdout), uninterruptedTable);
});

test("reproduce: bad flags are usage errors", async () => {
  const [task, methods, budget, trainSize] = await Promise.all([
    hyperforce(["reproduce", "--task", "mnist"]),
    hyperforce(["reproduce", "--task", "wine", "--methods", "random,bogus"]),
    hyperforce(["reproduce", "--task", "wine", "--budget", "0"]),
    hyperforce(["reproduce", "--task", "wine", "--train-size", "100"]),
  ]);
  assert.equal(task.code, 2);
  assert.match(task.stderr, /--task must be one of wine, letter, fashion, got "mnist"/);
  assert.equal(trainSize.code, 2);
  assert.match(trainSize.stderr, /--train-size applies to --task fashion/);
  assert.equal(methods.code, 2);
  assert.match(methods.stderr, /--methods: unknown method "bogus"; methods: random, grid, reinforce-paper, /);
  assert.equal(budget.code, 2);
  assert.match(budget.stderr, /--budget must be a positive integer, got "0"/);
});

test("reproduce --task fashion: the CNN's parameters as columns, no paper column, training images in results.json", async () => {
  const out = join(mkdtempSync(join(tmpdir(), "hyperforce-reproduce-")), "fashion");
  const args = ["reproduce", "--task", "fashion", "--seeds", "1", "--budget", "2", "--epochs", "1", "--train-size", "100"];
  const run = await hyperforce([...args, "--methods", "random,reinforce-rnn", "--workers", "2", "--out", out]);
  assert.equal(run.code, 0, run.stderr);
  const lines = tableOf(run.stdout).trimEnd().split("\n");
  assert.equal(
    lines[0],
    "| method | learning rate | weight decay | batch size | c1 | c2 | hidden units | " +
      "test loss, mean ± std (1 seed) | validation loss, mean ± std |",
  );
  assert.deepEqual(
    lines.slice(2).map((line) => line.split("|")[1].trim()),
    ["random search (baseline)", "REINFORCE, RNN policy, our default"],
  );
  assert.match(run.stdout, /Task fashion; losses are the cross-entropy in nats/);
  const csv = readFileSync(join(out, "best.csv"), "utf8").trimEnd().split("\n");
  assert.equal(
    csv[0],
    "method,seed,study,best_trial,learning_rate,weight_decay,batch_size,c1,c2,hidden_units,validation_loss,test_loss,trials,failed",
  );
  assert.equal(csv.length, 3);
  const results = JSON.parse(readFileSync(join(out, "results.json"), "utf8"));
  assert.deepEqual([results.task, results.epochs, results.trainSize, results.budget], ["fashion", 1, 100, 2]);
  const policy = JSON.parse(readFileSync(join(out, "policies", "fashion-reinforce-rnn-seed0.json"), "utf8"));
  assert.deepEqual(policy.names, ["learning_rate", "weight_decay", "batch_size", "c1", "c2", "hidden_units"]);
  assert.deepEqual(policy.shape.sizes, [5, 4, 4, 4, 4, 3]);
});
