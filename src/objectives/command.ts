/**
 * A command objective: runs a program in any language once per trial.
 *
 * The command template (`python3 train.py --lr {lr}`) is split into words once, with shell-like
 * quoting that applies to the template only. Each trial fills the `{name}` placeholders of every word
 * with the trial's parameters and spawns the program WITHOUT a shell, so a parameter value is always
 * exactly one argument, whatever characters it holds.
 *
 * The program reports on stdout:
 *   hyperforce: value=<number>                 the result (the last one printed wins)
 *   hyperforce: step=<int> value=<number>      an intermediate value, forwarded to trial.report
 *
 * With a pruner, each step line is judged at once; when the pruner says stop, hyperforce writes the
 * line "hyperforce: prune" to the program's stdin (a program may read it and exit), and sends SIGTERM
 * to its process group if it still runs killGraceMs later (SIGKILL another killGraceMs on). The trial
 * is then PRUNED whatever the program's exit.
 */
import { spawn } from "node:child_process";
import { accessSync, constants, createWriteStream, mkdirSync, statSync, type WriteStream } from "node:fs";
import { delimiter, join, resolve } from "node:path";
import { ConfigError } from "../errors/errors.ts";
import { type Distribution, isOrderedChoices, type Params, type ParamValue, type SearchSpace } from "../space/types.ts";
import { validateSpace } from "../space/validate.ts";
import { TrialPruned } from "../trial/pruned.ts";
import type { Trial } from "../trial/types.ts";

export interface CommandObjectiveOptions {
  /** A template string split with shell-like quoting, or the words already split. */
  command: string | string[];
  /** The parameters the trial suggests; every placeholder must name one of them. */
  space: SearchSpace;
  /** Working directory of the program (default: the current one). */
  cwd?: string;
  /** Added to (and overriding) the inherited environment. */
  env?: Record<string, string>;
  /** A trial still running after this many milliseconds is killed (with its children) and fails. */
  trialTimeoutMs?: number;
  /** Folder for trial-<number>.stdout.log and trial-<number>.stderr.log (created when missing). */
  logDir?: string;
  /** Time between SIGTERM and SIGKILL when the program's process group is stopped (default 2000). */
  killGraceMs?: number;
  /** How many of stderr's last lines a failure message carries (default 20). */
  stderrTailLines?: number;
}

/** Why a command trial failed; the message holds the reason and the tail of stderr. */
export class CommandTrialError extends Error {
  readonly reason: string;
  readonly stderrTail: string;
  readonly exitCode: number | null;
  readonly signal: string | null;

  constructor(reason: string, stderrTail: string, exitCode: number | null, signal: string | null) {
    const tail = stderrTail === "" ? "(stderr was empty)" : `stderr (last lines):\n${stderrTail}`;
    super(`${reason}\n${tail}`);
    this.name = "CommandTrialError";
    this.reason = reason;
    this.stderrTail = stderrTail;
    this.exitCode = exitCode;
    this.signal = signal;
  }
}

// ---------------------------------------------------------------------------------------------
// The template

/**
 * Splits a command template into words: unquoted whitespace separates words; '...' keeps its text
 * literally; "..." keeps its text except that \" and \\ stand for " and \; outside quotes a backslash
 * keeps the next character literally. `""` is an empty word. No expansion of any kind happens.
 */
