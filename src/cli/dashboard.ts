/**
 * `hyperforce dashboard`: serves the live, read-only dashboard of a storage until Ctrl-C.
 */
import { Command } from "commander";
import { startDashboard } from "../server/dashboard.ts";
import { UsageError } from "./errors.ts";
import { DEFAULT_STORAGE } from "./run-setup.ts";
import { openExistingStorage } from "./studies.ts";

function portOf(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be an integer from 0 to 65535, got ${JSON.stringify(text)}`);
  return port;
}

export function dashboardCommand(): Command {
  return new Command("dashboard")
    .description("a live web dashboard of a storage's studies (read-only; new trials appear within 2 s)")
    .option("--storage <file|url>", "journal file, redis:// or postgresql:// URL", DEFAULT_STORAGE)
    .option("--port <n>", "port to listen on (0: any free port)", "8080")
    .option("--host <address>", "address to bind; other machines can connect only if it is not 127.0.0.1", "127.0.0.1")
    .action(async (flags: { storage: string; port: string; host: string }) => {
      const port = portOf(flags.port);
      const storage = openExistingStorage(flags.storage);
      let dashboard: Awaited<ReturnType<typeof startDashboard>>;
      try {
        dashboard = await startDashboard({ storage, storageLabel: flags.storage, host: flags.host, port });
      } catch (error) {
        storage.close?.();
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "EADDRINUSE") throw new UsageError(`port ${port} on ${flags.host} is in use: choose another with --port`);
        if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND")
          throw new UsageError(`--host ${flags.host} is not an address of this machine`);
        throw error;
      }
      process.stdout.write(`hyperforce dashboard of ${flags.storage} at ${dashboard.url} (Ctrl-C to stop)\n`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off("SIGINT", stop);
          process.off("SIGTERM", stop);
          void dashboard.close().then(resolve);
        };
        process.on("SIGINT", stop);
        process.on("SIGTERM", stop);
      });
      storage.close?.();
    });
}
