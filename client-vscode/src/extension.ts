import * as cp from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
  State,
} from "vscode-languageclient/node";
import { BUNDLE_COMMON, bundledPath, bundleTag } from "./bundled";
import { onDidChangePythonInterpreter, resolveInterpreter, Interpreter, MIN_PYTHON } from "./python";
import { extensionSettings, needsRestart, SECTION, serverSettings } from "./settings";

const SERVER_MODULE = "resilint.server.serve";
const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append("resilint");
// A server command: vscode-languageclient registers it from executeCommandProvider, so it is
// only contributed in package.json (enabled while the server runs) and answered in middleware.
const CHECK_WORKSPACE = "resilint.checkWorkspace";

let client: LanguageClient | undefined;
let output: vscode.LogOutputChannel;
let status: vscode.StatusBarItem;
let extensionRoot = "";
let starting: Promise<void> | undefined;

function bundledLibs(): string {
  return path.join(extensionRoot, "bundled", "libs");
}

function hasBundledServer(): boolean {
  return fs.existsSync(path.join(bundledLibs(), BUNDLE_COMMON, "resilint", "server", "serve.py"));
}

function setStatus(state: "starting" | "running" | "stopped" | "error", detail = ""): void {
  const icons = { starting: "$(sync~spin)", running: "$(check)", stopped: "$(circle-slash)", error: "$(error)" };
  status.text = `${icons[state]} resilint`;
  status.tooltip = `resilint language server: ${state}${detail ? `\n${detail}` : ""}\nClick to show the output.`;
  status.backgroundColor = state === "error" ? new vscode.ThemeColor("statusBarItem.errorBackground") : undefined;
  status.show();
}

/** `bundle`: the bundled server's PYTHONPATH entries for the interpreter (bundledPath), if used. */
function serverEnv(bundle: string[] | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONUNBUFFERED: "1" };
  if (bundle) {
    env.PYTHONPATH = [...bundle, process.env.PYTHONPATH].filter(Boolean).join(path.delimiter);
  }
  return env;
}

/** `python -c "import resilint.server"` with the same environment the server would get. */
function canImportServer(interp: Interpreter, bundle: string[] | undefined): Promise<{ ok: boolean; message: string }> {
  const [cmd, ...args] = interp.command;
  return new Promise((resolve) => {
    cp.execFile(
      cmd,
      [...args, "-c", "import sys, resilint.server; print(sys.version.split()[0])"],
      { env: serverEnv(bundle), timeout: 20000 },
      (err, stdout, stderr) => {
        if (err) resolve({ ok: false, message: (stderr || String(err)).trim().split("\n").slice(-3).join("\n") });
        else resolve({ ok: true, message: stdout.trim() });
      },
    );
  });
}

async function notify(kind: "error" | "warning" | "info", message: string, ...actions: string[]): Promise<string | undefined> {
  const level = extensionSettings().showNotifications;
  const shown =
    level === "always" ||
    (level === "onWarning" && kind !== "info") ||
    (level === "onError" && kind === "error") ||
    actions.length > 0; // a question always needs an answer
  output[kind === "info" ? "info" : kind === "warning" ? "warn" : "error"](message);
  if (!shown) return undefined;
  const fn = kind === "error" ? vscode.window.showErrorMessage : kind === "warning" ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  return fn(message, ...actions);
}

async function offerBundled(interp: Interpreter, reason: string): Promise<void> {
  const USE_BUNDLED = "Use bundled resilint";
  const SELECT = "Select Interpreter";
  const OUTPUT = "Show Output";
  const actions = hasBundledServer() ? [USE_BUNDLED, SELECT, OUTPUT] : [SELECT, OUTPUT];
  const pick = await notify(
    "error",
    `resilint: the interpreter ${interp.command.join(" ")} cannot import resilint.server ` +
      `(install it from a clone of resilint with \`${interp.command.join(" ")} -m pip install /path/to/resilint\`` +
      (hasBundledServer() ? ", or switch resilint.importStrategy to useBundled)." : ").") +
      (reason ? `\n${reason}` : ""),
    ...actions,
  );
  if (pick === USE_BUNDLED) {
    await vscode.workspace.getConfiguration(SECTION).update("importStrategy", "useBundled", vscode.ConfigurationTarget.Global);
    // the configuration listener restarts the server
  } else if (pick === SELECT) {
    await vscode.commands.executeCommand("python.setInterpreter");
  } else if (pick === OUTPUT) {
    output.show();
  }
}

