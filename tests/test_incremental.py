"""IncrementalAnalyzer.update(text) must return exactly analyze(text) after every edit."""
from __future__ import annotations

import ast
import sysconfig
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st

from resilint.rules.engine import analyze
from resilint.rules.incremental import IncrementalAnalyzer
from resilint.rules.incremental.chunks import split_keepends
from resilint.rules.model import Rule, Severity, Span
from resilint.rules.registry import all_rules
from resilint.rules.settings import FileSettings, Options
from ruleharness import all_rules_settings

FIXTURES = Path(__file__).parent / "fixtures"
STDLIB = Path(sysconfig.get_paths()["stdlib"])
STDLIB_FILES = [STDLIB / name for name in ("textwrap.py", "shlex.py")]
FIXTURE_FILES = sorted(FIXTURES.glob("*.py"))


def key(result) -> list[tuple]:
    return [(f.code, f.message, f.span, f.severity) for f in result.findings]


# ----- settings ------------------------------------------------------------------------------
class EveryCall(Rule):
    """Test-only rule: a finding for each call whose callee resolves (exercises name resolution
    across statements, deferred function bodies and `self.x` attributes on every file)."""

    code = "TST001"
    name = "every-resolved-call"
    message = "call to {callee}"
    severity = Severity.INFO

    def visit_Call(self, node: ast.Call) -> None:
        qualname = self.ctx.qualname(node.func)
        if qualname is not None and not qualname.startswith("builtins."):
            self.report(node.func, callee=qualname)


class WithFinish(Rule):
    code = "TST002"
    name = "with-finish"
    message = "{n} imports"
    severity = Severity.INFO

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.n = 0

    def visit_Import(self, node: ast.Import) -> None:
        self.n += 1

    def finish(self) -> None:
        self.report(Span(0, 0, 0, 0), n=self.n)


class ReadsText(Rule):
    code = "TST003"
    name = "reads-text"
    message = "requests is mentioned in this file"
    severity = Severity.INFO

    def visit_Call(self, node: ast.Call) -> None:
        if "requests" in self.ctx.text:
            self.report(node.func)


class CountsCalls(Rule):
    """Cross-statement state without finish(): only the first 3 calls of the file are reported."""

    code = "TST004"
    name = "counts-calls"
    message = "early call"
    severity = Severity.INFO

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.seen = 0

    def visit_Call(self, node: ast.Call) -> None:
        self.seen += 1
        if self.seen <= 3:
            self.report(node.func)


class ExtraRules(FileSettings):
    """Every registered rule selected, plus test-only rule classes."""

    def __init__(self, extra: list[type[Rule]], ignore: list[str] = ()) -> None:  # type: ignore[assignment]
        options = Options.model_validate({"select": ["ALL"], "ignore": list(ignore)})
        super().__init__(options)
        self.extra = extra
        self.enabled = frozenset({*self.enabled, *(r.code for r in extra)})  # type: ignore[misc]

    def rule_classes(self):  # type: ignore[override]
        return [*super().rule_classes(), *self.extra]


@lru_cache(maxsize=1)
def full_only_codes() -> tuple[str, ...]:
    """Registered rules that switch the analyzer to full analysis (cross-statement state...)."""
    corpus = [p.read_text(encoding="utf-8") for p in FIXTURE_FILES]
    out = []
    for code in all_rules():
        s = FileSettings(Options.model_validate({"select": [code]}))
        for text in corpus:
            inc = IncrementalAnalyzer("probe.py", s)
            inc.update(text)
            if inc.full_only:
                out.append(code)
                break
    return tuple(out)


def all_settings() -> FileSettings:
    return all_rules_settings()


def incremental_settings() -> FileSettings:
    """Every registered rule that supports incremental analysis, plus EveryCall."""
    return ExtraRules([EveryCall], ignore=list(full_only_codes()))


# ----- edit helpers --------------------------------------------------------------------------
def check_sequence(path: str, texts: list[str], settings_: FileSettings, expect_incremental: bool = False):
    inc = IncrementalAnalyzer(path, settings_)
    modes = []
    for i, text in enumerate(texts):
        want = analyze(text, path, settings_)
        got = inc.update(text)
        assert key(got) == key(want), f"step {i}: {inc.last_stats}"
        assert (got.syntax_error is None) == (want.syntax_error is None)
        modes.append(inc.last_stats.get("mode"))
    if expect_incremental:
        assert inc.full_only is None, inc.full_only
        assert "incremental" in modes, modes
    return modes


