#!/usr/bin/env node
import { main } from "../dist/src/cli/main.js";
main(process.argv).catch((error) => {
  console.error(`hyperforce: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