export function splitCommandTemplate(template: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let i = 0;
  while (i < template.length) {
    const ch = template[i];
    if (ch === " " || ch === "\t" || ch === "\n" || ch === "\r") {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
      i++;
    } else if (ch === "'") {
      const end = template.indexOf("'", i + 1);
      if (end < 0) throw new ConfigError(`command template: unterminated ' quote at column ${i + 1}: ${template}`);
      word += template.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (ch === '"') {
      let j = i + 1;
      while (j < template.length && template[j] !== '"') {
        if (template[j] === "\\" && (template[j + 1] === '"' || template[j + 1] === "\\")) j++;
        word += template[j];
        j++;
      }
      if (j >= template.length) throw new ConfigError(`command template: unterminated " quote at column ${i + 1}: ${template}`);
      inWord = true;
      i = j + 1;
    } else if (ch === "\\") {
      if (i + 1 >= template.length) throw new ConfigError(`command template: a backslash ends the template: ${template}`);
      word += template[i + 1];
      inWord = true;
      i += 2;
    } else {
      word += ch;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** `{name}` where name starts with a letter or _ and goes on with letters, digits, _, . or -. */
const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_.-]*)\}/g;

/** Placeholder names used in the words, in first-use order. */
export function placeholderNames(words: readonly string[]): string[] {
  const names: string[] = [];
  for (const word of words) {
    for (const match of word.matchAll(PLACEHOLDER)) if (!names.includes(match[1])) names.push(match[1]);
  }
  return names;
}

/** How a parameter value is written into an argument: numbers in JavaScript's shortest round-trip form. */
export function formatParamValue(value: ParamValue): string {
  return String(value);
}

/** The words with every placeholder replaced by its parameter's value. */
export function fillPlaceholders(words: readonly string[], params: Readonly<Params>): string[] {
  return words.map((word) =>
    word.replace(PLACEHOLDER, (_, name: string) => {
      if (!Object.hasOwn(params, name)) throw new Error(`command template: no value for placeholder {${name}}`);
      return formatParamValue(params[name]);
    }),
  );
}

/** HYPERFORCE_PARAM_<NAME>: the name upper-cased, every character outside [A-Z0-9_] turned into _. */
export function paramEnvName(name: string): string {
  return `HYPERFORCE_PARAM_${name.toUpperCase().replace(/[^A-Z0-9_]/g, "_")}`;
}

// ---------------------------------------------------------------------------------------------
// The program's report on stdout

export type ReportLine = { kind: "value"; value: number } | { kind: "intermediate"; step: number; value: number } | { kind: "other" };

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A reported number: decimal or exponent notation, or inf / -inf / nan as Python prints them. */
function parseReportedNumber(text: string): number | undefined {
  if (NUMBER.test(text)) return Number(text);
  const lower = text.toLowerCase();
  if (lower === "inf" || lower === "+inf" || lower === "infinity" || lower === "+infinity") return Infinity;
  if (lower === "-inf" || lower === "-infinity") return -Infinity;
  if (lower === "nan") return NaN;
  return undefined;
}

/** Reads one stdout line; throws on a `hyperforce:` line that does not follow the protocol. */
export function parseReportLine(line: string): ReportLine {
  const trimmed = line.trim();
  if (!trimmed.startsWith("hyperforce:")) return { kind: "other" };
  const fields = trimmed.slice("hyperforce:".length).trim().split(/\s+/);
  const pairs = new Map<string, string>();
  for (const field of fields) {
    const eq = field.indexOf("=");
    if (eq <= 0) throw new Error(`malformed result line "${trimmed}": expected key=value fields`);
    pairs.set(field.slice(0, eq), field.slice(eq + 1));
  }
  const unknown = [...pairs.keys()].filter((key) => key !== "value" && key !== "step");
  if (unknown.length > 0) throw new Error(`malformed result line "${trimmed}": unknown field ${unknown[0]}`);
  const valueText = pairs.get("value");
  if (valueText === undefined) throw new Error(`malformed result line "${trimmed}": no value=`);
  const value = parseReportedNumber(valueText);
  if (value === undefined) throw new Error(`non-numeric value "${valueText}" in "${trimmed}"`);
  const stepText = pairs.get("step");
  if (stepText === undefined) return { kind: "value", value };
  if (!/^\d+$/.test(stepText)) throw new Error(`step must be a non-negative integer, got "${stepText}" in "${trimmed}"`);
  return { kind: "intermediate", step: Number(stepText), value };
}

// ---------------------------------------------------------------------------------------------
// Running one trial

/** Process groups still running, stopped if hyperforce itself exits first. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const pid of liveGroups) killGroup(pid, "SIGKILL");
  });
}

/**
 * Signals every command trial still running in this thread, with its children. For an interrupt
 * handler (Ctrl-C): the programs run in their own process groups, so a terminal's SIGINT does not
 * reach them, and they are stopped on process exit only when the process ends through its 'exit'
 * event. Their trials then fail with "... was killed by <signal>".
 */
export function stopRunningCommands(signal: NodeJS.Signals = "SIGTERM"): number {
  for (const pid of liveGroups) killGroup(pid, signal);
  return liveGroups.size;
}

/** Keeps the last `limit` characters written to it. */
class TailBuffer {
  private text = "";
  constructor(private readonly limit: number) {}
  append(chunk: string): void {
    this.text += chunk;
    if (this.text.length > 2 * this.limit) this.text = this.text.slice(-this.limit);
  }
  lastLines(count: number): string {
    const lines = this.text.slice(-this.limit).replace(/\s+$/, "").split("\n");
    return lines.slice(-count).join("\n");
  }
}

/**
 * Splits a text stream into lines and hands each complete line on. A carriage return ends a line
 * too, so a result printed after a progress bar redrawn with \r still starts its own line.
 */
class LineSplitter {
  private pending = "";
  private lastWasCarriageReturn = false;
  constructor(private readonly onLine: (line: string) => void) {}
  push(chunk: string): void {
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const ch = chunk[i];
      if (ch !== "\n" && ch !== "\r") continue;
      const line = this.pending + chunk.slice(start, i);
      this.pending = "";
      start = i + 1;
      // The \n of a \r\n pair (even across chunks) ends nothing new.
      if (!(ch === "\n" && this.lastWasCarriageReturn && line === "")) this.onLine(line);
      this.lastWasCarriageReturn = ch === "\r";
    }
    if (start < chunk.length) {
      this.pending += chunk.slice(start);
      this.lastWasCarriageReturn = false;
    }
  }
  end(): void {
    if (this.pending !== "") this.onLine(this.pending);
    this.pending = "";
  }
}

