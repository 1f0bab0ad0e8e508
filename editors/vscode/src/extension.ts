// copydesk for VS Code: starts `copydesk serve` (bundled, or from the user's
// environment) over stdio with vscode-languageclient, and adds the commands,
// the status-bar item and the settings around it. No analysis happens here.
import * as path from "path";
import * as vscode from "vscode";
import {
  Diagnostic as LspDiagnostic,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
  State,
  TransportKind,
  vsdiag,
} from "vscode-languageclient/node";
import { findInterpreter, ImportStrategy, Interpreter, launcherEnv, launcherPath, run } from "./python";

const SECTION = "copydesk";
const SOURCE = "copydesk";
const LINT_WORKSPACE = "copydesk.server.lintWorkspace"; // implemented by the server (workspace/executeCommand)
const RULE_SCHEME = "copydesk-rule";

let context: vscode.ExtensionContext;
let output: vscode.OutputChannel;
let status: vscode.StatusBarItem;
let client: LanguageClient | undefined;
let interpreter: Interpreter | undefined;
// "starting" from activation on: the first status shown is "copydesk: starting…", not a red "stopped".
let serverState: "starting" | "running" | "stopped" | "error" | "no-python" = "starting";
let serverProblem = "";
let workspaceDiagnostics: vscode.DiagnosticCollection;
let restarting: Promise<void> = Promise.resolve();
const ruleTexts = new Map<string, string>();
// Tells VS Code a rule's text changed (it keeps an opened copydesk-rule: document otherwise).
const ruleTextChanged = new vscode.EventEmitter<vscode.Uri>();

function config(scope?: vscode.Uri): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SECTION, scope);
}

function log(line: string): void {
  output.appendLine(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
}

/** The settings the server reads (the rest are the client's own). */
function serverSettings(scope?: vscode.Uri): Record<string, unknown> {
  const c = config(scope);
  return {
    rules: c.get<string[]>("rules", []),
    corpus: c.get<string[]>("corpus", []),
    severityOverrides: c.get<Record<string, string>>("severityOverrides", {}),
    run: c.get<string>("run", "onType"),
    fastFirst: c.get<boolean>("fastFirst", true),
  };
}

export async function activate(ctx: vscode.ExtensionContext): Promise<void> {
  context = ctx;
  output = vscode.window.createOutputChannel("copydesk");
  status = vscode.window.createStatusBarItem("copydesk.status", vscode.StatusBarAlignment.Right, 100);
  status.name = "copydesk";
  status.command = "copydesk.showOutput";
  workspaceDiagnostics = vscode.languages.createDiagnosticCollection("copydesk-workspace");
  ctx.subscriptions.push(output, status, workspaceDiagnostics);

  ctx.subscriptions.push(
    vscode.commands.registerCommand("copydesk.restartServer", () => restart("restart requested")),
    vscode.commands.registerCommand("copydesk.showOutput", () => output.show(true)),
    vscode.commands.registerCommand("copydesk.lintWorkspace", lintWorkspace),
    vscode.commands.registerCommand("copydesk.explainRule", explainRuleAtCursor),
    vscode.workspace.registerTextDocumentContentProvider(RULE_SCHEME, {
      onDidChange: ruleTextChanged.event,
      provideTextDocumentContent: (uri) => ruleTexts.get(uri.path) ?? "",
    }),
    ruleTextChanged,
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration("copydesk.interpreter") || e.affectsConfiguration("copydesk.importStrategy")) {
        void restart("interpreter settings changed");
      }
      // rules, corpus, severityOverrides: the client sends didChangeConfiguration itself.
    }),
    vscode.workspace.onDidOpenTextDocument((doc) => workspaceDiagnostics.delete(doc.uri)),
    vscode.languages.onDidChangeDiagnostics(() => updateStatus()),
    vscode.window.onDidChangeActiveTextEditor(() => updateStatus()),
  );
  updateStatus();
  await restart("activation");
}

export async function deactivate(): Promise<void> {
  if (client) await client.stop().catch(() => undefined);
}

function restart(reason: string): Promise<void> {
  restarting = restarting.then(() => startServer(reason)).catch((e) => log(`restart failed: ${e}`));
  return restarting;
}

