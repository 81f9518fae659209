"""The fix machinery (rules/fixes): snapshots of fix diffs, imports, layout, edits, fix-all."""
from __future__ import annotations

import ast
import difflib
import subprocess
import sys

import libcst as cst
import pytest
from resilint.rules.engine import analyze
from resilint.rules.fixes import FixDocument, apply_edits, compute_fix, fix_all
from resilint.rules.fixes.document import edits_between
from resilint.rules.fixes.imports import ensure_import
from resilint.rules.fixes.transforms import (
    add_decorator,
    add_keyword,
    awaited,
    code_numbers,
    decorator_add_keyword,
    number,
    remove_keyword,
    rename_callee,
    replace_keyword_value,
    split_keyword,
    to_thread,
)
from resilint.rules.model import Edit, Finding, Severity, Span
from resilint.rules.registry import all_rules
from ruleharness import all_rules_settings
from testpaths import FIXTURES, SNAPSHOTS, UPDATE

FIX_SNAPSHOTS = SNAPSHOTS / "fixes"


def settings(**options):
    return all_rules_settings(**options)


def finding_of(text: str, code: str, index: int = 0, **options) -> Finding:
    found = [f for f in analyze(text, "example.py", settings(**options)).findings if f.code == code]
    assert len(found) > index, f"expected a {code} finding in:\n{text}"
    return found[index]


def fixed(text: str, code: str, index: int = 0, **options) -> str:
    finding = finding_of(text, code, index, **options)
    fix = compute_fix(finding, text, "example.py", settings(**options), strict=True)
    assert fix is not None, f"no fix for {finding}"
    return apply_edits(text, fix.edits)


def add_kw(code: str, name: str = "timeout", value: str = "10") -> str:
    call = cst.parse_expression(code)
    assert isinstance(call, cst.Call)
    return cst.Module([]).code_for_node(add_keyword(call, name, value))


# ----- snapshots of the fixes over the fixtures ------------------------------------------------
def _codes_with_fixes() -> list[str]:
    codes = [c for c, rule in all_rules().items() if getattr(rule, "make_fix", None)]
    return [c for c in codes if (FIXTURES / f"{c}.py").exists()]


@pytest.mark.parametrize("code", _codes_with_fixes())
def test_fix_snapshot(code: str) -> None:
    """Every fix of CODE applied over tests/fixtures/CODE.py, as a unified diff."""
    path = FIXTURES / f"{code}.py"
    text = path.read_text(encoding="utf-8")
    new, applied, remaining = fix_all(text, str(path), settings(), unsafe=True, codes={code})
    ast.parse(new)
    before = [f for f in analyze(text, str(path), settings()).findings if f.code == code]
    assert applied >= 1
    assert len([f for f in remaining if f.code == code]) < len(before)
    diff = "".join(
        difflib.unified_diff(
            text.splitlines(keepends=True), new.splitlines(keepends=True),
            f"a/tests/fixtures/{code}.py", f"b/tests/fixtures/{code}.py",
        )
    )
    snap = FIX_SNAPSHOTS / f"{code}.diff"
    if UPDATE or not snap.exists():
        FIX_SNAPSHOTS.mkdir(parents=True, exist_ok=True)
        snap.write_text(diff, encoding="utf-8", newline="")
    assert snap.read_text(encoding="utf-8") == diff, (
        f"fix snapshot {snap.name} differs; if the change is intended run "
        "RESILINT_UPDATE_SNAPSHOTS=1 pytest tests/test_fixes.py"
    )


def test_res001_fix_every_finding_of_the_fixture() -> None:
    path = FIXTURES / "RES001.py"
    text = path.read_text(encoding="utf-8")
    findings = [f for f in analyze(text, str(path), settings()).findings if f.code == "RES001"]
    assert findings
    for finding in findings:
        fix = compute_fix(finding, text, str(path), settings(), strict=True)
        assert fix is not None and fix.applicability == "unsafe"
        assert fix.message == "Add `timeout=10`"
        assert [e.new_text for e in fix.edits] in ([", timeout=10"], ["timeout=10"], ["        timeout=10,\n"])


