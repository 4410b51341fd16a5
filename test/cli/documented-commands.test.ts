// Every `hyperforce ...` command in a code block of README.md and docs/*.md must parse: the subcommand
// exists, every flag is known and every required option is given. Nothing runs (each command's action
// is replaced); a command a reader copies must not fail on its own spelling.

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import type { Command } from "commander";
import { routeCommanderErrors } from "../../src/cli/errors.ts";
import { buildProgram } from "../../src/cli/main.ts";
import { ROOT } from "../helpers/cli.ts";

const DOCUMENTS = [
  "README.md",
  ...readdirSync(join(ROOT, "docs"))
    .filter((name) => name.endsWith(".md"))
    .map((name) => `docs/${name}`),
];

/** The `hyperforce` commands of a Markdown file's fenced blocks, continuation lines joined, comments dropped. */
function documentedCommands(path: string): { line: number; text: string }[] {
  const found: { line: number; text: string }[] = [];
  let fenced = false;
  let pending: { line: number; text: string } | undefined;
  readFileSync(join(ROOT, path), "utf8")
    .split("\n")
    .forEach((raw, i) => {
      if (raw.startsWith("```")) {
        fenced = !fenced;
        return;
      }
      if (!fenced) return;
      const text = raw.replace(/\s+#\s.*$/, "").trim();
      const continues = text.endsWith("\\");
      const body = continues ? text.slice(0, -1) : text;
      if (pending !== undefined) pending.text += ` ${body}`;
      else if (text.startsWith("hyperforce ")) pending = { line: i + 1, text: body };
      if (pending !== undefined && !continues) {
        found.push(pending);
        pending = undefined;
      }
    });
  return found;
}

/** Splits a command line as a shell would, for the quoting the documents use ('...' and "..."). */
function words(text: string): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)) out.push(match[1] ?? match[2] ?? match[3]);
  return out;
}

function leaves(command: Command): Command[] {
  return command.commands.length === 0 ? [command] : command.commands.flatMap(leaves);
}

async function parses(argv: string[]): Promise<void> {
  const program = await buildProgram(["node", "hyperforce", ...argv]);
  routeCommanderErrors(program);
  for (const command of leaves(program)) command.action(() => {});
  await program.parseAsync(["node", "hyperforce", ...argv]);
}

test("every hyperforce command in README.md and docs/*.md parses", async () => {
  const commands = DOCUMENTS.flatMap((path) => documentedCommands(path).map((command) => ({ path, ...command })));
  assert.ok(commands.length >= 25, `found only ${commands.length} documented commands`);
  const failures: string[] = [];
  for (const { path, line, text } of commands) {
    if (text.includes("$")) continue; // a shell variable: the line is a template
    try {
      await parses(words(text).slice(1));
    } catch (error) {
      failures.push(`${path}:${line}: ${text}\n  ${(error as Error).message}`);
    }
  }
  assert.deepEqual(failures, []);
});
