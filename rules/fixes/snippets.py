"""Snippets: one source (`rules/fixes/snippets.json`, package data) for the VS Code snippet
file (`snippets/python.code-snippets`, generated: `python -m resilint.rules.fixes.snippets`)
and the language server's completion items (`server/completion.py`).

Each entry is a VS Code snippet (`prefix`, `body`, `description`) plus `imports`: the
`(module, name)` pairs its body needs (name null for `import module`). Completion adds them
with `ensure_import` (as `additionalTextEdits`) and respells a name whose import already
exists under another spelling (`import tenacity` → `tenacity.retry`). The generated VS Code
file has no imports (VS Code cannot add them): its descriptions list what to import.
"""
from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

SOURCE = "snippets.json"
VSCODE_FILE = Path("snippets") / "python.code-snippets"


@dataclass(frozen=True)
class Snippet:
    name: str
    prefix: str
    description: str
    body: str  # lines joined with "\n", LSP/VS Code snippet syntax
    imports: tuple[tuple[str, str | None], ...]

    def import_lines(self) -> list[str]:
        out: list[str] = []
        for module, name in self.imports:
            out.append(f"import {module}" if name is None else f"from {module} import {name}")
        return out


def _raw() -> dict:
    text = resources.files("resilint.rules.fixes").joinpath(SOURCE).read_text(encoding="utf-8")
    return json.loads(text)


@lru_cache(maxsize=1)
def load() -> tuple[Snippet, ...]:
    out = []
    for name, entry in _raw().items():
        out.append(Snippet(
            name=name,
            prefix=entry["prefix"],
            description=entry["description"],
            body="\n".join(entry["body"]),
            imports=tuple((m, n) for m, n in entry.get("imports", [])),
        ))
    return tuple(out)


def respell(body: str, name: str, spelled: str) -> str:
    """Replace the bare `name` (not an attribute, not a keyword argument, not inside a
    placeholder name) by `spelled`."""
    if spelled == name:
        return body
    return re.sub(rf"(?<![\w.$]){re.escape(name)}\b(?!\s*=(?!=))", spelled, body)


def vscode_json() -> str:
    """The content of snippets/python.code-snippets."""
    data = {}
    for snip in load():
        needs = snip.import_lines()
        description = snip.description + (f" (needs: {'; '.join(needs)})" if needs else "")
        data[snip.name] = {
            "scope": "python",
            "prefix": snip.prefix,
            "description": description,
            "body": snip.body.split("\n"),
        }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write (or with `--check`, verify) snippets/python.code-snippets under the given root."""
    args = sys.argv[1:] if argv is None else argv
    check = "--check" in args
    roots = [a for a in args if not a.startswith("--")]
    root = Path(roots[0]) if roots else Path(__file__).resolve().parents[2]
    target = root / VSCODE_FILE
    content = vscode_json()
    if check:
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current != content:
            print(f"{target} is stale: run python -m resilint.rules.fixes.snippets", file=sys.stderr)
            return 1
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(content, encoding="utf-8", newline="\n")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
