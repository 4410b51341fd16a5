#!/usr/bin/env node
// Runs the built command (dist/, made by `npm run build` and by `npm pack`'s prepack); the command maps
// errors to one stderr line and exit codes (2 usage, 1 other).
import { existsSync } from "node:fs";

const entry = new URL("../dist/src/cli/run.js", import.meta.url);
if (!existsSync(entry)) {
  console.error("hyperforce: the command is not built here (no dist/src/cli/run.js): run `npm run build` first");
  process.exit(1);
}
await import(entry.href);
