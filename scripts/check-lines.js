// Fails when a source line is longer than 140 characters: Biome's formatter wraps code at 140 but
// leaves long string literals and comments as they are.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

const MAX = 140;
const FOLDERS = ["src", "test", "bench", "examples", "scripts", "bin"];
const EXTENSIONS = [".ts", ".js", ".mjs"];

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return EXTENSIONS.some((extension) => name.endsWith(extension)) ? [path] : [];
  });
}

const long = [];
for (const file of FOLDERS.flatMap(files)) {
  readFileSync(file, "utf8")
    .split("\n")
    .forEach((line, i) => {
      if (line.length > MAX) long.push(`${file}:${i + 1}: ${line.length} characters`);
    });
}
if (long.length > 0) {
  console.error(`${long.length} lines are longer than ${MAX} characters:\n${long.join("\n")}`);
  process.exit(1);
}
