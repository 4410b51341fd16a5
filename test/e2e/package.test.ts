// The published package works: `npm pack` (its prepack builds dist/ and the wasm kernels), the
// tarball passes publint and arethetypeswrong, installs into an empty project, and there the
// `hyperforce` command runs a short study and every entry point imports from the built code.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ROOT } from "../helpers/cli.ts";

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
  seconds: number;
}

interface PackedFile {
  path: string;
}

interface PackReport {
  filename: string;
  size: number;
  unpackedSize: number;
  entryCount: number;
  files: PackedFile[];
}

function run(command: string, args: readonly string[], cwd: string): Promise<Outcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(command, args, { cwd, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
      resolve({ code, stdout, stderr, seconds: (performance.now() - started) / 1000 });
    });
  });
}

function succeeded(outcome: Outcome, what: string): Outcome {
  assert.equal(outcome.code, 0, `${what} exited ${outcome.code}:\n${outcome.stderr}\n${outcome.stdout}`);
  return outcome;
}

const tool = (name: string): string => join(ROOT, "node_modules", ".bin", name);

const OBJECTIVE = `export function objective(trial) {
  const x = trial.suggestFloat("x", -5, 5);
  const n = trial.suggestInt("n", 1, 4);
  return (x - 1) ** 2 + n;
}
`;
const SPACE = { x: { type: "float", low: -5, high: 5 }, n: { type: "int", low: 1, high: 4 } };

// Imports every entry point from the installed package, then touches what each one exists for: the
// wasm kernels (build/mlp.wasm found from dist/), a plot rendered to SVG and PNG, and the queue's classes.
const IMPORT_EVERY_ENTRY = `
import { createStudy, randomSampler, trainAndEvaluate } from "hyperforce";
import { QueueExecutor, startQueueWorker } from "hyperforce/queue";
import { renderSvg, svgToPng, trialsCsv } from "hyperforce/report";
import { runReproduce, buildTable, runSamplerBench } from "hyperforce/experiments";

const study = await createStudy({ sampler: randomSampler({ seed: 1 }) });
await study.optimize((trial) => trial.suggestFloat("x", 0, 1), { nTrials: 3 });

const rows = (n) => ({
  x: Float32Array.from({ length: n * 2 }, (_, i) => (i % 7) / 7),
  y: Float32Array.from({ length: n }, (_, i) => i % 3),
  n,
});
const split = { kind: "regression", nInputs: 2, nOutputs: 1, train: rows(16), validation: rows(8), test: rows(8) };
const trained = trainAndEvaluate(split, { learningRate: 0.01, weightDecay: 0, batchSize: 8, hidden: 4, epochs: 2 }, 1, { path: "wasm" });

const svg = await renderSvg({
  data: { values: [{ a: 1, b: 2 }, { a: 2, b: 3 }] },
  mark: "line",
  encoding: { x: { field: "a", type: "quantitative" }, y: { field: "b", type: "quantitative" } },
});
const png = svgToPng(svg, 1);

const functions = { QueueExecutor, startQueueWorker, trialsCsv, runReproduce, buildTable, runSamplerBench };
console.log(JSON.stringify({
  trials: study.trials.length,
  wasmValidationLoss: trained.validationLoss,
  svg: svg.startsWith("<svg"),
  png: png.subarray(1, 4).toString(),
  functions: Object.entries(functions).filter(([, value]) => typeof value === "function").map(([name]) => name),
}));
`;

interface EveryEntryReport {
  trials: number;
  wasmValidationLoss: number;
  svg: boolean;
  png: string;
  functions: string[];
}

let workDir = "";
let project = "";
let tarball = "";
let packed: PackReport;
/** publint and attw on the tarball, run while the tarball installs. */
let packageChecks: Promise<Outcome[]>;
const timings: Record<string, number> = {};

