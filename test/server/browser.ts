/** Debian's Chromium driven by playwright-core, with a fresh profile and nothing reaching the network. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium } from "playwright-core";

export function chromiumPath(): string {
  const path = execFileSync("which", ["chromium"], { encoding: "utf8" }).trim();
  if (path === "") throw new Error("chromium is not installed (scripts/prepare-test-machine.sh installs it)");
  return path;
}

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function openBrowser(viewport = { width: 1400, height: 900 }): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), "hyperforce-chromium-"));
  const context = await chromium.launchPersistentContext(profile, { executablePath: chromiumPath(), args: FLAGS, viewport });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
