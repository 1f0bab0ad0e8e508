// copydesk report page: renders the report data embedded in this file.
// No analysis here: every number is a count of the findings copydesk check
// reported (the --format json dicts). Per-draft sections are built only when
// opened, and the drafts table is paged, so the DOM stays small.
(function () {
  "use strict";
  var DATA, drafts, hasDates;
  var SEVS = ["error", "warning", "info", "hint"];
  var SYMBOL = { error: "\u2716", warning: "\u25B2", info: "\u25CF", hint: "\u25C6" };
  var PLURAL = { error: "errors", warning: "warnings", info: "info", hint: "hints" };
  var COLOR = { error: "#b3261e", warning: "#d49a00", info: "#00639b", hint: "#8d8d99" };
  var PAGE = 50;
  var state = { sev: new Set(SEVS), rule: "", search: "", sort: "total", dir: -1, page: 0, open: null, printing: false };

  // ---- small DOM helpers -------------------------------------------------
  function el(tag, attrs) {
    var node = document.createElement(tag);
    if (attrs) {
      for (var k in attrs) {
        var v = attrs[k];
        if (v === null || v === undefined || v === false) continue;
        if (k === "text") node.textContent = v;
        else if (k === "class") node.className = v;
        else if (k.slice(0, 2) === "on") node.addEventListener(k.slice(2), v);
        else node.setAttribute(k, v === true ? "" : v);
      }
    }
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined || c === false) continue;
      if (Array.isArray(c)) c.forEach(function (x) { if (x) node.appendChild(typeof x === "string" ? document.createTextNode(x) : x); });
      else node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    }
    return node;
  }
  function $(id) { return document.getElementById(id); }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }
  function fmt(n) { return Number(n).toLocaleString("en"); }
  function sevLabel(s, n) {
    return el("span", { class: "sev " + s }, SYMBOL[s] + " " + (n === undefined ? s : fmt(n) + " " + (n === 1 ? s : PLURAL[s])));
  }

  // ---- filters -------------------------------------------------------------
  function filtersActive() { return state.sev.size < SEVS.length || state.rule !== ""; }
  function matches(f) { return state.sev.has(f.severity) && (!state.rule || f.rule_id === state.rule); }
  function draftCounts(d) {
    var counts = { error: 0, warning: 0, info: 0, hint: 0, total: 0 };
    if (!filtersActive()) { SEVS.forEach(function (s) { counts[s] = d.counts[s]; }); counts.total = d.total; return counts; }
    d.findings.forEach(function (f) { if (matches(f)) { counts[f.severity]++; counts.total++; } });
    return counts;
  }
  function visibleDrafts() {
    var q = state.search.toLowerCase();
    var rows = [];
    drafts.forEach(function (d, i) {
      if (q && d.path.toLowerCase().indexOf(q) < 0 && !((d.meta.title || "").toLowerCase().indexOf(q) >= 0)) return;
      var c = draftCounts(d);
      if (filtersActive() && !c.total) return;
      rows.push({ i: i, d: d, c: c });
    });
    var key = state.sort, dir = state.dir;
    rows.sort(function (a, b) {
      var x, y;
      if (key === "path") { x = a.d.path; y = b.d.path; }
      else if (key === "date") { x = a.d.meta.date || ""; y = b.d.meta.date || ""; }
      else { x = a.c[key]; y = b.c[key]; }
      if (x < y) return -dir;
      if (x > y) return dir;
      return a.d.path < b.d.path ? -1 : a.d.path > b.d.path ? 1 : 0;
    });
    return rows;
  }

  function buildFilters() {
    var box = $("severity-filters");
    SEVS.forEach(function (s) {
      var id = "sev-" + s;
      var input = el("input", { type: "checkbox", id: id, value: s, checked: true,
        onchange: function () { if (input.checked) state.sev.add(s); else state.sev.delete(s); refresh(); } });
      box.appendChild(el("label", { for: id }, input, " ", sevLabel(s), " (" + fmt(DATA.summary[s] || 0) + ")"));
    });
    var select = $("rule-filter");
    Object.keys(DATA.rules).sort().forEach(function (id) {
      select.appendChild(el("option", { value: id, text: id + " (" + fmt(DATA.rules[id].count) + ")" }));
    });
    select.addEventListener("change", function () { state.rule = select.value; refresh(); });
    var search = $("draft-search");
    search.addEventListener("input", function () { state.search = search.value; refresh(); });
    $("clear-filters").addEventListener("click", function () {
      state.sev = new Set(SEVS); state.rule = ""; state.search = "";
      SEVS.forEach(function (s) { $("sev-" + s).checked = true; });
      select.value = ""; search.value = "";
      refresh();
    });
  }
  function setRule(rule) {
    state.rule = rule;
    $("rule-filter").value = rule;
    refresh();
    $("drafts-heading").focus();
  }

  // ---- overview -------------------------------------------------------------
  function stat(label, value, key, extra) {
    return el("div", { class: "stat", "data-stat": key }, el("dt", { text: label }), el("dd", { text: fmt(value) }), extra || null);
  }
  function buildOverview() {
    var read = DATA.files.filter(function (f) { return !f.error; }).length;
    var unread = DATA.files.length - read;
    $("byline").textContent = fmt(read) + " draft" + (read === 1 ? "" : "s") + " checked \u00b7 " + fmt(DATA.total) +
      " finding" + (DATA.total === 1 ? "" : "s") + " \u00b7 generated " + DATA.generated + " by copydesk " + DATA.tool.version;
    var stats = el("dl", { class: "stats" },
      stat("Drafts checked", read, "drafts"),
      unread ? stat("Could not be read", unread, "unreadable") : null,
      stat("Findings", DATA.total, "total"),
      SEVS.map(function (s) {
        return el("div", { class: "stat", "data-stat": s },
          el("dt", null, el("span", { class: "sev " + s, text: SYMBOL[s] + " " + PLURAL[s][0].toUpperCase() + PLURAL[s].slice(1) })),
          el("dd", { text: fmt(DATA.summary[s] || 0) }));
      }));
    $("stats").replaceWith(stats);
    stats.id = "stats";

    var top = drafts.map(function (d, i) { return { d: d, i: i }; }).filter(function (x) { return x.d.total > 0; })
      .sort(function (a, b) { return b.d.total - a.d.total || (a.d.path < b.d.path ? -1 : 1); }).slice(0, 10);
    var list = $("top-drafts");
    if (!top.length) list.replaceWith(el("p", { class: "empty", text: "No findings in any draft." }));
    top.forEach(function (x) {
      list.appendChild(el("li", null, el("button", { type: "button", class: "linkish", onclick: function () { openDraft(x.i); } }, x.d.path),
        " \u2014 " + fmt(x.d.total) + " finding" + (x.d.total === 1 ? "" : "s")));
    });

    var fig = $("figures");
    var counts = DATA.figures;
    if (!counts) {
      fig.appendChild(el("li", { class: "note", text: "The figures check did not run (no reference corpus, or its rules are off)." }));
    } else {
      [["agreeing", "agreeing with the corpus"], ["contradicting", "contradicting the corpus (figures/figure-mismatch)"],
       ["newer", "larger than every older corpus count (figures/figure-mismatch, newer)"],
       ["unverified", "not found in the corpus (figures/figure-unverified)"]].forEach(function (row) {
        if (row[0] === "newer" && !counts.newer) return;
        if (counts[row[0]] === undefined) {
          var rule = row[0] === "unverified" ? "figures/figure-unverified" : "figures/figure-mismatch";
          fig.appendChild(el("li", { class: "note" }, "Figures " + (row[0] === "unverified" ? "the corpus does not mention" : "it contradicts") +
            " are not counted: ", el("code", { text: rule }), " is off (", el("code", { text: "--enable " + rule }), " counts them)."));
          return;
        }
        fig.appendChild(el("li", { "data-figures": row[0] }, el("strong", { text: fmt(counts[row[0]]) }), " " + row[1]));
      });
    }
    var L = DATA.ledger;
    if (L) {
      $("sources-overview").hidden = false;
      var ul = $("sources-totals");
      var line = function (key, n, what) { ul.appendChild(el("li", { "data-ledger": key }, el("strong", { text: fmt(n) }), " " + what)); };
      line("named", L.named, "named source" + (L.named === 1 ? "" : "s") + ", with " + fmt(L.named_attributions) + " attribution" + (L.named_attributions === 1 ? "" : "s"));
      line("anonymous", L.anonymous, "anonymous source" + (L.anonymous === 1 ? "" : "s") + ", with " + fmt(L.anonymous_attributions) + " attribution" + (L.anonymous_attributions === 1 ? "" : "s"));
      line("attributions", L.attributions, "attribution" + (L.attributions === 1 ? "" : "s") + " in all (" + fmt(L.drafts) + " draft" + (L.drafts === 1 ? "" : "s") + ")");
      if (DATA.quote_rule) line("unattributed_quotes", L.unattributed_quotes, "quotation" + (L.unattributed_quotes === 1 ? "" : "s") + " without a speaker");
      else ul.appendChild(el("li", { class: "note", text: "Quotations without a speaker are not counted: attribution/unattributed-quote is off." }));
    }

    var problems = [];
    DATA.errors.forEach(function (e) { problems.push(e); });
    drafts.forEach(function (d) {
      if (d.error) problems.push(d.path + ": " + d.error);
      d.failures.forEach(function (f) { problems.push(d.path + ": check " + f.check + " failed: " + f.error); });
    });
    if (problems.length) {
      $("run-errors").appendChild(el("h3", { class: "unread", text: "Problems in this run" }));
      $("run-errors").appendChild(el("ul", null, problems.map(function (p) { return el("li", { text: p }); })));
    }
  }

  // ---- charts (Vega-Lite) -----------------------------------------------------
  var SEV_LEGEND = "datum.label == 'error' ? '\u2716 error' : datum.label == 'warning' ? '\u25B2 warning' : " +
    "datum.label == 'info' ? '\u25CF info' : '\u25C6 hint'";
  function chart(container, spec, onClick) {
    var vgSpec = vegaLite.compile(spec).spec;
    var view = new vega.View(vega.parse(vgSpec), { renderer: "svg", container: container, hover: true });
    if (onClick) view.addEventListener("click", function (_e, item) { if (item && item.datum) onClick(item.datum); });
    return view.runAsync();
  }
  function buildCharts() {
    var ids = Object.keys(DATA.rules);
    var rows = ids.map(function (id) {
      var r = DATA.rules[id];
      return { rule: id, label: SYMBOL[r.severity] + " " + id, severity: r.severity, findings: r.count };
    }).sort(function (a, b) { return b.findings - a.findings || (a.rule < b.rule ? -1 : 1); });
    var tbody = $("rules-table");
    rows.forEach(function (r) {
      tbody.appendChild(el("tr", null, el("td", null, el("code", { text: r.rule })), el("td", null, sevLabel(r.severity)),
        el("td", { class: "num", text: fmt(r.findings) })));
    });
    var width = Math.max(240, Math.min(($("rules-chart").clientWidth || 900) - 360, 700));
    var jobs = [];
    if (!rows.length) {
      $("rules-chart").appendChild(el("p", { class: "empty", text: "No findings: nothing to chart." }));
    } else {
      jobs.push(chart("#rules-chart", {
        description: "Bar chart of findings per rule, most first: " +
          rows.map(function (r) { return r.rule + " " + r.findings; }).join(", ") + ".",
        width: width, height: { step: 22 },
        data: { values: rows },
        encoding: {
          // rows are already in order (most findings first); sort: null keeps it
          y: { field: "label", type: "nominal", sort: null, title: null,
               axis: { labelLimit: 340, labelFontSize: 12 } },
          x: { field: "findings", type: "quantitative", title: "Findings", axis: { tickMinStep: 1, format: "d" } }
        },
        layer: [
          { mark: { type: "bar", cursor: "pointer" },
            encoding: {
              color: { field: "severity", type: "nominal", title: "Severity",
                       scale: { domain: SEVS, range: SEVS.map(function (s) { return COLOR[s]; }) },
                       legend: { orient: "bottom", labelExpr: SEV_LEGEND } },
              tooltip: [{ field: "rule", title: "Rule" }, { field: "severity", title: "Severity" },
                        { field: "findings", title: "Findings" }]
            } },
          { mark: { type: "text", align: "left", dx: 4, fontSize: 12 }, encoding: { text: { field: "findings" } } }
        ],
        config: { view: { stroke: null }, font: "DejaVu Sans, system-ui, sans-serif" }
      }, function (datum) { if (datum.rule) setRule(datum.rule); }));
    }
    if (hasDates && DATA.timeline.length) {
      $("timeline-figure").hidden = false;
      var days = DATA.timeline.map(function (d) {
        return { date: d.date, drafts: d.drafts, findings: d.error + d.warning + d.info + d.hint,
                 error: d.error, warning: d.warning, info: d.info, hint: d.hint };
      });
      var undated = DATA.undated;
      if (undated) {
        $("timeline-chart-caption").appendChild(document.createTextNode(
          "; " + fmt(undated) + " draft" + (undated === 1 ? "" : "s") + " without a date not shown"));
      }
      var tb = $("timeline-table");
      days.forEach(function (d) {
        tb.appendChild(el("tr", null, el("td", { text: d.date }), el("td", { class: "num", text: fmt(d.drafts) }),
          el("td", { class: "num", text: fmt(d.findings) })));
      });
      jobs.push(chart("#timeline-chart", {
        description: "Bar chart of findings per day, by the drafts' front-matter dates, from " + days[0].date +
          " to " + days[days.length - 1].date + ".",
        width: Math.max(320, Math.min(($("timeline-chart").clientWidth || 900) - 80, 1000)), height: 200,
        data: { values: days },
        mark: { type: "bar", color: "#4a5d7e" },
        encoding: {
          x: { field: "date", type: "temporal", timeUnit: "yearmonthdate", title: "Draft date",
               axis: { format: "%d %b", labelAngle: 0 } },
          y: { field: "findings", type: "quantitative", title: "Findings", axis: { tickMinStep: 1, format: "d" } },
          tooltip: [{ field: "date", type: "temporal", timeUnit: "yearmonthdate", title: "Date" },
                    { field: "drafts", title: "Drafts" }, { field: "findings", title: "Findings" },
                    { field: "error", title: "Errors" }, { field: "warning", title: "Warnings" },
                    { field: "info", title: "Info" }, { field: "hint", title: "Hints" }]
        },
        config: { view: { stroke: null }, font: "DejaVu Sans, system-ui, sans-serif" }
      }));
    }
    return Promise.all(jobs);
  }

  // ---- drafts table -----------------------------------------------------------
  var COLUMNS = [
    { key: "path", label: "Draft", dir: 1 },
    { key: "date", label: "Date", dir: -1, when: function () { return hasDates; } },
    { key: "error", sev: "error" }, { key: "warning", sev: "warning" }, { key: "info", sev: "info" }, { key: "hint", sev: "hint" },
    { key: "total", label: "Findings", dir: -1 }
  ];
  function buildHead() {
    var head = clear($("drafts-head"));
    COLUMNS.forEach(function (col) {
      if (col.when && !col.when()) return;
      var label = col.sev ? SYMBOL[col.sev] + " " + PLURAL[col.sev] : col.label;
      var th = el("th", { scope: "col", class: col.key === "path" || col.key === "date" ? null : "num" + (col.key === "total" ? " bar-cell" : ""),
        "aria-sort": state.sort === col.key ? (state.dir > 0 ? "ascending" : "descending") : "none" },
        el("button", { type: "button", "data-sort": col.key, onclick: function () {
          if (state.sort === col.key) state.dir = -state.dir; else { state.sort = col.key; state.dir = col.dir || -1; }
          state.page = 0; buildHead(); renderTable();
          var b = document.querySelector('#drafts-head button[data-sort="' + col.key + '"]');
          if (b) b.focus();
        } }, label));
      head.appendChild(th);
    });
  }
  function renderTable() {
    var rows = visibleDrafts();
    var pages = Math.max(1, Math.ceil(rows.length / PAGE));
    if (state.page >= pages) state.page = pages - 1;
    var shown = state.printing ? rows : rows.slice(state.page * PAGE, state.page * PAGE + PAGE);
    var max = 1;
    rows.forEach(function (r) { if (r.c.total > max) max = r.c.total; });
    var body = clear($("drafts-body"));
    shown.forEach(function (r) {
      var d = r.d;
      var cells = [el("td", { class: "path" },
        el("button", { type: "button", "data-draft": r.i, onclick: function () { openDraft(r.i); } }, d.path),
        d.meta.title ? el("div", { class: "note", text: d.meta.title }) : null,
        d.error ? el("div", { class: "unread", text: "Could not be read: " + d.error }) : null)];
      if (hasDates) cells.push(el("td", { class: "date", text: d.meta.date || "" }));
      SEVS.forEach(function (s) { cells.push(el("td", { class: "num", "data-col": s, text: fmt(r.c[s]) })); });
      var track = el("span", { class: "track", "aria-hidden": "true" });
      SEVS.forEach(function (s) {
        if (r.c[s]) track.appendChild(el("span", { class: "seg " + s, style: "width:" + (100 * r.c[s] / max) + "%" }));
      });
      cells.push(el("td", { class: "bar-cell", "data-col": "total" },
        el("span", { class: "bar" }, el("span", { class: "n", text: fmt(r.c.total) }), track)));
      body.appendChild(el("tr", { "data-path": d.path }, cells));
    });
    if (!shown.length) body.appendChild(el("tr", null, el("td", { colspan: 8, class: "empty", text: "No draft matches the filters." })));
    var pager = clear($("drafts-pager"));
    if (pages > 1 && !state.printing) {
      pager.appendChild(el("button", { type: "button", disabled: state.page === 0, "data-page": "prev",
        onclick: function () { state.page--; renderTable(); } }, "\u2190 Previous"));
      pager.appendChild(el("span", { "aria-live": "polite", text: "Page " + (state.page + 1) + " of " + pages +
        " (drafts " + (state.page * PAGE + 1) + "\u2013" + Math.min(rows.length, (state.page + 1) * PAGE) + " of " + fmt(rows.length) + ")" }));
      pager.appendChild(el("button", { type: "button", disabled: state.page >= pages - 1, "data-page": "next",
        onclick: function () { state.page++; renderTable(); } }, "Next \u2192"));
    }
    var nFindings = rows.reduce(function (n, r) { return n + r.c.total; }, 0);
    $("filter-status").textContent = "Showing " + fmt(rows.length) + " of " + fmt(drafts.length) + " drafts, " +
      fmt(nFindings) + " finding" + (nFindings === 1 ? "" : "s") + (filtersActive() || state.search ? " matching the filters." : ".");
    return rows;
  }

  // ---- one draft ------------------------------------------------------------------
  function lineStarts(text) {
    var starts = [0];
    for (var i = 0; i < text.length; i++) {
      var ch = text.charCodeAt(i);
      if (ch === 10) starts.push(i + 1);
      else if (ch === 13) { if (text.charCodeAt(i + 1) === 10) i++; starts.push(i + 1); }
    }
    return starts;
  }
  // LSP ranges count UTF-16 code units, as JavaScript strings do.
  function offset(starts, pos) { return (starts[pos.line] || 0) + pos.character; }

  function highlighted(text, items) {
    var pre = el("pre", { class: "draft-text", tabindex: "0", role: "region", "aria-label": "Draft text with findings marked" });
    var starts = lineStarts(text);
    var spans = items.map(function (it) {
      return { n: it.n, f: it.f, s: offset(starts, it.f.range.start), e: offset(starts, it.f.range.end) };
    });
    var cuts = new Set([0, text.length]);
    spans.forEach(function (sp) { cuts.add(sp.s); cuts.add(sp.e); });
    var points = Array.from(cuts).filter(function (x) { return x >= 0 && x <= text.length; }).sort(function (a, b) { return a - b; });
    var rank = { error: 3, warning: 2, info: 1, hint: 0 };
    for (var k = 0; k < points.length; k++) {
      var a = points[k], b = k + 1 < points.length ? points[k + 1] : a;
      spans.forEach(function (sp) {
        if (sp.s === a) {
          pre.appendChild(el("a", { class: "ref " + sp.f.severity, href: "#f-" + sp.n, id: "m-" + sp.n,
            "aria-label": "Finding " + sp.n + ", " + sp.f.severity + ", " + sp.f.rule_id, title: sp.f.message }, String(sp.n)));
        }
      });
      if (b <= a) continue;
      var piece = text.slice(a, b);
      var active = spans.filter(function (sp) { return sp.s <= a && sp.e >= b; });
      if (!active.length) { pre.appendChild(document.createTextNode(piece)); continue; }
      var top = active.reduce(function (x, y) { return rank[y.f.severity] > rank[x.f.severity] ? y : x; });
      pre.appendChild(el("mark", { class: "f " + top.f.severity + (active.length > 1 ? " deep" : ""),
        "data-findings": active.map(function (sp) { return sp.n; }).join(" "),
        title: active.map(function (sp) { return sp.n + ". " + sp.f.message; }).join("\n") }, piece));
    }
    return pre;
  }

  function findingItem(it, path) {
    var f = it.f;
    var li = el("li", { id: "f-" + it.n, "data-rule": f.rule_id, "data-severity": f.severity, tabindex: "-1" },
      el("div", { class: "finding-head" },
        el("span", { class: "num", text: it.n + "." }), sevLabel(f.severity),
        el("code", { class: "rule-id", text: f.rule_id }),
        el("span", { class: "where", text: path + ":" + f.line + ":" + f.column }),
        el("a", { href: "#m-" + it.n, class: "no-print" }, "show in text")),
      el("p", { class: "message", text: f.message, style: "margin:.25rem 0" }),
      f.text ? el("div", { class: "matched" }, "Text: ", el("q", { class: "quote", text: f.text })) : null);
    if (f.fixes.length) {
      li.appendChild(el("div", null, "Fixes:", el("ul", { class: "fixes" }, f.fixes.map(function (x) {
        return el("li", null, x.title, x.edits.length === 1 && x.edits[0].new_text && x.title.indexOf(x.edits[0].new_text) < 0
          ? el("span", null, " \u2192 ", el("q", { text: x.edits[0].new_text })) : null);
      }))));
    }
    if (f.related.length) {
      li.appendChild(el("div", null, "Corpus evidence:", el("ul", { class: "evidence" }, f.related.map(function (ev) {
        var meta = ev.meta ? [ev.meta.outlet, ev.meta.date, ev.meta.title].filter(Boolean).join(", ") : "";
        return el("li", null,
          el("span", { class: "src", text: ev.path + ":" + ev.line + (ev.column ? ":" + ev.column : "") }),
          meta ? el("span", { class: "note", text: " (" + meta + ")" }) : null,
          ev.text ? el("blockquote", { text: ev.text }) : null,
          ev.message ? el("div", { class: "note", text: ev.message }) : null);
      }))));
    }
    return li;
  }

  function renderDraft() {
    var i = state.open;
    var view = $("draft-view");
    if (i === null) { view.hidden = true; return; }
    var d = drafts[i];
    view.hidden = false;
    $("draft-heading").textContent = d.path;
    var body = clear($("draft-body"));
    var meta = [d.meta.title, d.meta.date, d.meta.outlet, d.meta.author].filter(Boolean);
    if (meta.length) body.appendChild(el("p", { class: "draft-meta", text: meta.join(" \u00b7 ") }));
    body.appendChild(el("div", { class: "draft-nav" },
      el("button", { type: "button", disabled: i === 0, onclick: function () { openDraft(i - 1); } }, "\u2190 Previous draft"),
      el("button", { type: "button", disabled: i === drafts.length - 1, onclick: function () { openDraft(i + 1); } }, "Next draft \u2192"),
      el("button", { type: "button", onclick: function () { closeDraft(); } }, "Back to the table")));
    if (d.error) { body.appendChild(el("p", { class: "unread", text: "Could not be read: " + d.error })); return; }
    d.failures.forEach(function (f) { body.appendChild(el("p", { class: "unread", text: "Check " + f.check + " failed: " + f.error })); });
    var items = [];
    d.findings.forEach(function (f, k) { if (matches(f)) items.push({ n: k + 1, f: f }); });
    var hidden = d.findings.length - items.length;
    var summary = el("p", { class: "draft-counts" }, fmt(d.findings.length) + " finding" + (d.findings.length === 1 ? "" : "s") +
      (d.findings.length ? ": " : "."),
      SEVS.filter(function (s) { return d.counts[s]; }).map(function (s, j) { return [j ? ", " : "", sevLabel(s, d.counts[s])]; })
        .reduce(function (a, b) { return a.concat(b); }, []),
      hidden ? " (" + fmt(hidden) + " hidden by the filters)" : null);
    body.appendChild(summary);
    body.appendChild(highlighted(d.text || "", items));
    body.appendChild(el("h3", { text: "Findings" }));
    if (!items.length) body.appendChild(el("p", { class: "empty", text: d.findings.length ? "None match the filters." : "No findings." }));
    else body.appendChild(el("ol", { class: "findings" }, items.map(function (it) { return findingItem(it, d.path); })));
    if (d.ledger) body.appendChild(ledgerSection(d));
    if (d.agreeing.length) {
      body.appendChild(el("h3", { text: "Figures the reference corpus agrees with" }));
      body.appendChild(el("ul", { class: "agreeing" }, d.agreeing.map(function (a) {
        return el("li", null, el("q", { class: "quote", text: a.figure }), " (line " + a.line + ")",
          a.corpus.length ? el("span", { class: "note", text: " — " + a.corpus.map(function (c) { return c.path + ":" + c.line; }).join("; ") }) : null);
      })));
    }
  }

  // The draft's source ledger (copydesk sources): who is quoted, named or not.
  function ledgerSection(d) {
    var L = d.ledger;
    var box = el("section", { class: "ledger", "aria-labelledby": "ledger-heading" },
      el("h3", { id: "ledger-heading", text: "Source ledger" }),
      el("p", { class: "ledger-counts" }, fmt(L.named) + " named source" + (L.named === 1 ? "" : "s") + ", " +
        fmt(L.anonymous) + " anonymous source" + (L.anonymous === 1 ? "" : "s") + ", " +
        fmt(L.attributions.length) + " attribution" + (L.attributions.length === 1 ? "" : "s") +
        (DATA.quote_rule ? ", " + fmt(L.unattributed_quotes.length) + " quotation" + (L.unattributed_quotes.length === 1 ? "" : "s") + " without a speaker" : "") + "."));
    if (L.sources.length) {
      box.appendChild(el("table", { class: "data ledger-sources" },
        el("caption", { text: "Sources, most attributions first" }),
        el("thead", null, el("tr", null, el("th", { scope: "col", text: "Source" }), el("th", { scope: "col", text: "Named or anonymous" }),
          el("th", { scope: "col", class: "num", text: "Attributions" }))),
        el("tbody", null, L.sources.map(function (s) {
          return el("tr", { "data-named": s.named ? "1" : "0" }, el("th", { scope: "row", text: s.speaker }),
            el("td", { text: s.named ? "named" : "anonymous" }), el("td", { class: "num", text: fmt(s.attributions) }));
        }))));
    }
    if (L.attributions.length) {
      box.appendChild(el("details", { class: "ledger-attributions" },
        el("summary", { text: "Every attribution (" + fmt(L.attributions.length) + ")" }),
        el("table", { class: "data" },
          el("caption", { class: "sr-only", text: "Attributions in the order of the draft" }),
          el("thead", null, el("tr", null, ["Line", "Source", "Cue", "Kind", "What is attributed"].map(function (h) {
            return el("th", { scope: "col", text: h });
          }))),
          el("tbody", null, L.attributions.map(function (a) {
            return el("tr", null, el("td", { class: "num", text: String(a.line) }),
              el("td", null, a.speaker || a.source || "no source", el("span", { class: "note", text: a.named ? " (named)" : " (anonymous)" })),
              el("td", { text: a.cue }), el("td", { text: a.kind }), el("td", { class: "quote", text: a.content || "" }));
          })))));
    }
    if (L.unattributed_quotes.length) {
      box.appendChild(el("p", null, "Quotations without a speaker: ",
        L.unattributed_quotes.map(function (k, j) {
          var f = d.findings[k];
          return [j ? "; " : "", el("a", { href: "#f-" + (k + 1) }, "finding " + (k + 1)), " (line " + f.line + ")"];
        }).reduce(function (a, b) { return a.concat(b); }, [])));
    }
    return box;
  }

  function openDraft(i) {
    state.open = i;
    renderDraft();
    history.replaceState(null, "", "#draft=" + i);
    var h = $("draft-heading");
    h.scrollIntoView({ block: "start" });
    h.focus({ preventScroll: true });
  }
  function closeDraft() {
    var i = state.open;
    state.open = null;
    renderDraft();
    history.replaceState(null, "", "#");
    var b = document.querySelector('#drafts-body button[data-draft="' + i + '"]');
    (b || $("drafts-heading")).focus();
  }

  function refresh() { state.page = 0; renderTable(); if (state.open !== null) renderDraft(); }

  // ---- print: the whole (filtered) table, not one page -------------------------------
  window.addEventListener("beforeprint", function () {
    state.printing = true; renderTable();
    document.querySelectorAll("details.ledger-attributions").forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () { state.printing = false; renderTable(); });

  // ---- start -----------------------------------------------------------------------------
  // The report data is gzip-compressed JSON in base64 (a tenth of the size
  // for a thousand drafts), unpacked by the browser's own DecompressionStream.
  function loadData() {
    var node = document.getElementById("copydesk-data");
    var bin = atob(node.textContent.replace(/\s+/g, ""));
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    if (typeof DecompressionStream === "undefined") {
      return Promise.reject(new Error("this browser cannot unpack the report (no DecompressionStream); " +
        "open it in a current Chrome, Edge, Firefox or Safari"));
    }
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text().then(JSON.parse);
  }
  function start(data) {
    DATA = data;
    drafts = DATA.drafts;
    hasDates = DATA.timeline.length > 0;
    buildOverview();
    buildFilters();
    buildHead();
    renderTable();
    var m = /^#draft=(\d+)$/.exec(location.hash);
    if (m && +m[1] < drafts.length) { state.open = +m[1]; renderDraft(); }
    return buildCharts();
  }
  loadData().then(start).then(function () { document.body.setAttribute("data-ready", "1"); },
    function (err) {
      console.error("copydesk report: " + err);
      var main = document.querySelector("main");
      main.insertBefore(el("p", { class: "unread", role: "alert", text: "The report could not be shown: " + err }), main.firstChild);
      document.body.setAttribute("data-ready", "error");
    });
})();
