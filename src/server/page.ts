/** The dashboard's one HTML page: a shell its script fills; the storage label is escaped, nothing runs inline. */
import { escapeHtml } from "../report/html.ts";

export function dashboardPage(storageLabel: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>hyperforce dashboard</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/dashboard.css">
</head>
<body>
<header><a href="#/" id="home">hyperforce dashboard</a> <span id="storage">${escapeHtml(storageLabel)}</span>
<span id="live" title="the page re-reads the storage twice a second"></span></header>
<main id="app"><p>Loading…</p></main>
<script src="/assets/vega.min.js"></script>
<script src="/assets/vega-lite.min.js"></script>
<script src="/assets/dashboard.js"></script>
</body>
</html>
`;
}
