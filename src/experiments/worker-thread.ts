/**
 * Starts a worker thread on a module beside the caller, with the caller's extension: the .js file in
 * the built package, the .ts file under tsx. Node 20 does not apply the parent's loader hooks to a
 * worker's entry, so for TypeScript a one-line ES-module bootstrap registers tsx inside the thread first.
 */
import { extname } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";

/** `callerUrl` is the caller's import.meta.url; `baseName` the entry's file name without extension. */
export function startWorkerThread(callerUrl: string, baseName: string): Worker {
  const extension = extname(fileURLToPath(callerUrl));
  const entry = new URL(`./${baseName}${extension}`, callerUrl);
  if (extension !== ".ts") return new Worker(entry);
  const tsxApi = import.meta.resolve("tsx/esm/api");
  const bootstrap = `import { register } from ${JSON.stringify(tsxApi)}; register(); await import(${JSON.stringify(entry.href)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`));
}
