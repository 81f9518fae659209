"""Hover explanations (rules/explain/): findings, suppression codes, APIs, team guides, locale."""
from __future__ import annotations

import ast
import os
import re
import time
from pathlib import Path

import pytest
from resilint.rules import explain
from resilint.rules.explain import locate as explain_locate
from resilint.rules.engine import analyze
from resilint.rules.explain import (
    MAX_CHARS,
    api_qualname_at,
    explain_rule,
    hover_at,
    playbook_for,
    resolve_locale,
)
from resilint.rules.knowledge import clear_guide_cache, load_guide
from resilint.rules.registry import all_rules, get_rule
from resilint.rules.settings import FileSettings, Options

GUIDES = Path(__file__).resolve().parent / "data" / "guides"
SEED_004 = GUIDES / "004_fault_tolerance.prompt.md"
SEED_000 = GUIDES / "000_backend_guide.mdc"

CALL = "import requests\n\n\ndef fetch(url):\n    return requests.get(url)\n"


def at(text: str, needle: str, offset: int = 0, occurrence: int = 0) -> tuple[int, int]:
    """(line, col) of the `occurrence`-th `needle` in `text`, plus `offset` characters."""
    idx = -1
    for _ in range(occurrence + 1):
        idx = text.index(needle, idx + 1)
    line = text.count("\n", 0, idx)
    col = idx - (text.rfind("\n", 0, idx) + 1)
    return line, col + offset


def hover(text: str, needle: str, offset: int = 1, *, locale: str = "en", guides=(), settings=None,
          path: str = "app.py", occurrence: int = 0) -> str | None:
    findings = analyze(text, path).findings
    line, col = at(text, needle, offset, occurrence)
    return hover_at(text, path, line, col, findings=findings, settings=settings, locale=locale, guides=guides)


def assert_safe(md: str) -> None:
    assert len(md) <= MAX_CHARS
    prose = re.sub(r"```.*?```", "", md, flags=re.DOTALL)  # fenced code is shown literally
    prose = re.sub(r"(`+).+?\1", "", prose)  # so are code spans
    assert "<" not in prose and ">" not in prose.replace("→", "")  # no raw HTML
    assert not re.search(r"\]\(\s*command:", md, re.IGNORECASE)
    assert "command:" not in md
    assert md.count("```") % 2 == 0  # never a cut code fence


# ---------------------------------------------------------------- locale

@pytest.mark.parametrize(("client", "setting", "pyproject", "expected"), [
    (None, None, None, "en"),
    ("pt", None, None, "pt-BR"),
    ("pt-BR", None, None, "pt-BR"),
    ("pt_BR", None, None, "pt-BR"),
    ("pt-br", None, None, "pt-BR"),
    ("en-US", None, None, "en"),
    ("de", None, None, "en"),
    ("pt-BR", None, "en", "en"),        # the project's default beats the UI language
    ("en", None, "pt-BR", "pt-BR"),
    ("en", "pt-BR", "en", "pt-BR"),     # the reader's editor setting beats both
    ("pt-BR", "en", "pt-BR", "en"),
    ("pt-BR", "", None, "pt-BR"),       # an empty setting does not count
    ("en", "xx", "pt_BR", "pt-BR"),     # an unknown value falls through
])
def test_resolve_locale(client, setting, pyproject, expected):
    assert resolve_locale(client, setting, pyproject) == expected


# ---------------------------------------------------------------- findings

def test_finding_hover_en():
    md = hover(CALL, "requests.get", 10)
    assert md is not None
    assert md.startswith("### RES001 · http-call-without-timeout")
    assert "`requests.get` called without a timeout" in md  # the finding's message
    assert "**Why it matters**" in md and "wait forever by default" in md
    assert "**H5** · Heuristic" in md and "**C1**" in md and "**T§6**" in md  # brief guide entries
    assert "*Before:*" in md and "*After:*" in md and "timeout=10).json()" in md
    assert "**Playbook PB1**" in md
    steps = re.findall(r"^\d\. ", md, re.MULTILINE)
    assert len(steps) == 3  # the first three steps only
    assert "docs/guide/playbooks/incident.md" in md
    assert "resilint rule RES001" in md
    assert_safe(md)


def test_finding_hover_pt_br():
    md = hover(CALL, "requests.get", 10, locale="pt-BR")
    assert md is not None
    assert "**Por que importa**" in md
    assert "**H5** · Heurística — **Sem limites, você está construindo uma cascata**" in md
    assert "**Como corrigir**" in md and "*Antes:*" in md and "*Depois:*" in md
    assert "Incidente de latência/erro em produção" in md
    assert "primeiros passos" in md
    assert_safe(md)


