// The dashboard in Debian's Chromium (playwright-core): the studies list, a study page with every plot
// drawn and the trial table, a trial written by another process appearing without a reload, a study
// name with HTML in it shown as text, and no console error.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { Page } from "playwright-core";
import { type Dashboard, startDashboard } from "../../src/server/dashboard.ts";
import { JournalFileStorage } from "../../src/storage/journal.ts";
import { ROOT } from "../helpers/cli.ts";
import { type Browser, openBrowser } from "./browser.ts";
import { writeStudy, XSS_NAME } from "./studies.ts";

const dir = mkdtempSync(join(tmpdir(), "hyperforce-dashboard-browser-"));
const journal = join(dir, "runs.jsonl");
let dashboard: Dashboard;
let storage: JournalFileStorage;
let browser: Browser;
const problems: string[] = [];

before(async () => {
  writeStudy(journal, "alpha", 30);
  writeStudy(journal, XSS_NAME, 3, 2);
  storage = new JournalFileStorage(journal);
  dashboard = await startDashboard({ storage, storageLabel: journal, port: 0 });
  browser = await openBrowser();
});

after(async () => {
  await browser.close();
  await dashboard.close();
  storage.close();
  rmSync(dir, { recursive: true, force: true });
});

async function newPage(): Promise<Page> {
  const page = await browser.context.newPage();
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("request", (request) => {
    if (!request.url().startsWith(dashboard.url) && !request.url().startsWith("data:")) problems.push(`request: ${request.url()}`);
  });
  return page;
}

// Page code is a string: the tests' TypeScript has no DOM types.
const everyPlotDrawn = `(() => {
  const plots = [...document.querySelectorAll(".plot")];
  return plots.length > 0 && plots.every((plot) => plot.hasAttribute("data-rendered") && plot.querySelector("canvas") !== null);
})()`;

test("lists the studies; a name with HTML in it is text, and nothing it holds runs", async () => {
  const page = await newPage();
  await page.goto(dashboard.url);
  // The first page of a fresh browser loads vega (0.8 MB): slow when the machine is loaded.
  await page.waitForSelector("#studies a.study-link", { timeout: 90_000 });
  const names = await page.$$eval("a.study-link", (links) => links.map((link) => link.textContent));
  assert.deepEqual(names, ["alpha", XSS_NAME]);
  await page.click(`a.study-link >> nth=1`);
  await page.waitForFunction(everyPlotDrawn, null, { timeout: 90_000 });
  assert.equal(await page.textContent("#study-name"), XSS_NAME);
  assert.equal(await page.evaluate("window.__xss"), undefined);
  assert.equal(await page.$$eval("main img, main script", (nodes) => nodes.length), 0);
  assert.deepEqual(problems, []);
  await page.close();
});

test("a study page draws every plot and the trial table, which sorts, filters and pages", async () => {
  const page = await newPage();
  await page.goto(`${dashboard.url}#/study/alpha`);
  await page.waitForFunction(everyPlotDrawn);
  const plots = await page.$$eval(".plot", (nodes) => nodes.map((node) => node.getAttribute("data-plot")));
  assert.deepEqual(plots, ["history", "importance", "parallel-coordinates", "slices", "intermediate-values"]);
  assert.match((await page.textContent("#summary")) ?? "", /30 \(26 complete, 4 failed\)/);
  assert.match((await page.textContent("#best")) ?? "", /objective value/);
  assert.equal(await page.$$eval("#trial-table tbody tr", (rows) => rows.length), 30);
  await page.click('th[data-sort="value"]');
  await page.waitForSelector('th[data-sort="value"]:has-text("▲")');
  const values = await page.$$eval("#trial-table tbody tr td:nth-child(3)", (cells) => cells.map((cell) => cell.textContent));
  const numbers = values.filter((value) => value !== "-").map(Number);
  assert.deepEqual(
    numbers,
    [...numbers].sort((a, b) => a - b),
  );
  await page.selectOption("#trial-state", "FAIL");
  await page.waitForFunction(`document.querySelector("#page-info")?.textContent?.includes("4 of 30")`);
  assert.match((await page.textContent("#trial-table tbody tr td.reason")) ?? "", /diverged at epoch 3\n\s+at train/);
  assert.deepEqual(problems, []);
  await page.close();
});

test("a trial finished by another process appears without a reload", async () => {
  const page = await newPage();
  await page.goto(`${dashboard.url}#/study/alpha`);
  await page.waitForFunction(everyPlotDrawn);
  const child = spawn(process.execPath, ["--import", "tsx", "test/server/fixtures/add-trials.ts", journal, "alpha", "1", "0"], {
    cwd: ROOT,
  });
  let output = "";
  child.stdout.on("data", (chunk) => {
    output += chunk;
  });
  const exited = new Promise((resolve) => child.on("close", resolve));
  await page.waitForFunction(`/31 \\(/.test(document.querySelector("#summary")?.textContent ?? "")`, null, { timeout: 30_000 });
  // When the page wrote the new summary (the browser's clock is this machine's).
  const seenAt = Number(await page.getAttribute("body", "data-updated-at"));
  await exited;
  // The writer stamps the trial as it finishes it (datetimeComplete), then takes the journal's lock,
  // appends and fsyncs, then prints "told": the trial is in the file somewhere between the two.
  const written = Number(/told 30 (\d+)/.exec(output)?.[1]);
  const finished = storage.getTrial(storage.findStudy("alpha")!.studyId, 30).datetimeComplete!;
  console.log(`shown ${seenAt - written} ms after the writer's append returned, ${seenAt - finished} ms after it finished the trial`);
  // The page polls twice a second: on a quiet machine this is well under the 2 s (README has the
  // measurements); the bound here leaves room for a machine loaded with other jobs without going flaky.
  assert.ok(seenAt - written < 5000, `${seenAt - written} ms`);
  await page.waitForFunction(everyPlotDrawn);
  assert.deepEqual(problems, []);
  await page.close();
});
