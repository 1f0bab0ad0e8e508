// Drives code-server (real VS Code) in headless Chromium for tests/test_vscode_e2e.py.
// Reads its job from env, prints one JSON line with what a person would have seen.
//   E2E_URL          code-server URL with ?folder=...
//   E2E_FILE         name of the draft in the explorer
//   E2E_EXPECTED     JSON list of {line, column, message, rule_id} the CLI reported
//   E2E_FIX_TITLE    the quick fix to pick from the Ctrl+. menu
//   E2E_FIX_LINE     1-based line of the finding to fix
//   E2E_HOVER        JSON {line, column, message}: the finding to hover (1-based line and column)
//   E2E_TOLL         JSON {file, line, text, expected, spans:[{rule_id, start, end}]}: a draft whose line
//                    has a sentence-wide finding and a narrower one; where their squiggles are drawn
//   E2E_HOUSE        JSON {folder, file, rule_id, line, column}: a draft under a broken house pack;
//                    what Explain Rule at Cursor shows there
//   E2E_SHOTS        folder for screenshots
//   E2E_PROFILE      Chromium profile folder
//   PLAYWRIGHT_CORE  path of the playwright-core package
//   CHROMIUM         browser executable
const { chromium } = require(process.env.PLAYWRIGHT_CORE);
const fs = require("fs");
const path = require("path");

const expected = JSON.parse(process.env.E2E_EXPECTED);
const result = { steps: [] };
const step = (s) => { result.steps.push(s); process.stderr.write(`e2e: ${s}\n`); };

async function problemRows(page) {
  return page.$$eval(".markers-panel .monaco-list-row", (rows) =>
    rows.map((r) => ({ aria: r.getAttribute("aria-label") || "", text: r.innerText })));
}

async function waitForRows(page, predicate, what, timeout = 60000) {
  const deadline = Date.now() + timeout;
  let rows = [];
  while (Date.now() < deadline) {
    rows = await problemRows(page);
    if (predicate(rows)) return rows;
    await page.waitForTimeout(250);
  }
  throw new Error(`timed out waiting for ${what}; Problems rows: ${JSON.stringify(rows)}`);
}

// Save the active editor and wait until its tab is no longer dirty.
async function saveActive(page) {
  for (let i = 0; i < 20; i++) {
    await page.keyboard.press("Control+S");
    await page.waitForTimeout(250);
    if (!(await page.locator(".tab.active.dirty").count())) return;
  }
  throw new Error("the active editor did not save");
}

// Replace the user settings.json in VS Code's own editor, as a writer would, and save.
async function writeUserSettings(page, settings) {
  await runCommand(page, "Preferences: Open User Settings (JSON)");
  await page.locator(".tab.active", { hasText: "settings.json" }).waitFor({ timeout: 30000 });
  await page.waitForTimeout(500);
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Backspace");
  await page.keyboard.insertText(JSON.stringify(settings)); // one line: no auto-indent, no auto-closing
  await saveActive(page);
}