# ----- RES001 end to end ------------------------------------------------------------------------
def test_res001_simple() -> None:
    text = "import requests\n\n\ndef f(url):\n    return requests.get(url)\n"
    assert fixed(text, "RES001") == "import requests\n\n\ndef f(url):\n    return requests.get(url, timeout=10)\n"


def test_res001_uses_configured_timeout() -> None:
    text = "import requests\nrequests.get('u')\n"
    assert fixed(text, "RES001", timeouts={"default": 2.5}) == "import requests\nrequests.get('u', timeout=2.5)\n"
    assert fixed(text, "RES001", timeouts={"default": 30}) == "import requests\nrequests.get('u', timeout=30)\n"


def test_res001_edit_is_minimal() -> None:
    text = "import requests\nrequests.get('u')  # why\n"
    finding = finding_of(text, "RES001")
    fix = compute_fix(finding, text, "example.py", settings(), strict=True)
    assert fix is not None
    assert fix.edits == (Edit(Span(1, 16, 1, 16), ", timeout=10"),)


def test_res001_multiline_call_with_trailing_comma_and_comments() -> None:
    text = (
        "import requests\n"
        "\n"
        "def f(url):\n"
        "    return requests.post(  # create\n"
        "        url,  # where\n"
        "        json={\"a\": 1},  # what\n"
        "        # nothing else\n"
        "    )\n"
    )
    assert fixed(text, "RES001") == (
        "import requests\n"
        "\n"
        "def f(url):\n"
        "    return requests.post(  # create\n"
        "        url,  # where\n"
        "        json={\"a\": 1},  # what\n"
        "        timeout=10,\n"
        "        # nothing else\n"
        "    )\n"
    )


# (case, text, text after RES001's fix): the keyword lands in the call's own layout.
RES001_LAYOUTS = [
    ("multiline_without_trailing_comma",
     "import requests\nrequests.get(\n    'u',\n    headers=h\n)\n",
     "import requests\nrequests.get(\n    'u',\n    headers=h,\n    timeout=10\n)\n"),
    ("hanging_indent",
     "import requests\nrequests.get('u',\n             headers=h)\n",
     "import requests\nrequests.get('u',\n             headers=h,\n             timeout=10)\n"),
    ("non_ascii_columns_and_crlf",
     "import requests\r\nx = 'é😀'; requests.get('ü')\r\n",
     "import requests\r\nx = 'é😀'; requests.get('ü', timeout=10)\r\n"),
    ("parenthesized_callee_and_tabs",
     "import requests\nif True:\n\t(requests.get)('u')\n",
     "import requests\nif True:\n\t(requests.get)('u', timeout=10)\n"),
    ("keyword_goes_before_double_star",
     "import requests\nrequests.get(*a)\n",
     "import requests\nrequests.get(*a, timeout=10)\n"),
    ("generator_argument_gets_parentheses",
     "import socket\nsocket.create_connection(x for x in y)\n",
     "import socket\nsocket.create_connection((x for x in y), timeout=10)\n"),
    ("no_trailing_newline",
     "import requests\nrequests.get('u')",
     "import requests\nrequests.get('u', timeout=10)"),
]


@pytest.mark.parametrize("text,expected", [c[1:] for c in RES001_LAYOUTS], ids=[c[0] for c in RES001_LAYOUTS])
def test_res001_layout(text: str, expected: str) -> None:
    assert fixed(text, "RES001") == expected


def test_res001_in_a_large_class() -> None:
    body = "".join(f"    def m{i}(self):\n        return {i}\n\n" for i in range(50))
    text = f"import requests\n\nclass C:\n{body}    def go(self):\n        requests.get('u')\n"
    new = fixed(text, "RES001")
    assert new == text.replace("requests.get('u')", "requests.get('u', timeout=10)")


# ----- imports --------------------------------------------------------------------------------
def _ensure(src: str, module: str, name: str | None) -> tuple[str, str]:
    tree, spelled = ensure_import(cst.parse_module(src), module, name)
    code = tree.code
    compile(code, "x", "exec")
    return code, spelled