def edits_of(text: str) -> list[str]:
    """A deterministic edit sequence over a file: every kind of edit the server sees."""
    lines = split_keepends(text)
    if not lines or not lines[-1].endswith("\n"):
        lines = [*lines[:-1], (lines[-1] if lines else "") + "\n"]
    n = len(lines)
    texts = [text]

    def push(new_lines):
        texts.append("".join(new_lines))
        return new_lines

    defs = [i for i, l in enumerate(lines) if l.startswith(("def ", "async def ", "class "))]
    body = next((i + 1 for i in defs if i + 1 < n and lines[i + 1].startswith("    ")), n // 2)
    imports = [i for i, l in enumerate(lines) if l.startswith(("import ", "from "))]
    cur = list(lines)
    # 1. insert a call inside a function body, then remove it
    cur = push(cur[:body] + ["    requests.get(url)\n"] + cur[body:])
    cur = push(cur[:body] + cur[body + 1:])
    # 2. add an import at the top, use it at module level, then drop the import
    cur = push(["import requests as r\n"] + cur)
    cur = push(cur + ["r.post(url)\n", "s = r.Session()\n", "s.get(url)  # noqa\n"])
    cur = push(cur[1:])
    # 3. remove an existing import (later statements lose the binding) and put it back
    if imports:
        i = imports[0] + 0
        removed = cur[i]
        cur = push(cur[:i] + cur[i + 1:])
        cur = push(cur[:i] + [removed] + cur[i:])
    # 4. syntax error, then fixed (by a different text than the original)
    cur = push(cur[:body] + ["    x = (\n"] + cur[body:])
    cur = push(cur[:body] + ["    x = ()\n"] + cur[body + 1:])
    cur = push(cur[:body] + cur[body + 1:])
    # 5. decorators: add one above the first def, edit it, remove it
    if defs:
        d = defs[0]
        while d > 0 and cur[d - 1].startswith("@"):
            d -= 1
        cur = push(cur[:d] + ["@retry\n"] + cur[d:])
        cur = push(cur[:d] + ["@retry(stop=3)\n"] + cur[d + 1:])
        cur = push(cur[:d] + cur[d + 1:])
    # 6. first and last lines
    cur = push(["# resilint: ignore[RES001]\n"] + cur)
    cur = push(cur[1:])
    cur = push([cur[0].rstrip("\n") + "  # edited\n"] + cur[1:])
    cur = push(cur[:-1] + ["requests.get(url)  # resilint: ignore[RES001]\n"])
    cur = push(cur + ["def tail():\n", "    return requests.get(url)\n"])
    cur = push(cur[:-2])
    # 7. an edit that turns into an indented block of the previous statement
    if defs:
        d = defs[-1]
        cur = push(cur[:d] + ["    y = requests.get(url)\n"] + cur[d:])
        cur = push(cur[:d] + cur[d + 1:])
        # `else:` continuation after a top-level if
        cur = push(cur + ["if x:\n", "    pass\n"])
        cur = push(cur + ["else:\n", "    requests.get(url)\n"])
        cur = push(cur[:-4])
    # 8. delete a whole def and put it back; delete everything; restore
    if len(defs) > 1:
        a, b = defs[0], defs[1]
        chunk = cur[a:b]
        cur = push(cur[:a] + cur[b:])
        cur = push(cur[:a] + chunk + cur[a:])
    push([])
    push(["\n"])
    push(list(lines))
    return texts


REAL_FILES = [*STDLIB_FILES, *FIXTURE_FILES]


@pytest.mark.parametrize("path", REAL_FILES, ids=[p.name for p in REAL_FILES])
def test_edit_sequences_all_rules(path: Path) -> None:
    check_sequence(str(path), edits_of(path.read_text(encoding="utf-8")), all_settings())


@pytest.mark.parametrize("path", REAL_FILES, ids=[p.name for p in REAL_FILES])
def test_edit_sequences_incremental_rules(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    try:
        ast.parse(text)
    except SyntaxError:
        parses = False
    else:
        parses = True
    modes = check_sequence(str(path), edits_of(text), incremental_settings(), expect_incremental=parses)
    if parses:
        assert modes.count("incremental") >= len(modes) // 3, modes


def test_reuses_statements() -> None:
    text = (STDLIB / "textwrap.py").read_text(encoding="utf-8")
    lines = split_keepends(text)
    inc = IncrementalAnalyzer("textwrap.py", incremental_settings())
    inc.update(text)
    i = next(i for i, l in enumerate(lines) if l.startswith("def dedent"))
    edited = lines[: i + 1] + ["    requests.get(url)\n"] + lines[i + 1:]
    got = inc.update("".join(edited))
    assert inc.last_stats["mode"] == "incremental"
    assert inc.last_stats["parsed_lines"] < len(lines) // 4
    assert key(got) == key(analyze("".join(edited), "textwrap.py", incremental_settings()))


def test_syntax_error_keeps_last_good_state() -> None:
    s = incremental_settings()
    base = "import requests\n\ndef f(url):\n    return requests.get(url)\n\nx = 1\n"
    inc = IncrementalAnalyzer("a.py", s)
    inc.update(base)
    broken = base.replace("x = 1", "x = (")
    got = inc.update(broken)
    want = analyze(broken, "a.py", s)
    assert got.syntax_error is not None and key(got) == key(want)
    fixed = base.replace("x = 1", "x = requests.get(u)")
    assert key(inc.update(fixed)) == key(analyze(fixed, "a.py", s))
    assert inc.last_stats["mode"] == "incremental"


@pytest.mark.parametrize("rule", [WithFinish, ReadsText, CountsCalls])
def test_global_rules_fall_back_to_full_analysis(rule) -> None:
    s = ExtraRules([rule])
    base = "import requests\nimport os\n\ndef f(url):\n    return requests.get(url)\n\nos.getcwd()\nos.getcwd()\n"
    texts = [base, base + "requests.get(u)\n", "import json\n" + base, base.replace("import os\n", "")]
    check_sequence("a.py", texts, s)
    inc = IncrementalAnalyzer("a.py", s)
    inc.update(base)
    inc.update(texts[1])
    assert inc.full_only


def test_odd_line_ends_and_nul() -> None:
    s = incremental_settings()
    texts = [
        "import requests\r\ndef f():\r\n    requests.get(u)\r\n",
        "import requests\r\ndef f():\r\n    requests.get(u)\r\n\x0cx = 1\r\n",
        "import requests\rdef f():\r    requests.get(u)\r\x0cx = 1\r",
        "import requests\ndef f():\n    requests.get(u)\n\x0cx = requests.get(v)\n\u2028# c\n",
        "import requests\ndef f():\n    requests.get(u)\0\n",
        "import requests\ndef f():\n    requests.get(u)\n",
    ]
    check_sequence("a.py", texts, s)


# ----- property test -------------------------------------------------------------------------
BASE = """\
import os
import requests
from requests import get as fetch


def plain(url):
    requests.get(url)
    return fetch(url, timeout=3)


class Client:
    def __init__(self):
        self.session = requests.Session()

    def call(self, url):
        return self.session.get(url)  # resilint: ignore[RES001]


session = requests.Session()
session.post("https://x")  # noqa


@retry
def wrapped(url):
    with requests.Session() as s:
        s.get(url)
"""

SNIPPETS = [
    "requests.get(url)\n",
    "import requests as r\n",
    "import requests\n",
    "requests = None\n",
    "def f():\n",
    "def requests():\n",
    "async def g(url):\n",
    "class K:\n",
    "    x = 1\n",
    "    requests.get(url)\n",
    "    return r.post(url)\n",
    "    self.session = requests.Session()\n",
    "        s.get(url)\n",
    "s = requests.Session()\n",
    "s.get(url)  # noqa: RES001\n",
    "@retry\n",
    "else:\n",
    "try:\n",
    "except Exception:\n",
    "x = (\n",
    ")\n",
    "\n",
    "# a comment\n",
    "requests.get(url)  # noqa\n",
    "fetch(url)  # resilint: ignore[RES001]\n",
    "# resilint: ignore-file[RES002]\n",
    '"""doc\n',
]

def edit_ops(first_line: int, last_line: int, snippets: list[str]) -> st.SearchStrategy:
    """(insert | delete | replace, a line number, a snippet)."""
    return st.tuples(st.sampled_from(["insert", "delete", "replace"]),
                     st.integers(min_value=first_line, max_value=last_line), st.sampled_from(snippets))


edit_op = edit_ops(0, 10_000, SNIPPETS)


def _apply(lines: list[str], op) -> list[str]:
    kind, pos, snippet = op
    lines = list(lines)
    if kind == "insert":
        lines.insert(pos % (len(lines) + 1), snippet)
    elif lines:
        i = pos % len(lines)
        if kind == "delete":
            del lines[i]
        else:
            lines[i] = snippet
    return lines


def replay(base: str, ops, s: FileSettings, path: str = "prop.py", max_line: int | None = None) -> IncrementalAnalyzer:
    """Apply `ops` one by one; after each, the incremental result must equal analyze()'s.
    `max_line` keeps positions among the first lines (e.g. inside one class)."""
    inc = IncrementalAnalyzer(path, s)
    lines = split_keepends(base)
    assert key(inc.update(base)) == key(analyze(base, path, s))
    for kind, pos, snippet in ops:
        if max_line is not None:
            pos %= max(1, min(len(lines), max_line))
        lines = _apply(lines, (kind, pos, snippet))
        text = "".join(lines)
        assert key(inc.update(text)) == key(analyze(text, path, s)), ((kind, pos, snippet), inc.last_stats)
    return inc


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(edit_op, min_size=1, max_size=12))
def test_random_line_edits_incremental_rules(ops) -> None:
    replay(BASE, ops, incremental_settings())


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(edit_op, min_size=1, max_size=8))
def test_random_line_edits_all_rules(ops) -> None:
    replay(BASE, ops, all_settings())