async function startServer(reason: string): Promise<void> {
  if (client) {
    log(`Stopping the server (${reason})`);
    const old = client;
    client = undefined;
    await old.stop(5000).catch(() => undefined);
    old.dispose();
  }
  serverState = "starting";
  updateStatus();
  const strategy = config().get<ImportStrategy>("importStrategy", "useBundled");
  const found = await findInterpreter(context, config().get<string>("interpreter", ""), strategy, log);
  if (!("command" in found)) {
    interpreter = undefined;
    serverState = "no-python";
    const tried = found.tried.map((t) => `${t.command} (${t.problem})`).join("; ");
    serverProblem = `No usable Python 3.10+ found: tried ${tried}.`;
    log(serverProblem);
    updateStatus(); // now, not once the message is dismissed: it may stay up for minutes
    void vscode.window.showErrorMessage(
      `copydesk needs Python 3.10 or newer and found none that works (tried ${tried}). ` +
        `Set "copydesk.interpreter" to the path of a Python 3.10+ interpreter.`,
      "Open Settings", "Show Output").then((choice) => {
      if (choice === "Open Settings") void vscode.commands.executeCommand("workbench.action.openSettings", "copydesk.interpreter");
      if (choice === "Show Output") output.show(true);
    });
    return;
  }
  interpreter = found;
  const [command, ...prefix] = found.command;
  const serverOptions: ServerOptions = {
    command,
    args: [...prefix, launcherPath(context), "serve"],
    transport: TransportKind.stdio, // the client adds --stdio
    options: { env: launcherEnv(strategy) },
  };
  const selector = ["markdown", "plaintext"].flatMap((language) =>
    ["file", "untitled"].map((scheme) => ({ scheme, language })));
  const clientOptions: LanguageClientOptions = {
    documentSelector: selector,
    outputChannel: output,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    initializationOptions: serverSettings(),
    synchronize: { configurationSection: SECTION },
    // Pull on save too: in onSave mode that is when the findings are refreshed.
    diagnosticPullOptions: { onChange: true, onSave: true },
    middleware: {
      // copydesk.run = onSave: while a draft has unsaved changes, keep showing the
      // findings of its saved text (the client pulls again on save).
      async provideDiagnostics(document, previousResultId, token, next) {
        const uri = document instanceof vscode.Uri ? document : document.uri;
        const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
        if (previousResultId && doc?.isDirty && config(uri).get<string>("run") === "onSave") {
          return { kind: vsdiag.DocumentDiagnosticReportKind.unChanged, resultId: previousResultId };
        }
        return next(document, previousResultId, token);
      },
    },
  };
  client = new LanguageClient("copydesk", "copydesk", serverOptions, clientOptions);
  const mine = client;
  mine.onDidChangeState((e) => {
    if (client !== mine) return;
    serverState = e.newState === State.Running ? "running" : e.newState === State.Starting ? "starting" : "stopped";
    updateStatus();
  });
  log(`Starting the server (${reason}): ${[...found.command, launcherPath(context), "serve", "--stdio"].join(" ")}`);
  try {
    await mine.start();
  } catch (e) {
    serverState = "error";
    serverProblem = `${e}`;
    log(`The server did not start: ${e}`);
    void vscode.window.showErrorMessage(`copydesk: the server did not start (${e}).`, "Show Output")
      .then((c) => c && output.show(true));
  }
  updateStatus();
}

function findingsFor(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
}

function updateStatus(): void {
  if (!status) return;
  const editor = vscode.window.activeTextEditor;
  const draft = editor && ["markdown", "plaintext"].includes(editor.document.languageId) ? editor.document : undefined;
  const where = interpreter ? `Python ${interpreter.probe.version}, ${interpreter.probe.source} copydesk ${interpreter.probe.copydesk}` : "";
  status.backgroundColor = undefined;
  switch (serverState) {
    case "starting":
      // The server's own progress (rules, first corpus index) shows beside it.
      status.text = "$(sync~spin) copydesk: starting…";
      status.tooltip = "copydesk: starting the server…";
      break;
    case "running": {
      if (draft) {
        const n = findingsFor(draft.uri).length;
        status.text = n ? `$(warning) copydesk: ${n}` : "$(check) copydesk: 0";
        status.tooltip = `copydesk: ${n} finding${n === 1 ? "" : "s"} in this draft (server running; ${where})`;
      } else {
        status.text = "$(check) copydesk";
        status.tooltip = `copydesk: server running (${where})`;
      }
      break;
    }
    case "no-python":
      status.text = "$(error) copydesk: no Python";
      status.tooltip = `${serverProblem} Set "copydesk.interpreter".`;
      status.backgroundColor = new vscode.ThemeColor("statusBarItem.errorBackground");
      break;
    default:
      status.text = "$(error) copydesk: stopped";
      status.tooltip = `copydesk: the server is not running. ${serverProblem} Click for the output.`;
      status.backgroundColor = new vscode.ThemeColor("statusBarItem.errorBackground");
  }
  status.show();
}