def test_import_after_docstring_and_future() -> None:
    src = '"""Doc."""\nfrom __future__ import annotations\n\nimport os\n\nimport requests\n\n\ndef f():\n    pass\n'
    code, spelled = _ensure(src, "tenacity", "stop_after_attempt")
    assert spelled == "stop_after_attempt"
    assert code == (
        '"""Doc."""\nfrom __future__ import annotations\n\nimport os\n\nimport requests\n'
        "from tenacity import stop_after_attempt\n\n\ndef f():\n    pass\n"
    )
    code, spelled = _ensure(src, "asyncio", None)
    assert spelled == "asyncio"
    assert code.startswith('"""Doc."""\nfrom __future__ import annotations\n\nimport asyncio\nimport os\n\nimport requests\n')


def test_import_docstring_future_and_no_other_imports() -> None:
    src = '"""Doc."""\nfrom __future__ import annotations\n\n\ndef f():\n    pass\n'
    code, _ = _ensure(src, "asyncio", None)
    assert code == '"""Doc."""\nfrom __future__ import annotations\n\nimport asyncio\n\n\ndef f():\n    pass\n'


def test_import_reuses_module_alias() -> None:
    src = "import tenacity as t\n\nx = 1\n"
    assert _ensure(src, "tenacity", "stop_after_attempt") == (src, "t.stop_after_attempt")
    assert _ensure("import tenacity\n", "tenacity", "stop_after_attempt") == ("import tenacity\n", "tenacity.stop_after_attempt")
    assert _ensure("import asyncio as aio\n", "asyncio", None) == ("import asyncio as aio\n", "aio")
    assert _ensure("import urllib.request\n", "urllib.request", None) == ("import urllib.request\n", "urllib.request")


def test_import_reuses_existing_name_and_alias() -> None:
    src = "from tenacity import stop_after_attempt as saa\n"
    assert _ensure(src, "tenacity", "stop_after_attempt") == (src, "saa")
    assert _ensure("from urllib import request\n", "urllib.request", None) == ("from urllib import request\n", "request")


def test_import_extends_from_import() -> None:
    assert _ensure("from tenacity import retry\n", "tenacity", "stop_after_attempt") == (
        "from tenacity import retry, stop_after_attempt\n", "stop_after_attempt")
    assert _ensure("from tenacity import retry, wait_fixed\n", "tenacity", "stop_after_attempt")[0] == (
        "from tenacity import retry, stop_after_attempt, wait_fixed\n")
    src = "from tenacity import (\n    retry,\n    wait_fixed,  # why\n)\n"
    assert _ensure(src, "tenacity", "stop_after_attempt")[0] == (
        "from tenacity import (\n    retry,\n    stop_after_attempt,\n    wait_fixed,  # why\n)\n")
    src = "from tenacity import (wait_fixed,\n                      retry)\n"
    assert _ensure(src, "tenacity", "stop_after_attempt")[0] == (
        "from tenacity import (wait_fixed,\n                      retry,\n                      stop_after_attempt)\n")


def test_import_no_imports_at_all() -> None:
    assert _ensure("x = 1\n", "tenacity", "retry") == ("from tenacity import retry\n\nx = 1\n", "retry")
    assert _ensure("def f():\n    pass\n", "asyncio", None)[0] == "import asyncio\n\n\ndef f():\n    pass\n"
    assert _ensure("#!/usr/bin/env python\n# c\n\nx = 1\n", "asyncio", None)[0] == (
        "#!/usr/bin/env python\n# c\n\nimport asyncio\n\nx = 1\n")
    assert _ensure('"""Doc."""\n\n# helper\ndef f():\n    pass\n', "asyncio", None)[0] == (
        '"""Doc."""\n\nimport asyncio\n\n\n# helper\ndef f():\n    pass\n')
    assert _ensure("", "asyncio", None)[0] == "import asyncio\n"
    assert _ensure('"""Doc."""\n', "asyncio", None)[0] == '"""Doc."""\n\nimport asyncio\n'


def test_import_crlf_file() -> None:
    src = '"""Doc."""\r\nimport os\r\n\r\nimport requests\r\n\r\nx = 1\r\n'
    code, _ = _ensure(src, "tenacity", "retry")
    assert code == '"""Doc."""\r\nimport os\r\n\r\nimport requests\r\nfrom tenacity import retry\r\n\r\nx = 1\r\n'
    assert "\n" not in code.replace("\r\n", "")