def test_locale_aliases_render_pt_br():
    for loc in ("pt", "pt_BR", "pt-br"):
        md = hover(CALL, "requests.get", 10, locale=loc)
        assert md is not None and "Por que importa" in md


def test_no_hover_outside_findings_and_apis():
    assert hover(CALL, "def fetch", 1) is None  # `def` keyword
    assert hover(CALL, "(url)", 2) is None  # parameter: unknown binding
    assert hover("x = 1\n", "x", 0) is None


def test_several_findings_on_one_range():
    src = "import tenacity\n\n\n@tenacity.retry\ndef f():\n    pass\n"
    md = hover(src, "retry", 1)
    assert md is not None
    assert md.startswith("### RES010")
    assert "Also here:" in md and "`RES011`" in md


def test_finding_with_quick_fix_mentions_it():
    from resilint.rules.model import Finding, Fix, Severity, Span

    f = Finding("RES001", "`requests.get` called without a timeout", Span(4, 11, 4, 23), Severity.WARNING,
                fix=Fix("Add `timeout=10`", "unsafe", ()))
    md = hover_at(CALL, "app.py", 4, 15, findings=[f], settings=None, locale="en", guides=())
    assert md is not None and "*Quick fix:* Add `timeout=10`" in md


def test_hostile_finding_message_is_neutralised():
    from resilint.rules.model import Finding, Severity, Span

    f = Finding("RES001", "<img src=x onerror=alert(1)> [click](command:workbench.action.quit)",
                Span(4, 11, 4, 23), Severity.WARNING)
    md = hover_at(CALL, "app.py", 4, 15, findings=[f], settings=None, locale="en", guides=())
    assert md is not None
    assert_safe(md)


def test_every_rule_card_is_bounded_and_safe():
    for code in all_rules():
        for loc in ("en", "pt-BR"):
            md = explain_rule(code, loc, guides=[SEED_000, SEED_004])
            assert md is not None, code
            assert_safe(md)


def test_owasp_reference(monkeypatch):
    rule = get_rule("RES001")
    monkeypatch.setattr(rule, "owasp", ("A05",))
    md = explain_rule("RES001", "en")
    assert md is not None and "**OWASP**" in md and "**A05**" in md and "Security Misconfiguration" in md


def test_playbook_choice():
    assert playbook_for(get_rule("RES001")).id == "PB1"
    assert playbook_for(get_rule("RES010")).id == "PB1"
    assert playbook_for(get_rule("RES900")) is None

    class Migration:
        code, name, refs = "DB001", "migration-without-lock-timeout", ()

    class Postgres:
        code, name, refs = "DB010", "postgres-query-without-statement-timeout", ()

    class Sec:
        code, name, refs = "SEC001", "hardcoded-secret", ()

    class Rag:
        code, name, refs = "LLM020", "rag-without-citations", ()

    class WithRef:
        code, name, refs = "RES777", "whatever", ("PB5",)

    assert playbook_for(Migration).id == "PB9"  # type: ignore[arg-type]
    assert playbook_for(Postgres).id == "PB4"  # type: ignore[arg-type]
    assert playbook_for(Sec).id == "PB6"  # type: ignore[arg-type]
    assert playbook_for(get_rule("RES030")).id == "PB1"  # "blocking" is not a lock
    assert playbook_for(Rag).id == "PB8"  # type: ignore[arg-type]
    assert playbook_for(WithRef).id == "PB5"  # type: ignore[arg-type]
    for pb in ("incident", "migration", "postgres"):
        assert (Path(__file__).resolve().parent.parent / "docs" / "guide" / "playbooks" / f"{pb}.md").is_file()


# ---------------------------------------------------------------- suppression comments

def test_hover_on_resilint_ignore_code():
    src = "import requests\nrequests.get('https://x')  # resilint: ignore[RES001, RES002]\n"
    md = hover(src, "RES001", 3)
    assert md is not None and md.startswith("### RES001")
    assert "This comment suppresses `RES001` on this line." in md
    md2 = hover(src, "RES002", 0)
    assert md2 is not None and md2.startswith("### RES002")


def test_hover_on_noqa_code_pt_br():
    src = "import requests\nrequests.get('https://x')  # noqa: RES001\n"
    md = hover(src, "RES001", 6, locale="pt-BR")
    assert md is not None and "Este comentário suprime `RES001` nesta linha." in md


def test_hover_on_ignore_file_and_disabled_code():
    src = "# resilint: ignore-file[RES031]\nx = 1\n"
    settings = FileSettings(Options(ignore=["RES031"]))
    md = hover(src, "RES031", 2, settings=settings)
    assert md is not None
    assert "in the whole file" in md and "`RES031` is not enabled for this file." in md