# ----- rules that look up module-level defs / constants by name (RES013/014/024/032) ---------
LOOKUP_CODES = ["RES013", "RES014", "RES024", "RES032"]

LOOKUP_BASE = """\
import asyncio
import random
import time

import pybreaker
import requests
from tenacity import retry

DELAY = 2
LIMIT = 5
breaker = pybreaker.CircuitBreaker()


async def fetch(u):
    return u


def poll(url):
    while True:
        try:
            requests.get(url, timeout=5)
            break
        except requests.RequestException:
            time.sleep(DELAY)


@retry
def send(url):
    return requests.post(url, json={}, timeout=5)


async def fan(urls):
    return await asyncio.gather(*(fetch(u) for u in urls))


async def fixed(c):
    return await asyncio.gather(*[c.get(i) for i in range(LIMIT)])


safe = breaker(fetch)
"""

LOOKUP_SNIPPETS = [
    "async def fetch(u):\n",
    "def fetch(u):\n",
    "class fetch:\n",
    "fetch = None\n",
    "    sem = asyncio.Semaphore(3)\n",
    "    async with sem:\n",
    "    return u\n",
    "DELAY = 2\n",
    "DELAY = random.random()\n",
    "DELAY: float = 1.5\n",
    "LIMIT = 5\n",
    "LIMIT += 1\n",
    "LIMIT, other = 5, 6\n",
    "retry = None\n",
    "from tenacity import retry\n",
    "@retry\n",
    "@breaker\n",
    "async def send(url):\n",
    "    return requests.post(url, json={}, timeout=5)\n",
    "safe = breaker(fetch)\n",
    "breaker(fetch)\n",
    "    return await asyncio.gather(*(fetch(u) for u in urls))\n",
    "    time.sleep(DELAY)\n",
    "\n",
]

