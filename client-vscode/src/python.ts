import * as vscode from "vscode";

/** The part of the ms-python.python extension API we use (see @vscode/python-extension). */
interface PythonExtensionApi {
  environments: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { id: string; path: string };
    resolveEnvironment(env: { id: string; path: string } | string): Promise<
      | { executable: { uri?: vscode.Uri }; version?: { major: number; minor: number; micro: number } }
      | undefined
    >;
    onDidChangeActiveEnvironmentPath: vscode.Event<unknown>;
  };
}

export const MIN_PYTHON: [number, number] = [3, 10];

async function pythonApi(): Promise<PythonExtensionApi | undefined> {
  const ext = vscode.extensions.getExtension<PythonExtensionApi>("ms-python.python");
  if (!ext) return undefined;
  try {
    if (!ext.isActive) await ext.activate();
    return ext.exports?.environments ? ext.exports : undefined;
  } catch {
    return undefined;
  }
}

export async function onDidChangePythonInterpreter(listener: () => void): Promise<vscode.Disposable | undefined> {
  const api = await pythonApi();
  return api?.environments.onDidChangeActiveEnvironmentPath(() => listener());
}

export interface Interpreter {
  command: string[];
  source: "setting" | "python-extension" | "default";
  version?: string;
  tooOld?: boolean;
}

/**
 * ms-python tool-extension order: a non-empty `resilint.interpreter` wins; else the interpreter
 * selected in the Python extension (when installed); else `python3` (`python` on Windows).
 */
export async function resolveInterpreter(fromSetting: string[], resource?: vscode.Uri): Promise<Interpreter> {
  if (fromSetting.length > 0) return { command: fromSetting, source: "setting" };
  const api = await pythonApi();
  if (api) {
    try {
      const env = await api.environments.resolveEnvironment(api.environments.getActiveEnvironmentPath(resource));
      const exe = env?.executable.uri?.fsPath;
      if (exe) {
        const v = env?.version;
        return {
          command: [exe],
          source: "python-extension",
          version: v ? `${v.major}.${v.minor}.${v.micro}` : undefined,
          tooOld: v ? v.major < MIN_PYTHON[0] || (v.major === MIN_PYTHON[0] && v.minor < MIN_PYTHON[1]) : undefined,
        };
      }
    } catch {
      /* fall through to the default */
    }
  }
  return { command: [process.platform === "win32" ? "python" : "python3"], source: "default" };
}
