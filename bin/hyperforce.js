#!/usr/bin/env node
// The built entry point maps errors to one stderr line and exit codes (2 usage, 1 other).
import "../dist/src/cli/run.js";