lookup_op = st.tuples(
    st.sampled_from(["insert", "delete", "replace"]),
    st.integers(min_value=0, max_value=10_000),
    st.sampled_from(LOOKUP_SNIPPETS),
)


def lookup_settings() -> FileSettings:
    return ExtraRules([EveryCall], ignore=[c for c in all_rules() if c not in LOOKUP_CODES])


def test_lookup_rules_are_incremental() -> None:
    """Their cross-statement lookups go through the engine's binder table, which the analyzer tracks."""
    assert not set(LOOKUP_CODES) & set(full_only_codes())
    s = lookup_settings()
    inc = IncrementalAnalyzer("look.py", s)
    lines = split_keepends(LOOKUP_BASE)
    first = inc.update(LOOKUP_BASE)
    assert {f.code for f in first.findings} >= {"RES013", "RES014", "RES024", "RES032"}
    for old, new in [
        ("async def fetch(u):", "def fetch(u):"),  # RES024 on `breaker(fetch)` goes away
        ("DELAY = 2", "DELAY = random.random()"),  # RES013: the sleep now has jitter
        ("async def fetch(u):\n    return u", "async def fetch(u):\n    sem = asyncio.Semaphore(3)\n    return u"),
        ("LIMIT = 5", "LIMIT = 5\nLIMIT += 1"),
    ]:
        text = LOOKUP_BASE.replace(old, new)
        assert key(inc.update(text)) == key(analyze(text, "look.py", s))
        assert inc.last_stats["mode"] == "incremental", inc.last_stats
        assert key(inc.update(LOOKUP_BASE)) == key(first)
    assert inc.full_only is None and lines


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(lookup_op, min_size=1, max_size=10))
# found by hypothesis: the function's body becomes a module-level loop and RES013 read the module's
# body to find the sleep delay's assignments (it reads the module scope's binders now)
@example([("delete", 0, "async def fetch(u):\n"), ("insert", 23, "fetch = None\n"), ("replace", 136, "class fetch:\n")])
def test_random_line_edits_lookup_rules(ops) -> None:
    inc = replay(LOOKUP_BASE, ops, lookup_settings(), "look.py")
    assert inc.full_only is None, inc.full_only


