/**
 * The dashboard page's script, served as /assets/dashboard.js. Plain ES2017 that runs as is in the
 * browser (no build step): it routes on the URL hash (#/ the studies, #/study/<name> one study),
 * polls the JSON routes twice a second, draws each plot's vega-lite spec with vega's canvas renderer,
 * and writes every text from the storage through textContent, never as HTML.
 */
export const DASHBOARD_SCRIPT = `"use strict";
(function () {
  var POLL_MS = 500;
  var app = document.getElementById("app");
  var live = document.getElementById("live");
  var current = { route: null, version: null, views: [], timer: null, busy: false };
  var plotState = { busy: false, version: null };
  var table = { page: 0, size: 50, sort: "number", order: "asc", filter: "", state: "" };

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else if (key === "className") node.className = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  function getJson(path, params) {
    var query = new URLSearchParams(params || {}).toString();
    return fetch(path + (query ? "?" + query : ""), { cache: "no-store" }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) throw new Error(body.error || response.statusText);
        return body;
      });
    });
  }

  function round(value) {
    if (value === null || value === undefined) return "-";
    if (typeof value !== "number") return String(value);
    if (!isFinite(value)) return String(value);
    if (value !== 0 && (Math.abs(value) < 1e-3 || Math.abs(value) >= 1e5)) return value.toExponential(3);
    return String(Number(value.toPrecision(4)));
  }

  function stamp(text) { live.textContent = text + " · " + new Date().toLocaleTimeString(); }

  function showError(error) { app.replaceChildren(el("p", { className: "error", text: String(error && error.message || error) })); }

  function studyHref(name) { return "#/study/" + encodeURIComponent(name); }

  function renderStudies(studies) {
    var header = ["study", "direction", "sampler", "trials", "complete", "failed", "running", "best value", "best trial"];
    var rows = studies.map(function (s) {
      var link = el("a", { href: studyHref(s.name), text: s.name, className: "study-link" });
      var cells = [s.direction, s.sampler, s.trials, s.complete, s.failed, s.running, round(s.bestValue),
        s.bestTrial === null ? "-" : "#" + s.bestTrial];
      return el("tr", {}, [el("td", {}, [link])].concat(cells.map(function (c) { return el("td", { text: String(c) }); })));
    });
    var head = el("tr", {}, header.map(function (h) { return el("th", { text: h }); }));
    var body = studies.length === 0 ? el("p", { text: "This storage holds no study yet." })
      : el("table", { id: "studies" }, [el("thead", {}, [head]), el("tbody", {}, rows)]);
    app.replaceChildren(el("h1", { text: "Studies" }), body);
  }

  function pollStudies() {
    return getJson("/api/studies").then(function (studies) { renderStudies(studies); stamp("live"); });
  }

  function finalizeViews() {
    current.views.forEach(function (view) { view.finalize(); });
    current.views = [];
  }

  function renderPlot(container, spec) {
    var config = { font: "DejaVu Sans", background: "white", title: { fontSize: 14, anchor: "start" } };
    spec.config = Object.assign(config, spec.config || {});
    var compiled = vegaLite.compile(spec).spec;
    var view = new vega.View(vega.parse(compiled), { renderer: "canvas", container: container, hover: true });
    current.views.push(view);
    return view.runAsync();
  }

  function keyValueTable(id, rows) {
    return el("table", { id: id }, [el("tbody", {}, rows.map(function (row) {
      return el("tr", {}, [el("th", { text: row[0] }), el("td", { text: row[1] })]);
    }))]);
  }

  function renderBest(best, objective) {
    if (!best) return el("p", { id: "best", text: "No complete trial yet." });
    var rows = [["trial", "#" + best.number], [objective.valueLabel, round(best.value)]];
    Object.keys(best.params).forEach(function (name) { rows.push([name, round(best.params[name])]); });
    Object.keys(best.userAttrs).forEach(function (key) {
      var value = best.userAttrs[key];
      if (typeof value === "number") rows.push([key, round(value)]);
    });
    return keyValueTable("best", rows);
  }

  function card(title, child) { return el("div", { className: "card" }, [el("h2", { text: title }), child]); }

  function studySkeleton(view) {
    var page = [el("h1", { id: "study-name", text: view.study }), el("div", { className: "cards", id: "cards" }),
      el("h2", { text: "Plots" }), el("div", { className: "plots", id: "plots" }),
      el("h2", { text: "Trials" }), el("div", { id: "trials" })];
    app.replaceChildren.apply(app, page);
  }

  // Updated in place, so the page does not jump: the summary, best trial and table at once, the plots
  // once the previous drawing is done (a large study takes seconds to draw; the page stays usable).
  function renderStudyPage(view) {
    var heading = document.getElementById("study-name");
    if (!heading || heading.textContent !== view.study) studySkeleton(view);
    document.getElementById("cards").replaceChildren(card("Summary", keyValueTable("summary", view.summary)),
      card("Best trial", renderBest(view.best, view.objective)));
    document.body.setAttribute("data-updated-at", String(Date.now()));
    if (view.plots) drawPlots(view).catch(showError);
    return loadTable(view.study);
  }

  function drawPlots(view) {
    finalizeViews();
    plotState.busy = true;
    var plots = document.getElementById("plots");
    var rendering = view.plots.map(function (plot) {
      var box = document.getElementById("plot-" + plot.name);
      if (!box) {
        box = el("div", { className: "plot", id: "plot-" + plot.name, "data-plot": plot.name });
        plots.appendChild(box);
      }
      box.style.minHeight = box.offsetHeight + "px";
      var inner = el("div");
      return renderPlot(inner, plot.spec).then(function () {
        box.replaceChildren(inner);
        box.style.minHeight = "";
        box.setAttribute("data-rendered", view.version);
      });
    });
    return Promise.all(rendering).then(function () {
      plotState.busy = false;
      plotState.version = view.version;
      document.body.setAttribute("data-version", view.version);
    }, function (error) { plotState.busy = false; throw error; });
  }

  function headerCell(label, key) {
    var arrow = table.sort === key ? (table.order === "asc" ? " ▲" : " ▼") : "";
    var cell = el("th", { className: "sortable", "data-sort": key, text: label + arrow });
    cell.addEventListener("click", function () {
      if (table.sort === key) table.order = table.order === "asc" ? "desc" : "asc";
      else { table.sort = key; table.order = "asc"; }
      table.page = 0;
      loadTable(current.route.study);
    });
    return cell;
  }

  function tableControls(study, page) {
    var filter = el("input", { type: "search", id: "trial-filter", placeholder: "filter: text in a parameter, state or fail reason" });
    filter.value = table.filter;
    filter.addEventListener("change", function () { table.filter = filter.value; table.page = 0; loadTable(study); });
    var states = el("select", { id: "trial-state" }, ["", "COMPLETE", "FAIL", "PRUNED", "RUNNING", "WAITING"].map(function (s) {
      return el("option", { value: s, text: s === "" ? "every state" : s });
    }));
    states.value = table.state;
    states.addEventListener("change", function () { table.state = states.value; table.page = 0; loadTable(study); });
    var previous = el("button", { id: "page-previous", text: "◀ previous" });
    var next = el("button", { id: "page-next", text: "next ▶" });
    previous.disabled = page.page === 0;
    next.disabled = page.page >= page.pages - 1;
    previous.addEventListener("click", function () { table.page = page.page - 1; loadTable(study); });
    next.addEventListener("click", function () { table.page = page.page + 1; loadTable(study); });
    var where = el("span", { id: "page-info", className: "muted",
      text: "page " + (page.page + 1) + " of " + page.pages + " · " + page.matching + " of " + page.total + " trials" });
    return el("div", { className: "controls" }, [filter, states, previous, next, where]);
  }

  function trialRow(row, parameters) {
    var cells = [el("td", { className: "num", text: "#" + row.number }), el("td", { text: row.state }),
      el("td", { className: "num", text: round(row.value) })];
    parameters.forEach(function (name) {
      cells.push(el("td", { className: "num", text: name in row.params ? round(row.params[name]) : "-" }));
    });
    cells.push(el("td", { className: "num", text: row.durationSeconds === null ? "-" : round(row.durationSeconds) }));
    cells.push(el("td", { className: "reason", text: row.failReason || "" }));
    return el("tr", {}, cells);
  }

  function renderTable(study, page) {
    var heads = [headerCell("#", "number"), headerCell("state", "state"), headerCell("value", "value")];
    page.parameters.forEach(function (name) { heads.push(headerCell(name, "param:" + name)); });
    heads.push(headerCell("duration (s)", "duration"), el("th", { text: "fail reason" }));
    var body = el("tbody", {}, page.rows.map(function (row) { return trialRow(row, page.parameters); }));
    var box = document.getElementById("trials");
    var trialTable = el("table", { id: "trial-table" }, [el("thead", {}, [el("tr", {}, heads)]), body]);
    if (box) box.replaceChildren(tableControls(study, page), trialTable);
  }

  function loadTable(study) {
    var params = { study: study, page: table.page, size: table.size, sort: table.sort, order: table.order,
      filter: table.filter, state: table.state };
    return getJson("/api/trials", params).then(function (page) { renderTable(study, page); });
  }

  function pollStudy(name) {
    var params = { study: name };
    if (current.version !== null) params.since = current.version;
    // While plots are drawing, fetch the summary only; the latest plots follow once the drawing is done.
    var stale = !plotState.busy && plotState.version !== null && plotState.version !== current.version;
    if (stale) delete params.since;
    if (plotState.busy) params.plots = "0";
    return getJson("/api/study", params).then(function (view) {
      if (view.unchanged) { stamp("live, up to date"); return null; }
      current.version = view.version;
      return renderStudyPage(view).then(function () { stamp("live, " + view.counts.total + " trials"); });
    });
  }

  function tick() {
    if (current.busy) return;
    current.busy = true;
    var route = current.route;
    var work = route.study === null ? pollStudies() : pollStudy(route.study);
    work.catch(showError).then(function () { current.busy = false; });
  }

  function route() {
    var match = /^#\\/study\\/(.*)$/.exec(location.hash);
    finalizeViews();
    current.route = { study: match ? decodeURIComponent(match[1]) : null };
    current.version = null;
    plotState.version = null;
    table.page = 0; table.filter = ""; table.state = ""; table.sort = "number"; table.order = "asc";
    clearInterval(current.timer);
    current.busy = false;
    tick();
    current.timer = setInterval(tick, POLL_MS);
  }

  window.addEventListener("hashchange", route);
  route();
})();
`;