interface RunSettings {
  argv: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  trialTimeoutMs?: number;
  killGraceMs: number;
  stderrTailLines: number;
  stdoutLog?: string;
  stderrLog?: string;
}

function openLog(path: string | undefined): WriteStream | undefined {
  return path === undefined ? undefined : createWriteStream(path);
}

function closeLog(stream: WriteStream | undefined): Promise<void> {
  if (stream === undefined) return Promise.resolve();
  return new Promise((done) => stream.end(done));
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal !== null ? `was killed by ${signal}` : `exited with code ${code}`;
}

async function runTrialProgram(trial: Trial, settings: RunSettings): Promise<number> {
  const stdoutLog = openLog(settings.stdoutLog);
  const stderrLog = openLog(settings.stderrLog);
  const stderrTail = new TailBuffer(16384);
  let result: number | undefined;
  let protocolError: string | undefined;
  let lineNumber = 0;
  let prunedAtStep: number | undefined;
  const stdoutLines = new LineSplitter((line) => {
    lineNumber++;
    if (protocolError !== undefined || prunedAtStep !== undefined) return;
    try {
      const report = parseReportLine(line);
      if (report.kind === "value") result = report.value;
      else if (report.kind === "intermediate") {
        trial.report(report.step, report.value);
        if (trial.pruning && trial.shouldPrune()) {
          prunedAtStep = report.step;
          askToStop();
        }
      }
    } catch (error) {
      protocolError = `stdout line ${lineNumber}: ${(error as Error).message}`;
    }
  });

  const child = spawn(settings.argv[0], settings.argv.slice(1), {
    cwd: settings.cwd,
    env: settings.env,
    stdio: ["pipe", "pipe", "pipe"],
    detached: true,
  });
  // Without a pruner nothing is ever written: the program reads end of file at once, as from /dev/null.
  if (!trial.pruning) child.stdin.end();
  child.stdout.setEncoding("utf8");
  child.stderr.setEncoding("utf8");
  child.stdout.on("data", (chunk: string) => {
    stdoutLog?.write(chunk);
    stdoutLines.push(chunk);
  });
  child.stderr.on("data", (chunk: string) => {
    stderrLog?.write(chunk);
    stderrTail.append(chunk);
  });

  const pid = child.pid;
  if (pid !== undefined) {
    installExitHook();
    liveGroups.add(pid);
  }
  let timedOut = false;
  let killTimer: NodeJS.Timeout | undefined;
  const stopGroup = () => {
    if (pid === undefined || killTimer !== undefined) return;
    killGroup(pid, "SIGTERM");
    killTimer = setTimeout(() => killGroup(pid, "SIGKILL"), settings.killGraceMs);
  };
  let pruneTimer: NodeJS.Timeout | undefined;
  // The pruner said stop: a line on stdin first, SIGTERM after the grace period.
  function askToStop(): void {
    child.stdin.on("error", () => {}); // a program that closed its stdin gets the signal instead
    child.stdin.write("hyperforce: prune\n");
    pruneTimer = setTimeout(stopGroup, settings.killGraceMs);
  }
  const timeoutTimer =
    settings.trialTimeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          stopGroup();
        }, settings.trialTimeoutMs);

  const outcome = await new Promise<ProgramExit>((done) => {
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    child.once("error", (error) => done({ code: null, signal: null, spawnError: error }));
    // Children left behind by the program would hold its pipes open: stop them with it.
    child.once("exit", (code, signal) => {
      exit = { code, signal };
      stopGroup();
    });
    child.once("close", (code, signal) => done(exit ?? { code, signal }));
  });
  if (timeoutTimer !== undefined) clearTimeout(timeoutTimer);
  if (killTimer !== undefined) clearTimeout(killTimer);
  if (pruneTimer !== undefined) clearTimeout(pruneTimer);
  if (pid !== undefined) liveGroups.delete(pid);
  stdoutLines.end();
  await Promise.all([closeLog(stdoutLog), closeLog(stderrLog)]);

  const end = { outcome, result, protocolError, prunedAtStep, timedOut };
  return judgeProgramEnd(trial, settings, end, stderrTail.lastLines(settings.stderrTailLines));
}

