import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import {
  CommandTrialError,
  commandObjective,
  paramEnvName,
  parseReportLine,
  splitCommandTemplate,
  stopRunningCommands,
} from "../../src/objectives/command.ts";
import type { SearchSpace } from "../../src/space/types.ts";
import { FixedTrial } from "./fixed-trial.ts";

const programs = fileURLToPath(new URL("../fixtures/programs/", import.meta.url));
const node = process.execPath;
const xSpace: SearchSpace = { x: { type: "float", low: -10, high: 10 } };

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "hyperforce-command-"));
}

/** True once the process is gone (a zombie waiting to be reaped counts as gone). */
function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return true;
    throw error;
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].startsWith("Z");
  } catch {
    return true;
  }
}

async function waitUntilGone(pid: number, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (processGone(pid)) return true;
    await new Promise((done) => setTimeout(done, 25));
  }
  return processGone(pid);
}

test("the template splits like a shell would split it, without any expansion", () => {
  assert.deepEqual(splitCommandTemplate("python3 train.py --lr {lr}  --batch-size {batch_size}"), [
    "python3",
    "train.py",
    "--lr",
    "{lr}",
    "--batch-size",
    "{batch_size}",
  ]);
  assert.deepEqual(splitCommandTemplate(`run 'a b' "c \\"d\\" \\\\" e\\ f "" $HOME *.py`), [
    "run",
    "a b",
    'c "d" \\',
    "e f",
    "",
    "$HOME",
    "*.py",
  ]);
  assert.deepEqual(splitCommandTemplate(`--name='{x}'"-{y}"`), ["--name={x}-{y}"]);
  assert.throws(() => splitCommandTemplate("echo 'open"), { message: "command template: unterminated ' quote at column 6: echo 'open" });
  assert.throws(() => splitCommandTemplate('echo "open'), { message: 'command template: unterminated " quote at column 6: echo "open' });
  assert.throws(() => splitCommandTemplate("echo \\"), { message: "command template: a backslash ends the template: echo \\" });
});

test("result lines: the value, an intermediate value, other lines, and protocol errors", () => {
  assert.deepEqual(parseReportLine("hyperforce: value=0.25"), { kind: "value", value: 0.25 });
  assert.deepEqual(parseReportLine("  hyperforce:   step=7 value=-1e-3\r"), { kind: "intermediate", step: 7, value: -0.001 });
  assert.deepEqual(parseReportLine("hyperforce: value=inf"), { kind: "value", value: Infinity });
  assert.deepEqual(parseReportLine("epoch 3 value=0.5"), { kind: "other" });
  assert.throws(() => parseReportLine("hyperforce: value=abc"), { message: 'non-numeric value "abc" in "hyperforce: value=abc"' });
  assert.throws(() => parseReportLine("hyperforce: step=1.5 value=2"), {
    message: 'step must be a non-negative integer, got "1.5" in "hyperforce: step=1.5 value=2"',
  });
  assert.throws(() => parseReportLine("hyperforce: loss=2"), { message: 'malformed result line "hyperforce: loss=2": unknown field loss' });
  assert.throws(() => parseReportLine("hyperforce: step=2"), { message: 'malformed result line "hyperforce: step=2": no value=' });
  assert.throws(() => parseReportLine("hyperforce: done"), {
    message: 'malformed result line "hyperforce: done": expected key=value fields',
  });
});

test("an unknown placeholder is rejected before any trial runs, naming the space's parameters", () => {
  assert.throws(() => commandObjective({ command: "python3 train.py --lr {lr} --bs {batch_size}", space: xSpace }), {
    message: "command template uses {lr}, {batch_size}, which are not parameters of the search space; parameters: x",
  });
  assert.throws(() => commandObjective({ command: ["train", "--lr={lr}"], space: xSpace }), {
    message: "command template uses {lr}, which is not a parameter of the search space; parameters: x",
  });
  assert.throws(() => commandObjective({ command: "   ", space: xSpace }), { message: "command objective: the command is empty" });
  assert.throws(() => commandObjective({ command: "true", space: xSpace, cwd: "/no/such/folder" }), {
    message: "command objective: working directory does not exist: /no/such/folder",
  });
  assert.throws(() => commandObjective({ command: "true", space: xSpace, trialTimeoutMs: 0 }), {
    message: "command objective: trialTimeoutMs must be a positive number of milliseconds, got 0",
  });
  assert.throws(() => commandObjective({ command: "true", space: { "learning-rate": xSpace.x, learning_rate: xSpace.x } }), {
    message: 'parameters "learning-rate" and "learning_rate" would both be passed as HYPERFORCE_PARAM_LEARNING_RATE: rename one',
  });
});

