/** Runs the hyperforce command as a user would: a child process on the TypeScript sources. */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const ENTRY = ["--import", "tsx", "src/cli/run.ts"];

export interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

function environment(env: Record<string, string | undefined>): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...process.env, ...env })) if (value !== undefined) merged[key] = value;
  return merged;
}

export function hyperforce(args: string[], env: Record<string, string | undefined> = {}): Promise<CliOutcome> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...ENTRY, ...args],
      { cwd: ROOT, env: environment(env), maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Starts the command without waiting for it (to signal it mid-run). */
export function startHyperforce(args: string[], env: Record<string, string | undefined> = {}): ChildProcess {
  return spawn(process.execPath, [...ENTRY, ...args], { cwd: ROOT, env: environment(env), stdio: ["ignore", "pipe", "pipe"] });
}