def test_import_sections_and_order() -> None:
    assert _ensure("import os\nimport sys\n", "asyncio", None)[0] == "import asyncio\nimport os\nimport sys\n"
    assert _ensure("import requests\n", "asyncio", None)[0] == "import asyncio\n\nimport requests\n"
    assert _ensure("import os\n", "tenacity", "retry")[0] == "import os\n\nfrom tenacity import retry\n"
    # an unsorted block: appended at the end of its section
    assert _ensure("import sys\nimport os\n", "asyncio", None)[0] == "import sys\nimport os\nimport asyncio\n"
    # the comment above the first import stays above the block
    assert _ensure("# stdlib\nx = 1\nimport os\n", "asyncio", None)[0] == "# stdlib\nx = 1\nimport asyncio\nimport os\n"


def test_import_name_taken_falls_back_to_module() -> None:
    code, spelled = _ensure("import os\n\ndef stop_after_attempt():\n    pass\n", "tenacity", "stop_after_attempt")
    assert spelled == "tenacity.stop_after_attempt"
    assert "import tenacity\n" in code


def test_import_only_once_through_a_fix() -> None:
    text = (
        "from tenacity import retry\n\n\n"
        "@retry\ndef a():\n    pass\n\n\n"
        "@retry\ndef b():\n    pass\n"
    )
    new, applied, remaining = fix_all(text, "example.py", settings(), unsafe=True, codes={"RES010"})
    assert applied == 2
    assert new.count("stop_after_attempt") == 3
    assert new.startswith("from tenacity import retry, stop_after_attempt\n")
    assert not [f for f in remaining if f.code == "RES010"]


def test_fix_with_import_alias() -> None:
    text = "import tenacity as t\n\n\n@t.retry(wait=t.wait_random(0, 1))\ndef a():\n    pass\n"
    assert fixed(text, "RES010") == (
        "import tenacity as t\n\n\n@t.retry(wait=t.wait_random(0, 1), stop=t.stop_after_attempt(3))\ndef a():\n    pass\n"
    )


# ----- transforms -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("src", "want"),
    [
        ("f()", "f(timeout=10)"),
        ("f(a)", "f(a, timeout=10)"),
        ("f(a,b)", "f(a,b,timeout=10)"),
        ("f(a, b,)", "f(a, b, timeout=10,)"),
        ("f(\n    a,\n    b,\n)", "f(\n    a,\n    b,\n    timeout=10,\n)"),
        ("f(\n    a,\n    b\n)", "f(\n    a,\n    b,\n    timeout=10\n)"),
        ("f(\n    a  # c\n)", "f(\n    a,  # c\n    timeout=10\n)"),
        ("f(\n    a,  # c\n)", "f(\n    a,  # c\n    timeout=10,\n)"),
        ("f(a, **kw)", "f(a, timeout=10, **kw)"),
        ("f(x for x in y)", "f((x for x in y), timeout=10)"),
    ],
)
def test_add_keyword_layouts(src: str, want: str) -> None:
    assert add_kw(src) == want


def test_other_transforms() -> None:
    def code(node: cst.CSTNode) -> str:
        return cst.Module([]).code_for_node(node)

    call = cst.parse_expression("f(a, timeout=None, b=1)")
    assert code(replace_keyword_value(call, "timeout", "10")) == "f(a, timeout=10, b=1)"
    assert code(remove_keyword(call, "timeout")) == "f(a, b=1)"
    assert code(remove_keyword(cst.parse_expression("f(\n    a,\n    timeout=None,\n)"), "timeout")) == "f(\n    a,\n)"
    assert code(remove_keyword(cst.parse_expression("f(timeout=None)"), "timeout")) == "f()"
    assert code(rename_callee(cst.parse_expression("yaml.load(s)"), "safe_load")) == "yaml.safe_load(s)"
    assert code(rename_callee(cst.parse_expression("load(s)"), "yaml.safe_load")) == "yaml.safe_load(s)"
    assert code(to_thread(cst.parse_expression("requests.get(url, timeout=3)"))) == (
        "await asyncio.to_thread(requests.get, url, timeout=3)")
    assert code(to_thread(cst.parse_expression("sum(x for x in y)"))) == "await asyncio.to_thread(sum, (x for x in y))"
    assert code(to_thread(cst.parse_expression("f(\n    a,\n)"))) == "await asyncio.to_thread(\n    f,\n    a,\n)"
    assert code(awaited(cst.parse_expression("time.sleep(1)"), "asyncio.sleep")) == "await asyncio.sleep(1)"
    deco = cst.Decorator(decorator=cst.parse_expression("retry"))
    assert code(decorator_add_keyword(deco, "stop", "s(3)")) == "@retry(stop=s(3))\n"
    fn = cst.parse_statement("@a\ndef f():\n    pass\n")
    assert isinstance(fn, cst.FunctionDef)
    assert code(add_decorator(fn, "b")) == "@a\n@b\ndef f():\n    pass\n"
    assert code(add_decorator(fn, "b", outermost=True)) == "@b\n@a\ndef f():\n    pass\n"
    assert number(10.0) == "10" and number(2.5) == "2.5" and number(3) == "3"
    assert split_keyword("timeout=10.0") == ("timeout", "10")
    assert split_keyword("10.0") == (None, "10")
    assert code_numbers("aiohttp.ClientTimeout(total=10.0)") == "aiohttp.ClientTimeout(total=10)"