type ProgramExit = { code: number | null; signal: NodeJS.Signals | null; spawnError?: Error };

interface ProgramEnd {
  outcome: ProgramExit;
  result: number | undefined;
  protocolError: string | undefined;
  prunedAtStep: number | undefined;
  timedOut: boolean;
}

/** The trial's value, or the reason it failed (with the end of the program's stderr kept on the trial), or TrialPruned. */
function judgeProgramEnd(trial: Trial, settings: RunSettings, end: ProgramEnd, tail: string): number {
  const { outcome, result } = end;
  const fail = (reason: string): never => {
    trial.setUserAttr("stderr_tail", tail);
    throw new CommandTrialError(reason, tail, outcome.code, outcome.signal);
  };
  const program = settings.argv[0];
  if (outcome.spawnError !== undefined) {
    const code = (outcome.spawnError as NodeJS.ErrnoException).code;
    if (code === "ENOENT") fail(`command not found: ${program} (looked in PATH and ${settings.cwd})`);
    if (code === "EACCES") fail(`command is not executable: ${program}`);
    fail(`could not start ${program}: ${outcome.spawnError.message}`);
  }
  if (end.prunedAtStep !== undefined) throw new TrialPruned(`pruned at step ${end.prunedAtStep}`);
  if (end.timedOut) fail(`timed out after ${settings.trialTimeoutMs} ms: ${program} and its children were killed`);
  if (outcome.code !== 0) fail(`${program} ${describeExit(outcome.code, outcome.signal)}`);
  if (end.protocolError !== undefined) fail(end.protocolError);
  if (result === undefined) fail(`${program} printed no result line "hyperforce: value=<number>" on stdout`);
  if (Number.isNaN(result)) fail(`${program} reported value=nan`);
  return result as number;
}

// ---------------------------------------------------------------------------------------------
// The objective

