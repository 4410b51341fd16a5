// Compiles the AssemblyScript kernels in assembly/ to build/*.wasm (SIMD, -O3) with the
// assemblyscript compiler from node_modules: works from a fresh clone after `npm install`.
import { mkdirSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import asc from "assemblyscript/asc";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const sources = readdirSync(join(root, "assembly"))
  .filter((name) => name.endsWith(".ts"))
  .sort();
mkdirSync(join(root, "build"), { recursive: true });

let failed = false;
for (const source of sources) {
  const output = join("build", source.replace(/\.ts$/, ".wasm"));
  const { error, stderr } = await asc.main(
    [join("assembly", source), "--outFile", output, "--enable", "simd", "-O3", "--runtime", "stub", "--noAssert"],
    { stdout: process.stdout, stderr: process.stderr, baseDir: root },
  );
  if (error) {
    console.error(`build-wasm: compiling assembly/${source} failed: ${error.message}\n${stderr.toString()}`);
    failed = true;
  } else {
    console.log(`build-wasm: assembly/${source} -> ${output}`);
  }
}
process.exit(failed ? 1 : 0);
