// Opens a `copydesk report` page in headless Chromium for tests/test_report.py
// and prints one JSON line with what a reader would have seen.
//   REPORT_FILE      absolute path of the HTML report
//   REPORT_SHOTS     folder for screenshots (and the printed PDF)
//   REPORT_NAME      prefix of the screenshot names
//   REPORT_PROFILE   Chromium profile folder
//   PLAYWRIGHT_CORE  path of the playwright-core package
//   CHROMIUM         browser executable
//   AXE_CORE         path of the axe-core package (accessibility audit), optional
//   REPORT_OPEN      part of the name of the draft to open (else the one with the most findings)
//   REPORT_LOAD_ONLY set: only time loading, opening a draft, paging and filtering (for the bench)
const { chromium } = require(process.env.PLAYWRIGHT_CORE);
const path = require("path");
const { pathToFileURL } = require("url");

const fileUrl = pathToFileURL(process.env.REPORT_FILE).href;
const shots = process.env.REPORT_SHOTS;
const name = process.env.REPORT_NAME || "report";
const result = { steps: [], console: [], pageErrors: [], requests: [] };
const step = (s) => { result.steps.push(s); process.stderr.write(`report-e2e: ${s}\n`); };
const shot = async (page, what, opts) => {
  const file = path.join(shots, `${name}-${what}.png`);
  await page.screenshot({ path: file, ...(opts || {}) });
  return file;
};

