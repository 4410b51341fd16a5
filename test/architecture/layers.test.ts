// The layers of docs/ARCHITECTURE.md, checked on the source: no folder imports from a floor above
// its own, and the folders' runtime imports form no cycle.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { test } from "node:test";

const SRC = resolve(import.meta.dirname, "../../src");

/** The floor of each folder of src/; a folder imports only from its own floor or below. */
export const FLOORS: Record<string, number> = {
  space: 0,
  trial: 0,
  nn: 0,
  errors: 0,
  storage: 1,
  tasks: 1,
  rl: 1,
  samplers: 2,
  pruners: 2,
  objectives: 2,
  execution: 3,
  study: 4,
  report: 5,
  server: 5,
  experiments: 5,
  cli: 6,
  entry: 7,
};

interface Edge {
  from: string;
  to: string;
  file: string;
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith(".ts") ? [path] : [];
  });
}

function folderOf(file: string): string {
  const parts = relative(SRC, file).split("/");
  return parts.length === 1 ? "entry" : parts[0];
}

export function folderEdges(): Edge[] {
  const edges: Edge[] = [];
  const pattern = /^\s*(import|export)\s+(type\s+)?[^;]*?from\s+"(\.[^"]+)"|import\(\s*"(\.[^"]+)"\s*\)/gm;
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(pattern)) {
      const target = match[3] ?? match[4];
      const from = folderOf(file);
      const to = folderOf(resolve(dirname(file), target));
      if (from !== to) edges.push({ from, to, file: relative(SRC, file), typeOnly: match[2] !== undefined });
    }
  }
  return edges;
}

test("every folder of src/ has a floor", () => {
  const folders = readdirSync(SRC).filter((name) => statSync(join(SRC, name)).isDirectory());
  for (const folder of folders)
    assert.ok(folder in FLOORS, `src/${folder} has no floor in test/architecture/layers.test.ts and docs/ARCHITECTURE.md`);
});

test("no folder imports from a floor above its own", () => {
  const upward = folderEdges()
    .filter((edge) => FLOORS[edge.to] > FLOORS[edge.from])
    .map((edge) => `${edge.file} (${edge.from}, floor ${FLOORS[edge.from]}) imports ${edge.to} (floor ${FLOORS[edge.to]})`);
  assert.deepEqual(upward, []);
});

test("the folders' runtime imports form no cycle", () => {
  const graph = new Map<string, Set<string>>();
  for (const edge of folderEdges()) {
    if (edge.typeOnly) continue;
    if (!graph.has(edge.from)) graph.set(edge.from, new Set());
    graph.get(edge.from)!.add(edge.to);
  }
  const cycles: string[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (node: string, path: string[]): void => {
    if (state.get(node) === "done") return;
    if (state.get(node) === "visiting") {
      cycles.push([...path.slice(path.indexOf(node)), node].join(" -> "));
      return;
    }
    state.set(node, "visiting");
    for (const next of graph.get(node) ?? []) visit(next, [...path, node]);
    state.set(node, "done");
  };
  for (const node of graph.keys()) visit(node, []);
  assert.deepEqual(cycles, []);
});