async function startServer(context: vscode.ExtensionContext): Promise<void> {
  await stopServer();
  const settings = extensionSettings();
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  setStatus("starting");
  const interp = await resolveInterpreter(settings.interpreter, folder);
  output.info(`interpreter (${interp.source}): ${interp.command.join(" ")}${interp.version ? ` (Python ${interp.version})` : ""}`);
  if (interp.tooOld) {
    setStatus("error", `Python ${interp.version} is too old`);
    await notify("error", `resilint needs Python ${MIN_PYTHON.join(".")}+; the selected interpreter is ${interp.version}.`);
    return;
  }

  let useBundled = settings.importStrategy === "useBundled";
  if (useBundled && !hasBundledServer()) {
    output.warn(`importStrategy is useBundled but ${bundledLibs()} has no resilint (a development build?); using the interpreter's environment`);
    useBundled = false;
  }
  let bundle: string[] | undefined;
  if (useBundled) {
    // one folder of compiled wheels per CPython version (scripts/build_platform_vsix.py)
    const found = bundledPath(bundledLibs(), await bundleTag(interp.command));
    if ("error" in found) {
      setStatus("error", "no bundled resilint for this Python");
      const SELECT = "Select Interpreter";
      const pick = await notify(
        "error",
        `resilint: ${found.error}. Install resilint in that interpreter ` +
          `(\`${interp.command.join(" ")} -m pip install /path/to/resilint\`) and set resilint.importStrategy to fromEnvironment, ` +
          `or select an interpreter of a bundled version.`,
        SELECT,
      );
      if (pick === SELECT) await vscode.commands.executeCommand("python.setInterpreter");
      return;
    }
    bundle = found.path;
  }
  const check = await canImportServer(interp, bundle);
  if (!check.ok) {
    setStatus("error", "resilint.server cannot be imported");
    output.error(`import check failed (${useBundled ? "bundled" : "fromEnvironment"}): ${check.message}`);
    if (useBundled) {
      await notify(
        "error",
        `resilint: the bundled server does not run on ${interp.command.join(" ")} ` +
          `(it needs CPython ${MIN_PYTHON.join(".")}+ matching the bundle's platform). Select another interpreter or set resilint.importStrategy to fromEnvironment.\n${check.message}`,
      );
    } else {
      void offerBundled(interp, check.message);
    }
    return;
  }
  output.info(`server: ${bundle ? `bundled (${bundle.join(path.delimiter)})` : "from the interpreter's environment"}, Python ${check.message}`);

  const [command, ...args] = interp.command;
  const serverOptions: ServerOptions = {
    command,
    // stderr stays at the server's default (warning): everything else arrives as
    // window/logMessage at resilint.logLevel, so lines are not shown twice.
    args: [...args, "-m", SERVER_MODULE],
    // No `transport`: TransportKind.stdio would append `--stdio` to the arguments.
    options: { env: serverEnv(bundle), cwd: folder?.fsPath },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "python" },
      { scheme: "untitled", language: "python" },
      // Notebook cells: with the server's notebookDocumentSync (LSP 3.17) the client sends
      // Jupyter notebooks through notebookDocument/* (one module, findings across cells); the
      // filters below also cover cells of other notebook types, synced one cell at a time.
      { notebook: "*", language: "python" },
      { scheme: "vscode-notebook-cell", language: "python" },
      { scheme: "file", pattern: "**/pyproject.toml" },
    ],
    outputChannel: output,
    traceOutputChannel: output,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    initializationOptions: serverSettings(folder),
    middleware: {
      executeCommand: async (command, args, next) => {
        const result = await next(command, args);
        if (command === CHECK_WORKSPACE && result) void reportWorkspaceCheck(result as WorkspaceCheck);
        return result;
      },
      workspace: {
        // Answer workspace/configuration for our section with only the keys the server knows.
        configuration: async (params, token, next) => {
          const generic = params.items.some((item) => item.section !== SECTION);
          const rest = generic ? await next(params, token) : [];
          if (rest instanceof Error) return rest;
          return params.items.map((item, i) =>
            item.section === SECTION
              ? serverSettings(item.scopeUri ? vscode.Uri.parse(item.scopeUri) : null)
              : (rest as unknown[])[i] ?? null,
          );
        },
      },
    },
  };
  const lc = new LanguageClient("resilint", "resilint", serverOptions, clientOptions);
  lc.onDidChangeState((e) => {
    void vscode.commands.executeCommand("setContext", "resilint.serverRunning", e.newState === State.Running);
    if (e.newState === State.Running) setStatus("running", `${interp.command.join(" ")}${useBundled ? " (bundled)" : ""}`);
    else if (e.newState === State.Starting) setStatus("starting");
    else setStatus("stopped");
  });
  client = lc;
  try {
    await lc.start();
  } catch (err) {
    setStatus("error", String(err));
    output.error(`could not start the server: ${err}`);
    void notify("error", `resilint: the language server failed to start (see Output > resilint).`, "Show Output").then((p) => {
      if (p) output.show();
    });
  }
}

async function stopServer(): Promise<void> {
  const old = client;
  client = undefined;
  if (old) {
    try {
      await old.stop(2000);
    } catch (err) {
      output.warn(`stopping the server: ${err}`);
    }
    await old.dispose().catch(() => undefined);
  }
}

function restart(context: vscode.ExtensionContext): Promise<void> {
  const run = (starting ?? Promise.resolve()).then(() => startServer(context));
  starting = run.catch(() => undefined);
  return run;
}

