/**
 * The only files the dashboard serves: its page's script and style (from this package) and vega and
 * vega-lite's browser builds, read from the copies this package depends on (no CDN). A request for
 * any other path is answered 404, so no path can reach another file.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { DASHBOARD_SCRIPT } from "./client-script.ts";
import { DASHBOARD_STYLE } from "./client-style.ts";

export interface Asset {
  type: string;
  body: Buffer;
}

const require = createRequire(import.meta.url);

/** A file of a dependency's build folder, found from the file its package exports. */
function dependencyBuild(pkg: string, file: string): () => Buffer {
  return () => readFileSync(join(dirname(require.resolve(pkg)), file));
}

const JS = "text/javascript; charset=utf-8";
const SOURCES: Record<string, { type: string; load: () => Buffer }> = {
  "/assets/vega.min.js": { type: JS, load: dependencyBuild("vega", "vega.min.js") },
  "/assets/vega-lite.min.js": { type: JS, load: dependencyBuild("vega-lite", "vega-lite.min.js") },
  "/assets/dashboard.js": { type: JS, load: () => Buffer.from(DASHBOARD_SCRIPT) },
  "/assets/dashboard.css": { type: "text/css; charset=utf-8", load: () => Buffer.from(DASHBOARD_STYLE) },
};

const loaded = new Map<string, Asset>();

/** The asset at exactly this path, or undefined (then the server answers 404). */
export function assetAt(path: string): Asset | undefined {
  if (!Object.hasOwn(SOURCES, path)) return undefined;
  let asset = loaded.get(path);
  if (asset === undefined) {
    asset = { type: SOURCES[path].type, body: SOURCES[path].load() };
    loaded.set(path, asset);
  }
  return asset;
}
