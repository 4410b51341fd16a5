/**
 * Reports of a study: plots as vega-lite specs rendered to SVG and PNG, a static HTML page, and
 * CSV/JSON exports of the trials (loads vega, vega-lite and @resvg/resvg-js):
 *   import { writeStudyReport, trialsCsv } from "hyperforce/report";
 */

export { trialsCsv, trialsJson } from "./report/export.ts";
export { type PlotSpec, renderSvg, svgToPng, type WrittenPlot, writePlot } from "./report/render.ts";
export { type StudyReport, type StudyReportOptions, writeStudyReport } from "./report/study-report.ts";
