// The dashboard with a large study: writes a journal of N trials (default 10,000; 4 parameters, one
// conditional, 2 intermediate values each, every 20th failed), serves it, and measures in Chromium
// (a) the page load: from navigation to every plot drawn and the table filled, (b) an update: one
// trial appended by another writer until the page shows it (summary) and until every plot is redrawn,
// (c) the server's work per change (read the trials, compute the view, its JSON) and its size. Medians of --repeats runs.
//   node --import tsx bench/dashboard.ts [--trials 10000] [--repeats 3]
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { studyView } from "../src/report/study-view.ts";
import { randomSampler } from "../src/samplers/random.ts";
import { startDashboard } from "../src/server/dashboard.ts";
import { JournalFileStorage } from "../src/storage/journal.ts";
import { createStudy } from "../src/study/study.ts";
import { openBrowser } from "../test/server/browser.ts";
import { integerFlag } from "./flags.ts";

const trials = integerFlag("trials", 10_000);
const repeats = integerFlag("repeats", 3);
// Kept between runs (writing 10,000 trials takes minutes): delete the folder to write it afresh.
const dir = join(tmpdir(), "hyperforce-bench-dashboard");
mkdirSync(dir, { recursive: true });
const journal = join(dir, `big-${trials}.jsonl`);

function addTrials(count: number, seed: number): void {
  const storage = new JournalFileStorage(journal, { durable: false });
  const study = createStudy({ name: "big", storage, sampler: randomSampler({ seed }), loadIfExists: true });
  for (let i = 0; i < count; i++) {
    const trial = study.ask();
    const x = trial.suggestFloat("x", -5, 5);
    const lr = trial.suggestFloat("lr", 1e-5, 1, { log: true });
    const optimizer = trial.suggestCategorical("optimizer", ["adam", "sgd"]);
    const momentum = optimizer === "sgd" ? trial.suggestFloat("momentum", 0, 0.99) : 0;
    const value = (x - 1) ** 2 + (Math.log10(lr) + 3) ** 2 / 4 + momentum;
    trial.report(1, value * 2);
    trial.report(2, value * 1.2);
    study.tell(trial, trial.number % 20 === 19 ? new Error("diverged") : value);
  }
  study.close();
  storage.close();
}

const median = (values: number[]) => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)];

let started = performance.now();
if (!existsSync(journal)) addTrials(trials, 1);
const writeSeconds = (performance.now() - started) / 1000;
console.log(`${trials} trials written in ${writeSeconds.toFixed(1)} s`);

started = performance.now();
const storage = new JournalFileStorage(journal);
const summary = storage.findStudy("big")!;
const openMs = performance.now() - started;
// What the server does once per change: read the trials, compute the view, write its JSON.
const server = [] as { ms: number; bytes: number }[];
for (let i = 0; i < repeats; i++) {
  started = performance.now();
  const view = studyView(summary, storage.getAllTrials(summary.studyId), { alwaysIntermediate: true });
  const body = JSON.stringify(view.plots);
  server.push({ ms: performance.now() - started, bytes: body.length });
}
const dashboard = await startDashboard({ storage, storageLabel: journal, port: 0 });
const browser = await openBrowser();
const loads: number[] = [];
const shown: number[] = [];
const redrawn: number[] = [];
// Page code is a string: the bench's TypeScript has no DOM types.
const drawn = `[...document.querySelectorAll(".plot")]
  .every((plot) => plot.getAttribute("data-rendered") === document.body.dataset.version)`;
for (let i = 0; i < repeats; i++) {
  const page = await browser.context.newPage();
  started = Date.now();
  await page.goto(`${dashboard.url}#/study/big`);
  const filled = `document.querySelectorAll(".plot[data-rendered]").length >= 5
    && document.querySelectorAll("#trial-table tbody tr").length > 0`;
  await page.waitForFunction(filled, null, { timeout: 120_000 });
  await page.waitForFunction(drawn, null, { timeout: 120_000 });
  loads.push(Date.now() - started);
  const total = trials + i + 1;
  const writtenAt = Date.now();
  addTrials(1, 100 + i);
  await page.waitForFunction(`(document.querySelector("#summary")?.textContent ?? "").includes("${total} (")`, null, { timeout: 60_000 });
  shown.push(Number(await page.getAttribute("body", "data-updated-at")) - writtenAt);
  await page.waitForFunction(drawn, null, { timeout: 120_000 });
  redrawn.push(Date.now() - writtenAt);
  await page.close();
}
await browser.close();
await dashboard.close();
storage.close();

const result = {
  command: `node --import tsx bench/dashboard.ts --trials ${trials} --repeats ${repeats}`,
  trials,
  repeats,
  writeSeconds,
  openMs,
  serverViewMs: median(server.map((entry) => entry.ms)),
  serverViewBytes: server[0].bytes,
  pageLoadMs: median(loads),
  updateShownMs: median(shown),
  updateRedrawnMs: median(redrawn),
  raw: { server, loads, shown, redrawn },
  loadAverage: (await import("node:os")).loadavg(),
};
console.log(JSON.stringify(result, null, 1));
mkdirSync("bench/results", { recursive: true });
writeFileSync("bench/results/dashboard.json", `${JSON.stringify(result, null, 1)}\n`);
