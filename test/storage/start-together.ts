// Starts child processes that print "ready" and wait for their stdin to close, then releases them
// all at once, so that they really run at the same time (process start-up times differ a lot).
import { spawn } from "node:child_process";

export async function startTogether(commands: [string, string[]][]): Promise<void> {
  const children = commands.map(([command, args]) => spawn(command, args, { stdio: ["pipe", "pipe", "inherit"] }));
  const exits = children.map(
    (child, i) =>
      new Promise<void>((resolve, reject) => {
        child.on("error", reject);
        child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${commands[i][1].join(" ")} exited with ${code}`))));
      }),
  );
  await Promise.race([
    Promise.all(children.map((child) => new Promise<void>((resolve) => child.stdout.once("data", () => resolve())))),
    Promise.all(exits).then(() => {
      throw new Error("a writer exited before it was ready");
    }),
  ]);
  for (const child of children) child.stdin.end();
  await Promise.all(exits);
}
