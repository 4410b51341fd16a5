/**
 * Starting a worker thread on one of our modules, in the built package (.js) and under tsx (.ts) alike.
 * Node 20 does not apply the parent's loader hooks to a worker's entry, so for a TypeScript entry a
 * one-line ES-module bootstrap registers tsx inside the thread first and then imports the entry.
 */
import { extname } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker, type WorkerOptions } from "node:worker_threads";

/**
 * The module `baseName` in the caller's folder, with the caller's extension: the .js file beside a
 * built caller, the .ts file beside a source one. `callerUrl` is the caller's import.meta.url.
 */
export function moduleBeside(callerUrl: string, baseName: string): URL {
  return new URL(`./${baseName}${extname(fileURLToPath(callerUrl))}`, callerUrl);
}

/** Starts a thread whose entry is the module at `entry` (a file: URL of a .js or .ts module). */
export function startWorkerThread(entry: URL, options: WorkerOptions = {}): Worker {
  if (extname(fileURLToPath(entry)) !== ".ts") return new Worker(entry, options);
  const tsxApi = import.meta.resolve("tsx/esm/api");
  const bootstrap = `import { register } from ${JSON.stringify(tsxApi)}; register(); await import(${JSON.stringify(entry.href)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`), options);
}
