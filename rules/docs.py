"""One source for a rule's documentation: `resilint rule`, docs/rules/CODE.md and hover."""
from __future__ import annotations

import json
import textwrap
from pathlib import Path

from .model import Rule
from .peer_suppressions import rule_line, table_markdown
from .registry import all_rules
from .tiers import review_markdown, tier_lines

SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "Fix safety", "References")


def docs_body(rule: type[Rule]) -> str:
    return textwrap.dedent(rule.docs).strip()


def sections(rule: type[Rule]) -> dict[str, str]:
    """The docs split by `## ` headings, in order."""
    out: dict[str, str] = {}
    current = None
    lines: list[str] = []
    for line in docs_body(rule).splitlines():
        if line.startswith("## "):
            if current is not None:
                out[current] = "\n".join(lines).strip()
            current, lines = line[3:].strip(), []
        else:
            lines.append(line)
    if current is not None:
        out[current] = "\n".join(lines).strip()
    return out


def fix_summary(rule: type[Rule]) -> str:
    if rule.fix_applicability is None:
        return "no fix"
    return f"{rule.fix_applicability} fix available"


def header_lines(rule: type[Rule]) -> list[str]:
    lines = [
        f"- Code: `{rule.code}` · name: `{rule.name}` · default severity: {rule.severity.value}"
        + ("" if rule.default_enabled else " · **opt-in** (enable with `extend-select`)"),
        f"- Fix: {fix_summary(rule)}",
        *tier_lines(rule),
        *rule_line(rule.code),
    ]
    if rule.refs:
        lines.append("- Guide: " + ", ".join(rule.refs))
    tags = [*rule.owasp, *rule.cwe]
    if tags:
        lines.append("- Tags: " + ", ".join(tags))
    return lines


def rule_markdown(rule: type[Rule]) -> str:
    review = review_markdown(rule)
    return "\n".join([f"# {rule.name} ({rule.code})", "", *header_lines(rule), "", docs_body(rule), "",
                      *([review, ""] if review else [])])


def rule_json(rule: type[Rule]) -> dict:
    return {
        "code": rule.code,
        "name": rule.name,
        "message": rule.message,
        "severity": rule.severity.value,
        "default_enabled": rule.default_enabled,
        "confidence": rule.confidence.value,
        "review_tier": review_markdown(rule) or None,
        "fix": rule.fix_applicability,
        "fix_title": rule.fix_title,
        "refs": list(rule.refs),
        "owasp": list(rule.owasp),
        "cwe": list(rule.cwe),
        "url": rule.url(),
        "explanation": docs_body(rule),
    }


def index_markdown() -> str:
    rows = ["# Rules", "", "| code | name | severity | fix | guide |", "|---|---|---|---|---|"]
    for code, rule in all_rules().items():
        sev = rule.severity.value + ("" if rule.default_enabled else " (opt-in)")
        rows.append(
            f"| [{code}]({code}.md) | {rule.name} | {sev} | {rule.fix_applicability or '—'} | {', '.join(rule.refs)} |"
        )
    return "\n".join(rows) + "\n\n" + PEERS_HEADER + table_markdown()


PEERS_HEADER = """## Peers' suppressions

A ruff/flake8 `# noqa: CODE` or bandit `# nosec CODE` comment on a line also suppresses the resilint
rule that means the same. Setting `respect-peer-suppressions`: `"codes"` (default) — those, and a bare
`# nosec` (bandit skips all its tests on that line) suppresses the rules below that have a bandit code;
`"all"` — a bare `# nosec` suppresses every finding on its line; `"none"` — peers' comments are
ignored. RES900 never reports peers' comments. `resilint rule --peer-suppressions` prints this table.

"""


def generated_pages() -> dict[str, str]:
    pages = {f"{code}.md": rule_markdown(rule) for code, rule in all_rules().items()}
    pages["README.md"] = index_markdown()
    return pages


def write_pages(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in generated_pages().items():
        path = out_dir / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            written.append(path)
    for stale in out_dir.glob("*.md"):
        if stale.name not in generated_pages():
            stale.unlink()
            written.append(stale)
    return written


def dumps_all() -> str:
    return json.dumps([rule_json(r) for r in all_rules().values()], indent=2, ensure_ascii=False)


if __name__ == "__main__":  # python -m resilint.rules.docs  → regenerates docs/rules/
    import sys

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/rules")
    for p in write_pages(target):
        print(f"wrote {p}")