function suggest(trial: Trial, name: string, distribution: Distribution): ParamValue {
  if (isOrderedChoices(distribution)) {
    return trial.suggestOrdered(name, distribution.choices, { type: distribution.type, log: distribution.log });
  }
  switch (distribution.type) {
    case "float":
      return trial.suggestFloat(name, distribution.low, distribution.high, { step: distribution.step, log: distribution.log });
    case "int":
      return trial.suggestInt(name, distribution.low, distribution.high, { step: distribution.step, log: distribution.log });
    case "categorical":
      return trial.suggestCategorical(name, distribution.choices);
  }
}

function checkEnvNames(space: SearchSpace): void {
  const seen = new Map<string, string>();
  for (const name of Object.keys(space)) {
    const envName = paramEnvName(name);
    const other = seen.get(envName);
    if (other !== undefined) {
      throw new ConfigError(`parameters "${other}" and "${name}" would both be passed as ${envName}: rename one`);
    }
    seen.set(envName, name);
  }
}

/** The words of the command, checked: not empty, every placeholder a parameter of the space. */
export function commandWords(command: string | string[], space: SearchSpace): string[] {
  const words = typeof command === "string" ? splitCommandTemplate(command) : command.slice();
  if (words.length === 0 || words[0] === "") throw new ConfigError("command objective: the command is empty");
  const known = Object.keys(space);
  const unknown = placeholderNames(words).filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    const list = unknown.map((name) => `{${name}}`).join(", ");
    const params = known.length > 0 ? known.join(", ") : "(none)";
    throw new ConfigError(
      `command template uses ${list}, which ${unknown.length > 1 ? "are not parameters" : "is not a parameter"} ` +
        `of the search space; parameters: ${params}`,
    );
  }
  return words;
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The dry check of a run: the file the command's program names, found as spawn will find it (a
 * word with a slash against `cwd`, a bare name on PATH). A ConfigError when there is no such
 * executable file; undefined when the program word is itself a {placeholder} (known only per trial).
 */
export function findCommandProgram(
  command: string | string[],
  space: SearchSpace,
  options: { cwd?: string; path?: string } = {},
): string | undefined {
  const program = commandWords(command, space)[0];
  if (placeholderNames([program]).length > 0) return undefined;
  const cwd = resolve(options.cwd ?? process.cwd());
  if (program.includes("/")) {
    const file = resolve(cwd, program);
    if (isExecutableFile(file)) return file;
    const why = statSync(file, { throwIfNoEntry: false }) === undefined ? "no such file" : "not an executable file";
    throw new ConfigError(`--command: the program ${program} cannot be run: ${why} (${file})`);
  }
  const folders = (options.path ?? process.env.PATH ?? "").split(delimiter).filter((folder) => folder !== "");
  for (const folder of folders) {
    const file = resolve(cwd, folder, program);
    if (isExecutableFile(file)) return file;
  }
  throw new ConfigError(
    `--command: the program "${program}" is not found on PATH (${folders.length} folders); install it or give its path`,
  );
}

/**
 * An objective that suggests every parameter of `space` (in declaration order), runs the command
 * with them, and returns the value the program reports. The command is checked here, before any
 * trial runs: an empty command or an unknown placeholder throws at once.
 */
