"""The intra-function data-flow layer (rules/flow.py) used by the SEC rules."""
from __future__ import annotations

import ast

import pytest

from resilint.rules import flow
from resilint.rules.context import FileContext
from resilint.rules.engine import Walker
from resilint.rules.model import Rule, Severity
from resilint.rules.settings import FileSettings


class _Probe(Rule):
    """Records flow answers for the first argument of every `probe(...)` call."""

    code = "TST001"
    name = "probe"
    message = "probe"
    severity = Severity.HINT

    def __init__(self, ctx):
        super().__init__(ctx)
        self.answers: list[dict] = []

    def visit_Call(self, node: ast.Call) -> None:
        if isinstance(node.func, ast.Name) and node.func.id == "probe":
            arg = node.args[0]
            self.answers.append({
                "dynamic": flow.is_dynamic_string(self.ctx, arg),
                "constant": flow.is_constant(self.ctx, arg),
                "taint": flow.taint_sources(self.ctx, arg),
                "prefix": flow.literal_prefix(self.ctx, arg),
            })


def probe(source: str) -> list[dict]:
    tree = ast.parse(source)
    ctx = FileContext("probe.py", source, tree, FileSettings.default())
    rule = _Probe(ctx)
    Walker(ctx, [rule]).run()
    return rule.answers


def one(source: str) -> dict:
    answers = probe(source)
    assert len(answers) == 1
    return answers[0]


@pytest.mark.parametrize("source", [
    "def f(x):\n    probe(f'select {x}')\n",
    "def f(x):\n    probe('a %s' % x)\n",
    "def f(x):\n    probe('a {}'.format(x))\n",
    "def f(x):\n    probe('a ' + x)\n",
    "def f(xs):\n    probe(', '.join(xs))\n",
    "def f(x):\n    q = f'select {x}'\n    probe(q)\n",
    "def f(x):\n    q = 'select '\n    q += x\n    probe(q)\n",
    "def f(x):\n    q, n = f'select {x}', 1\n    probe(q)\n",
    "def f(x):\n    a = f'{x}'\n    b = a\n    probe(b)\n",
    "def f(x):\n    if (q := 'a' + x):\n        probe(q)\n",
    "def f(x, c):\n    q = 'a' if c else f'{x}'\n    probe(q)\n",
])
def test_dynamic(source: str) -> None:
    assert one(source)["dynamic"] is True


@pytest.mark.parametrize("source", [
    "def f():\n    probe('select 1')\n",
    "T = 'users'\ndef f():\n    probe(f'select * from {T}')\n",
    "def f():\n    q = 'select ' + 'x'\n    probe(q)\n",
    "def f(x):\n    probe(x)\n",  # a plain parameter is not *built* dynamically
    "def f(x):\n    probe(x + 1)\n",
    "def f(x):\n    probe(sql.SQL('select {}').format(sql.Identifier(x)))\n",
    "def f():\n    q = 'select 1'\n    q += ' limit 1'\n    probe(q)\n",
    "def f(x):\n    def g(y):\n        q = f'{y}'\n    probe('a')\n",
])
def test_not_dynamic(source: str) -> None:
    assert one(source)["dynamic"] is False


def test_constants() -> None:
    assert one("T = 'x'\ndef f():\n    probe(T + 'y')\n")["constant"] is True
    assert one("def f(x):\n    probe(x)\n")["constant"] is False
    assert one("def f():\n    for c in ['a', 'b']:\n        probe(c)\n")["constant"] is True
    assert one("def f(x):\n    for c in x:\n        probe(c)\n")["constant"] is False
    assert one("def f():\n    with open('x') as c:\n        probe(c)\n")["constant"] is False


def test_literal_prefix() -> None:
    assert one("def f(p):\n    probe(f'https://api.example.com/{p}')\n")["prefix"] == "https://api.example.com/"
    assert one("B = 'https://h/'\ndef f(p):\n    probe(B + p)\n")["prefix"] == "https://h/"
    assert one("def f(p):\n    probe(p + '/x')\n")["prefix"] == ""


@pytest.mark.parametrize("source,label", [
    ("from flask import request\ndef v():\n    probe(request.args['u'])\n", "Flask `request.args`"),
    ("from flask import request\ndef v():\n    u = request.args.get('u')\n    probe(u)\n", "Flask `request.args`"),
    ("import flask\ndef v():\n    d = flask.request.get_json()\n    probe(d['u'])\n", "Flask `request.get_json()`"),
    ("from flask import request as rq\ndef v():\n    probe(f\"{rq.form['x']}\")\n", "Flask `request.form`"),
    ("def view(request):\n    probe(request.GET.get('u'))\n", "Django `request.GET`"),
    ("def view(request):\n    body = request.body\n    u, n = body, 1\n    probe(u)\n", "Django `request.body`"),
    ("class V:\n    def get(self):\n        probe(self.request.POST['u'])\n", "Django `request.POST`"),
    ("from starlette.requests import Request\nasync def h(r: Request):\n    probe(r.query_params['u'])\n",
     "`request.query_params`"),
    ("from fastapi import FastAPI\napp = FastAPI()\n@app.get('/x')\ndef h(url: str):\n    probe(url)\n",
     "handler parameter `url`"),
    ("from fastapi import APIRouter\nrouter = APIRouter()\n@router.post('/x')\nasync def h(url: str):\n"
     "    target = url.strip()\n    probe(target)\n", "handler parameter `url`"),
    ("def f():\n    probe(input('url: '))\n", "`input()`"),
    ("import sys\ndef f():\n    probe(sys.argv[1])\n", "`sys.argv`"),
    ("import sys\ndef f():\n    for a in sys.argv:\n        probe(a)\n", "`sys.argv`"),
])
def test_taint(source: str, label: str) -> None:
    assert label in one(source)["taint"]


@pytest.mark.parametrize("source", [
    "def f(url):\n    probe(url)\n",  # not a route handler
    "from fastapi import FastAPI, Depends\napp = FastAPI()\n@app.get('/x')\ndef h(db=Depends(get_db)):\n    probe(db)\n",
    "from fastapi import FastAPI, Request\napp = FastAPI()\n@app.get('/x')\ndef h(request: Request):\n    probe(request)\n",
    "def view(request):\n    probe(request.user)\n",
    "class Req:\n    args = {}\nrequest = Req()\ndef v():\n    probe(request.args)\n",
    "def f(request):\n    request = {}\n    probe(request.GET)\n",
    "CONFIG = {'u': 'x'}\ndef f():\n    probe(CONFIG['u'])\n",
])
def test_not_tainted(source: str) -> None:
    assert one(source)["taint"] == ()


def test_flow_is_cached_per_function() -> None:
    source = "def f(x):\n    q = f'{x}'\n    probe(q)\n    probe(q)\n"
    tree = ast.parse(source)
    ctx = FileContext("p.py", source, tree, FileSettings.default())
    rule = _Probe(ctx)
    Walker(ctx, [rule]).run()
    cache = getattr(ctx, "_resilint_flow_cache")
    fn = tree.body[0]
    # Only functions are cached: module-level names are read from the binder table per query.
    assert id(fn) in cache and len(cache) == 1


def test_self_referencing_locals_stay_linear() -> None:
    # Many self-referencing definitions must not make the queries exponential.
    body = "".join(f"    s = s + a{i}\n" for i in range(30))
    source = "def f(a0" + "".join(f", a{i}" for i in range(1, 30)) + "):\n    s = 'x'\n" + body + "    probe(s)\n"
    answer = one(source)
    assert answer["dynamic"] is True and answer["constant"] is False