# ----- documents and edits -------------------------------------------------------------------------
def test_node_at_matches_ast_spans() -> None:
    text = "x = 'é😀'; (requests.get)(u)\ny = ((a.b))\n"
    doc = FixDocument(text)
    call = doc.call_at(Span(0, 11, 0, 23))
    assert isinstance(call, cst.Call) and doc.code_for(call.func) == "(requests.get)"
    node = doc.node_at(Span(1, 6, 1, 9))
    assert isinstance(node, cst.Attribute)
    assert doc.node_at(Span(1, 5, 1, 9)) is None


def test_edits_between_are_trimmed() -> None:
    old = "a = 1\nb = f(x)\nc = 3\n"
    assert edits_between(old, "a = 1\nb = f(x, y)\nc = 3\n") == (Edit(Span(1, 7, 1, 7), ", y"),)
    assert edits_between(old, old) == ()
    assert edits_between("a\r\nb\r\n", "a\r\nz\r\nb\r\n") == (Edit(Span(1, 0, 1, 0), "z\r\n"),)
    new = "import x\na = 1\nb = f(x, y)\nc = 3\n"
    assert apply_edits(old, edits_between(old, new)) == new


def test_apply_edits() -> None:
    text = "ab\ncd\n"
    assert apply_edits(text, [Edit(Span(0, 1, 0, 1), "X"), Edit(Span(1, 0, 1, 2), "Y")]) == "aXb\nY\n"
    assert apply_edits(text, [Edit(Span(1, 2, 2, 0), "")]) == "ab\ncd"
    with pytest.raises(ValueError):
        apply_edits(text, [Edit(Span(0, 0, 0, 2), "X"), Edit(Span(0, 1, 0, 1), "Y")])
    with pytest.raises(ValueError):
        apply_edits(text, [Edit(Span(0, 1, 0, 1), "X"), Edit(Span(0, 1, 0, 1), "Y")])
    with pytest.raises(ValueError):
        apply_edits(text, [Edit(Span(0, 5, 0, 5), "X")])


def test_compute_fix_without_hook_or_unparsable() -> None:
    text = "import requests\nrequests.get('u', timeout=None)\n"
    fake = Finding("RES998", "x", Span(0, 0, 0, 0), Severity.ERROR)
    assert compute_fix(fake, text) is None
    bad = Finding("RES001", "x", Span(0, 0, 0, 1), Severity.WARNING)
    assert compute_fix(bad, "def f(:\n") is None
    assert compute_fix(bad, text, strict=True) is None  # no call there


def test_fix_all_safe_only_by_default() -> None:
    text = (
        "import logging\nimport requests\n\nlogger = logging.getLogger(__name__)\n\n\n"
        "def f(url):\n    try:\n        requests.get(url)\n    except Exception:\n        logger.error('failed')\n"
    )
    new, applied, remaining = fix_all(text, "example.py", settings())
    assert applied == 1 and "logger.exception('failed')" in new and "timeout" not in new
    assert [f.code for f in remaining if f.code in ("RES001", "RES022")] == ["RES001"]
    new, applied, remaining = fix_all(text, "example.py", settings(), unsafe=True)
    assert applied == 2 and "requests.get(url, timeout=10)" in new
    assert fix_all(new, "example.py", settings(), unsafe=True)[1] == 0