export function commandObjective(options: CommandObjectiveOptions): (trial: Trial) => Promise<number> {
  if (options.space === null || typeof options.space !== "object")
    throw new ConfigError("command objective: space must be a search space object");
  if (Object.keys(options.space).length > 0) validateSpace(options.space);
  const words = commandWords(options.command, options.space);
  checkEnvNames(options.space);
  const cwd = resolve(options.cwd ?? process.cwd());
  let cwdIsFolder = false;
  try {
    cwdIsFolder = statSync(cwd).isDirectory();
  } catch {
    cwdIsFolder = false;
  }
  if (!cwdIsFolder) throw new ConfigError(`command objective: working directory does not exist: ${cwd}`);
  const timeout = options.trialTimeoutMs;
  if (timeout !== undefined && !(Number.isFinite(timeout) && timeout > 0)) {
    throw new ConfigError(`command objective: trialTimeoutMs must be a positive number of milliseconds, got ${timeout}`);
  }
  const killGraceMs = options.killGraceMs ?? 2000;
  if (!(Number.isFinite(killGraceMs) && killGraceMs >= 0)) {
    throw new ConfigError(`command objective: killGraceMs must be a non-negative number, got ${killGraceMs}`);
  }
  const stderrTailLines = options.stderrTailLines ?? 20;
  if (!(Number.isInteger(stderrTailLines) && stderrTailLines > 0)) {
    throw new ConfigError(`command objective: stderrTailLines must be a positive integer, got ${stderrTailLines}`);
  }
  const logDir = options.logDir === undefined ? undefined : resolve(options.logDir);
  if (logDir !== undefined) mkdirSync(logDir, { recursive: true });

  return async (trial: Trial): Promise<number> => {
    const params: Params = {};
    for (const [name, distribution] of Object.entries(options.space)) params[name] = suggest(trial, name, distribution);
    const argv = fillPlaceholders(words, params);
    const env: NodeJS.ProcessEnv = { ...process.env, ...options.env, HYPERFORCE_TRIAL_NUMBER: String(trial.number) };
    for (const [name, value] of Object.entries(params)) env[paramEnvName(name)] = formatParamValue(value);
    const stdoutLog = logDir === undefined ? undefined : join(logDir, `trial-${trial.number}.stdout.log`);
    const stderrLog = logDir === undefined ? undefined : join(logDir, `trial-${trial.number}.stderr.log`);
    trial.setUserAttr("command", argv);
    return runTrialProgram(trial, { argv, cwd, env, trialTimeoutMs: timeout, killGraceMs, stderrTailLines, stdoutLog, stderrLog });
  };
}

// ---------------------------------------------------------------------------------------------
// As a serialisable spec (for worker threads and other processes)

/** A command objective described as data; loaded with commandObjective(spec). */
export interface CommandObjectiveSpec extends CommandObjectiveOptions {
  kind: "command";
}

function optionalString(spec: Record<string, unknown>, field: string): string | undefined {
  const value = spec[field];
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value === "")
    throw new ConfigError(`"${field}" of a "command" objective must be a non-empty string, got ${JSON.stringify(value)}`);
  return value;
}

function optionalNumber(spec: Record<string, unknown>, field: string): number | undefined {
  const value = spec[field];
  if (value === undefined) return undefined;
  if (typeof value !== "number")
    throw new ConfigError(`"${field}" of a "command" objective must be a number, got ${JSON.stringify(value)}`);
  return value;
}

/** Checks a command spec read from JSON or flags; the options themselves are checked again by commandObjective. */
export function parseCommandObjectiveSpec(spec: Record<string, unknown>): CommandObjectiveSpec {
  const command = spec.command;
  const isWords = Array.isArray(command) && command.every((word) => typeof word === "string");
  if (typeof command !== "string" && !isWords) {
    throw new ConfigError('a "command" objective needs "command": a template string or an array of words');
  }
  const space = spec.space;
  if (space === null || typeof space !== "object" || Array.isArray(space)) {
    throw new ConfigError('a "command" objective needs "space": the search space whose parameters fill the placeholders');
  }
  const parsed: CommandObjectiveSpec = { kind: "command", command: command as string | string[], space: space as SearchSpace };
  const cwd = optionalString(spec, "cwd");
  if (cwd !== undefined) parsed.cwd = cwd;
  const logDir = optionalString(spec, "logDir");
  if (logDir !== undefined) parsed.logDir = logDir;
  if (spec.env !== undefined) {
    const env = spec.env;
    if (env === null || typeof env !== "object" || Array.isArray(env) || !Object.values(env).every((v) => typeof v === "string")) {
      throw new ConfigError('"env" of a "command" objective must map names to strings');
    }
    parsed.env = env as Record<string, string>;
  }
  for (const field of ["trialTimeoutMs", "killGraceMs", "stderrTailLines"] as const) {
    const value = optionalNumber(spec, field);
    if (value !== undefined) parsed[field] = value;
  }
  return parsed;
}
