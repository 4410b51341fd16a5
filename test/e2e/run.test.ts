import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { JournalFileStorage } from "../../src/storage/journal.ts";
import { hyperforce, startHyperforce } from "../helpers/cli.ts";

const temp = () => mkdtempSync(join(tmpdir(), "hyperforce-run-"));
const QUICK = ["run", "--task", "wine", "--epochs", "2", "--no-progress", "--json"];

test("run works with every sampler on the wine task and resumes to the same target", async () => {
  const dir = temp();
  const storage = join(dir, "wine.jsonl");
  const samplers = [
    ["grid"],
    ["random"],
    ["tpe"],
    ["reinforce", "--policy", "mlp"],
    ["reinforce", "--policy", "rnn"],
    ["reinforce", "--policy", "mlp", "--preset", "paper"],
    ["ppo", "--policy", "rnn"],
  ];
  const outcomes = await Promise.all(
    samplers.map(([sampler, ...rest], index) =>
      hyperforce([...QUICK, "--sampler", sampler, ...rest, "--trials", "12", "--storage", join(dir, `s${index}.jsonl`), "--seed", "3"]),
    ),
  );
  for (const [index, outcome] of outcomes.entries()) {
    assert.equal(outcome.code, 0, `${samplers[index].join(" ")}: ${outcome.stderr}`);
    const summary = JSON.parse(outcome.stdout);
    assert.equal(summary.trials.finished, 12, samplers[index].join(" "));
    assert.ok(summary.best.value > 0 && Number.isFinite(summary.best.value));
    assert.ok(typeof summary.best.testLoss === "number");
    assert.deepEqual(Object.keys(summary.best.params), ["learning_rate", "weight_decay", "batch_size", "hidden_units"]);
  }
  // Grid in order: the first 12 points of the paper's space vary only the last parameter (and then the third).
  const grid = new JournalFileStorage(join(dir, "s0.jsonl"));
  const gridTrials = grid.getAllTrials(grid.listStudies()[0].studyId);
  assert.deepEqual(
    gridTrials.slice(0, 10).map((trial) => trial.params.hidden_units),
    [2, 4, 6, 8, 10, 12, 14, 16, 18, 20],
  );

  // The same command with a larger target continues the study; the first trials are unchanged.
  const first = await hyperforce([...QUICK, "--sampler", "tpe", "--trials", "6", "--storage", storage, "--seed", "1"]);
  assert.equal(first.code, 0, first.stderr);
  const again = await hyperforce([...QUICK, "--sampler", "tpe", "--trials", "9", "--storage", storage, "--seed", "1"]);
  assert.equal(JSON.parse(again.stdout).trials.finished, 9);
  const journal = new JournalFileStorage(storage);
  const trials = journal.getAllTrials(journal.findStudy("wine-tpe")!.studyId);
  assert.equal(trials.length, 9);
});