# ----- every family on ordinary code: no rule forces full analysis ----------------------------
def _top_level_start(text: str) -> int:
    tree = ast.parse(text)
    lines = split_keepends(text)
    starts = [(n.decorator_list[0].lineno if getattr(n, "decorator_list", None) else n.lineno) - 1 for n in tree.body]
    return min(starts, key=lambda s: abs(s - len(lines) // 2))


@pytest.mark.parametrize("path", STDLIB_FILES, ids=[p.name for p in STDLIB_FILES])
def test_statement_inserted_between_statements_parses_alone(path: Path) -> None:
    """What an editor sends most: a statement typed between two top-level statements, then
    removed. Only the new line is parsed, every rule stays incremental, results stay exact."""
    text = path.read_text(encoding="utf-8")
    lines = split_keepends(text)
    at = _top_level_start(text)
    inserted = "".join(lines[:at] + ["x = requests.get(url)\n"] + lines[at:])
    s = all_settings()
    inc = IncrementalAnalyzer(path.name, s)
    inc.update(text)
    got = inc.update(inserted)
    assert inc.full_only is None, inc.full_only
    assert inc.last_stats["mode"] == "incremental" and inc.last_stats["parsed_lines"] == 1, inc.last_stats
    assert key(got) == key(analyze(inserted, path.name, s))
    got = inc.update(text)
    assert inc.last_stats["mode"] == "incremental" and inc.last_stats["parsed_lines"] == 0, inc.last_stats
    assert key(got) == key(analyze(text, path.name, s))


def test_inserted_lines_that_join_a_neighbour_are_parsed_with_it() -> None:
    """A decorator or an `else:` typed at a boundary belongs to a neighbouring statement."""
    base = "import requests\n\ndef f(u):\n    return requests.get(u)\n\nif x:\n    pass\ny = 1\n"
    lines = split_keepends(base)
    s = all_settings()
    texts = [
        base,
        "".join(lines[:2] + ["@decorate\n"] + lines[2:]),
        base,
        "".join(lines[:7] + ["else:\n", "    requests.get(u)\n"] + lines[7:]),
        base,
        "".join(lines[:7] + ["    requests.get(u)\n"] + lines[7:]),
    ]
    modes = check_sequence("a.py", texts, s, expect_incremental=True)
    assert modes.count("incremental") >= 3, modes


def test_per_file_gates_flip_exactly_like_a_full_analysis() -> None:
    """LLM rules only look at files that mention an LLM SDK (ctx.text_has): adding or removing
    the mention anywhere re-decides, and the result always equals analyze()."""
    base = "import json\n\ndef handle(r):\n    tool = r.choices[0].message.tool_calls[0]\n    return getattr(tools, tool.function.name)()\n"
    s = all_settings()
    with_sdk = "from openai import OpenAI\nclient = OpenAI()\n" + base
    texts = [base, base + "\nz = 1\n", with_sdk, with_sdk + "\nz = 2\n", base, base + "# openai\n", base]
    modes = check_sequence("a.py", texts, s)
    assert modes[1] == "incremental", modes
    inc = IncrementalAnalyzer("a.py", s)
    inc.update(base)
    inc.update(base + "\nz = 1\n")
    assert inc.full_only is None, inc.full_only


@pytest.mark.parametrize("code", ["SEC006", "LLM003", "LLM006", "LLM007", "RES004"])
def test_rules_with_per_walk_memos_stay_incremental(code: str) -> None:
    """Rules that remember nodes they reported keep that memo on the context (ctx.memo), which
    incremental analysis drops at each update, instead of on the rule (state between statements)."""
    text = (FIXTURES / f"{code}.py").read_text(encoding="utf-8")
    # Module-level subprocess handling is the one RES004 case that reads the neighbouring statement.
    body = "\n".join(part for part in text.split("\n\n") if not part.lstrip().startswith("first = Popen"))
    s = FileSettings(Options.model_validate({"select": [code]}))
    texts = [body, "def extra():\n    pass\n\n" + body, body + "\nq = 1\n"]
    for t in edits_of(body)[:6]:
        texts.append(t)
    check_sequence("a.py", texts, s)
    inc = IncrementalAnalyzer("a.py", s)
    inc.update(body)
    inc.update(body + "\nq = 1\n")
    assert inc.full_only is None, (code, inc.full_only)


def test_cross_module_names_keep_analysis_incremental(tmp_path: Path) -> None:
    """With a workspace index, a relative import resolves from its binding (not by re-reading
    the module's body), so edits stay incremental and findings follow the other module."""
    import dataclasses

    from resilint.rules.index.store import WorkspaceIndex

    pkg = tmp_path / "app"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "http.py").write_text("import requests\nsession = requests.Session()\n")
    service = "from .http import session\n\n\ndef fetch(url):\n    return session.get(url)\n\n\nx = 1\n"
    path = pkg / "service.py"
    path.write_text(service)
    index = WorkspaceIndex.build(tmp_path, cache_dir=tmp_path / "cache")
    s = dataclasses.replace(FileSettings(Options.model_validate({"select": ["RES001"]})), workspace_index=index.view())
    texts = [service, service + "y = 2\n", service.replace("x = 1\n", "session = None\n"), service]
    check_sequence(str(path), texts, s, expect_incremental=True)
    assert [f.code for f in analyze(service, str(path), s).findings] == ["RES001"]
    assert analyze(texts[2], str(path), s).findings == []  # rebound at module level: ambiguous, silent


# ----- edits inside one method of a class: only that method is re-parsed and re-walked --------
CLASS_BASE = """\
import requests
from tenacity import retry


class Client:
    \"\"\"A client.\"\"\"

    timeout = 5

    def __init__(self, base):
        self.base = base
        self.session = requests.Session()

    def fetch(self, path):
        return self.session.get(self.base + path)

    @retry
    def post(self, path, data):
        try:
            return requests.post(path, data=data)
        except Exception:
            pass

    async def stream(self, url):
        def inner():
            return requests.get(url)
        return inner()

    class Nested:
        def call(self, url):
            return requests.get(url)


def after():
    return requests.get("https://example.com")
"""

METHOD_SNIPPETS = [
    "        requests.get(url)\n",
    "        self.session = requests.Session()\n",
    "        self.session.get(url)\n",
    "        x = 1\n",
    "        return requests.post(url, timeout=3)\n",
    "        time.sleep(1)\n",
    "            pass\n",
    "        # resilint: ignore[RES001]\n",
    "        requests.get(url)  # noqa: RES001\n",
    "        if x:\n",
    "        x = (\n",
    "    def extra(self):\n",
    "\n",
]

method_op = edit_ops(9, 31, METHOD_SNIPPETS)  # lines of the class's methods


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(method_op, min_size=1, max_size=10))
def test_random_method_edits_all_rules(ops) -> None:
    replay(CLASS_BASE, ops, all_settings(), "cls.py", max_line=31)


