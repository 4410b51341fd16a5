import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import { storedUpdateDiagnostics } from "../../src/report/diagnostics.ts";
import { JournalFileStorage } from "../../src/storage/journal.ts";
import { hyperforce } from "../helpers/cli.ts";

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const PLOTS = ["history", "importance", "parallel-coordinates", "slices", "reward", "entropy", "top-probability"];

function chromiumPath(): string | undefined {
  try {
    return execFileSync("which", ["chromium"], { encoding: "utf8" }).trim() || undefined;
  } catch {
    return undefined;
  }
}

const dir = mkdtempSync(join(tmpdir(), "hyperforce-report-"));
const journal = join(dir, "wine.jsonl");
const rlOut = join(dir, "report-rl");
const randomOut = join(dir, "report-random");
const RUN = ["run", "--task", "wine", "--epochs", "1", "--no-progress", "--storage", journal, "--seed", "2"];

test("hyperforce report writes every plot as SVG and PNG, the trials as CSV and JSON, and an index.html", async () => {
  // 16 trials make several policy updates with the default preset (batch 4).
  const [random, rl] = await Promise.all([
    hyperforce([...RUN, "--sampler", "random", "--trials", "6", "--study", "wine-random"]),
    hyperforce([...RUN, "--sampler", "reinforce", "--policy", "mlp", "--trials", "16", "--study", "wine-rl"]),
  ]);
  assert.equal(random.code, 0, random.stderr);
  assert.equal(rl.code, 0, rl.stderr);

  const report = await hyperforce(["report", "--storage", journal, "--study", "wine-rl", "--out", rlOut]);
  assert.equal(report.code, 0, report.stderr);
  assert.match(report.stdout, /7 plots \(SVG and PNG\), trials\.csv and trials\.json in /);
  for (const name of PLOTS) {
    const svg = readFileSync(join(rlOut, `${name}.svg`), "utf8");
    assert.ok(svg.startsWith("<svg") && svg.trimEnd().endsWith("</svg>"), `${name}.svg is one svg element`);
    const png = readFileSync(join(rlOut, `${name}.png`));
    assert.deepEqual(png.subarray(0, 8), PNG_SIGNATURE, `${name}.png`);
    assert.ok(png.length > 10_000, `${name}.png has ${png.length} bytes`);
  }
  const history = readFileSync(join(rlOut, "history.svg"), "utf8");
  assert.equal(history.match(/aria-label="[^"]*series: trial value"/g)?.length, 16);
  assert.match(history, /Y-axis titled 'validation MSE of the standardised target'/);
  assert.ok(!history.includes("failed trial (no value)"), "no legend entry for failed trials when there are none");
  assert.match(history, /X-axis titled 'trial number'/);
  const reward = readFileSync(join(rlOut, "reward.svg"), "utf8");
  const storage = new JournalFileStorage(journal);
  const updates = storedUpdateDiagnostics(storage.findStudy("wine-rl")!.systemAttrs) ?? [];
  storage.close();
  assert.ok(updates.length >= 2, `${updates.length} policy updates`);
  assert.equal(
    reward.match(/aria-label="[^"]*series: batch mean reward" role="graphics-symbol" aria-roledescription="point"/g)?.length,
    updates.length,
    "one point per policy update",
  );
  assert.match(reward, /Y-axis titled 'reward \(− validation MSE of the standardised target\)'/);
  assert.match(reward, />moving average \(10 updates\)<\/text>/);
  assert.match(readFileSync(join(rlOut, "slices.svg"), "utf8"), /for a log scale/);
  assert.equal(readFileSync(join(rlOut, "parallel-coordinates.svg"), "utf8").match(/<g class="mark-line role-mark/g)?.length, 16);

  const csv = readFileSync(join(rlOut, "trials.csv"), "utf8").trimEnd().split("\n");
  assert.equal(csv.length, 17);
  assert.match(
    csv[0],
    /^number,state,value,params_learning_rate,params_weight_decay,params_batch_size,params_hidden_units,.*user_attrs_test_loss/,
  );
  const json = JSON.parse(readFileSync(join(rlOut, "trials.json"), "utf8"));
  assert.equal(json.length, 16);
  assert.ok(
    json.every(
      (trial: { state: string; userAttrs: { test_loss?: unknown } }) =>
        trial.state === "COMPLETE" && typeof trial.userAttrs.test_loss === "number",
    ),
  );

  const html = readFileSync(join(rlOut, "index.html"), "utf8");
  for (const name of PLOTS) {
    assert.ok(html.includes(`<img src="${name}.png"`), `index.html shows ${name}.png`);
    assert.ok(html.includes(`<a href="${name}.svg">`), `index.html links ${name}.svg`);
  }
  for (const label of ["study", "dataset", "target", "sampler", "trials", "best configuration", "its test loss"])
    assert.ok(html.includes(`<th>${label}</th>`), label);
  assert.ok(html.includes("<td>reinforce</td>"));
  assert.ok(!/(src|href)="https?:/.test(html), "nothing from the network");

  // A study without an RL sampler has no reward curve.
  const plain = await hyperforce(["report", "--storage", journal, "--study", "wine-random", "--out", randomOut]);
  assert.equal(plain.code, 0, plain.stderr);
  assert.ok(!existsSync(join(randomOut, "reward.svg")));
  // history, parallel coordinates, slices: 6 trials are too few for importance (10).
  assert.equal(readdirSync(randomOut).filter((file) => file.endsWith(".png")).length, 3);
});

test("hyperforce report: an unknown study or a missing journal is a usage error naming what exists", async () => {
  const [unknown, missing, window] = await Promise.all([
    hyperforce(["report", "--storage", journal, "--study", "nope", "--out", join(dir, "x")]),
    hyperforce(["report", "--storage", join(dir, "none.jsonl"), "--study", "a"]),
    hyperforce(["report", "--storage", journal, "--study", "wine-rl", "--window", "0"]),
  ]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /no study named "nope" in .*wine\.jsonl; it holds: (wine-random, wine-rl|wine-rl, wine-random)$/m);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no journal file at .*none\.jsonl/);
  assert.equal(window.code, 2);
  assert.match(window.stderr, /--window must be a positive integer, got "0"/);
});

const chromium = chromiumPath();
test("index.html in headless Chromium: every image loads and every SVG parses as XML", {
  skip: chromium === undefined ? "no chromium (apt-get install -y chromium)" : false,
}, async () => {
  assert.ok(statSync(join(rlOut, "index.html")).size > 0, "the first test wrote the report");
  const { chromium: launcher } = await import("playwright-core");
  const browser = await launcher.launch({ executablePath: chromium, args: ["--no-sandbox"] });
  try {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(join(rlOut, "index.html")).href, { waitUntil: "load" });
    const images = await page.$$eval("img", (nodes) =>
      nodes.map((img) => ({ src: img.getAttribute("src"), complete: img.complete, width: img.naturalWidth })),
    );
    assert.equal(images.length, PLOTS.length);
    for (const image of images) assert.ok(image.complete && image.width > 0, `${image.src} loaded (naturalWidth ${image.width})`);
    for (const name of PLOTS) {
      const svg = readFileSync(join(rlOut, `${name}.svg`), "utf8");
      // Chromium's own XML parser (the test's TypeScript has no DOM types, so the page code is a string).
      const parsed = (await page.evaluate(
        `(() => { const doc = new DOMParser().parseFromString(${JSON.stringify(svg)}, "image/svg+xml");` +
          ` return { error: doc.getElementsByTagName("parsererror").length, root: doc.documentElement.nodeName,` +
          ` texts: doc.getElementsByTagName("text").length }; })()`,
      )) as { error: number; root: string; texts: number };
      assert.deepEqual({ error: parsed.error, root: parsed.root }, { error: 0, root: "svg" }, `${name}.svg parses as XML`);
      assert.ok(parsed.texts > 5, `${name}.svg has titles and labels`);
    }
  } finally {
    await browser.close();
  }
});