// Where one line's words and squiggles are drawn (client pixels), in the editor showing the line.
async function squiggleGeometry(page, lineText, spans) {
  return page.evaluate(({ lineText, spans }) => {
    const norm = (t) => (t || "").replace(/\u00a0/g, " ");
    const lines = [...document.querySelectorAll(".monaco-editor .view-line")];
    const line = lines.find((l) => norm(l.textContent) === lineText);
    if (!line) return { error: "line not rendered", lines: lines.map((l) => norm(l.textContent)) };
    const editor = line.closest(".monaco-editor");
    const nodes = [];
    const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
    for (let n, off = 0; (n = walker.nextNode()); off += n.data.length) nodes.push({ node: n, start: off });
    const pos = (i, end) => {
      const x = nodes.find((x) => (end ? i <= x.start + x.node.data.length : i < x.start + x.node.data.length));
      return [x.node, i - x.start];
    };
    const box = (b) => ({ left: b.left, right: b.right, top: b.top, bottom: b.bottom });
    const rectOf = (start, end) => {
      const r = document.createRange();
      r.setStart(...pos(start, false));
      r.setEnd(...pos(end, true));
      return box(r.getBoundingClientRect());
    };
    const lr = line.getBoundingClientRect();
    const squiggles = [...editor.querySelectorAll('[class*="squiggly-"]')].map((el) => ({
      cls: [...el.classList].filter((c) => c.startsWith("squiggly-")).join(" "), ...box(el.getBoundingClientRect()),
    })).filter((s) => s.right > s.left && (s.top + s.bottom) / 2 >= lr.top && (s.top + s.bottom) / 2 <= lr.bottom);
    return { line: box(lr), sentence: rectOf(0, lineText.length),
      words: spans.map((s) => ({ ...s, ...rectOf(s.start, s.end) })), squiggles };
  }, { lineText, spans });
}

async function openFromExplorer(page, name) {
  const row = page.locator(".explorer-folders-view .monaco-list-row")
    .filter({ hasText: new RegExp(`^\\s*${name.replace(/[.]/g, "\\.")}\\s*$`) }).first();
  await row.waitFor({ timeout: 30000 });
  await row.click();
}

// Put the cursor at a 1-based line and column with Go to Line/Column (Ctrl+G).
async function gotoLineColumn(page, line, column) {
  await page.keyboard.press("Control+G");
  const goto = page.locator(".quick-input-widget input").first();
  await goto.waitFor({ timeout: 15000 });
  await goto.fill(`:${line}:${column}`);
  await page.keyboard.press("Enter");
  await page.locator(".quick-input-widget").first().waitFor({ state: "hidden", timeout: 15000 }).catch(() => undefined);
}

async function runCommand(page, title) {
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input").first();
  await input.waitFor({ timeout: 15000 });
  await input.fill(">" + title);
  await page.locator(".quick-input-widget .monaco-list-row", { hasText: title }).first().waitFor({ timeout: 15000 });
  await page.keyboard.press("Enter");
}

