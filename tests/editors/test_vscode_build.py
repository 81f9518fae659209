"""Build the VS Code extension exactly as a release does: npm ci, tsc --noEmit, esbuild, vsce package.

Runs whenever `node` and `npm` are on PATH (skips otherwise). npm's cache lives in
client-vscode/.npm-cache (git-ignored), so nothing is cached outside the repository and a
second run needs no network. `vsce package --no-dependencies` works offline.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXT = REPO / "client-vscode"

pytestmark = pytest.mark.skipif(
    shutil.which("node") is None or shutil.which("npm") is None, reason="needs node and npm"
)


def _run(args: list[str], env: dict[str, str], timeout: float) -> subprocess.CompletedProcess[str]:
    start = time.monotonic()
    proc = subprocess.run(args, cwd=EXT, env=env, capture_output=True, text=True, timeout=timeout)
    print(f"{' '.join(args)}: {time.monotonic() - start:.1f}s")
    assert proc.returncode == 0, f"{' '.join(args)} -> {proc.returncode}\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    return proc


def test_vsix_builds_offline(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "npm_config_cache": str(EXT / ".npm-cache"),
        "npm_config_update_notifier": "false",
        "npm_config_fund": "false",
        "npm_config_audit": "false",
    }
    vsix = tmp_path / "resilint.vsix"
    env["RESILINT_VSIX_OUT"] = str(vsix)
    env["RESILINT_VSIX_NO_BUNDLE"] = "1"  # a local bundled/libs would make vsce take minutes
    _run(["npm", "ci", "--prefer-offline", "--ignore-scripts"], env, 240)
    _run(["npx", "--no-install", "tsc", "--noEmit"], env, 120)  # typecheck
    _run(["npm", "run", "build"], env, 120)  # copy assets + esbuild bundle
    assert (EXT / "dist" / "extension.js").stat().st_size > 10_000
    _run(["npm", "run", "vsix"], env, 120)  # vsce package --no-dependencies (offline)
    assert vsix.exists()
    with zipfile.ZipFile(vsix) as zf:
        names = set(zf.namelist())
        assert "extension/dist/extension.js" in names
        assert "extension/package.json" in names
        assert "extension/snippets/python.json" in names
        assert "extension/readme.md" in names  # vsce lower-cases it
        assert not any(n.startswith("extension/node_modules/") for n in names), "node_modules leaked into the .vsix"
        assert not any(n.startswith("extension/src/") for n in names), "TypeScript sources leaked into the .vsix"
        assert not any(n.startswith("extension/bundled/libs/") for n in names)
        # the README's screenshots ship too (.vscodeignore), or the extension page shows broken images
        images = re.findall(r"\]\(([^)]+\.png)\)", (EXT / "README.md").read_text())
        assert images and all(f"extension/{image}" in names for image in images), images
        manifest = json.loads(zf.read("extension/package.json"))
    commands = {c["command"] for c in manifest["contributes"]["commands"]}
    assert {"resilint.restart", "resilint.fixAll", "resilint.showOutput", "resilint.showRuleDocs",
            "resilint.checkWorkspace"} <= commands
    props = manifest["contributes"]["configuration"]["properties"]
    for key in ("enable", "interpreter", "importStrategy", "select", "ignore", "severity", "unsafeFixes",
                "timeouts", "guides", "locale", "debounce", "logLevel", "trace.server"):
        assert f"resilint.{key}" in props, key
    assert props["resilint.importStrategy"]["enum"] == ["useBundled", "fromEnvironment"]


def test_extension_settings_are_known_to_the_server() -> None:
    """Every server setting the extension sends is accepted by the server's parser."""
    from resilint.server.workspace_settings import parse_settings

    manifest = json.loads((EXT / "package.json").read_text())
    client_only = {"interpreter", "importStrategy", "showNotifications", "trace.server"}
    sample = {"string": "x", "boolean": True, "integer": 5, "number": 5, "array": [], "object": {}}
    values = {"logLevel": "info", "locale": "en", "configurationPreference": "filesystemFirst",
              "select": ["RES001"], "extendSelect": ["RES033"], "ignore": ["RES022"],
              "severity": {"RES022": "hint"}, "timeouts": {"default": 5}, "guides": [],
              "configuration": None, "docsUrl": "https://docs.internal.test/resilint/docs"}
    settings = {}
    for key, schema in manifest["contributes"]["configuration"]["properties"].items():
        name = key.removeprefix("resilint.")
        if name in client_only:
            continue
        kind = schema["type"][0] if isinstance(schema["type"], list) else schema["type"]
        settings[name] = values.get(name, schema.get("enum", [sample[kind]])[0])
    parsed = parse_settings(settings)
    assert parsed.errors == (), parsed.errors


def test_repo_snippets_are_packaged() -> None:
    """scripts/copy_assets.mjs merges ../snippets/*.{json,code-snippets} into snippets/python.json."""
    proc = subprocess.run(["node", "scripts/copy_assets.mjs"], cwd=EXT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    merged = json.loads((EXT / "snippets" / "python.json").read_text())
    expected = 0
    for src in sorted((REPO / "snippets").glob("*")) if (REPO / "snippets").is_dir() else []:
        if src.suffix not in (".json", ".code-snippets"):
            continue
        data = json.loads(src.read_text())  # the repository's snippets are plain JSON
        expected += sum(
            1 for v in data.values()
            if isinstance(v, dict) and "body" in v and "python" in str(v.get("scope", "python")).split(",")
        )
    assert len(merged) == expected
    assert all("body" in v and "prefix" in v and "scope" not in v for v in merged.values())
    assert any(p.name.endswith(".md") for p in (EXT / "docs" / "rules").iterdir())
