import * as vscode from "vscode";
// The manifest is the one list of settings: what it declares is what is forwarded
// (tests/test_settings_parity.py compares it with what the server reads and the docs list).
import manifest from "../package.json";

export const SECTION = "resilint";

/** Settings that only the extension reads; never sent to the server. */
const CLIENT_ONLY = new Set(["interpreter", "importStrategy", "showNotifications", "trace"]);

/** Server settings always sent (the server has defaults for them too; sending keeps the editor authoritative). */
const ALWAYS_SENT = new Set(["enable", "debounce", "logLevel", "configurationPreference", "configuration"]);

/** Top-level keys of the declared settings (`resilint.trace.server` -> `trace`). */
const DECLARED = [...new Set(Object.keys(manifest.contributes.configuration.properties)
  .map((key) => key.slice(SECTION.length + 1).split(".")[0]))];

const SERVER_KEYS = DECLARED.filter((key) => ALWAYS_SENT.has(key));

/**
 * Lint options (and `maxFileSize`): sent only when the user set them in some scope, so that an
 * untouched default never shadows pyproject.toml (with `configurationPreference: filesystemFirst`,
 * and `maxFileSize`, which overrides the project's `max-file-size` whenever it is sent).
 */
const LINT_KEYS = DECLARED.filter((key) => !ALWAYS_SENT.has(key) && !CLIENT_ONLY.has(key));

export type ImportStrategy = "useBundled" | "fromEnvironment";

export interface ExtensionSettings {
  interpreter: string[];
  importStrategy: ImportStrategy;
  showNotifications: "off" | "onError" | "onWarning" | "always";
}

export function extensionSettings(scope?: vscode.ConfigurationScope): ExtensionSettings {
  const cfg = vscode.workspace.getConfiguration(SECTION, scope);
  let interpreter = cfg.get<string[] | string>("interpreter") ?? [];
  if (typeof interpreter === "string") interpreter = interpreter ? [interpreter] : [];
  return {
    interpreter: interpreter.map((s) => resolveVariables(s, scope)).filter((s) => s.length > 0),
    importStrategy: cfg.get<ImportStrategy>("importStrategy") ?? "useBundled",
    showNotifications: cfg.get("showNotifications") ?? "onError",
  };
}

function isSet<T>(info: ReturnType<vscode.WorkspaceConfiguration["inspect"]> | undefined): boolean {
  if (!info) return false;
  return [
    info.globalValue, info.workspaceValue, info.workspaceFolderValue,
    info.globalLanguageValue, info.workspaceLanguageValue, info.workspaceFolderLanguageValue,
  ].some((v) => v !== undefined);
}

/** The `resilint` section as the server understands it (camelCase keys; the server accepts them). */
export function serverSettings(scope?: vscode.ConfigurationScope | null): Record<string, unknown> {
  const cfg = vscode.workspace.getConfiguration(SECTION, scope ?? undefined);
  const out: Record<string, unknown> = {};
  for (const key of SERVER_KEYS) {
    const value = cfg.get(key);
    if (value !== undefined && value !== null) out[key] = value;
  }
  for (const key of LINT_KEYS) {
    if (!isSet(cfg.inspect(key))) continue;
    const value = cfg.get(key);
    if (value === undefined || value === null) continue;
    if (key === "configuration" && typeof value === "string") {
      out[key] = resolveVariables(value, scope ?? undefined);
      continue;
    }
    out[key] = value;
  }
  if (typeof out.configuration === "string") out.configuration = resolveVariables(out.configuration, scope ?? undefined);
  for (const key of Object.keys(out)) if (CLIENT_ONLY.has(key)) delete out[key];
  return out;
}

/** `${workspaceFolder}`, `${userHome}` and `${env:NAME}` like the ms-python tool extensions. */
export function resolveVariables(value: string, scope?: vscode.ConfigurationScope | null): string {
  const home = process.env.HOME || process.env.USERPROFILE || "";
  let folder: vscode.WorkspaceFolder | undefined;
  if (scope instanceof vscode.Uri) folder = vscode.workspace.getWorkspaceFolder(scope);
  else if (scope && typeof scope === "object" && "uri" in scope && scope.uri instanceof vscode.Uri) {
    folder = vscode.workspace.getWorkspaceFolder(scope.uri);
  }
  folder = folder ?? vscode.workspace.workspaceFolders?.[0];
  return value
    .replace(/\$\{userHome\}/g, home)
    .replace(/^~(?=$|\/|\\)/, home)
    .replace(/\$\{workspaceFolder\}/g, folder?.uri.fsPath ?? "")
    .replace(/\$\{env:([^}]+)\}/g, (_m, name: string) => process.env[name] ?? "");
}

/** True when a change needs a new server process (not just a configuration refresh). */
export function needsRestart(e: vscode.ConfigurationChangeEvent): boolean {
  return ["interpreter", "importStrategy"].some((k) => e.affectsConfiguration(`${SECTION}.${k}`));
}
