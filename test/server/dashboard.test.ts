// The dashboard's HTTP side: what it serves (and nothing else), read-only, its JSON, the table's
// sorting, filtering and paging, and the version that tells the page to redraw.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { type Dashboard, startDashboard } from "../../src/server/dashboard.ts";
import { JournalFileStorage } from "../../src/storage/journal.ts";
import { writeStudy, XSS_NAME } from "./studies.ts";

const dir = mkdtempSync(join(tmpdir(), "hyperforce-dashboard-"));
const journal = join(dir, "runs.jsonl");
let dashboard: Dashboard;
let storage: JournalFileStorage;

before(async () => {
  writeStudy(journal, "alpha", 40);
  writeStudy(journal, XSS_NAME, 3, 2);
  storage = new JournalFileStorage(journal);
  dashboard = await startDashboard({ storage, storageLabel: `${journal}<b>`, port: 0 });
});

after(async () => {
  await dashboard.close();
  storage.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A raw request, so that paths reach the server exactly as written (no client-side normalisation). */
function get(path: string, method = "GET"): Promise<{ status: number; type: string; body: string; headers: Record<string, unknown> }> {
  const { port } = new URL(dashboard.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk) => {
        body += chunk;
      });
      response.on("end", () =>
        resolve({ status: response.statusCode ?? 0, type: String(response.headers["content-type"]), body, headers: response.headers }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

test("binds 127.0.0.1 by default; the page escapes the storage label and runs no inline script", async () => {
  assert.match(dashboard.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  const page = await get("/");
  assert.equal(page.status, 200);
  assert.ok(page.body.includes("runs.jsonl&lt;b&gt;"));
  assert.ok(!page.body.includes("runs.jsonl<b>"));
  assert.equal(page.body.match(/<script(?![^>]*src=)/g), null, "every script is a file");
  assert.match(String(page.headers["content-security-policy"]), /script-src 'self' 'unsafe-eval'/);
  for (const asset of ["/assets/vega.min.js", "/assets/vega-lite.min.js", "/assets/dashboard.js", "/assets/dashboard.css"]) {
    const response = await get(asset);
    assert.equal(response.status, 200, asset);
    assert.ok(response.body.length > 500, asset);
  }
  assert.ok(!/https?:\/\/(?!dashboard\.invalid)/.test(page.body), "nothing from the network");
});

test("serves nothing outside its assets: traversal, encoded traversal and other files are 404", async () => {
  const paths = [
    "/assets/../package.json",
    "/assets/..%2f..%2fpackage.json",
    "/assets/%2e%2e/%2e%2e/package.json",
    "/../../../../etc/passwd",
    "/assets//etc/passwd",
    "/package.json",
    "/src/server/dashboard.ts",
    "/node_modules/vega/package.json",
    "/assets/vega.min.js/..",
    "/assets/dashboard.js%00.png",
  ];
  for (const path of paths) {
    const response = await get(path);
    assert.equal(response.status, 404, `${path} -> ${response.status}`);
    assert.ok(!response.body.includes('"name"'), path);
  }
});

test("read-only: every method but GET and HEAD is 405, and nothing is written", async () => {
  const before = storage.getAllTrials(storage.findStudy("alpha")!.studyId).length;
  for (const method of ["POST", "PUT", "DELETE", "PATCH"]) {
    const response = await get("/api/studies", method);
    assert.equal(response.status, 405, method);
  }
  assert.equal((await get("/api/studies", "HEAD")).status, 200);
  assert.equal(storage.getAllTrials(storage.findStudy("alpha")!.studyId).length, before);
});

test("the studies, a study's view with every plot, and clear errors", async () => {
  const studies = JSON.parse((await get("/api/studies")).body);
  assert.deepEqual(
    studies.map((s: { name: string; trials: number; failed: number }) => [s.name, s.trials, s.failed]),
    [
      ["alpha", 40, 5],
      [XSS_NAME, 3, 0],
    ],
  );
  const view = JSON.parse((await get("/api/study?study=alpha")).body);
  assert.deepEqual(
    view.plots.map((plot: { name: string }) => plot.name),
    ["history", "importance", "parallel-coordinates", "slices", "intermediate-values"],
  );
  assert.equal(view.counts.failed, 5);
  const trials = storage.getAllTrials(storage.findStudy("alpha")!.studyId).filter((trial) => trial.state === "COMPLETE");
  assert.equal(view.best.value, Math.min(...trials.map((trial) => trial.value!)));
  const unchanged = JSON.parse((await get(`/api/study?study=alpha&since=${view.version}`)).body);
  assert.deepEqual(unchanged, { version: view.version, unchanged: true });
  const missing = await get("/api/study?study=nope");
  assert.equal(missing.status, 404);
  assert.match(missing.body, /no study named \\"nope\\"/);
  assert.equal((await get("/api/study")).status, 400);
  const badSort = await get("/api/trials?study=alpha&sort=color");
  assert.equal(badSort.status, 400);
  assert.match(badSort.body, /sort must be number, state, value, duration or param:<name>, got \\"color\\"/);
  assert.match((await get("/api/trials?study=alpha&size=100000")).body, /size must be an integer from 1 to 500/);
});

test("the trial table sorts, filters and pages on the server", async () => {
  const page = JSON.parse((await get("/api/trials?study=alpha&sort=value&order=asc&size=10&page=0")).body);
  assert.equal(page.matching, 40);
  assert.equal(page.pages, 4);
  assert.equal(page.rows.length, 10);
  const values = page.rows.map((row: { value: number }) => row.value);
  assert.deepEqual(
    values,
    [...values].sort((a, b) => a - b),
  );
  const last = JSON.parse((await get("/api/trials?study=alpha&sort=value&order=asc&size=10&page=3")).body);
  assert.equal(last.rows.at(-1).value, null, "trials without a value sort last");
  const failed = JSON.parse((await get("/api/trials?study=alpha&state=FAIL")).body);
  assert.equal(failed.matching, 5);
  assert.ok(failed.rows.every((row: { failReason: string }) => row.failReason.includes("diverged at epoch 3\n")));
  const sgd = JSON.parse((await get("/api/trials?study=alpha&filter=SGD&sort=param:momentum&order=desc")).body);
  assert.ok(sgd.matching > 5 && sgd.matching < 40, `${sgd.matching} sgd trials`);
  assert.ok(sgd.rows.every((row: { params: { optimizer: string } }) => row.params.optimizer === "sgd"));
  const momenta = sgd.rows.map((row: { params: { momentum: number } }) => row.params.momentum);
  assert.deepEqual(
    momenta,
    [...momenta].sort((a, b) => b - a),
  );
});

test("the version changes when another writer adds a trial", async () => {
  const before = JSON.parse((await get("/api/study?study=alpha")).body).version;
  writeStudy(journal, "alpha", 1, 9);
  const after = JSON.parse((await get(`/api/study?study=alpha&since=${before}`)).body);
  assert.notEqual(after.version, before);
  assert.equal(after.counts.total, 41);
});
