"""snippets/python.code-snippets is generated from rules/fixes/snippets.json (one source)."""
from __future__ import annotations

import ast
import json
import re

from resilint.rules.fixes.snippets import load, main, respell, vscode_json
from testpaths import ROOT

REQUIRED = {
    "retry-tenacity", "retry-tenacity-async", "breaker-pybreaker", "httpx-client", "requests-session",
    "asyncio-timeout", "asyncio-wait-for", "gather-bounded", "post-idempotent", "agent-loop-bounded",
    "llm-call-validated",
}


def test_vscode_snippets_are_fresh() -> None:
    path = ROOT / "snippets" / "python.code-snippets"
    assert path.read_text(encoding="utf-8") == vscode_json(), (
        "snippets/python.code-snippets is stale: run python -m resilint.rules.fixes.snippets")
    assert main(["--check", str(ROOT)]) == 0


def test_every_listed_pattern_has_a_snippet() -> None:
    assert REQUIRED <= {s.prefix for s in load()}
    data = json.loads(vscode_json())
    assert all(entry["scope"] == "python" for entry in data.values())


def _expanded(body: str) -> str:
    """The snippet with every placeholder replaced by its default (or a name)."""
    previous = None
    while previous != body:
        previous = body
        body = re.sub(r"\$\{\d+:([^{}$]*)\}", r"\1", body)
    return re.sub(r"\$\d+", "", body)


def test_snippets_parse_with_their_imports() -> None:
    for snip in load():
        code = "\n".join(snip.import_lines()) + "\n\n\nasync def _wrapper():\n" + "\n".join(
            "    " + line for line in _expanded(snip.body).split("\n")) + "\n"
        ast.parse(code, filename=snip.prefix)


def test_respell_keeps_keywords() -> None:
    assert respell("@retry(retry=x)", "retry", "t.retry") == "@t.retry(retry=x)"