(async () => {
  const browser = await chromium.launchPersistentContext(process.env.E2E_PROFILE, {
    executablePath: process.env.CHROMIUM,
    headless: true,
    viewport: { width: 1600, height: 1000 },
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
  });
  // Every state of copydesk's status bar items from the first paint on, and
  // how many there had been when the first squiggle was drawn: "starting…"
  // lasts only until the server answers, too short to catch by polling.
  await browser.addInitScript(() => {
    const seen = [];
    window.__copydeskStatus = seen;
    window.__copydeskStatusAtFirstSquiggle = null;
    const record = () => {
      const now = [...document.querySelectorAll(".statusbar-item")]
        .map((el) => (el.textContent || "").trim()).filter((t) => /copydesk/.test(t)).join(" | ");
      if (now && seen[seen.length - 1] !== now) seen.push(now);
      if (window.__copydeskStatusAtFirstSquiggle === null &&
          document.querySelector(".monaco-editor .squiggly-warning, .monaco-editor .squiggly-error, .monaco-editor .squiggly-info")) {
        window.__copydeskStatusAtFirstSquiggle = seen.length;
      }
    };
    const start = () => new MutationObserver(record)
      .observe(document.documentElement, { subtree: true, childList: true, characterData: true, attributes: true });
    if (document.documentElement) start(); else document.addEventListener("DOMContentLoaded", start);
  });
  const page = browser.pages()[0] || (await browser.newPage());
  page.setDefaultTimeout(60000);
  try {
    await page.goto(process.env.E2E_URL, { waitUntil: "domcontentloaded" });
    await page.waitForSelector(".monaco-workbench", { timeout: 90000 });
    step("workbench loaded");
    const file = process.env.E2E_FILE;
    const entry = page.locator(".explorer-folders-view .monaco-list-row", { hasText: file }).first();
    await entry.waitFor({ timeout: 60000 });
    await entry.click();
    await page.waitForSelector(`.monaco-editor .view-lines`, { timeout: 60000 });
    step("draft opened");
    await page.locator(".monaco-editor .view-lines").first().click();
    await page.keyboard.press("Control+Shift+M");
    await page.waitForSelector(".markers-panel", { timeout: 30000 });
    // Wait until the Problems panel lists exactly the findings the CLI reported
    // (rule, line, column): with fastFirst a quick report may come first.
    const listedExactly = (rs) => {
      const markers = rs.filter((r) => /copydesk/.test(r.aria + r.text));
      return expected.length > 0 && markers.length === expected.length && expected.every((f) =>
        markers.some((r) => r.text.includes(f.rule_id) && r.text.includes(`[Ln ${f.line}, Col ${f.column}]`)));
    };
    let rows = await waitForRows(page, listedExactly, "the copydesk findings");
    result.problems = rows;
    result.squiggles = await page.locator(".monaco-editor .squiggly-warning, .monaco-editor .squiggly-error, .monaco-editor .squiggly-info").count();
    // The status bar counts them (it follows the diagnostics: wait for it to catch up).
    await page.locator(".statusbar-item", { hasText: `copydesk: ${expected.length}` }).first()
      .waitFor({ timeout: 15000 }).catch(() => undefined);
    result.status = await page.locator(".statusbar-item", { hasText: "copydesk" }).allInnerTexts().catch(() => []);
    result.statusHistory = await page.evaluate(() => window.__copydeskStatus || []);
    result.statusAtFirstSquiggle = await page.evaluate(() => window.__copydeskStatusAtFirstSquiggle);
    step(`problems listed: ${rows.length}`);
    await page.screenshot({ path: path.join(process.env.E2E_SHOTS, "vscode-problems.png") });
    if (process.env.E2E_ONLY_PROBLEMS) {  // the untrusted-folder run: linting is all it checks
      result.restrictedMode = (await page.locator(".statusbar-item", { hasText: "Restricted Mode" }).count()) > 0;
      result.ok = true;
      process.stdout.write(JSON.stringify(result) + "\n");
      return;
    }

    // The hover on a finding, as a keyboard user shows it: the cursor put on the
    // finding with Go to Line/Column (Ctrl+G "line:column"), then the command
    // "Show or Focus Hover" (editor.action.showHover).
    const hoverAt = JSON.parse(process.env.E2E_HOVER);
    await page.locator(".monaco-editor .view-lines").first().click();
    await page.keyboard.press("Control+G");
    const goto = page.locator(".quick-input-widget input").first();
    await goto.waitFor({ timeout: 15000 });
    await goto.fill(`:${hoverAt.line}:${hoverAt.column + 1}`);  // one character into the term
    await page.keyboard.press("Enter");
    await page.locator(".quick-input-widget").first().waitFor({ state: "hidden", timeout: 15000 }).catch(() => undefined);
    result.hoverCursor = await page.locator(".statusbar-item", { hasText: /Ln \d+, Col \d+/ }).first().innerText().catch(() => "");
    const hoverBox = page.locator(".monaco-hover:visible", { hasText: hoverAt.message }).first();
    const hoverShown = () => hoverBox.waitFor({ state: "visible", timeout: 15000 }).then(() => true).catch(() => false);
    await runCommand(page, "Show or Focus Hover");
    let shown = await hoverShown();
    if (!shown) {  // debug aid: what the screen looked like
      await page.screenshot({ path: path.join(process.env.E2E_SHOTS, "vscode-hover-missing.png") });
      step("hover not shown by the command; trying Ctrl+K Ctrl+I");
      await page.keyboard.press("Control+K");
      await page.keyboard.press("Control+I");
      shown = await hoverShown();
    }
    if (!shown) throw new Error(`no hover with "${hoverAt.message}" at ${result.hoverCursor}`);
    // VS Code draws the problem's own part at once and adds the server's hover
    // (textDocument/hover: message, fix, evidence, the rule) when it answers.
    const full = page.locator(".monaco-hover:visible", { hasText: "Fix: " }).first();
    if (!(await full.waitFor({ state: "visible", timeout: 20000 }).then(() => true).catch(() => false))) {
      await page.screenshot({ path: path.join(process.env.E2E_SHOTS, "vscode-hover-partial.png") });
      throw new Error(`the hover never showed the server's part: ${await hoverBox.innerText().catch(() => "")}`);
    }
    result.hover = await full.innerText();
    await page.screenshot({ path: path.join(process.env.E2E_SHOTS, "vscode-hover.png") });
    await page.keyboard.press("Escape");
    step("hover shown");

    // A setting changed while VS Code runs takes effect without a reload: edit the
    // user settings.json in VS Code, as a writer would, and save.
    const rule = process.env.E2E_FIX_RULE;
    const settings = JSON.parse(fs.readFileSync(process.env.E2E_SETTINGS, "utf8"));
    settings["copydesk.severityOverrides"] = { [rule]: "error" };
    settings["copydesk.run"] = "onSave";
    await writeUserSettings(page, settings);
    await page.keyboard.press("Control+W");
    rows = await waitForRows(page, (rs) => rs.some((r) => r.aria.startsWith("Error:") && r.text.includes(rule)),
      "the severity override to apply", 30000);
    result.afterSeverityOverride = rows.filter((r) => r.text.includes(rule)).map((r) => r.aria);
    step("severity override applied");

    // Put the cursor on the finding: click it in the Problems panel, Enter opens it
    // in the editor with the focus there.
    const line = Number(process.env.E2E_FIX_LINE);
    const target = page.locator(".markers-panel .monaco-list-row").filter({ hasText: `[Ln ${line},` }).first();
    const focusFinding = async () => {
      await target.click();
      await page.keyboard.press("Enter");
      await page.waitForTimeout(500);
    };
    await focusFinding();

    // copydesk: Explain Rule at Cursor opens the rule's explanation beside the draft.
    await runCommand(page, "copydesk: Explain Rule at Cursor");
    const explanation = page.locator(".monaco-editor .view-lines", { hasText: `${rule} —` }).first();
    await explanation.waitFor({ timeout: 30000 });
    result.explain = await explanation.innerText();
    await page.screenshot({ path: path.join(process.env.E2E_SHOTS, "vscode-explain.png") });
    step("rule explained");

    // Quick fix through the UI: Ctrl+. on the finding, pick the fix.
    await focusFinding();
    result.focusInEditor = await page.evaluate(() => !!document.activeElement?.closest(".monaco-editor"));
    await page.keyboard.press("Control+Period");
    const title = process.env.E2E_FIX_TITLE;
    const menu = page.locator(".context-view");  // the editor's action widget (or the panel's menu)
    const item = menu.getByText(title, { exact: true }).first();
    await item.waitFor({ timeout: 30000 });
    result.quickFixMenu = (await menu.first().innerText()).split("\n").filter(Boolean);
    await page.screenshot({ path: path.join(process.env.E2E_SHOTS, "vscode-quickfix-menu.png") });
    // Pick it with the keyboard, as a writer would (the menu blocks synthetic clicks).
    let picked = false;
    for (let i = 0; i < 20 && !picked; i++) {
      const focused = (await page.locator(".action-widget .monaco-list-row.focused").first().innerText().catch(() => "")).trim();
      if (focused === title) picked = true;
      else await page.keyboard.press("ArrowDown");
    }
    if (!picked) throw new Error(`could not reach "${title}" in the quick-fix menu`);
    await page.keyboard.press("Enter");
    step("quick fix applied");
    await saveActive(page);
    // The fixed finding goes away from the Problems panel.
    const fixedAt = expected.filter((f) => f.line === line);
    rows = await waitForRows(page, (rs) => {
      const markers = rs.filter((r) => /copydesk/.test(r.aria + r.text));
      return markers.length === expected.length - fixedAt.length;
    }, "the fixed finding to go away", 30000);
    result.problemsAfter = rows;
    result.statusAfter = await page.locator(".statusbar-item", { hasText: "copydesk" }).allInnerTexts().catch(() => []);
    await page.screenshot({ path: path.join(process.env.E2E_SHOTS, "vscode-after-fix.png") });
    step("finding gone");

    // copydesk.run = onSave (set above, without a reload): typing a loaded term
    // shows nothing until the draft is saved.
    await page.keyboard.press("Control+End");
    await page.keyboard.type("The regime fell.");
    await page.waitForTimeout(2500);
    result.whileTyping = (await problemRows(page)).filter((r) => /copydesk/.test(r.text)).map((r) => r.text);
    result.dirtyWhileTyping = (await page.locator(".tab.active.dirty").count()) > 0;
    await saveActive(page);
    rows = await waitForRows(page, (rs) => rs.some((r) => r.text.includes(rule) && r.text.includes("[Ln 10, Col 5]")),
      "the finding typed in onSave mode to appear after saving", 30000);
    result.afterSave = rows.filter((r) => /copydesk/.test(r.text)).map((r) => r.text);
    step("onSave mode: finding shown after save");

    // A sentence with an unattributed claim and a loaded term at another word:
    // where VS Code draws their squiggles (issue 19: the sentence-wide one hid the other).
    const toll = JSON.parse(process.env.E2E_TOLL);
    await openFromExplorer(page, toll.file);
    await page.locator(".tab.active", { hasText: toll.file }).waitFor({ timeout: 30000 });
    // (the test checks the columns: on a timeout, go on and report what is listed)
    rows = await waitForRows(page, (rs) => toll.expected.every((f) => rs.some((r) =>
      r.text.includes(f.rule_id) && r.text.includes(`[Ln ${f.line}, Col ${f.column}]`))), `the findings of ${toll.file}`, 30000)
      .catch(() => problemRows(page));
    result.tollProblems = rows.filter((r) => toll.expected.some((f) => r.text.includes(f.rule_id)));
    // The decorations follow the diagnostics: wait until as many squiggles as findings are drawn on the line.
    for (let i = 0; i < 40; i++) {
      result.tollSquiggles = await squiggleGeometry(page, toll.text, toll.spans);
      if (!result.tollSquiggles.error && result.tollSquiggles.squiggles.length >= toll.spans.length) break;
      await page.waitForTimeout(250);
    }
    await page.screenshot({ path: path.join(process.env.E2E_SHOTS, "vscode-squiggles.png") });
    if (!result.tollSquiggles.error) {  // the line itself, large enough to see the squiggles
      const l = result.tollSquiggles.line;
      await page.screenshot({ path: path.join(process.env.E2E_SHOTS, "vscode-squiggles-line.png"),
        clip: { x: Math.max(0, l.left - 10), y: Math.max(0, l.top - 6), width: l.right - l.left + 20, height: l.bottom - l.top + 12 } });
    }
    step("toll squiggles measured");

    // Explain Rule at Cursor on a draft whose folder's house pack is broken.
    const house = JSON.parse(process.env.E2E_HOUSE);
    await openFromExplorer(page, house.folder);  // expands the folder
    await openFromExplorer(page, house.file);
    await page.locator(".tab.active", { hasText: house.file }).waitFor({ timeout: 30000 });
    await waitForRows(page, (rs) => rs.some((r) => r.text.includes(house.rule_id) && r.text.includes(`[Ln ${house.line}, Col ${house.column}]`)),
      `the finding in ${house.folder}/${house.file}`);
    await page.locator(".tab.active .monaco-icon-label", { hasText: house.file }).first().click().catch(() => undefined);
    await page.locator(".editor-group-container.active .monaco-editor .view-lines").first().click();
    await gotoLineColumn(page, house.line, house.column + 1);
    await runCommand(page, "copydesk: Explain Rule at Cursor");
    const failed = page.locator(".monaco-editor .view-lines", { hasText: `rules explain ${house.rule_id} failed` }).first();
    if (await failed.waitFor({ timeout: 30000 }).then(() => true).catch(() => false)) {
      result.houseExplain = await failed.innerText();
    } else {  // what the editors show instead (the test says what is wrong)
      result.houseExplain = (await page.locator(".monaco-editor .view-lines").allInnerTexts()).join("\n----\n");
    }
    result.houseToasts = await page.locator(".notifications-toasts .notification-toast").allInnerTexts().catch(() => []);
    await page.screenshot({ path: path.join(process.env.E2E_SHOTS, "vscode-explain-broken-pack.png") });
    step("explained under a broken house pack");

    // copydesk: Lint Workspace lists the drafts that are not open, too.
    const other = JSON.parse(process.env.E2E_OTHER_EXPECTED);
    const otherFile = process.env.E2E_OTHER_FILE;
    await runCommand(page, "copydesk: Lint Workspace");
    rows = await waitForRows(page, (rs) => rs.some((r) => r.text.startsWith(otherFile)) && other.every((f) =>
      rs.some((r) => r.text.includes(f.rule_id) && r.text.includes(`[Ln ${f.line}, Col ${f.column}]`))),
    `Lint Workspace to list ${otherFile}`, 60000);
    result.workspaceProblems = rows;
    await page.screenshot({ path: path.join(process.env.E2E_SHOTS, "vscode-lint-workspace.png") });
    step("workspace linted");

    // Pointing copydesk.interpreter at a Python that does not exist restarts the
    // server without a reload, and the message names the setting to fix.
    settings["copydesk.interpreter"] = "/nonexistent/python3";
    await writeUserSettings(page, settings);
    const toast = page.locator(".notifications-toasts .notification-toast", { hasText: "copydesk needs Python" }).first();
    await toast.waitFor({ timeout: 30000 });
    result.noPythonMessage = await toast.innerText();
    // The status bar and the toast are separate renders: give the status a moment, then read it.
    await page.locator(".statusbar-item", { hasText: "no Python" }).first().waitFor({ timeout: 10000 }).catch(() => undefined);
    result.noPythonStatus = await page.locator(".statusbar-item", { hasText: "copydesk" }).allInnerTexts();
    await page.screenshot({ path: path.join(process.env.E2E_SHOTS, "vscode-no-python.png") });
    step("no-python message shown");
    result.ok = true;
  } catch (e) {
    result.ok = false;
    result.error = String(e && e.stack || e);
    try {
      result.problems = result.problems || (await problemRows(page));
      if (process.env.E2E_DEBUG) {
        await runCommand(page, "copydesk: Show Output");
        await page.waitForTimeout(1000);
        result.output = await page.locator(".output-view .view-lines, .panel .view-lines").last().innerText().catch((e) => String(e));
      }
      result.menuHtml = await page.evaluate(() => {
        const els = [...document.querySelectorAll("*")].filter((e) => e.children.length === 0 && /Replace/.test(e.textContent || ""));
        return els.slice(0, 3).map((e) => { let p = e; const chain = []; for (let i = 0; i < 8 && p; i++, p = p.parentElement) chain.push(p.tagName + "." + p.className + (p.getAttribute("role") ? "[" + p.getAttribute("role") + "]" : "")); return chain.join(" < "); });
      });
      await page.screenshot({ path: path.join(process.env.E2E_SHOTS, "vscode-failure.png") });
    } catch (_) { /* the page is gone */ }
  } finally {
    await browser.close().catch(() => undefined);
  }
  process.stdout.write(JSON.stringify(result) + "\n");
})();
