// --header and --no-header on the command line: each forces what the CSV task would otherwise detect,
// and neither applies to a task that is not a CSV file.

import assert from "node:assert/strict";
import { test } from "node:test";
import { Command } from "commander";
import { addCsvTaskFlags, taskReferenceOf } from "../../src/cli/task-flags.ts";

function referenceFrom(argv: string[]) {
  const command = addCsvTaskFlags(new Command().exitOverride().option("--task <name>"));
  command.parse(argv, { from: "user" });
  return taskReferenceOf(command.opts());
}

test("--header forces a header, --no-header forces data, neither leaves it to detection", () => {
  const csv = ["--task", "csv:data.csv", "--target", "y"];
  assert.deepEqual(referenceFrom([...csv, "--header"]), { name: "csv:data.csv", options: { target: "y", header: true } });
  assert.deepEqual(referenceFrom([...csv, "--no-header"]), { name: "csv:data.csv", options: { target: "y", header: false } });
  assert.deepEqual(referenceFrom(csv), { name: "csv:data.csv", options: { target: "y" } });
});

test("--header and --no-header are refused for a task that is not a CSV file", () => {
  assert.throws(() => referenceFrom(["--task", "wine", "--header"]), { message: "--header applies to --task csv:FILE" });
  assert.throws(() => referenceFrom(["--task", "wine", "--no-header"]), { message: "--no-header applies to --task csv:FILE" });
});
