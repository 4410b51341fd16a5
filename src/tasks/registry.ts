/**
 * The task registry: turns a task as the command line and specs spell it ("wine", "letter",
 * "csv:data.csv" with its CSV options, "table:tables/wine.csv") into a Task.
 *
 * A family is one registered entry: a named task ("wine") or a kind of task spelled with a file after
 * a colon ("csv:<file>"). A new task (a CNN on Fashion-MNIST, say) plugs in by implementing Task and
 * registering its family, here among the built-ins or from a user's module with registerTaskFamily;
 * the objectives, `evaluate` and `table build` then find it by name.
 */
import { ConfigError } from "../errors/errors.ts";
import { csvDatasetOptionsOf, csvTask } from "./csv-task.ts";
import { loadDataset } from "./datasets.ts";
import { fashionTask } from "./fashion-task.ts";
import { PAPER_TASKS, paperTask } from "./paper-task.ts";
import { tableTask } from "./table-task.ts";
import { type Task, type TaskOptions, type TaskReference, type TaskSettings, taskNameOf } from "./task.ts";

export interface TaskFamily {
  /** "wine"; or "csv" for the tasks spelled "csv:<file>". */
  name: string;
  /** True when the task is spelled "<name>:<argument>" (the argument names a file). */
  takesArgument: boolean;
  /** How help text shows it: "wine", "csv:FILE". */
  usage: string;
  /** Fetches what `open` reads, such as a dataset download; called before opening outside worker threads. */
  prepare?(argument: string): Promise<void>;
  /** Opens the task from local files, checking its options; an error names what is wrong. */
  open(argument: string, options: TaskOptions | undefined, settings: TaskSettings): Task;
}

const families = new Map<string, TaskFamily>();

/** Adds a family; its name must be new. */
export function registerTaskFamily(family: TaskFamily): void {
  if (!/^[a-z][a-z0-9-]*$/.test(family.name)) {
    throw new Error(`a task family's name must be lowercase letters, digits and dashes, got ${JSON.stringify(family.name)}`);
  }
  if (families.has(family.name)) throw new Error(`a task family named ${JSON.stringify(family.name)} is already registered`);
  families.set(family.name, family);
}

/** The tasks that are a name alone, in registration order: wine, letter (what unknown-task messages list). */
export function namedTaskNames(): string[] {
  return [...families.values()].filter((family) => !family.takesArgument).map((family) => family.name);
}

/** Every family as help text shows it: "wine, letter, csv:FILE, table:FILE". */
export function taskUsages(): string[] {
  return [...families.values()].map((family) => family.usage);
}

function refuseOptions(name: string, options: TaskOptions | undefined): void {
  const given = Object.keys(options ?? {});
  if (given.length > 0) throw new ConfigError(`the task ${name} takes no options, got ${given.join(", ")}`);
}

/** The family a task name belongs to and the argument after its colon; an unknown name lists the known ones. */
export function findTaskFamily(name: string): { family: TaskFamily; argument: string } {
  const colon = name.indexOf(":");
  const familyName = colon < 0 ? name : name.slice(0, colon);
  const family = families.get(familyName);
  if (family === undefined || family.takesArgument !== colon >= 0) {
    if (family?.takesArgument === true) throw new ConfigError(`the task ${familyName} is spelled ${family.usage}`);
    throw new ConfigError(`unknown task ${JSON.stringify(name)}; known tasks: ${namedTaskNames().join(", ")}`);
  }
  const argument = colon < 0 ? "" : name.slice(colon + 1);
  if (family.takesArgument && argument === "") {
    throw new ConfigError(`--task ${familyName}:<file> needs the file after "${familyName}:", as in ${family.usage}`);
  }
  return { family, argument };
}

function optionsOf(reference: TaskReference): TaskOptions | undefined {
  return typeof reference === "string" ? undefined : reference.options;
}

/** Opens a task from local files only (worker threads): no download. */
export function openTaskSync(reference: TaskReference, settings: TaskSettings = {}): Task {
  const { family, argument } = findTaskFamily(taskNameOf(reference));
  return family.open(argument, optionsOf(reference), settings);
}

/** Fetches what a task needs (downloads a built-in dataset into the cache when it is not found locally). */
export async function prepareTask(reference: TaskReference): Promise<void> {
  const { family, argument } = findTaskFamily(taskNameOf(reference));
  await family.prepare?.(argument);
}

/** Opens a task, downloading what it needs first. */
export async function openTask(reference: TaskReference, settings: TaskSettings = {}): Promise<Task> {
  await prepareTask(reference);
  return openTaskSync(reference, settings);
}

/**
 * The reference in a stable form for comparing and caching: a name alone stays a string, options are
 * sorted by name (two references to the same task give equal JSON).
 */
export function canonicalTaskReference(reference: TaskReference): TaskReference {
  if (typeof reference === "string") return reference;
  const options = reference.options ?? {};
  const names = Object.keys(options).sort();
  if (names.length === 0) return reference.name;
  return { name: reference.name, options: Object.fromEntries(names.map((name) => [name, options[name]])) };
}

/** True when two references name the same task with the same options. */
export function sameTask(a: TaskReference, b: TaskReference): boolean {
  return JSON.stringify(canonicalTaskReference(a)) === JSON.stringify(canonicalTaskReference(b));
}

for (const name of PAPER_TASKS) {
  registerTaskFamily({
    name,
    takesArgument: false,
    usage: name,
    prepare: async () => void (await loadDataset(name)),
    open: (_argument, options, settings) => {
      refuseOptions(name, options);
      return paperTask(name, settings);
    },
  });
}

registerTaskFamily({
  name: "fashion",
  takesArgument: false,
  usage: "fashion",
  open: (_argument, options, settings) => fashionTask(options, settings),
});

registerTaskFamily({
  name: "csv",
  takesArgument: true,
  usage: "csv:FILE",
  open: (path, options, settings) => csvTask(path, csvDatasetOptionsOf(options), settings),
});

registerTaskFamily({
  name: "table",
  takesArgument: true,
  usage: "table:FILE",
  // A table holds runs already trained with its own split seed and epochs: the settings do not apply.
  open: (path, options) => {
    refuseOptions(`table:${path}`, options);
    return tableTask(path);
  },
});