def test_fix_all_conflicting_fixes_take_several_rounds() -> None:
    text = "import tenacity\n\n\n@tenacity.retry\ndef f():\n    pass\n"
    new, applied, remaining = fix_all(text, "example.py", settings(), unsafe=True)
    assert applied == 3
    assert not [f for f in remaining if f.code in ("RES010", "RES011", "RES012")]
    ast.parse(new)
    assert "stop=tenacity.stop_after_attempt(3)" in new
    assert "wait=tenacity.wait_exponential_jitter(max=10)" in new
    assert "retry=tenacity.retry_if_exception_type((ConnectionError, TimeoutError))" in new


def test_libcst_stays_off_the_diagnostics_path() -> None:
    code = (
        "import sys\n"
        "from resilint.rules.engine import analyze\n"
        "from resilint.rules.settings import FileSettings, Options\n"
        "s = FileSettings(Options.model_validate({'select': ['ALL']}))\n"
        "analyze('import requests\\nrequests.get(1)\\n', 'x.py', s)\n"
        "assert 'libcst' not in sys.modules, 'libcst imported while analysing'\n"
        "assert not [m for m in sys.modules if m.startswith('resilint.rules.fixes')]\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# ----- the hooks of the other simple keyword rules ---------------------------------------
@pytest.mark.parametrize(
    ("code", "src", "want"),
    [
        ("RES002", "import requests\nrequests.get('u', timeout=None)\n", "import requests\nrequests.get('u', timeout=10)\n"),
        ("RES002", "import urllib.request\nurllib.request.urlopen('u', None, None)\n",
         "import urllib.request\nurllib.request.urlopen('u', None, 10)\n"),
        ("RES002", "import requests\nrequests.get('u', timeout=(3, None))\n", "import requests\nrequests.get('u', timeout=(3, 10))\n"),
        ("RES004", "import subprocess\nsubprocess.run(['ls'])\n", "import subprocess\nsubprocess.run(['ls'], timeout=10)\n"),
        ("RES010", "from tenacity import retry\n\n\n@retry\ndef f():\n    pass\n",
         "from tenacity import retry, stop_after_attempt\n\n\n@retry(stop=stop_after_attempt(3))\ndef f():\n    pass\n"),
        ("RES011", "from tenacity import retry, stop_after_attempt\n\n\n@retry(stop=stop_after_attempt(3))\ndef f():\n    pass\n",
         ("from tenacity import retry, stop_after_attempt, wait_exponential_jitter\n\n\n"
          "@retry(stop=stop_after_attempt(3), wait=wait_exponential_jitter(max=10))\ndef f():\n    pass\n")),
        ("RES022", "import logging\ntry:\n    pass\nexcept Exception:\n    logging.error('x')\n",
         "import logging\ntry:\n    pass\nexcept Exception:\n    logging.exception('x')\n"),
        ("RES030", "import time\n\n\nasync def f():\n    time.sleep(1)\n",
         "import asyncio\nimport time\n\n\nasync def f():\n    await asyncio.sleep(1)\n"),
        ("RES030", "import asyncio\nimport requests\n\n\nasync def f(u):\n    return requests.get(u, timeout=3).json()\n",
         "import asyncio\nimport requests\n\n\nasync def f(u):\n    return (await asyncio.to_thread(requests.get, u, timeout=3)).json()\n"),
        ("RES033", "import asyncio\nq = asyncio.Queue()\n", "import asyncio\nq = asyncio.Queue(maxsize=1000)\n"),
        ("RES033", "import queue\nq = queue.Queue(0)\n", "import queue\nq = queue.Queue(1000)\n"),
    ],
)
def test_keyword_rule_fixes(code: str, src: str, want: str) -> None:
    assert fixed(src, code) == want


# ----- partial parsing: top-level statement boundaries without a parse -------------------------------
def _ast_starts(text: str) -> list[int]:
    """First line of each top-level statement (statements sharing a line count once)."""
    tree = ast.parse(text)
    return list(dict.fromkeys(min([n.lineno] + [d.lineno for d in getattr(n, "decorator_list", [])]) - 1 for n in tree.body))


def test_scan_chunks_matches_ast_on_tricky_code() -> None:
    from resilint.rules.fixes.chunks import scan_chunks

    text = (
        '"""Doc\nimport os\n"""\n'
        "import sys  # (\n"
        "s = '''\nx = 1\n'''\n"
        "d = {\n'a': 1,\n}\n"
        "t = 1 + \\\n2\n"
        "@dec\n\n@dec2\ndef f():\n    pass\n"
        "try:\n    pass\nexcept E:\n    pass\nelse:\n    pass\nfinally:\n    pass\n"
        "if a:\n    pass\nelif b:\n    pass\nelse:\n    pass\n"
        "a = 1; b = 2\n"
        "r = rb'\\\\'\n"
        "f'{x!r}'\n"
        "# trailing comment\n"
    )
    chunks = scan_chunks(text)
    assert chunks is not None
    assert [c.code_line for c in chunks] == _ast_starts(text)
    assert [c.kind for c in chunks][:2] == ["docstring", "import"]
    assert chunks[0].start == 0 and chunks[-1].end == text.count("\n")


def test_scan_chunks_matches_ast_on_stdlib() -> None:
    sys.path.insert(0, str(FIXTURES.parent.parent / "bench"))
    from stdlib_corpus import stdlib_files

    from resilint.rules.fixes.chunks import scan_chunks

    checked = 0
    for path in sorted(stdlib_files())[:400]:
        try:
            text = path.read_text(encoding="utf-8")
            want = _ast_starts(text)
        except (UnicodeDecodeError, SyntaxError, ValueError):
            continue
        chunks = scan_chunks(text)
        if chunks is None:
            assert not want or "\f" in text, path
            continue
        assert [c.code_line for c in chunks] == want, path
        checked += 1
    assert checked > 300


def test_partial_document_maps_edits_to_file_lines() -> None:
    body = "".join(f"def f{i}():\n    return {i}\n\n\n" for i in range(300))
    text = '"""Doc."""\nimport os\n\n\n' + body + "from tenacity import retry\n\n\n@retry\ndef last():\n    pass\n"
    finding = finding_of(text, "RES010")
    doc = FixDocument(text, "example.py", settings())
    fix = compute_fix(finding, text, "example.py", settings(), doc=doc, strict=True)
    assert doc.is_view and len(doc.module.body) < 10
    whole = compute_fix(finding, text, "example.py", settings(),
                        doc=FixDocument(text, "example.py", settings(), partial=False), strict=True)
    assert fix == whole
    new = apply_edits(text, fix.edits)
    assert "from tenacity import retry, stop_after_attempt\n" in new
    assert "@retry(stop=stop_after_attempt(3))\ndef last():" in new


def test_refactors() -> None:
    from resilint.rules.fixes.refactors import compute, offers

    text = "import httpx\n\n\nasync def go(client, url):\n    r = await client.get(url)\n    return httpx.get(url)\n"
    doc = FixDocument(text, "example.py", settings())
    doc.focus(Span(5, 14, 5, 14))
    names = [name for name, _ in offers(doc, 5, 14)]
    assert names == ["timeout", "tenacity", "breaker"]
    span = dict(offers(doc, 5, 14))["breaker"]
    new = apply_edits(text, compute(FixDocument(text, "example.py", settings()), "breaker", span).edits)
    assert "go_breaker = aiobreaker.CircuitBreaker(fail_max=5, timeout_duration=timedelta(seconds=60))\n" in new
    assert "@go_breaker\nasync def go" in new
    doc.focus(Span(4, 10, 4, 10))
    [(name, span)] = offers(doc, 4, 10)
    new = apply_edits(text, compute(FixDocument(text, "example.py", settings()), name, span).edits)
    assert "    async with asyncio.timeout(10):\n        r = await client.get(url)\n" in new
    ast.parse(new)


def test_refactor_gate_never_hides_an_offer() -> None:
    """`may_offer` (the list's cheap gate) is true on every line where `offers` finds something,
    and false on lines of calls that no refactor handles."""
    from resilint.rules.fixes.refactors import may_offer, offers

    text = (
        "import requests as rq\nimport urllib.request\nfrom httpx import get as hget\n"
        "from socket import create_connection\nimport json\nfrom httpx import (\n    stream,\n)\n"
        "import os, \\\n    socket as sk\n\n\n"
        "class Big:\n" + "".join(f"    def m{i}(self, x):\n        return json.dumps(x)\n\n" for i in range(50))
        + "    def fetch(self, url):\n        return rq.post(url)\n\n"
        "    async def wait(self, coro):\n        await coro\n\n\n"
        "def f(url, host):\n    hget(url)\n    urllib.request.urlopen(url)\n    create_connection((host, 80))\n"
        "    stream('GET', url)\n    sk.create_connection((host, 80))\n"
        "    return len(json.loads(url))\n"
    )
    tree = ast.parse(text)
    lines = text.splitlines()
    seen = {"offered": 0, "gated": 0}
    for node in ast.walk(tree):
        if not isinstance(node, (ast.Call, ast.Await)):
            continue
        line, col = node.lineno - 1, node.col_offset
        doc = FixDocument(text, "example.py", settings())
        gate = may_offer(doc, lines[line])
        doc.focus(Span(line, col, line, col))
        found = offers(doc, line, col)
        assert gate or not found, f"line {line + 1}: the gate hides {found}"
        seen["offered"] += bool(found)
        seen["gated"] += not gate
    assert seen["offered"] >= 7 and seen["gated"] >= 50


def test_partial_document_puts_an_import_with_the_header_not_above_the_statement() -> None:
    """Found by the whole-stdlib run (distutils/util.py): in a view, the header and the fixed
    def are adjacent, so the added import and the rewritten def came as one replacement and the
    import landed above the def instead of at the end of the imports."""
    text = (
        '"""Doc."""\nimport os\n\n\ndef other():\n    return os.sep\n\n\n'
        'def target():\n    from tempfile import mktemp\n    return mktemp(".py")\n'
    )
    finding = finding_of(text, "SEC012")
    fix = compute_fix(finding, text, "example.py", settings(), strict=True)
    whole = compute_fix(finding, text, "example.py", settings(),
                        doc=FixDocument(text, "example.py", settings(), partial=False), strict=True)
    assert fix == whole
    assert apply_edits(text, fix.edits).startswith('"""Doc."""\nimport os\nfrom tempfile import mkstemp\n\n\ndef other')


def test_check_parses_keeps_an_insertion_with_the_statement_above() -> None:
    """Found by bench/fix_latency.py: RES030 gave `import asyncio` inserted where a def's chunk
    starts and the blank lines above the next import removed; the insertion's chunk group took
    in the def, whose region then swallowed the next edit (ValueError, so no fix offered)."""
    from resilint.rules.fixes.apply import check_parses

    text = (
        "import requests\nimport subprocess\n\n\ndef io(url):\n    return requests.post(url)\n\n\n"
        "import time\n\n\nasync def nap():\n    time.sleep(1)\n"
    )
    edits = (
        Edit(Span(2, 0, 2, 0), "\n\nimport asyncio\n"),
        Edit(Span(6, 0, 8, 0), ""),
        Edit(Span(12, 4, 12, 8), "await asyncio"),
    )
    check_parses(text, edits)
    with pytest.raises(SyntaxError):
        check_parses(text, (*edits[:2], Edit(Span(12, 4, 12, 8), "await (")))
    finding = finding_of(text, "RES030")
    fix = compute_fix(finding, text, "example.py", settings(), strict=True)
    assert fix is not None and "await asyncio.sleep(1)" in apply_edits(text, fix.edits)


def test_whole_file_fix_leaves_lines_libcst_prints_differently() -> None:
    """Found by the whole-stdlib run (webbrowser.py): libcst prints `except (A, B) :` without
    the space, so a whole-file fix diffed against the printed module also "fixed" that line."""
    text = (
        "import time\n\n\ndef old():\n    try:\n        pass\n    except (OSError, ValueError) :\n        pass\n\n\n"
        "async def nap():\n    time.sleep(1)\n"
    )
    finding = finding_of(text, "RES030")
    whole = compute_fix(finding, text, "example.py", settings(),
                        doc=FixDocument(text, "example.py", settings(), partial=False), strict=True)
    assert whole == compute_fix(finding, text, "example.py", settings(), strict=True)
    assert "except (OSError, ValueError) :\n" in apply_edits(text, whole.edits)
