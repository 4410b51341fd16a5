/** Entry point of the `hyperforce` command (bin/hyperforce.js imports the built copy of this file). */
import { runCli } from "./main.ts";

const exitCode = await runCli(process.argv);
// Exit at once on failure so that nothing left open (timers, sockets) keeps the process alive.
if (exitCode !== 0) process.exit(exitCode);
