// Finding a Python that can run copydesk, and running the bundled launcher.
import { execFile } from "child_process";
import * as os from "os";
import * as path from "path";
import * as vscode from "vscode";

export type ImportStrategy = "useBundled" | "fromEnvironment";

/** What `launch.py --probe` reports about an interpreter. */
export interface Probe {
  executable: string;
  version: string;
  ok: boolean;
  source?: "bundled" | "environment";
  copydesk?: string;
  location?: string;
  error?: string;
}

export interface Interpreter {
  /** argv prefix, e.g. ["python3"] or ["py", "-3"] */
  command: string[];
  probe: Probe;
}

export interface NoInterpreter {
  tried: { command: string; problem: string }[];
}

export function launcherPath(context: vscode.ExtensionContext): string {
  return context.asAbsolutePath(path.join("bundled", "tool", "launch.py"));
}

export function launcherEnv(strategy: ImportStrategy): NodeJS.ProcessEnv {
  return { ...process.env, COPYDESK_IMPORT_STRATEGY: strategy, PYTHONUNBUFFERED: "1", PYTHONIOENCODING: "utf-8" };
}

function expand(value: string): string {
  let out = value.trim();
  if (out.startsWith("~")) out = path.join(os.homedir(), out.slice(1));
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? "";
  return out.replace(/\$\{workspaceFolder\}/g, folder).replace(/\$\{env:([^}]+)\}/g, (_m, name) => process.env[name] ?? "");
}

function candidates(configured: string): string[][] {
  if (configured.trim()) return [[expand(configured)]];
  return process.platform === "win32" ? [["py", "-3"], ["python"], ["python3"]] : [["python3"], ["python"]];
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  error?: Error;
}

export function run(argv: string[], env: NodeJS.ProcessEnv, cwd?: string, timeoutMs = 120_000): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(argv[0], argv.slice(1), { env, cwd, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, encoding: "utf8" },
      (error, stdout, stderr) => {
        const code = error ? ((error as NodeJS.ErrnoException & { code?: unknown }).code === "ENOENT" ? null
          : typeof (error as { code?: unknown }).code === "number" ? ((error as { code?: number }).code ?? 1) : 1) : 0;
        resolve({ code, stdout, stderr, error: error ?? undefined });
      });
  });
}

/** The first candidate interpreter that can import copydesk (bundled or installed). */
export async function findInterpreter(
  context: vscode.ExtensionContext, configured: string, strategy: ImportStrategy, log: (line: string) => void,
): Promise<Interpreter | NoInterpreter> {
  const tried: { command: string; problem: string }[] = [];
  for (const command of candidates(configured)) {
    const shown = command.join(" ");
    const res = await run([...command, launcherPath(context), "--probe"], launcherEnv(strategy), undefined, 60_000);
    if (res.code === null) {
      tried.push({ command: shown, problem: "not found" });
      continue;
    }
    const last = res.stdout.trim().split(/\r?\n/).pop() ?? "";
    let probe: Probe | undefined;
    try {
      probe = JSON.parse(last) as Probe;
    } catch {
      probe = undefined;
    }
    if (probe?.ok) {
      log(`Using ${probe.executable} (Python ${probe.version}), ${probe.source} copydesk ${probe.copydesk} from ${probe.location}`);
      return { command, probe };
    }
    const problem = probe?.error ?? (res.stderr.trim().split(/\r?\n/).slice(-3).join(" ") || `exit ${res.code}`);
    log(`${shown}: ${problem}`);
    tried.push({ command: shown, problem });
  }
  return { tried };
}
