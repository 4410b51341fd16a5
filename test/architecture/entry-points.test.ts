// Which third-party packages each entry point loads: `import "hyperforce"` must stay light (no queue,
// no plotting), while hyperforce/queue, /report and /experiments carry the heavy packages.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { test } from "node:test";

const ROOT = resolve(import.meta.dirname, "../..");
const HEAVY = ["bullmq", "ioredis", "pg", "vega", "vega-lite", "@resvg/resvg-js"];
/** Small packages the core may load (schemas and config files); anything else is a new weight to look at. */
const CORE_MAY_LOAD = ["zod", "yaml"];

// A module.register resolve hook (it runs in the loader thread) that appends the package of every
// module resolved into node_modules to the file named by $LOADED_PACKAGES_FILE.
const RECORD_HOOK = `
import { appendFileSync } from "node:fs";
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  const at = result.url.lastIndexOf("/node_modules/");
  if (at >= 0) {
    const parts = result.url.slice(at + "/node_modules/".length).split("/");
    const name = parts[0].startsWith("@") ? parts[0] + "/" + parts[1] : parts[0];
    appendFileSync(process.env.LOADED_PACKAGES_FILE, decodeURIComponent(name) + "\\n");
  }
  return result;
}`;
const HOOK_URL = `data:text/javascript,${encodeURIComponent(RECORD_HOOK)}`;
const REGISTER = `import { register } from "node:module"; register(${JSON.stringify(HOOK_URL)});`;

/** The third-party packages that importing `modulePath` (a TypeScript source, through tsx) loads, sorted, each once. */
async function packagesLoadedBy(modulePath: string): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), "hyperforce-loaded-"));
  const record = join(dir, "packages.txt");
  try {
    const script = `await import(${JSON.stringify(modulePath)});`;
    const registerUrl = `data:text/javascript,${encodeURIComponent(REGISTER)}`;
    const args = ["--import", "tsx", "--import", registerUrl, "--input-type=module", "-e", script];
    await new Promise<void>((done, fail) =>
      execFile(process.execPath, args, { cwd: ROOT, env: { ...process.env, LOADED_PACKAGES_FILE: record } }, (error, _out, err) =>
        error ? fail(new Error(`importing ${modulePath} failed: ${err}`)) : done(),
      ),
    );
    let text = "";
    try {
      text = readFileSync(record, "utf8");
    } catch {
      // No file: nothing was loaded from node_modules.
    }
    // tsx itself is the loader of the TypeScript sources here, not a dependency of the code.
    return [...new Set(text.split("\n").filter((name) => name !== "" && name !== "tsx"))].sort();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const entry = (name: string): string => join(ROOT, "src", `${name}.ts`);

test("import \"hyperforce\" loads none of the queue's or the plots' packages", async () => {
  const loaded = await packagesLoadedBy(entry("index"));
  for (const name of HEAVY) assert.ok(!loaded.includes(name), `the core entry loads ${name} (all it loads: ${loaded.join(", ")})`);
  const unexpected = loaded.filter((name) => !CORE_MAY_LOAD.includes(name));
  assert.deepEqual(unexpected, [], `the core entry loads packages beyond ${CORE_MAY_LOAD.join(", ")}`);
});

test("the optional entry points load the packages they exist for (the recording hook sees them)", async () => {
  const [queue, report, experiments] = await Promise.all(["queue", "report", "experiments"].map((name) => packagesLoadedBy(entry(name))));
  for (const name of ["bullmq", "ioredis"]) assert.ok(queue.includes(name), `hyperforce/queue does not load ${name}: ${queue.join(", ")}`);
  for (const name of ["vega", "vega-lite", "@resvg/resvg-js"]) {
    assert.ok(report.includes(name), `hyperforce/report does not load ${name}: ${report.join(", ")}`);
  }
  assert.ok(!experiments.includes("bullmq"), "hyperforce/experiments should not need the queue");
});

test("package.json exports each entry point, with its types, from the build of its src/ file", () => {
  type Exports = Record<string, { types: string; default: string }>;
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { exports: Exports };
  const expected = { ".": "index", "./queue": "queue", "./report": "report", "./experiments": "experiments" };
  assert.deepEqual(Object.keys(pkg.exports).sort(), [...Object.keys(expected), "./package.json"].sort());
  for (const [subpath, name] of Object.entries(expected)) {
    assert.deepEqual(pkg.exports[subpath], { types: `./dist/src/${name}.d.ts`, default: `./dist/src/${name}.js` }, subpath);
    assert.doesNotThrow(() => readFileSync(entry(name)), `src/${name}.ts is missing`);
  }
});