interface WorkspaceCheck {
  files: number;
  total: number;
  problems: number;
  cancelled: boolean;
}

/** The user asked for the check: always answer, whatever resilint.showNotifications says. */
async function reportWorkspaceCheck(check: WorkspaceCheck): Promise<void> {
  const message = check.cancelled
    ? `resilint: workspace check cancelled after ${check.files} of ${check.total} files.`
    : `resilint: checked ${check.files} files, ${check.problems} problems.`;
  output.info(message);
  const PROBLEMS = "Show Problems";
  if ((await vscode.window.showInformationMessage(message, PROBLEMS)) === PROBLEMS) {
    await vscode.commands.executeCommand("workbench.actions.view.problems");
  }
}

async function fixAll(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== "python") {
    void vscode.window.showInformationMessage("resilint: open a Python file to fix.");
    return;
  }
  await vscode.commands.executeCommand("editor.action.sourceAction", {
    kind: FIX_ALL_KIND.value,
    apply: "first",
  });
}

function docsDir(): string {
  return path.join(extensionRoot, "docs", "rules");
}

function ruleCodes(): string[] {
  try {
    return fs.readdirSync(docsDir()).filter((f) => /^[A-Z]+\d+\.md$/.test(f)).map((f) => f.slice(0, -3)).sort();
  } catch {
    return [];
  }
}

function codeUnderCursor(): string | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return undefined;
  const pos = editor.selection.active;
  for (const d of vscode.languages.getDiagnostics(editor.document.uri)) {
    if (d.source?.toLowerCase().startsWith("resilint") !== false && d.range.contains(pos)) {
      const code = typeof d.code === "object" ? d.code.value : d.code;
      if (code !== undefined) return String(code);
    }
  }
  return undefined;
}

async function showRuleDocs(arg?: unknown): Promise<void> {
  let code: string | undefined =
    typeof arg === "string" ? arg : typeof arg === "object" && arg && "code" in arg ? String((arg as { code: unknown }).code) : undefined;
  code = code ?? codeUnderCursor();
  if (!code) {
    const codes = ruleCodes();
    code = codes.length
      ? await vscode.window.showQuickPick(codes, { placeHolder: "resilint rule code" })
      : await vscode.window.showInputBox({ prompt: "resilint rule code (e.g. RES001)" });
  }
  if (!code) return;
  code = code.trim().toUpperCase();
  const file = path.join(docsDir(), `${code}.md`);
  if (fs.existsSync(file)) {
    await vscode.commands.executeCommand("markdown.showPreview", vscode.Uri.file(file));
    return;
  }
  // Not bundled: ask the CLI of the interpreter in use.
  const settings = extensionSettings();
  const interp = await resolveInterpreter(settings.interpreter);
  const [cmd, ...args] = interp.command;
  const found = settings.importStrategy === "useBundled" && hasBundledServer() ? bundledPath(bundledLibs(), await bundleTag(interp.command)) : undefined;
  const bundle = found && "path" in found ? found.path : undefined;
  cp.execFile(cmd, [...args, "-m", "resilint.server.cli", "rule", code], { env: serverEnv(bundle), timeout: 20000 }, async (err, stdout, stderr) => {
    if (err && !stdout) {
      void vscode.window.showErrorMessage(`resilint: no documentation for ${code}: ${(stderr || String(err)).trim()}`);
      return;
    }
    const doc = await vscode.workspace.openTextDocument({ language: "markdown", content: stdout });
    await vscode.window.showTextDocument(doc, { preview: true });
  });
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  extensionRoot = context.extensionPath;
  output = vscode.window.createOutputChannel("resilint", { log: true });
  status = vscode.window.createStatusBarItem("resilint.status", vscode.StatusBarAlignment.Right, 100);
  status.name = "resilint";
  status.command = "resilint.showOutput";
  context.subscriptions.push(output, status);

  context.subscriptions.push(
    vscode.commands.registerCommand("resilint.restart", () => restart(context)),
    vscode.commands.registerCommand("resilint.fixAll", fixAll),
    vscode.commands.registerCommand("resilint.showOutput", () => output.show()),
    vscode.commands.registerCommand("resilint.showRuleDocs", showRuleDocs),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (!e.affectsConfiguration(SECTION)) return;
      if (needsRestart(e)) {
        await restart(context);
      } else if (client?.isRunning()) {
        // The server pulls workspace/configuration on this notification (settings are the fallback).
        await client.sendNotification("workspace/didChangeConfiguration", { settings: { [SECTION]: serverSettings(null) } });
      }
    }),
  );
  const pyListener = await onDidChangePythonInterpreter(() => {
    if (extensionSettings().interpreter.length === 0) void restart(context);
  });
  if (pyListener) context.subscriptions.push(pyListener);
  await restart(context);
}

export async function deactivate(): Promise<void> {
  await stopServer();
}
