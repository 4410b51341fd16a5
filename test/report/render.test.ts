import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { toCsv, trialsCsv, trialsJson } from "../../src/report/export.ts";
import { escapeHtml, reportHtml } from "../../src/report/html.ts";
import { type PlotSpec, renderSvg, svgToPng, writePlot } from "../../src/report/render.ts";
import type { FrozenTrial } from "../../src/trial/types.ts";

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const spec = {
  title: "Two points",
  width: 200,
  height: 120,
  data: {
    values: [
      { x: 1, y: 2 },
      { x: 2, y: 3 },
    ],
  },
  mark: "point",
  encoding: { x: { field: "x", type: "quantitative", title: "x (s)" }, y: { field: "y", type: "quantitative", title: "y (m)" } },
} as PlotSpec;

test("SVG and PNG: the PNG has the signature and its text is drawn (fonts found)", async () => {
  const svg = await renderSvg(spec);
  assert.ok(svg.startsWith("<svg"));
  assert.ok(svg.includes('font-family="DejaVu Sans"'));
  const png = svgToPng(svg);
  assert.deepEqual(png.subarray(0, 8), PNG_SIGNATURE);
  // PNG header: width and height, at twice the SVG's size.
  const width = Number(svg.match(/width="(\d+)"/)![1]);
  assert.equal(png.readUInt32BE(16), width * 2);
  const withoutText = svgToPng(svg.replace(/<text[^>]*>[^<]*<\/text>/g, ""));
  assert.notDeepEqual(png, withoutText, "the titles and labels change the image");
  assert.ok(png.length > withoutText.length + 1000);
});

test("writePlot writes <name>.svg and <name>.png and reports the title", async () => {
  const dir = mkdtempSync(join(tmpdir(), "hf-plot-"));
  try {
    const plot = await writePlot(dir, "two", spec);
    // width and height: the SVG's own size in CSS pixels (the PNG is twice it).
    const { width, height, ...paths } = plot;
    assert.deepEqual(paths, { name: "two", title: "Two points", svg: join(dir, "two.svg"), png: join(dir, "two.png") });
    const svgSize = /<svg[^>]*\swidth="([0-9.]+)"[^>]*\sheight="([0-9.]+)"/.exec(readFileSync(plot.svg, "utf8"));
    assert.deepEqual([width, height], [Math.round(Number(svgSize?.[1])), Math.round(Number(svgSize?.[2]))]);
    assert.deepEqual(readFileSync(plot.png).subarray(0, 8), PNG_SIGNATURE);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("CSV quotes commas, quotes and newlines; JSON keeps values and nulls", () => {
  assert.equal(
    toCsv(
      ["a", "b"],
      [
        ["x,y", 'say "hi"'],
        [1, undefined],
        ["two\nlines", null],
      ],
    ),
    'a,b\n"x,y","say ""hi"""\n1,\n"two\nlines",\n',
  );
  const trials: FrozenTrial[] = [
    {
      number: 0,
      state: "COMPLETE",
      value: 0.5,
      params: { lr: 0.01, act: "relu" },
      distributions: {},
      intermediateValues: {},
      userAttrs: { test_loss: 0.6 },
      systemAttrs: {},
      datetimeStart: 0,
      datetimeComplete: 1500,
    },
    {
      number: 1,
      state: "FAIL",
      params: { lr: 0.3, act: "tanh" },
      distributions: {},
      intermediateValues: {},
      userAttrs: {},
      systemAttrs: {},
      failReason: "diverged, at epoch 2",
    },
  ];
  assert.equal(
    trialsCsv(trials),
    "number,state,value,params_lr,params_act,user_attrs_test_loss,duration_seconds,fail_reason\n" +
      "0,COMPLETE,0.5,0.01,relu,0.6,1.5,\n" +
      '1,FAIL,,0.3,tanh,,,"diverged, at epoch 2"\n',
  );
  const parsed = JSON.parse(trialsJson(trials));
  assert.deepEqual(parsed[1], {
    number: 1,
    state: "FAIL",
    value: null,
    params: { lr: 0.3, act: "tanh" },
    userAttrs: {},
    datetimeStart: null,
    datetimeComplete: null,
    durationSeconds: null,
    failReason: "diverged, at epoch 2",
  });
  assert.equal(parsed[0].datetimeComplete, "1970-01-01T00:00:01.500Z");
});

test("the HTML page links images and files by relative path and escapes text", () => {
  const html = reportHtml(
    {
      title: "study <a&b>",
      summary: [["best", "x < y"]],
      plots: [{ name: "h", title: "History", svg: "/r/plots/h.svg", png: "/r/plots/h.png" }],
      files: [{ label: "trials.csv", path: "/r/trials.csv" }],
    },
    "/r",
  );
  assert.equal(escapeHtml(`<a href="x">&</a>`), "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;");
  assert.ok(html.includes('<img src="plots/h.png" alt="History">'));
  assert.ok(html.includes('<a href="plots/h.svg">SVG</a>'));
  assert.ok(html.includes('<a href="trials.csv">trials.csv</a>'));
  assert.ok(html.includes("<title>study &lt;a&amp;b&gt;</title>"));
  assert.ok(html.includes("<td>x &lt; y</td>"));
  assert.ok(!/https?:\/\//.test(html), "nothing loaded from the network");
});