test("a program that succeeds: last value wins, intermediate values forwarded, env and logs per trial", async () => {
  const logDir = join(tempDir(), "logs");
  const objective = commandObjective({
    command: `"${node}" report.mjs --x {x} --tag trial-{x}`,
    space: xSpace,
    cwd: programs,
    env: { EXTRA: "1" },
    logDir,
  });
  const trial = new FixedTrial({ x: 5 }, 7);
  assert.equal(await objective(trial), 4);
  assert.deepEqual(trial.reports, [
    [0, 5],
    [1, 10],
    [2, 15],
  ]);
  assert.deepEqual(trial.userAttrs.command, [node, "report.mjs", "--x", "5", "--tag", "trial-5"]);
  assert.deepEqual(readdirSync(logDir).sort(), ["trial-7.stderr.log", "trial-7.stdout.log"]);
  const stdout = readFileSync(join(logDir, "trial-7.stdout.log"), "utf8").split("\n");
  assert.equal(stdout[0], 'argv ["--x","5","--tag","trial-5"]');
  assert.deepEqual(JSON.parse(stdout[1].slice("env ".length)), { HYPERFORCE_TRIAL_NUMBER: "7", HYPERFORCE_PARAM_X: "5" });
  assert.equal(stdout.at(-2), "hyperforce: value=4");
  assert.equal(readFileSync(join(logDir, "trial-7.stderr.log"), "utf8"), "training finished\n");
  assert.equal(paramEnvName("batch-size.v2"), "HYPERFORCE_PARAM_BATCH_SIZE_V2");
});

test("a value full of shell metacharacters reaches the program as one unchanged argument", async () => {
  const nasty = `a b; rm -rf / "$(x)" 'q' \`id\` | & > out.txt $HOME \\ *`;
  const logDir = tempDir();
  const objective = commandObjective({
    command: `${JSON.stringify(node)} argv.mjs {s} --opt={s} {n}`,
    space: { s: { type: "categorical", choices: [nasty] }, n: { type: "int", low: 1, high: 3 } },
    cwd: programs,
    logDir,
  });
  assert.equal(await objective(new FixedTrial({ s: nasty, n: 2 }, 0)), 1);
  const lines = readFileSync(join(logDir, "trial-0.stdout.log"), "utf8").trim().split("\n");
  assert.deepEqual(
    lines.slice(0, -1).map((line) => JSON.parse(line)),
    [nasty, `--opt=${nasty}`, "2"],
  );
  assert.deepEqual(
    readdirSync(programs).filter((name) => name === "out.txt"),
    [],
  );
});

test("a program that crashes fails the trial with its exit code and the tail of stderr", async () => {
  const logDir = tempDir();
  const objective = commandObjective({ command: [node, "crash.mjs"], space: {}, cwd: programs, logDir, stderrTailLines: 5 });
  const trial = new FixedTrial({}, 3);
  const tail = "stderr line 26\nstderr line 27\nstderr line 28\nstderr line 29\nstderr line 30";
  await assert.rejects(objective(trial), (error: unknown) => {
    assert.ok(error instanceof CommandTrialError);
    assert.equal(error.message, `${node} exited with code 3\nstderr (last lines):\n${tail}`);
    assert.equal(error.exitCode, 3);
    assert.equal(error.stderrTail, tail);
    return true;
  });
  assert.equal(trial.userAttrs.stderr_tail, tail);
  assert.deepEqual(trial.reports, [[0, 0.5]]);
  assert.equal(readFileSync(join(logDir, "trial-3.stderr.log"), "utf8").split("\n").length, 31);
});

test("a program that prints no result, or a non-numeric one, fails the trial", async () => {
  const noResult = commandObjective({ command: [node, "no-result.mjs"], space: {}, cwd: programs });
  await assert.rejects(noResult(new FixedTrial({})), {
    message: `${node} printed no result line "hyperforce: value=<number>" on stdout\nstderr (last lines):\nnothing went wrong`,
  });
  const badValue = commandObjective({ command: [node, "bad-value.mjs"], space: {}, cwd: programs });
  await assert.rejects(badValue(new FixedTrial({})), {
    message: 'stdout line 2: non-numeric value "low" in "hyperforce: value=low"\n(stderr was empty)',
  });
  const missing = commandObjective({ command: ["no-such-program-hyperforce"], space: {}, cwd: programs });
  await assert.rejects(missing(new FixedTrial({})), {
    message: `command not found: no-such-program-hyperforce (looked in PATH and ${programs.replace(/\/$/, "")})\n(stderr was empty)`,
  });
});