def test_method_edits_take_the_method_path() -> None:
    s = all_settings()
    lines = split_keepends(CLASS_BASE)
    fetch = next(i for i, l in enumerate(lines) if "return self.session.get" in l)
    init_end = next(i for i, l in enumerate(lines) if "self.session = requests.Session()" in l) + 1
    nested = next(i for i, l in enumerate(lines) if "def call" in l) + 1
    texts = [
        CLASS_BASE,
        "".join(lines[:fetch] + ["        requests.get(path)\n"] + lines[fetch:]),  # inside a method
        CLASS_BASE,
        "".join(lines[:init_end] + ["        self.other = requests.Session()\n"] + lines[init_end:]),  # typed at its end
        CLASS_BASE,
        "".join(lines[:nested] + ["            requests.get(url)\n"] + lines[nested:]),  # nested class
        "".join(lines[:nested] + ["            requests.get(url)\n", "        requests.get(url)\n"] + lines[nested:]),
    ]
    inc = IncrementalAnalyzer("cls.py", s)
    used = []
    for text in texts:
        assert key(inc.update(text)) == key(analyze(text, "cls.py", s)), inc.last_stats
        used.append(inc.last_stats.get("method"))
    assert used[1] == "fetch" and used[3] == "__init__" and used[5] == "call", used
    assert inc.full_only is None


