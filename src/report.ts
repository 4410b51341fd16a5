/**
 * Reports of a study: plots as vega-lite specs rendered to SVG and PNG, a static HTML page, and
 * CSV/JSON exports of the trials (loads vega, vega-lite and @resvg/resvg-js):
 *   import { writeStudyReport, trialsCsv } from "hyperforce/report";
 */
export { writeStudyReport, type StudyReportOptions, type StudyReport } from "./report/study-report.ts";
export { renderSvg, svgToPng, writePlot, type PlotSpec, type WrittenPlot } from "./report/render.ts";
export { trialsCsv, trialsJson } from "./report/export.ts";