test("a program that hangs past the time-out is killed together with its child", async () => {
  const logDir = tempDir();
  const objective = commandObjective({
    command: ["/bin/sh", "hang.sh"],
    space: {},
    cwd: programs,
    logDir,
    trialTimeoutMs: 600,
    killGraceMs: 300,
  });
  const started = Date.now();
  await assert.rejects(objective(new FixedTrial({}, 1)), (error: unknown) => {
    assert.ok(error instanceof CommandTrialError);
    assert.equal(error.reason, "timed out after 600 ms: /bin/sh and its children were killed");
    // SIGTERM was ignored, so SIGKILL ended it after the grace period.
    assert.equal(error.signal, "SIGKILL");
    assert.equal(error.stderrTail, "started, now waiting forever");
    return true;
  });
  const elapsed = Date.now() - started;
  assert.ok(elapsed >= 850 && elapsed < 5000, `took ${elapsed} ms`);
  const childPid = Number(/child-pid=(\d+)/.exec(readFileSync(join(logDir, "trial-1.stdout.log"), "utf8"))?.[1]);
  assert.ok(childPid > 0);
  assert.ok(await waitUntilGone(childPid, 2000), `child ${childPid} still runs`);
});

test("children left behind by a program that finished are stopped and do not hold the trial open", async () => {
  const logDir = tempDir();
  const objective = commandObjective({ command: [node, "leave-child.mjs"], space: {}, cwd: programs, logDir, killGraceMs: 300 });
  const started = Date.now();
  assert.equal(await objective(new FixedTrial({}, 0)), 2.5);
  assert.ok(Date.now() - started < 5000);
  const childPid = Number(/child-pid=(\d+)/.exec(readFileSync(join(logDir, "trial-0.stdout.log"), "utf8"))?.[1]);
  assert.ok(await waitUntilGone(childPid, 2000), `child ${childPid} still runs`);
});

const hasPython = spawnSync("python3", ["--version"]).status === 0;

test("a Python training script, as in `python3 train.py --lr {lr} --batch-size {batch_size}`", {
  skip: !hasPython && "python3 is not installed",
}, async () => {
  const objective = commandObjective({
    command: "python3 train.py --lr {lr} --batch-size {batch_size}",
    space: { lr: { type: "float", low: 1e-4, high: 1, log: true }, batch_size: { type: "categorical", choices: [16, 32, 64] } },
    cwd: programs,
  });
  const trial = new FixedTrial({ lr: 0.25, batch_size: 64 });
  assert.equal(await objective(trial), 0.75 ** 3 + 0.1);
  assert.deepEqual(trial.reports, [
    [0, 0.75],
    [1, 0.5625],
    [2, 0.421875],
  ]);
});

test("result lines are found between progress-bar redraws (\\r) and with CRLF line ends", async () => {
  const objective = commandObjective({ command: [node, "progress.mjs"], space: {}, cwd: programs });
  const trial = new FixedTrial({});
  assert.equal(await objective(trial), 0.25);
  assert.deepEqual(trial.reports, [[1, 0.7]]);
});

test("stopRunningCommands ends the running programs (an interrupt handler's job) and their trials fail", async () => {
  const logDir = tempDir();
  const objective = commandObjective({ command: ["/bin/sh", "hang.sh"], space: {}, cwd: programs, killGraceMs: 200, logDir });
  const running = objective(new FixedTrial({}));
  const stderrLog = join(logDir, "trial-0.stderr.log");
  for (let wait = 0; wait < 200; wait++) {
    if (existsSync(stderrLog) && readFileSync(stderrLog, "utf8") !== "") break;
    await new Promise((done) => setTimeout(done, 25));
  }
  assert.equal(stopRunningCommands("SIGKILL"), 1);
  await assert.rejects(running, { message: "/bin/sh was killed by SIGKILL\nstderr (last lines):\nstarted, now waiting forever" });
  assert.equal(stopRunningCommands(), 0);
});
