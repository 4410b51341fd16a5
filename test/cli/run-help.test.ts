// `hyperforce run --help` is what a new user reads: it must name every task, every space preset and every
// kind of storage the command accepts (it once left out fashion, two presets and the server storages).

import assert from "node:assert/strict";
import { test } from "node:test";
import { runCommand } from "../../src/cli/run-command.ts";
import { presetNames } from "../../src/space/presets.ts";
import { taskUsages } from "../../src/tasks/registry.ts";

const help = runCommand().helpInformation().replace(/\s+/g, " ");

test("run --help names every task and every space preset", () => {
  for (const task of ["wine", "letter", "fashion"]) assert.ok(taskUsages().includes(task), `${task} is not a registered task`);
  for (const usage of taskUsages()) assert.ok(help.includes(usage), `--help does not name the task ${usage}`);
  for (const preset of presetNames()) assert.ok(help.includes(preset), `--help does not name the preset ${preset}`);
});

test("run --help says --storage takes a journal file or a redis:// or postgresql:// URL", () => {
  assert.match(help, /--storage <file\|url> journal file .* redis:\/\/ or postgresql:\/\/ URL/);
});
