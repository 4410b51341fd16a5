/**
 * The one plotting path of the project: a vega-lite spec compiled to vega, rendered to SVG by a
 * headless vega View (renderer "none": no canvas package), and the SVG rasterised to PNG by resvg.
 *
 * resvg draws text only with fonts it can load. It reads the system fonts (fontconfig folders) and
 * the DejaVu folder of Debian's fonts-dejavu-core; with no font at all the PNG would lose every
 * title and label, so that is an error naming the package to install.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Resvg } from "@resvg/resvg-js";
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

export type PlotSpec = TopLevelSpec;

/** The font every plot asks for; resvg falls back to it for generic families. */
export const PLOT_FONT = "DejaVu Sans";

const FONT_DIRS = ["/usr/share/fonts", "/usr/local/share/fonts", "/usr/share/fonts/truetype/dejavu"];

/** Shared look: the font, white background, readable sizes. */
export const PLOT_CONFIG = {
  font: PLOT_FONT,
  background: "white",
  title: { fontSize: 15, anchor: "start" as const },
  axis: { labelFontSize: 11, titleFontSize: 12 },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 0 },
};

export async function renderSvg(spec: PlotSpec): Promise<string> {
  const withConfig = { ...spec, config: { ...PLOT_CONFIG, ...(spec.config ?? {}) } } as PlotSpec;
  const compiled = compile(withConfig).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

let fontCheck: string[] | undefined;

function fontDirs(): string[] {
  if (fontCheck !== undefined) return fontCheck;
  const dirs = FONT_DIRS.filter((dir) => existsSync(dir));
  const hasFont = (dir: string): boolean =>
    readdirSync(dir, { withFileTypes: true, recursive: true }).some((entry) => entry.isFile() && /\.(ttf|otf|ttc)$/i.test(entry.name));
  if (!dirs.some(hasFont)) {
    throw new Error(
      `no font found in ${FONT_DIRS.join(", ")}: PNG plots would have no text; install one (Debian: apt-get install -y fonts-dejavu-core)`,
    );
  }
  fontCheck = dirs;
  return dirs;
}

/** PNG bytes of an SVG, at `scale` times its size (2: sharp on high-density screens). */
export function svgToPng(svg: string, scale = 2): Buffer {
  const resvg = new Resvg(svg, {
    background: "white",
    fitTo: { mode: "zoom", value: scale },
    font: { loadSystemFonts: true, fontDirs: fontDirs(), defaultFontFamily: PLOT_FONT, sansSerifFamily: PLOT_FONT },
  });
  return resvg.render().asPng();
}

export interface WrittenPlot {
  /** File name stem, e.g. "history". */
  name: string;
  title: string;
  svg: string;
  png: string;
  /** The plot's size in CSS pixels (the PNG has twice as many, for sharp high-density screens). */
  width?: number;
  height?: number;
}

/** Renders a spec and writes `<dir>/<name>.svg` and `<dir>/<name>.png`; returns the paths. */
export async function writePlot(dir: string, name: string, spec: PlotSpec): Promise<WrittenPlot> {
  mkdirSync(dir, { recursive: true });
  const svgText = await renderSvg(spec);
  const svg = join(dir, `${name}.svg`);
  const png = join(dir, `${name}.png`);
  writeFileSync(svg, svgText);
  writeFileSync(png, svgToPng(svgText));
  const title = typeof spec.title === "string" ? spec.title : (spec.title as { text?: unknown } | undefined)?.text;
  const size = (attribute: string) => Number(new RegExp(`<svg[^>]*\\s${attribute}="([0-9.]+)"`).exec(svgText)?.[1]);
  const [width, height] = [size("width"), size("height")];
  return {
    name,
    title: typeof title === "string" ? title : Array.isArray(title) ? title.join(" ") : name,
    svg,
    png,
    ...(Number.isFinite(width) && Number.isFinite(height) ? { width: Math.round(width), height: Math.round(height) } : {}),
  };
}