/** Every draft in the workspace into the Problems panel (open drafts stay with the server's live results). */
async function lintWorkspace(): Promise<void> {
  if (!client || serverState !== "running") {
    void vscode.window.showWarningMessage("copydesk: the server is not running (see copydesk: Show Output).");
    return;
  }
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === "file").map((f) => f.uri.fsPath);
  if (!folders.length) {
    void vscode.window.showInformationMessage("copydesk: open a folder to lint its drafts.");
    return;
  }
  const mine = client;
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: "copydesk: linting the workspace…" },
    async () => {
      const result = (await mine.sendRequest(ExecuteCommandRequest.type, {
        command: LINT_WORKSPACE,
        arguments: [{ folders }],
      })) as { files: { uri: string; diagnostics: LspDiagnostic[] }[]; errors: string[] } | null;
      if (!result) return;
      workspaceDiagnostics.clear();
      const open = new Set(vscode.workspace.textDocuments.map((d) => d.uri.toString()));
      let count = 0;
      for (const file of result.files) {
        const uri = mine.protocol2CodeConverter.asUri(file.uri);
        if (open.has(uri.toString())) continue;
        const diags = await mine.protocol2CodeConverter.asDiagnostics(file.diagnostics);
        count += diags.length;
        workspaceDiagnostics.set(uri, diags);
      }
      for (const err of result.errors ?? []) log(`Lint Workspace: ${err}`);
      log(`Lint Workspace: ${count} finding(s) in ${result.files.length} draft(s)`);
      void vscode.window.showInformationMessage(
        `copydesk: ${count} finding${count === 1 ? "" : "s"} in ${result.files.length} draft${result.files.length === 1 ? "" : "s"}.`);
      void vscode.commands.executeCommand("workbench.actions.view.problems");
    });
}

function ruleId(d: vscode.Diagnostic): string | undefined {
  const code = d.code;
  if (code === undefined) return undefined;
  return typeof code === "object" ? String(code.value) : String(code);
}

async function explainRuleAtCursor(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return;
  const pos = editor.selection.active;
  const all = findingsFor(editor.document.uri);
  let here = all.filter((d) => d.range.contains(pos));
  if (!here.length) here = all.filter((d) => d.range.start.line === pos.line);
  const ids = [...new Set(here.map(ruleId).filter((x): x is string => !!x))];
  if (!ids.length) {
    void vscode.window.showInformationMessage("copydesk: no finding at the cursor.");
    return;
  }
  const id = ids.length === 1 ? ids[0] : await vscode.window.showQuickPick(ids, { placeHolder: "Which rule?" });
  if (!id) return;
  if (!interpreter) {
    void vscode.window.showWarningMessage("copydesk: no Python to run copydesk with (see copydesk.interpreter).");
    return;
  }
  const folder = vscode.workspace.getWorkspaceFolder(editor.document.uri)?.uri.fsPath;
  // Relative rule paths in the settings are the workspace folder's, as the server reads them.
  const rules = config(editor.document.uri).get<string[]>("rules", [])
    .map((r) => (folder && !path.isAbsolute(r) && !r.startsWith("~") ? path.join(folder, r) : r));
  // The severity the editor shows: the settings' overrides, as the server applies them.
  const overrides = config(editor.document.uri).get<Record<string, string>>("severityOverrides", {});
  // Run from the draft's folder: copydesk.toml is found upward from there, as the
  // server finds it for the draft (a house pack in a subfolder, or its errors).
  const cwd = editor.document.uri.scheme === "file" ? path.dirname(editor.document.uri.fsPath) : folder;
  const argv = [...interpreter.command, launcherPath(context), "rules", "explain", id,
    ...rules.flatMap((r) => ["--rules", r]),
    ...Object.entries(overrides).map(([rule, level]) => `--severity=${rule}=${level}`)];
  const res = await run(argv, launcherEnv(config().get<ImportStrategy>("importStrategy", "useBundled")), cwd);
  const text = res.code === 0 ? res.stdout : `copydesk rules explain ${id} failed:\n${res.stderr || res.stdout}`;
  const docPath = `/${id}.txt`;
  ruleTexts.set(docPath, text);
  const uri = vscode.Uri.from({ scheme: RULE_SCHEME, path: docPath });
  ruleTextChanged.fire(uri); // an explanation shown before (say, before the pack broke) is replaced
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: true });
}