def test_no_hover_on_foreign_or_fake_codes():
    src = "x = 1  # noqa: E501\ns = '# resilint: ignore[RES001]'\n"
    assert hover(src, "E501", 1) is None
    assert hover(src, "RES001", 1) is None  # inside a string, not a comment


# ---------------------------------------------------------------- APIs without a finding

TENACITY = """\
import tenacity
from tenacity import retry as again, stop_after_attempt


@tenacity.retry(stop=tenacity.stop_after_attempt(3), wait=tenacity.wait_random_exponential(max=5),
                retry=tenacity.retry_if_exception_type(IOError))
def f():
    pass


@again(stop=stop_after_attempt(3))
def g():
    pass
"""


def test_api_hover_tenacity_retry():
    line, _ = at(TENACITY, "tenacity.retry")
    assert [f for f in analyze(TENACITY, "t.py").findings if f.span.line == line] == []  # no finding there
    md = hover(TENACITY, "tenacity.retry", 10)
    assert md is not None
    assert md.startswith("**`tenacity.retry`**")
    assert "stop_never" in md  # the defaults
    assert "`RES010`" in md
    assert_safe(md)
    md_pt = hover(TENACITY, "tenacity.retry", 10, locale="pt-BR")
    assert md_pt is not None and "Repete para sempre" in md_pt


def test_api_hover_alias_and_family():
    assert api_qualname_at(TENACITY, "t.py", *at(TENACITY, "again(", 1)) == "tenacity.retry"
    md = hover(TENACITY, "again(", 1)
    assert md is not None and "tenacity.retry" in md
    md = hover(TENACITY, "wait_random_exponential", 3)
    assert md is not None and "tenacity.wait_random_exponential" in md
    md = hover(TENACITY, "stop_after_attempt(3))\ndef g", 2)
    assert md is not None and "tenacity.stop_after_attempt" in md


def test_api_hover_instances_and_self_attributes():
    src = """\
import requests
import openai


class Client:
    def __init__(self):
        self.http = requests.Session()
        self.llm = openai.OpenAI()

    def fetch(self, url):
        return self.http.get(url, timeout=5)

    def ask(self, msgs):
        return self.llm.chat.completions.create(model="m", messages=msgs, timeout=30, max_tokens=10)


def helper(requests):
    return requests.get("x")  # a parameter shadows the import
"""
    assert api_qualname_at(src, "c.py", *at(src, "http.get", 6)) == "requests.Session().get"
    md = hover(src, "http.get", 6)
    assert md is not None and "requests.Session.get" in md
    md = hover(src, "completions.create", 13)
    assert md is not None and "openai.OpenAI.chat.completions.create" in md
    assert hover(src, 'requests.get("x")', 10) is None


def test_api_hover_with_and_module_level():
    src = """\
import aiohttp
import httpx

client = httpx.Client()
client.get("https://x")


async def main():
    async with aiohttp.ClientSession() as s:
        await s.get("https://x")
"""
    md = hover(src, 'client.get', 8)
    assert md is not None and "httpx.Client.get" in md
    md = hover(src, "s.get", 3)
    assert md is not None and "aiohttp.ClientSession.get" in md


def test_api_hover_tolerates_syntax_errors_and_odd_positions():
    src = "import requests\nrequests.get(\n"
    assert hover_at(src, "x.py", 1, 10, findings=[], settings=None, locale="en", guides=()) is None
    assert hover_at(CALL, "x.py", 99, 0, findings=[], settings=None, locale="en", guides=()) is None
    assert hover_at(CALL, "x.py", 4, 999, findings=[], settings=None, locale="en", guides=()) is None
    assert hover_at("", "x.py", 0, 0, findings=[], settings=None, locale="en", guides=()) is None


def test_api_hover_non_ascii_columns():
    src = "import requests\nx = 'ção'; requests.get('https://x', timeout=5)\n"
    md = hover(src, "get(", 1)
    assert md is not None and "requests.get" in md


# ---------------------------------------------------------------- team guides

def test_seed_004_as_team_guide_shows_text_verbatim(tmp_path: Path):
    guide = tmp_path / ".github" / "copilot-instructions.md"
    guide.parent.mkdir()
    guide.write_bytes(SEED_004.read_bytes())
    clear_guide_cache()
    md = hover(CALL, "requests.get", 10, guides=[guide])
    assert md is not None
    assert "*Your team's guide:*" in md
    assert "Construção" in md  # repaired from the seed's mojibake, shown verbatim
    assert "Constru√" not in md
    assert "**T§6** — **Timeouts e limites obrigatórios**" in md
    assert "Configure timeouts para" in md
    link = re.search(r"\[copilot-instructions\.md\\?:38\]\((file://[^)]+)\)", md)
    assert link, md
    assert link.group(1) == guide.resolve().as_uri() + "#L38" or link.group(1).endswith("copilot-instructions.md#L38")
    assert md.index("Your team's guide") < md.index("**Engineering guide**")  # the team's words first
    assert_safe(md)


