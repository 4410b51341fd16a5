import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { loadModuleObjective, parseModuleReference } from "../../src/objectives/module.ts";
import { FixedTrial } from "./fixed-trial.ts";

const modules = fileURLToPath(new URL("./modules/", import.meta.url));
const at = (name: string) => join(modules, name);

test("a reference splits into an absolute path and an export name", () => {
  assert.deepEqual(parseModuleReference("./tune.js#objective", "/home/me"), { path: "/home/me/tune.js", exportName: "objective" });
  assert.deepEqual(parseModuleReference("/abs/dir#1/tune.js", "/x"), { path: "/abs/dir#1/tune.js", exportName: undefined });
  assert.deepEqual(parseModuleReference("lib/tune.mjs", "/x"), { path: "/x/lib/tune.mjs", exportName: undefined });
  assert.throws(() => parseModuleReference("./tune.js#"), { message: 'module objective "./tune.js#": no export name after #' });
  assert.throws(() => parseModuleReference("#objective"), { message: 'module objective "#objective": no file before #' });
  assert.throws(() => parseModuleReference("tune.js#my-objective"), {
    message: 'module objective "tune.js#my-objective": "my-objective" is not a valid export name',
  });
  assert.throws(() => parseModuleReference(" "), {
    message: "module objective: the reference is empty; expected path/to/file.js#exportName",
  });
});

test("a file whose name holds # is found whole", async () => {
  const dir = mkdtempSync(join(tmpdir(), "hyperforce-module-#-"));
  writeFileSync(join(dir, "tune#2.mjs"), "export const objective = () => 2;\n");
  assert.deepEqual(parseModuleReference("tune#2.mjs", dir), { path: join(dir, "tune#2.mjs"), exportName: undefined });
  assert.equal(await (await loadModuleObjective(join(dir, "tune#2.mjs")))(new FixedTrial({})), 2);
  assert.equal(await (await loadModuleObjective(`${join(dir, "tune#2.mjs")}#objective`))(new FixedTrial({})), 2);
});

test("loads the named export, `objective` when none is named, else the default export", async () => {
  const named = await loadModuleObjective("./tune.mjs#shifted", { baseDir: modules });
  assert.equal(await named(new FixedTrial({ x: 1 })), 4);
  const trial = new FixedTrial({ x: 4 });
  const byDefault = await loadModuleObjective(at("tune.mjs"));
  assert.equal(await byDefault(trial), 4);
  assert.deepEqual(trial.reports, [[0, 4]]);
  const explicitDefault = await loadModuleObjective(`${at("tune.mjs")}#default`);
  assert.equal(await explicitDefault(new FixedTrial({})), 7);
  const defaultOnly = await loadModuleObjective("default-only.mjs", { baseDir: modules });
  assert.equal(await defaultOnly(new FixedTrial({ n: 5 })), 10);
});

test("a TypeScript objective loads when the process has a TypeScript loader", async () => {
  const objective = await loadModuleObjective("tune.ts#objective", { baseDir: modules });
  assert.equal(await objective(new FixedTrial({ x: 5 })), 4);
});

test("each failure names the file and what is wrong", async () => {
  const missing = at("absent.mjs");
  await assert.rejects(loadModuleObjective("absent.mjs#objective", { baseDir: modules }), {
    message: `module objective "absent.mjs#objective": file not found: ${missing}`,
  });
  await assert.rejects(loadModuleObjective(`${modules}`), { message: `module objective "${modules}": not a file: ${modules}` });
  await assert.rejects(loadModuleObjective("tune.mjs#train", { baseDir: modules }), {
    message:
      `module objective "tune.mjs#train": ${at("tune.mjs")} has no export named "train" ` +
      "(its exports: budget, default, objective, shifted)",
  });
  await assert.rejects(loadModuleObjective("tune.mjs#budget", { baseDir: modules }), {
    message: `module objective "tune.mjs#budget": export "budget" of ${at("tune.mjs")} is a number, not a function`,
  });
  await assert.rejects(loadModuleObjective("nothing.mjs", { baseDir: modules }), {
    message:
      `module objective "nothing.mjs": ${at("nothing.mjs")} has no export named "objective" and no default export ` +
      "(its exports: learningRates); name one with #exportName",
  });
  await assert.rejects(loadModuleObjective("broken.mjs", { baseDir: modules }), {
    message: `module objective "broken.mjs": importing ${at("broken.mjs")} failed: dataset folder is not configured`,
  });
});

test("without a TypeScript loader, a .ts objective is refused with a message saying so", () => {
  // Run the loader compiled to JavaScript in a plain node process (no tsx), with the src/ files it imports.
  const dir = mkdtempSync(join(tmpdir(), "hyperforce-module-"));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
  const compilerOptions = { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, rewriteRelativeImportExtensions: true };
  for (const file of ["objectives/module.ts", "errors/errors.ts"]) {
    const source = readFileSync(fileURLToPath(new URL(`../../src/${file}`, import.meta.url)), "utf8");
    mkdirSync(join(dir, file, ".."), { recursive: true });
    writeFileSync(join(dir, file.replace(/\.ts$/, ".js")), ts.transpileModule(source, { compilerOptions }).outputText);
  }
  const script = `import { loadModuleObjective } from ${JSON.stringify(join(dir, "objectives/module.js"))};
    loadModuleObjective(${JSON.stringify(at("tune.ts"))}).then(() => console.log("loaded"), (error) => console.log(error.message));`;
  const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    encoding: "utf8",
    env: { ...process.env, NODE_OPTIONS: "" },
  });
  assert.equal(
    run.stdout.trim(),
    `module objective "${at("tune.ts")}": ${at("tune.ts")} is TypeScript, and this process has no TypeScript loader; ` +
      "run it with one (node --import tsx ...) or compile the file to JavaScript",
  );
});
