/**
 * A self-contained HTML page: summary table, optional further tables, every plot as an <img> by
 * relative path (with a link to its SVG), and links to the data files. No script, no CDN: it works
 * offline and from a file:// URL.
 */
import { relative, sep } from "node:path";
import type { WrittenPlot } from "./render.ts";

export interface HtmlTable {
  caption: string;
  header: string[];
  rows: string[][];
}

export interface HtmlReport {
  title: string;
  /** Label / value pairs shown first. */
  summary: [string, string][];
  tables?: HtmlTable[];
  plots: WrittenPlot[];
  /** Data files to link: label and path. */
  files: { label: string; path: string }[];
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** A path relative to the page's folder, with forward slashes and each segment URL-encoded. */
function href(from: string, path: string): string {
  return relative(from, path).split(sep).map(encodeURIComponent).join("/");
}

function table(caption: string | null, header: string[] | null, rows: string[][]): string {
  const head = header === null ? "" : `<thead><tr>${header.map((cell) => `<th>${escapeHtml(cell)}</th>`).join("")}</tr></thead>`;
  const cellHtml = (cell: string, i: number) =>
    header === null && i === 0 ? `<th>${escapeHtml(cell)}</th>` : `<td>${escapeHtml(cell)}</td>`;
  const body = rows.map((row) => `<tr>${row.map(cellHtml).join("")}</tr>`).join("\n");
  return `<table>${caption === null ? "" : `<caption>${escapeHtml(caption)}</caption>`}${head}<tbody>\n${body}\n</tbody></table>`;
}

const STYLE = `body{font-family:"DejaVu Sans",Arial,sans-serif;margin:2em;color:#222;max-width:1300px}
table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:4px 10px;text-align:left}
caption{text-align:left;font-weight:bold;padding:4px 0}figure{display:inline-block;margin:0 1em 1.5em 0;vertical-align:top}
img{max-width:100%;height:auto;border:1px solid #eee}figcaption{font-size:0.9em;color:#555}`;

/** The image's size in CSS pixels: the PNG is drawn at twice it, and shown at it. */
function imageSize(plot: WrittenPlot): string {
  return plot.width === undefined || plot.height === undefined ? "" : ` width="${plot.width}" height="${plot.height}"`;
}

/** The page for a report written to `dir` (plot and file paths are made relative to it). */
export function reportHtml(report: HtmlReport, dir: string): string {
  const figures = report.plots
    .map(
      (plot) =>
        `<figure><img src="${href(dir, plot.png)}" alt="${escapeHtml(plot.title)}"${imageSize(plot)}>` +
        `<figcaption>${escapeHtml(plot.title)} (<a href="${href(dir, plot.svg)}">SVG</a>)</figcaption></figure>`,
    )
    .join("\n");
  const files = report.files.map((file) => `<li><a href="${href(dir, file.path)}">${escapeHtml(file.label)}</a></li>`).join("\n");
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(report.title)}</title><style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(report.title)}</h1>
${table(null, null, report.summary)}
${(report.tables ?? []).map((one) => table(one.caption, one.header, one.rows)).join("\n")}
<h2>Plots</h2>
${figures}
<h2>Data</h2>
<ul>
${files}
</ul>
</body>
</html>
`;
}