before(async () => {
  workDir = mkdtempSync(join(tmpdir(), "hyperforce-package-"));
  const pack = succeeded(await run("npm", ["pack", "--json", "--pack-destination", workDir], ROOT), "npm pack");
  timings.pack = pack.seconds;
  // npm prints the prepack build's output before the JSON report, which starts on a line of its own.
  const report = pack.stdout.slice(pack.stdout.search(/^\[$/m));
  packed = (JSON.parse(report) as PackReport[])[0];
  tarball = join(workDir, packed.filename);
  packageChecks = Promise.all([
    run(tool("publint"), ["run", tarball, "--strict"], ROOT),
    run(tool("attw"), [tarball, "--profile", "esm-only", "--format", "ascii"], ROOT),
  ]);

  project = join(workDir, "project");
  mkdirSync(project);
  const manifest = { name: "uses-hyperforce", version: "1.0.0", private: true, type: "module" };
  writeFileSync(join(project, "package.json"), JSON.stringify(manifest));
  const install = await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", tarball], project);
  succeeded(install, "npm install of the tarball");
  timings.install = install.seconds;
});

after(() => {
  if (workDir !== "") rmSync(workDir, { recursive: true, force: true });
});

test("the tarball holds the build, the wasm kernels, the bin and the license, and no tests, benches or tables", (t) => {
  const paths = packed.files.map((file) => file.path);
  for (const needed of [
    "dist/src/index.js",
    "dist/src/index.d.ts",
    "dist/src/queue.js",
    "dist/src/report.js",
    "dist/src/experiments.js",
    "dist/src/cli/run.js",
    "dist/src/execution/worker.js",
    "build/mlp.wasm",
    "bin/hyperforce.js",
    "LICENSE",
    "README.md",
    "package.json",
  ]) {
    assert.ok(paths.includes(needed), `${needed} is not in the tarball`);
  }
  const notForUsers = /^(test|bench|tables|docs|examples|assembly|scripts|src|dist\/(test|bench|examples))\//;
  const unwanted = paths.filter((path) => notForUsers.test(path) || path.endsWith(".map"));
  assert.deepEqual(unwanted, []);
  assert.ok(packed.size < 1_000_000, `the tarball is ${packed.size} bytes`);
  const kB = (bytes: number): string => `${(bytes / 1000).toFixed(1)} kB`;
  t.diagnostic(
    `tarball ${packed.filename}: ${kB(packed.size)} packed, ${kB(packed.unpackedSize)} unpacked, ` +
      `${packed.entryCount} files; npm pack (with its build) ${timings.pack.toFixed(1)} s, npm install ${timings.install.toFixed(1)} s`,
  );
});

test("publint and arethetypeswrong find nothing wrong with the tarball", async () => {
  const [publint, attw] = await packageChecks;
  succeeded(publint, "publint");
  succeeded(attw, "attw");
});

test("npx hyperforce --help and a short run work from the installed package", async (t) => {
  const help = succeeded(await run("npx", ["--no-install", "hyperforce", "--help"], project), "npx hyperforce --help");
  for (const command of ["run", "report", "worker", "table"]) assert.match(help.stdout, new RegExp(`^\\s+${command}\\b`, "m"));

  writeFileSync(join(project, "objective.mjs"), OBJECTIVE);
  writeFileSync(join(project, "space.json"), JSON.stringify(SPACE));
  const args = [
    "--no-install",
    "hyperforce",
    "run",
    "--objective",
    "objective.mjs#objective",
    "--space",
    "space.json",
    "--sampler",
    "random",
    "--trials",
    "4",
    "--workers",
    "2",
    "--storage",
    "runs/tiny.jsonl",
    "--study",
    "tiny",
    "--seed",
    "1",
    "--json",
    "--no-progress",
  ];
  const started = succeeded(await run("npx", args, project), "npx hyperforce run");
  const summary = JSON.parse(started.stdout) as { trials: { complete: number; failed: number }; best: { value: number } };
  assert.deepEqual([summary.trials.complete, summary.trials.failed], [4, 0]);
  assert.ok(summary.best.value >= 1, `best value ${summary.best.value}`);
  assert.ok(readFileSync(join(project, "runs/tiny.jsonl"), "utf8").includes('"study_name":"tiny"'), "the journal names the study");
  t.diagnostic(`--help ${help.seconds.toFixed(1)} s, run of 4 trials on 2 worker threads ${started.seconds.toFixed(1)} s`);
});

test("every entry point imports from the installed package and does its job", async () => {
  writeFileSync(join(project, "every-entry.mjs"), IMPORT_EVERY_ENTRY);
  const outcome = succeeded(await run(process.execPath, ["every-entry.mjs"], project), "importing every entry point");
  const result = JSON.parse(outcome.stdout) as EveryEntryReport;
  assert.equal(result.trials, 3);
  assert.ok(Number.isFinite(result.wasmValidationLoss), `wasm validation loss ${result.wasmValidationLoss}`);
  assert.equal(result.svg, true);
  assert.equal(result.png, "PNG");
  assert.deepEqual(result.functions, ["QueueExecutor", "startQueueWorker", "trialsCsv", "runReproduce", "buildTable", "runSamplerBench"]);
});
