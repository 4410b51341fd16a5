// Runs every test file under test/ with node's test runner (TypeScript through tsx),
// streams its report, and ends with a plain "N passed, N failed, N skipped" line. Under CI=true a
// skipped test fails the run: the CI machine installs everything the tests use
// (scripts/prepare-test-machine.sh), so a skip there means a check silently did not happen.
import { spawn } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

function findTests(dir) {
  const found = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...findTests(path));
    else if (name.endsWith(".test.ts")) found.push(path);
  }
  return found;
}

const only = process.argv.slice(2);
const files = only.length > 0 ? only : findTests("test");
const child = spawn(process.execPath, ["--import", "tsx", "--test", "--test-reporter=spec", "--test-concurrency=2", ...files], {
  stdio: ["ignore", "pipe", "inherit"],
});
let output = "";
child.stdout.on("data", (chunk) => {
  process.stdout.write(chunk);
  output += chunk.toString();
});
child.on("close", (code) => {
  const count = (label) => Number(output.match(new RegExp(`^\\S* ?${label} (\\d+)$`, "m"))?.[1] ?? 0);
  const passed = count("pass");
  const failed = count("fail") + count("cancelled");
  const skipped = count("skipped");
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  if (skipped > 0 && process.env.CI === "true") {
    // The spec reporter marks a skipped test with "﹣ name (time) # reason".
    const names = output.split("\n").filter((line) => /^\s*﹣ /.test(line));
    console.log(`CI=true: ${skipped} skipped test(s) count as failures:\n${names.join("\n")}`);
    process.exit(code || 1);
  }
  process.exit(code ?? 1);
});
