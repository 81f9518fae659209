"""Where resilint's documentation lives, for every link it prints (text, JSON `url`, SARIF
`helpUri`/`informationUri`, hover and LSP `codeDescription`).

By default the links point at the pages shipped inside the package (docs/rules/CODE.md and
docs/guide/..., installed as `resilint/docs/`), as `file:` URIs: they open in the editor and on
the machine that ran the check, with no server to depend on. `resilint rule CODE` prints the
same page. A team that hosts the docs sets `docs-url` (in `[tool.resilint]` or the editor's
`resilint.docsUrl`) to the URL of the `docs/` folder, and the links become
`<docs-url>/rules/CODE.md` and `<docs-url>/guide/PAGE`; a `{code}` in the value is replaced by the
rule code instead (for a wiki with one page per rule).
"""
from __future__ import annotations

from pathlib import Path

#: The package's docs folder: <checkout>/docs in a development install, resilint/docs in a wheel
#: (pyproject maps the `resilint.docs` package data to the same place relative to this file).
DOCS_DIR = Path(__file__).resolve().parent.parent / "docs"


def rule_doc_path(code: str) -> Path:
    return DOCS_DIR / "rules" / f"{code}.md"


def rule_url(code: str, base: str | None = None) -> str:
    """The link of rule `code`'s page, under `base` (the docs-url setting) when given."""
    if base:
        if "{code}" in base:
            return base.replace("{code}", code)
        return f"{base.rstrip('/')}/rules/{code}.md"
    return rule_doc_path(code).as_uri()


def guide_url(page: str, base: str | None = None) -> str:
    """The link of a page under docs/guide/ (`page` like "playbooks/timeouts.md")."""
    if base and "{code}" not in base:
        return f"{base.rstrip('/')}/guide/{page}"
    return (DOCS_DIR / "guide" / page).as_uri()


def docs_home(base: str | None = None) -> str:
    """The documentation's front page: SARIF's `informationUri`."""
    if base and "{code}" not in base:
        return f"{base.rstrip('/')}/rules/README.md"
    return (DOCS_DIR / "rules" / "README.md").as_uri()