def test_method_edit_in_a_big_class_parses_only_the_method() -> None:
    path = STDLIB / "textwrap.py"
    text = path.read_text(encoding="utf-8")
    lines = split_keepends(text)
    i = next(i for i, l in enumerate(lines) if l.startswith("    def _split(")) + 1
    while not lines[i].startswith("        ") or lines[i].strip().startswith(('"', "r'", "'")):
        i += 1
    edited = "".join(lines[:i] + ["        requests.get(url)\n"] + lines[i:])
    s = all_settings()
    inc = IncrementalAnalyzer(path.name, s)
    inc.update(text)
    got = inc.update(edited)
    assert inc.last_stats.get("method") == "_split", inc.last_stats
    assert inc.last_stats["parsed_lines"] < 60
    assert key(got) == key(analyze(edited, path.name, s))


def test_rules_reading_the_whole_class_rewalk_every_method() -> None:
    """RES003 decides on the session built in __init__ from the requests in the other methods
    (ctx.enclosing_class()): editing one of those methods must re-decide __init__'s finding."""
    base = (
        "import aiohttp\n\n\nclass Api:\n    def __init__(self):\n        self._http = aiohttp.ClientSession()\n\n"
        "    async def run(self, url):\n        async with self._http.get(url, timeout=aiohttp.ClientTimeout(total=3)) as r:\n"
        "            return await r.read()\n"
    )
    unbounded = base.replace(", timeout=aiohttp.ClientTimeout(total=3)", "")
    s = FileSettings(Options.model_validate({"select": ["RES003"]}))
    assert analyze(base, "a.py", s).findings == [] and len(analyze(unbounded, "a.py", s).findings) == 1
    check_sequence("a.py", [base, unbounded, base, unbounded], s, expect_incremental=True)


def _method_body_lines(tree: ast.Module) -> list[int]:
    return sorted({
        stmt.lineno - 1 for cls in ast.walk(tree) if isinstance(cls, ast.ClassDef)
        for m in cls.body if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef)) for stmt in m.body
    })


def _class_files() -> list[Path]:
    out = []
    for p in [*FIXTURE_FILES, *STDLIB_FILES, STDLIB / "argparse.py"]:
        try:
            tree = ast.parse(p.read_text(encoding="utf-8"))
        except SyntaxError:
            continue
        if _method_body_lines(tree):
            out.append(p)
    return out


METHOD_BODY_SNIPPETS = ["x = 1", "requests.get(url)", "self.session = requests.Session()", "self.session.get(url)",
                        "time.sleep(1)", "pass", "return None", "# c", 'self.token = "Zm9vYmFyYmF6cXV4MTIz"']


@pytest.mark.parametrize("path", _class_files(), ids=lambda p: p.name)
def test_method_body_edits_on_real_files(path: Path) -> None:
    """25 random statements inserted / replaced / deleted inside method bodies (at the line's
    own indentation, so the file keeps parsing), every rule on; each result equals analyze()."""
    import random

    rng = random.Random(path.name)
    text = path.read_text(encoding="utf-8")
    body_lines = _method_body_lines(ast.parse(text))
    s = all_settings()
    inc = IncrementalAnalyzer(str(path), s)
    inc.update(text)
    lines = split_keepends(text)
    for _ in range(25):
        i = rng.choice([b for b in body_lines if b < len(lines)])
        indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
        op, snippet = rng.choice(["insert", "replace", "delete"]), rng.choice(METHOD_BODY_SNIPPETS)
        new = list(lines)
        if op == "insert":
            new.insert(i, f"{indent}{snippet}\n")
        elif op == "replace":
            new[i] = f"{indent}{snippet}\n"
        else:
            del new[i]
        edited = "".join(new)
        try:
            ast.parse(edited)
        except SyntaxError:
            continue
        lines = new
        assert key(inc.update(edited)) == key(analyze(edited, str(path), s)), (op, i, snippet, inc.last_stats)