def test_team_guide_objects_and_pt_br():
    g = load_guide(SEED_000)
    md = hover(CALL, "requests.get", 10, locale="pt-BR", guides=[g])
    assert md is not None
    assert "*Guia do seu time:* Guia Operacional de Backend" in md
    assert "Sem limites (timeouts/retries/rate limits), você está construindo uma cascata." in md


HOSTILE = """\
# Team rules

H5: <script>alert(1)</script> **always** set [timeouts](command:workbench.action.terminal.sendSequence) ![x](javascript:alert(1)) `code` <img src=x onerror=alert(1)> Origem: SRE
C1: """ + ("A" * 50_000) + """
"""


def test_hostile_team_guide_is_escaped_and_bounded(tmp_path: Path):
    path = tmp_path / "AGENTS.md"
    path.write_text(HOSTILE, encoding="utf-8")
    clear_guide_cache()
    md = hover(CALL, "requests.get", 10, guides=[path])
    assert md is not None
    assert_safe(md)
    assert "<script>" not in md and "<img" not in md
    assert "&lt;script&gt;" in md
    assert not re.search(r"(?<!\\)\]\((command|javascript)", md)  # brackets escaped: no link
    assert "\\[timeouts\\]" in md
    assert "\\*\\*always\\*\\*" in md  # emphasis shown literally
    assert "AAAAAAAAAA" in md and "A" * 2000 not in md


def test_missing_or_binary_guides_do_not_break_hovers(tmp_path: Path):
    binary = tmp_path / "AGENTS.md"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    md = hover(CALL, "requests.get", 10, guides=[binary, tmp_path / "missing.md", 42])
    assert md is not None and "RES001" in md


# ---------------------------------------------------------------- performance

def _pydecimal() -> tuple[str, str]:
    path = os.path.join(os.path.dirname(ast.__file__), "_pydecimal.py")
    return Path(path).read_text(encoding="utf-8"), path


def test_large_file_hovers_are_fast():
    text, path = _pydecimal()
    text = "import requests\n" + text + "\n\ndef zz():\n    return requests.get('x', timeout=5)\n"
    lines = text.splitlines()
    explain.clear_cache()
    # warm: the first hover on a version parses it (once per text)
    assert hover_at(text, path, len(lines) - 1, 22, findings=[], settings=None, locale="en", guides=()) is not None
    times = []
    for line in range(100, len(lines), 97):
        col = max(0, len(lines[line]) - len(lines[line].lstrip())) + 1
        t0 = time.perf_counter()
        hover_at(text, path, line, col, findings=[], settings=None, locale="en", guides=())
        times.append(time.perf_counter() - t0)
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    assert p95 < 0.1, f"hover p95 {p95 * 1000:.1f} ms"  # loose bound for loaded CI; bench/hover.py reports figures


def test_partial_parse_resolves_like_the_whole_file(monkeypatch):
    """Big files are cut to the statement under the cursor + module-level statements:
    every name must resolve exactly as with the whole file's tree."""
    root = Path(__file__).resolve().parent.parent
    files = sorted((root / "tests" / "fixtures").glob("*.py"))
    extra = TENACITY + "\n\n" + """\
import requests as rq
from tenacity import (
    retry as again,  # alias
    stop_after_attempt,
)

@again(stop=stop_after_attempt(3),
       wait=None)
def f():
    return rq.get("x", timeout=1)

class K:
    s = rq.Session()

    def m(self):
        return self.s.get("x")

if True:
    rq = None
x = '''
def fake():
    pass
'''
"""
    texts = [p.read_text(encoding="utf-8") for p in files] + [extra]
    checked = 0
    explain.clear_cache()
    for n, text in enumerate(texts):
        positions = []
        for i, src in enumerate(text.split("\n")):
            positions += [(i, m.end() - 1) for m in re.finditer(r"[A-Za-z_]\w*", src)]
        monkeypatch.setattr(explain_locate, "_PARTIAL_MIN_LINES", 10**9)
        full = [api_qualname_at(text, f"full{n}.py", i, c) for i, c in positions]
        monkeypatch.setattr(explain_locate, "_PARTIAL_MIN_LINES", 0)
        # every position that resolves, and a sample of the others
        sample = [(p, q) for k, (p, q) in enumerate(zip(positions, full)) if q is not None or k % 10 == 0]
        for (i, c), expected in sample:
            assert api_qualname_at(text, f"part{n}.py", i, c) == expected, (n, i, c)
        checked += len(sample)
    assert checked > 500
