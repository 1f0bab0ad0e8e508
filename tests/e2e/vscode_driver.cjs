// Drives code-server (real VS Code) in headless Chromium for tests/test_vscode_e2e.py.
// Reads its job from env, prints one JSON line with what a person would have seen.
//   E2E_URL          code-server URL with ?folder=...
//   E2E_FILE         name of the draft in the explorer
//   E2E_EXPECTED     JSON list of {line, column, message, rule_id} the CLI reported
//   E2E_FIX_TITLE    the quick fix to pick from the Ctrl+. menu
//   E2E_FIX_LINE     1-based line of the finding to fix
//   E2E_HOVER        JSON {line, column, message}: the finding to hover (1-based line and column)
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