(async () => {
  const browser = await chromium.launchPersistentContext(process.env.REPORT_PROFILE, {
    executablePath: process.env.CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--allow-file-access-from-files"],
  });
  // Every request the page makes is recorded; anything but the file itself is refused.
  await browser.route("**/*", (route) => {
    const url = route.request().url();
    result.requests.push(url);
    if (url.split("#")[0] === fileUrl) return route.continue();
    return route.abort();
  });
  const page = browser.pages()[0] || (await browser.newPage());
  page.setDefaultTimeout(60000);
  page.on("console", (msg) => result.console.push({ type: msg.type(), text: msg.text() }));
  page.on("pageerror", (err) => result.pageErrors.push(String(err)));
  try {
    const started = Date.now();
    await page.goto(fileUrl, { waitUntil: "load" });
    await page.waitForSelector("body[data-ready]", { timeout: 60000 });
    result.loadMs = Date.now() - started;
    result.ready = await page.getAttribute("body", "data-ready");
    result.domNodes = await page.evaluate(() => document.getElementsByTagName("*").length);
    step("page loaded");
    if (process.env.REPORT_LOAD_ONLY) { // bench/bench_report.py: how long to ready, to a draft, to the next table page
      let t = Date.now();
      await page.click("#top-drafts button");
      await page.waitForSelector("#draft-view:not([hidden]) pre.draft-text");
      result.openDraftMs = Date.now() - t;
      result.domNodesWithDraft = await page.evaluate(() => document.getElementsByTagName("*").length);
      t = Date.now();
      await page.click('#drafts-pager button[data-page="next"]');
      result.nextPageMs = Date.now() - t;
      t = Date.now();
      await page.selectOption("#rule-filter", { index: 1 });
      result.filterMs = Date.now() - t;
      result.ok = true;
      return;
    }

    // Overview numbers as the page shows them.
    result.stats = await page.$$eval("[data-stat]", (els) => Object.fromEntries(els.map((e) =>
      [e.getAttribute("data-stat"), Number(e.querySelector("dd").textContent.replace(/,/g, ""))])));
    // Figure checks and source-ledger totals: key -> the number in bold.
    const numbers = (els) => Object.fromEntries(els.map((e) =>
      [e.getAttribute(e.hasAttribute("data-figures") ? "data-figures" : "data-ledger"),
       Number(e.querySelector("strong").textContent.replace(/,/g, ""))]));
    result.figures = await page.$$eval("[data-figures]", numbers);
    result.ledgerTotals = await page.$$eval("[data-ledger]", numbers);
    result.sourcesShown = await page.evaluate(() => !document.getElementById("sources-overview").hidden);
    result.rulesTable = await page.$$eval("#rules-table tr", (rows) => rows.map((r) => {
      const c = r.querySelectorAll("td");
      return { rule: c[0].textContent, severity: c[1].textContent, count: Number(c[2].textContent.replace(/,/g, "")) };
    }));
    // Charts: Vega's SVG with its marks.
    result.charts = await page.evaluate(() => {
      const one = (id) => {
        const svg = document.querySelector(`#${id} svg`);
        if (!svg) return null;
        return {
          bars: svg.querySelectorAll(".mark-rect path").length,
          values: Array.from(svg.querySelectorAll(".mark-text.role-mark text")).map((t) => t.textContent),
          axisLabels: Array.from(svg.querySelectorAll(".role-axis-label text")).map((t) => t.textContent),
          ariaLabel: document.getElementById(id).getAttribute("aria-label"),
          role: svg.getAttribute("role") || document.getElementById(id).getAttribute("role"),
        };
      };
      return { rules: one("rules-chart"), timeline: one("timeline-chart"),
               timelineShown: !document.getElementById("timeline-figure").hidden };
    });
    await shot(page, "overview");
    await page.locator("#charts").screenshot({ path: path.join(shots, `${name}-charts.png`) });
    await shot(page, "full", { fullPage: true });

    // Every row of the drafts table, page by page (Next until it is disabled).
    const rows = [];
    for (let i = 0; i < 200; i++) {
      rows.push(...(await page.$$eval("#drafts-body tr[data-path]", (trs) => trs.map((tr) => {
        const cell = (k) => Number(tr.querySelector(`[data-col="${k}"]`).textContent.replace(/,/g, ""));
        return { path: tr.getAttribute("data-path"), error: cell("error"), warning: cell("warning"),
                 info: cell("info"), hint: cell("hint"), total: cell("total") };
      }))));
      const next = page.locator('#drafts-pager button[data-page="next"]');
      if (!(await next.count()) || (await next.isDisabled())) break;
      await next.click();
    }
    result.tableRows = rows;
    result.pages = await page.$$eval('#drafts-pager button[data-page="prev"]', (b) => b.length) ? "paged" : "single";
    step(`table: ${rows.length} rows`);

    // Sorting by path, by keyboard: the header button, Enter.
    await page.focus('#drafts-head button[data-sort="path"]');
    await page.keyboard.press("Enter");
    result.sortedByPath = await page.$$eval("#drafts-body tr[data-path]", (trs) => trs.map((t) => t.getAttribute("data-path")));
    result.ariaSort = await page.getAttribute('#drafts-head th:has(button[data-sort="path"])', "aria-sort");

    // Keyboard: from the top of the page, Tab reaches the filters.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.click("#title"); // sequential focus navigation starts at the top
    const focused = [];
    for (let i = 0; i < 60; i++) {
      await page.keyboard.press("Tab");
      const id = await page.evaluate(() => {
        const a = document.activeElement;
        return a ? (a.id || a.getAttribute("data-sort") || a.getAttribute("data-draft") || a.tagName.toLowerCase()) : "";
      });
      focused.push(id);
      if (id === "clear-filters") break;
    }
    result.tabOrder = focused;
    // Operate the rule filter by keyboard: Tab back to it, pick the second option.
    await page.focus("#rule-filter");
    await page.keyboard.press("ArrowDown");
    result.ruleFilter = await page.$eval("#rule-filter", (s) => s.value);
    result.filteredRows = await page.$$eval("#drafts-body tr[data-path]", (trs) => trs.map((tr) => ({
      path: tr.getAttribute("data-path"), total: Number(tr.querySelector('[data-col="total"]').textContent.replace(/,/g, "")) })));
    result.filterStatus = await page.textContent("#filter-status");
    await shot(page, "filtered");
    await page.click("#clear-filters");
    // A click on a bar of the rules chart filters by that rule.
    await page.locator("#rules-chart .mark-rect path").first().click();
    result.barClickFilter = await page.$eval("#rule-filter", (s) => s.value);
    await page.click("#clear-filters");

    // Open a draft by keyboard: the one named by REPORT_OPEN (typed into the name filter), else
    // the one with the most findings (first of the overview's list).
    if (process.env.REPORT_OPEN) {
      await page.focus("#draft-search");
      await page.keyboard.type(process.env.REPORT_OPEN);
      await page.focus("#drafts-body button[data-draft]");
    } else {
      await page.focus("#top-drafts button");
    }
    await page.keyboard.press("Enter");
    await page.waitForSelector("#draft-view:not([hidden]) pre.draft-text");
    result.draft = await page.evaluate(() => ({
      heading: document.getElementById("draft-heading").textContent,
      focusedHeading: document.activeElement && document.activeElement.id,
      marks: document.querySelectorAll("#draft-body mark.f").length,
      markText: Array.from(document.querySelectorAll("#draft-body mark.f")).map((m) => m.textContent).join("|"),
      refs: document.querySelectorAll("#draft-body a.ref").length,
      // finding number -> the text of the marks that carry it
      marked: (() => {
        const m = {};
        document.querySelectorAll("#draft-body mark.f").forEach((mk) => mk.getAttribute("data-findings").split(" ")
          .forEach((n) => { m[n] = (m[n] || "") + mk.textContent; }));
        return m;
      })(),
      findings: Array.from(document.querySelectorAll("#draft-body ol.findings > li")).map((li) => ({
        rule: li.getAttribute("data-rule"), severity: li.getAttribute("data-severity"),
        where: li.querySelector(".where").textContent, message: li.querySelector(".message").textContent,
        fixes: li.querySelectorAll(".fixes li").length, evidence: li.querySelectorAll(".evidence li").length,
        evidenceText: Array.from(li.querySelectorAll(".evidence li")).map((e) => e.textContent) })),
      text: (() => { // the text as shown, without the finding numbers
        const pre = document.querySelector("#draft-body pre.draft-text").cloneNode(true);
        pre.querySelectorAll("a.ref").forEach((a) => a.remove());
        return pre.textContent;
      })(),
    }));
    // The draft's source ledger: its sources table, and every attribution behind a
    // disclosure opened by keyboard.
    result.ledger = await page.evaluate(() => {
      const box = document.querySelector("#draft-body section.ledger");
      if (!box) return null;
      return {
        counts: box.querySelector(".ledger-counts").textContent,
        sources: Array.from(box.querySelectorAll("table.ledger-sources tbody tr")).map((tr) => ({
          speaker: tr.querySelector("th").textContent, named: tr.children[1].textContent,
          attributions: Number(tr.children[2].textContent.replace(/,/g, "")) })),
        quoteLinks: Array.from(box.querySelectorAll('a[href^="#f-"]')).map((a) => a.getAttribute("href")),
      };
    });
    if (result.ledger) {
      await page.focus("section.ledger details summary");
      await page.keyboard.press("Enter");
      result.ledger.attributions = await page.$$eval("section.ledger details[open] tbody tr", (trs) => trs.map((tr) =>
        ({ line: Number(tr.children[0].textContent), cue: tr.children[2].textContent, kind: tr.children[3].textContent })));
      await page.locator("section.ledger").scrollIntoViewIfNeeded();
      await shot(page, "ledger");
    }
    result.agreeing = await page.$$eval("#draft-body ul.agreeing li", (lis) => lis.map((li) => li.querySelector("q").textContent));
    await page.locator("#draft-heading").scrollIntoViewIfNeeded();
    await shot(page, "draft");
    // Follow a finding's number in the text to its entry.
    await page.click("#draft-body a.ref");
    result.afterRef = await page.evaluate(() => location.hash);
    await shot(page, "draft-finding");
    result.domNodesWithDraft = await page.evaluate(() => document.getElementsByTagName("*").length);
    await page.fill("#draft-search", "");
    await page.dispatchEvent("#draft-search", "input");

    // Accessibility audit (axe-core, WCAG 2 A/AA rules) of the page with a draft open.
    if (process.env.AXE_CORE) {
      await page.addScriptTag({ path: path.join(process.env.AXE_CORE, "axe.min.js") });
      result.axe = await page.evaluate(async () => {
        const r = await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
        return { passes: r.passes.length, violations: r.violations.map((v) => ({ id: v.id, impact: v.impact,
          help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")) })) };
      });
    }

    // Print: the print stylesheet hides the controls; the PDF is written.
    await page.emulateMedia({ media: "print" });
    result.printHidden = await page.evaluate(() => ["filters", "drafts-pager"].map((id) =>
      getComputedStyle(document.getElementById(id)).display));
    result.printLedger = await page.evaluate(() => {
      const box = document.querySelector("#draft-body section.ledger");
      return box ? getComputedStyle(box).display : null;
    });
    // The browser's Print command fires beforeprint: the whole table is drawn, not one page.
    await page.evaluate(() => window.dispatchEvent(new Event("beforeprint")));
    result.printRows = await page.$$eval("#drafts-body tr[data-path]", (trs) => trs.length);
    await shot(page, "print", { fullPage: true });
    await page.pdf({ path: path.join(shots, `${name}.pdf`), format: "A4", printBackground: true });
    await page.evaluate(() => window.dispatchEvent(new Event("afterprint")));
    result.rowsAfterPrint = await page.$$eval("#drafts-body tr[data-path]", (trs) => trs.length);
    await page.emulateMedia({ media: "screen" });
    result.pdf = path.join(shots, `${name}.pdf`);
    result.ok = true;
  } catch (err) {
    result.ok = false;
    result.error = String(err && err.stack || err);
    try { await shot(page, "failure"); } catch (_e) { /* the page may be gone */ }
  } finally {
    await browser.close();
    process.stdout.write(JSON.stringify(result) + "\n");
  }
})();
