/**
 * A module objective: a function exported by the user's own JavaScript or TypeScript file, named by
 * a reference such as `./tune.js#objective`. The function receives the live trial and returns (or
 * resolves to) the value.
 */
import { existsSync, statSync } from "node:fs";
import { extname, isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { ConfigError, ObjectiveError } from "../errors/errors.ts";
import type { Objective } from "../trial/types.ts";

/** The export used when the reference has no `#name`. */
export const DEFAULT_EXPORT_NAME = "objective";

export interface ModuleReference {
  /** Absolute path of the file. */
  path: string;
  /** The export to use, or undefined for the default rule (`objective`, else the default export). */
  exportName?: string;
}

const TYPESCRIPT_EXTENSIONS = new Set([".ts", ".mts", ".cts", ".tsx"]);

/**
 * Splits `path#name` at the last `#` and resolves the path against `baseDir`. The `#` is part of the
 * path instead when a folder separator follows it, or when the whole reference names an existing file.
 */
export function parseModuleReference(reference: string, baseDir: string = process.cwd()): ModuleReference {
  if (reference.trim() === "") throw new ObjectiveError("module objective: the reference is empty; expected path/to/file.js#exportName");
  const whole = isAbsolute(reference) ? reference : resolve(baseDir, reference);
  const last = reference.lastIndexOf("#");
  const inPath = /[\\/]/.test(reference.slice(last + 1)) || (existsSync(whole) && statSync(whole).isFile());
  const hash = last >= 0 && inPath ? -1 : last;
  const file = hash < 0 ? reference : reference.slice(0, hash);
  const exportName = hash < 0 ? undefined : reference.slice(hash + 1);
  if (file === "") throw new ObjectiveError(`module objective "${reference}": no file before #`);
  if (exportName === "") throw new ObjectiveError(`module objective "${reference}": no export name after #`);
  if (exportName !== undefined && !/^[A-Za-z_$][\w$]*$/.test(exportName)) {
    throw new ObjectiveError(`module objective "${reference}": "${exportName}" is not a valid export name`);
  }
  return { path: isAbsolute(file) ? file : resolve(baseDir, file), exportName };
}

function isTypeScriptLoaderMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === "ERR_UNKNOWN_FILE_EXTENSION" || code === "ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING";
}

/** Picks the function out of a loaded module, with an error that lists what the module exports. */
export function pickExport(namespace: Record<string, unknown>, ref: ModuleReference, reference: string): Objective {
  const names = Object.keys(namespace).sort();
  const listed = names.length === 0 ? "it exports nothing" : `its exports: ${names.join(", ")}`;
  let name = ref.exportName;
  if (name === undefined) {
    if (Object.hasOwn(namespace, DEFAULT_EXPORT_NAME)) name = DEFAULT_EXPORT_NAME;
    else if (Object.hasOwn(namespace, "default")) name = "default";
    else {
      throw new ObjectiveError(
        `module objective "${reference}": ${ref.path} has no export named "${DEFAULT_EXPORT_NAME}" ` +
          `and no default export (${listed}); name one with #exportName`,
      );
    }
  }
  if (!Object.hasOwn(namespace, name)) {
    throw new ObjectiveError(`module objective "${reference}": ${ref.path} has no export named "${name}" (${listed})`);
  }
  const value = namespace[name];
  if (typeof value !== "function") {
    const kind = value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`;
    throw new ObjectiveError(`module objective "${reference}": export "${name}" of ${ref.path} is ${kind}, not a function`);
  }
  return value as Objective;
}

/**
 * Imports the file and returns the exported objective function. Without `#name` the export
 * `objective` is used, or else the default export. Errors name the file: not found, a TypeScript
 * file without a TypeScript loader, an import that throws, a missing export, an export that is not
 * a function.
 */
export async function loadModuleObjective(reference: string, options: { baseDir?: string } = {}): Promise<Objective> {
  const ref = parseModuleReference(reference, options.baseDir);
  if (!existsSync(ref.path)) throw new ObjectiveError(`module objective "${reference}": file not found: ${ref.path}`);
  if (!statSync(ref.path).isFile()) throw new ObjectiveError(`module objective "${reference}": not a file: ${ref.path}`);
  let namespace: Record<string, unknown>;
  try {
    namespace = (await import(pathToFileURL(ref.path).href)) as Record<string, unknown>;
  } catch (error) {
    if (TYPESCRIPT_EXTENSIONS.has(extname(ref.path)) && isTypeScriptLoaderMissing(error)) {
      throw new ObjectiveError(
        `module objective "${reference}": ${ref.path} is TypeScript, and this process has no TypeScript loader; ` +
          "run it with one (node --import tsx ...) or compile the file to JavaScript",
      );
    }
    const message = error instanceof Error ? error.message : String(error);
    throw new ObjectiveError(`module objective "${reference}": importing ${ref.path} failed: ${message}`, { cause: error });
  }
  return pickExport(namespace, ref, reference);
}

/**
 * The dry check of a run, before its first trial: the module imports and has the export. A failure
 * (no such file, a syntax error, an import that throws, a missing export) is a ConfigError: the
 * user fixes the file or the name.
 */
export async function checkModuleObjective(reference: string, options: { baseDir?: string } = {}): Promise<Objective> {
  try {
    return await loadModuleObjective(reference, options);
  } catch (error) {
    if (error instanceof ObjectiveError) throw new ConfigError(error.message, { cause: error });
    throw error;
  }
}
