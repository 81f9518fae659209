"""One list of editor settings (issue 15 item 7): what the server reads, what the VS Code
extension declares (package.json) and forwards (src/settings.ts), what the docs list, and what
the JetBrains template's schema accepts (it forbids unknown keys).

The server's keys come from its own models, not from a list kept here: the fields of
`server/workspace_settings.EditorSettings` (the server options) and of `rules/settings.Options`
(every `[tool.resilint]` option, which the server accepts as an editor setting). Each of the
other sources is read from its file, so a key added to or dropped from any one of them fails.
"""
from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest
from testpaths import ROOT

from resilint.rules.settings import Options
from resilint.server.workspace_settings import _CLIENT_ONLY_KEYS, EditorSettings, _kebab, parse_settings

EXT = ROOT / "client-vscode"
JETBRAINS_SCHEMA = ROOT / "editors" / "jetbrains" / "resilint" / "settings.schema.json"
# EditorSettings fields that are no setting: the lint options it carries, the problems it found.
_NOT_SETTINGS = {"lint", "errors"}


def camel(kebab: str) -> str:
    head, *rest = kebab.replace("_", "-").split("-")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def server_keys() -> set[str]:
    server = {camel(f.name) for f in dataclasses.fields(EditorSettings) if f.name not in _NOT_SETTINGS}
    lint = {camel(info.alias or name) for name, info in Options.model_fields.items()}
    return server | lint


def manifest_keys() -> tuple[set[str], set[str]]:
    """(every declared top-level key, the ones the extension keeps to itself)."""
    props = json.loads((EXT / "package.json").read_text(encoding="utf-8"))["contributes"]["configuration"]["properties"]
    declared = {key.removeprefix("resilint.").split(".")[0] for key in props}
    return declared, {k for k in declared if _kebab(k) in _CLIENT_ONLY_KEYS}


def _ts_set(source: str, name: str) -> set[str]:
    found = re.search(rf"const {name} = new Set\(\[([^\]]*)\]\)", source)
    assert found, f"client-vscode/src/settings.ts: no `const {name} = new Set([...])`"
    return set(re.findall(r'"([^"]+)"', found.group(1)))


def forwarded_keys(declared: set[str]) -> set[str]:
    """src/settings.ts forwards what the manifest declares, less its CLIENT_ONLY set; check that
    it still derives its lists from the manifest, then apply the same rule."""
    source = (EXT / "src" / "settings.ts").read_text(encoding="utf-8")
    assert re.search(r'^import manifest from "\.\./package\.json";', source, re.MULTILINE)
    assert "manifest.contributes.configuration.properties" in source
    assert re.search(r"const SERVER_KEYS = DECLARED\.filter\(", source)
    assert re.search(r"const LINT_KEYS = DECLARED\.filter\(", source)
    client_only, always = _ts_set(source, "CLIENT_ONLY"), _ts_set(source, "ALWAYS_SENT")
    assert always <= declared, f"ALWAYS_SENT names undeclared settings: {always - declared}"
    return declared - client_only


def table_keys(path: Path, heading: str) -> set[str]:
    """The keys in the first column of the first table after `heading`."""
    text = path.read_text(encoding="utf-8")
    rows = []
    for line in text[text.index(heading):].splitlines()[1:]:
        if line.startswith("|"):
            rows.append(line)
        elif rows:
            break
    keys = set()
    for row in rows[2:]:  # past the header and the |---| line
        for name in re.findall(r"`([^`]+)`", row.split("|")[1]):
            keys.add(name.removeprefix("resilint.").split(".")[0])
    return keys


def mismatches(sources: dict[str, set[str]]) -> list[str]:
    (ref_name, ref), *others = sources.items()
    out = []
    for name, keys in others:
        if keys - ref:
            out.append(f"{name} has keys {ref_name} lacks: {sorted(keys - ref)}")
        if ref - keys:
            out.append(f"{name} lacks keys of {ref_name}: {sorted(ref - keys)}")
    return out


def sources() -> dict[str, set[str]]:
    declared, client_only = manifest_keys()
    return {
        "the server (EditorSettings + Options)": server_keys(),
        "client-vscode/package.json (less the extension's own)": declared - client_only,
        "client-vscode/src/settings.ts (forwarded)": forwarded_keys(declared),
        "docs/editors/README.md settings table": table_keys(ROOT / "docs/editors/README.md", "## Settings (all editors)"),
        "client-vscode/README.md settings table (less the extension's own)":
            table_keys(EXT / "README.md", "## Settings") - client_only,
        "editors/jetbrains/resilint/settings.schema.json (LSP4IJ's validation)": set(json.loads(
            JETBRAINS_SCHEMA.read_text(encoding="utf-8"))["properties"]["resilint"]["properties"]),
    }


def test_settings_are_one_list():
    found = sources()
    assert "maxFileSize" in found["the server (EditorSettings + Options)"]
    assert not mismatches(found), "\n".join(mismatches(found))


@pytest.mark.parametrize("drop", ["maxFileSize", "httpWrappers", "enable"])
def test_the_comparison_fails_on_one_key_more_or_less(drop: str):
    found = sources()
    for name in list(found)[1:]:
        for change in (found[name] - {drop}, found[name] | {"madeUpKey"}):
            assert mismatches({**found, name: change}), (name, drop)


def test_every_declared_setting_is_accepted_by_the_server():
    """The manifest's default (or first enum value) of each forwarded key parses without error:
    the server reads what the extension sends under the name it sends it."""
    props = json.loads((EXT / "package.json").read_text(encoding="utf-8"))["contributes"]["configuration"]["properties"]
    declared, client_only = manifest_keys()
    samples = {"select": ["RES001"], "perFileIgnores": {"scripts/*": ["RES001"]}, "severity": {"RES022": "hint"},
               "redisVersion": "5.0", "maxFileSize": 2048, "cacheDir": ".cache/resilint",
               "docsUrl": "https://docs.internal.test/resilint/docs", "locale": "pt-BR"}
    values = {}
    for key, schema in props.items():
        name = key.removeprefix("resilint.")
        if name.split(".")[0] in client_only:
            continue
        values[name] = samples.get(name, schema.get("default"))
    assert set(values) == declared - client_only
    parsed = parse_settings(values)
    assert parsed.errors == (), parsed.errors
    assert parsed.max_file_size == 2048
    server_fields = {camel(f.name) for f in dataclasses.fields(EditorSettings)}
    assert {camel(k) for k in parsed.lint} == {k for k, v in values.items() if v is not None} - server_fields