test("Ctrl-C keeps every finished trial and the same command resumes to the target", async () => {
  const dir = temp();
  const storage = join(dir, "wine.jsonl");
  const args = (trials: number) => [
    "run",
    "--task",
    "wine",
    "--epochs",
    "15",
    "--sampler",
    "random",
    "--trials",
    String(trials),
    "--storage",
    storage,
    "--study",
    "s",
    "--json",
  ];
  const child = startHyperforce(args(100000));
  let stdout = "";
  child.stdout!.on("data", (chunk) => (stdout += chunk));
  const journalTrials = () => {
    try {
      const journal = new JournalFileStorage(storage);
      return journal.getAllTrials(journal.findStudy("s")!.studyId);
    } catch {
      return [];
    }
  };
  let stderr = "";
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  let running = true;
  void exited.then(() => (running = false));
  while (journalTrials().filter((trial) => trial.state === "COMPLETE").length < 5) {
    assert.ok(running, `the study stopped before 5 trials finished: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill("SIGINT");
  const code = await exited;
  assert.equal(code, 130);
  const summary = JSON.parse(stdout);
  assert.equal(summary.interrupted, true);
  const before = journalTrials();
  assert.ok(before.length < 100000, "the interrupt stopped the study early");
  assert.ok(
    before.every((trial) => trial.state !== "RUNNING"),
    "running trials were finished before exiting",
  );
  const resumed = await hyperforce(args(before.length + 5));
  assert.equal(resumed.code, 0, resumed.stderr);
  const after = journalTrials();
  assert.equal(after.length, before.length + 5);
  for (const trial of before) assert.deepEqual(after[trial.number].value, trial.value);
});

test("an invalid config file is rejected with the path of the bad field; a valid one runs", async () => {
  const dir = temp();
  const bad = join(dir, "study.yaml");
  writeFileSync(bad, "task: wine\nsampler: reinforce\npolicy: transformer\ntrials: 5\n");
  const outcome = await hyperforce(["run", "--config", bad]);
  assert.equal(outcome.code, 2);
  assert.match(outcome.stderr.trim(), new RegExp(`^hyperforce: ${bad.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: invalid field policy: `));
  assert.equal(outcome.stderr.trim().split("\n").length, 1);

  const unknown = join(dir, "unknown.json");
  writeFileSync(unknown, JSON.stringify({ task: "wine", trails: 5 }));
  const typo = await hyperforce(["run", "--config", unknown]);
  assert.equal(typo.code, 2);
  assert.match(typo.stderr, /unknown\.json: invalid field .*trails/);

  const good = join(dir, "good.yaml");
  writeFileSync(
    good,
    `task: wine\nsampler: random\ntrials: 3\nepochs: 1\nstorage: ${join(dir, "g.jsonl")}\nspace:\n` +
      "  learning_rate: { type: categorical, choices: [0.001, 0.01] }\n" +
      "  weight_decay: { type: categorical, choices: [0.0001] }\n" +
      "  batch_size: { type: int, low: 32, high: 64, step: 32 }\n" +
      "  hidden_units: { type: categorical, choices: [4, 8] }\n",
  );
  const ran = await hyperforce(["run", "--config", good, "--json", "--no-progress"]);
  assert.equal(ran.code, 0, ran.stderr);
  const summary = JSON.parse(ran.stdout);
  assert.equal(summary.trials.complete, 3);
  assert.ok([32, 64].includes(summary.best.params.batch_size as number));
});

test("usage errors are one line with exit code 2", async () => {
  const cases: [string[], RegExp][] = [
    [["run", "--task", "nope"], /unknown task "nope"/],
    [["run", "--task", "wine", "--sampler", "annealing"], /--sampler: /],
    [["run", "--task", "wine", "--trials", "0"], /--trials: /],
    [["run", "--task", "wine", "--objective", "x.js"], /exactly one of --task/],
    [["run", "--task", "wine", "--sampler", "tpe", "--policy", "rnn"], /--policy applies to --sampler reinforce or ppo/],
    [["run", "--command", "echo {x}"], /--command needs --space/],
    [["trials", "--storage", "/nonexistent/x.jsonl", "--study", "a"], /no journal file at/],
  ];
  const outcomes = await Promise.all(cases.map(([args]) => hyperforce(args)));
  for (const [index, outcome] of outcomes.entries()) {
    assert.equal(outcome.code, 2, `${cases[index][0].join(" ")}: ${outcome.stderr}`);
    assert.match(outcome.stderr, cases[index][1]);
    assert.equal(outcome.stderr.trim().split("\n").length, 1, outcome.stderr);
  }
});

test("studies and trials list what the journal holds", async () => {
  const dir = temp();
  const storage = join(dir, "j.jsonl");
  await hyperforce([...QUICK, "--sampler", "random", "--trials", "4", "--storage", storage, "--study", "alpha"]);
  const studies = await hyperforce(["studies", "--storage", storage, "--json"]);
  const list = JSON.parse(studies.stdout);
  assert.equal(list.length, 1);
  assert.equal(list[0].name, "alpha");
  assert.equal(list[0].complete, 4);
  const csv = await hyperforce(["trials", "--storage", storage, "--study", "alpha", "--csv"]);
  const lines = csv.stdout.trim().split("\n");
  assert.equal(lines.length, 5);
  assert.match(lines[0], /^number,state,value,params_learning_rate,params_weight_decay,params_batch_size,params_hidden_units,/);
  const table = await hyperforce(["trials", "--storage", storage, "--study", "alpha"]);
  assert.match(table.stdout, /COMPLETE/);
  const missing = await hyperforce(["trials", "--storage", storage, "--study", "beta"]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no study named "beta" .* it holds: alpha/);
});

test("csv flags reach the CSV task: a headerless file, an excluded column; study names come from the file", async () => {
  const dir = temp();
  const file = join(dir, "noheader.csv");
  const rows = Array.from({ length: 120 }, (_, i) => {
    const a = ((i * 37) % 101) / 101;
    const b = ((i * 53) % 97) / 97;
    return `${a},${b},${(i * 11) % 7},${3 * a - 2 * b}`;
  });
  writeFileSync(file, rows.join("\n") + "\n");
  const storage = join(dir, "csv.jsonl");
  const ran = await hyperforce([
    "run",
    "--task",
    `csv:${file}`,
    "--target",
    "4",
    "--no-header",
    "--exclude",
    "3",
    "--epochs",
    "2",
    "--trials",
    "3",
    "--sampler",
    "random",
    "--storage",
    storage,
    "--json",
    "--no-progress",
  ]);
  assert.equal(ran.code, 0, ran.stderr);
  assert.equal(JSON.parse(ran.stdout).study, "noheader-random");
  const bad = await hyperforce([
    "run",
    "--task",
    `csv:${file}`,
    "--target",
    "4",
    "--no-header",
    "--exclude",
    "9",
    "--trials",
    "3",
    "--storage",
    storage,
  ]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /no column "9" for the excluded column/);
  const misplaced = await hyperforce(["run", "--task", "wine", "--max-categories", "5"]);
  assert.equal(misplaced.code, 2);
  assert.match(misplaced.stderr, /--max-categories applies to --task csv:FILE/);
});
