"""LLM004 unvalidated-llm-output."""
from __future__ import annotations

import ast
import re

from ..flow import literal_prefix
from ..model import Rule, Severity
from ..names import Binding
from ._flow import MODEL, TOOL_NAME, may_have_model_output, origins

_CODE = "a prompt-injected answer runs as Python code in your process"
_SHELL = "a prompt-injected answer runs as a shell command"
_SQL = "a prompt-injected answer runs as SQL against your database"
_PICKLE = "a crafted answer deserializes into arbitrary objects (code execution)"
_HTML = "a crafted answer renders as live markup or template code (XSS, template injection)"
_PATH = "a crafted answer chooses which file is read or written (path traversal)"

#: Sinks: qualname -> (keyword name of the dangerous argument, consequence). Argument 0 otherwise.
SINKS: dict[str, tuple[str | None, str]] = {
    "builtins.eval": ("source", _CODE),
    "builtins.exec": ("source", _CODE),
    "builtins.compile": ("source", _CODE),
    "os.system": ("command", _SHELL),
    "os.popen": ("cmd", _SHELL),
    "subprocess.run": ("args", _SHELL),
    "subprocess.call": ("args", _SHELL),
    "subprocess.check_call": ("args", _SHELL),
    "subprocess.check_output": ("args", _SHELL),
    "subprocess.Popen": ("args", _SHELL),
    "subprocess.getoutput": ("cmd", _SHELL),
    "subprocess.getstatusoutput": ("cmd", _SHELL),
    "asyncio.create_subprocess_shell": ("cmd", _SHELL),
    "asyncio.create_subprocess_exec": ("program", _SHELL),
    "pickle.loads": ("data", _PICKLE),
    "pickle.load": ("file", _PICKLE),
    "dill.loads": ("str", _PICKLE),
    "flask.render_template_string": ("source", _HTML),
    "jinja2.Template": ("source", _HTML),
    "markupsafe.Markup": ("base", _HTML),
    "flask.Markup": ("base", _HTML),
    "jinja2.Markup": ("base", _HTML),
    "django.utils.safestring.mark_safe": ("s", _HTML),
    "builtins.open": ("file", _PATH),
    "sqlalchemy.text": ("text", _SQL),
    "sqlalchemy.sql.text": ("text", _SQL),
}
#: `.execute(sql)`-like methods on any receiver (DB cursors, connections, sessions, engines).
_EXECUTE_METHODS = frozenset({"execute", "executemany", "executescript", "exec_driver_sql"})
#: Receivers that are DB handles: resolved driver roots (as SEC003), or the conventional names of a
#: cursor/connection/session held in a local or parameter (`cursor.execute(sql)`).
_DB_ROOTS = (
    "sqlite3.", "psycopg.", "psycopg2.", "pymysql.", "MySQLdb.", "mysql.connector.", "sqlalchemy.", "asyncpg.",
    "aiosqlite.", "aiomysql.", "aiopg.", "oracledb.", "pyodbc.", "duckdb.", "django.db.connection",
    "sqlmodel.", "flask_sqlalchemy.",
)
_DB_NAMES = frozenset({"cursor", "cur", "conn", "connection", "con", "db", "session", "engine", "dbsession",
                       "db_session", "database"})
_SQL_PREFIX = re.compile(
    r"\s*\(?\s*(SELECT|INSERT|UPDATE|DELETE|WITH|CREATE|ALTER|DROP|MERGE|REPLACE|TRUNCATE)\b", re.IGNORECASE
)


class UnvalidatedLlmOutput(Rule):
    code = "LLM004"
    name = "unvalidated-llm-output"
    message = "Model output reaches `{sink}` unvalidated: {consequence}"
    severity = Severity.ERROR
    refs = ("C7",)
    owasp = ("LLM02", "LLM05")
    cwe = ("CWE-94",)
    callees = frozenset(SINKS)

    docs = """
## What it does
Checks for model output flowing, within a function, into a dangerous sink: `eval`/`exec`,
`os.system`/`subprocess`, SQL `execute` (and `sqlalchemy.text`), `pickle.loads`,
`render_template_string`/`Markup`/`mark_safe`, or the path of `open(...)`. Model output is
the response of an OpenAI, Anthropic, litellm or LangChain call and anything read from it
(`.choices[...].message.content`, `.output_text`, `.content[...].text`, `.invoke(...)`,
`.content`, tool-call arguments), also through local variables, string building and
`json.loads`.

## Why is this bad?
A model's answer is attacker-controlled as soon as any text it read was: a web page, an
e-mail, a document, a user message. Executing it, running it as SQL or a shell command,
deserializing it or rendering it as HTML turns a prompt injection into remote code
execution, data theft or XSS (OWASP LLM05 improper output handling, LLM02; guide: C7
untrusted text → injected instructions).

`json.loads` alone is not validation. Output parsed into a pydantic model
(`Model.model_validate(_json)`, `TypeAdapter(...).validate_python/json`), checked with
`jsonschema.validate(value, schema)`, or tested against an allow-list (`if value in
ALLOWED`) before the sink is not flagged.

## Example
```python
def run_report(client, cursor, question):
    response = client.chat.completions.create(
        model="gpt-4o", max_tokens=300,
        messages=[{"role": "user", "content": f"Write SQL for: {question}"}],
    )
    cursor.execute(response.choices[0].message.content)
```

## Use instead
```python
from typing import Literal

from pydantic import BaseModel

class ReportQuery(BaseModel):
    metric: Literal["revenue", "signups"]
    days: int

def run_report(client, cursor, question):
    response = client.chat.completions.create(
        model="gpt-4o", max_tokens=300, response_format={"type": "json_object"},
        messages=[{"role": "user", "content": question}],
    )
    query = ReportQuery.model_validate_json(response.choices[0].message.content)
    cursor.execute(QUERIES[query.metric], (query.days,))
```

## Fix safety
There is no automatic fix: the safe shape depends on what the output is for. Parse it into
a pydantic model with the narrowest types that work (`Literal`, enums, bounded ints), and map
the validated fields onto code you wrote (an allow-list of commands, parametrised queries,
escaped templates).

## References
- [OWASP Top 10 for LLM Applications: LLM05 Improper Output Handling](https://genai.owasp.org/llmrisk/llm052025-improper-output-handling/)
- [pydantic: Validating data](https://docs.pydantic.dev/latest/concepts/models/#validating-data)
- Guide: C7
"""

    valid = (
        "import json\nfrom pydantic import BaseModel\nclass Cmd(BaseModel):\n    name: str\n"
        "def f(client, cursor):\n    r = client.chat.completions.create(model='m', messages=[], max_tokens=9)\n"
        "    cmd = Cmd.model_validate_json(r.choices[0].message.content)\n    cursor.execute(QUERIES[cmd.name])\n",
        "import jsonschema, json, subprocess\ndef f(r):\n    data = json.loads(r.output_text)\n"
        "    jsonschema.validate(data, SCHEMA)\n    subprocess.run(data['argv'], timeout=5)\n",
        "import subprocess\nALLOWED = {'ls', 'df'}\ndef f(r):\n    cmd = r.choices[0].message.content.strip()\n"
        "    if cmd not in ALLOWED:\n        raise ValueError(cmd)\n    subprocess.run([cmd], timeout=5)\n",
        "def f(cursor, name):\n    cursor.execute('SELECT * FROM t WHERE name = %s', (name,))\n",
        "def f(r):\n    print(r.choices[0].message.content)\n",
        "def f(r):\n    with open('answer.txt', 'w') as fh:\n        fh.write(r.output_text)\n",
    )
    invalid = (
        "def f(r):\n    return eval(r.choices[0].message.content)\n",
        "from openai import OpenAI\nclient = OpenAI()\ndef f(q, cursor):\n"
        "    r = client.chat.completions.create(model='m', messages=[], max_tokens=9)\n"
        "    sql = r.choices[0].message.content\n    cursor.execute(sql)\n",
        "import os\ndef f(r):\n    os.system(r.output_text)\n",
        "import subprocess as sp\ndef f(msg):\n    sp.run(['sh', '-c', msg.content[0].text], timeout=5)\n",
        "import json, pickle, base64\ndef f(r):\n    blob = json.loads(r.output_text)['blob']\n    return pickle.loads(base64.b64decode(blob))\n",
        "from flask import render_template_string\ndef f(r):\n    return render_template_string(r.choices[0].message.content)\n",
        "from langchain_openai import ChatOpenAI\nllm = ChatOpenAI()\ndef f(q):\n"
        "    answer = llm.invoke(q).content\n    return open(answer).read()\n",
        "from markupsafe import Markup\ndef f(r):\n    html = f'<div>{r.output_text}</div>'\n    return Markup(html)\n",
    )

    def __init__(self, ctx) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ctx)
        self._active = may_have_model_output(ctx)

    def check_call(self, call: ast.Call, callee: Binding) -> None:
        if not self._active:
            return
        name = callee.qualname
        assert name is not None
        kwname, consequence = SINKS[name]
        self._check(call, kwname, name, consequence)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if not (isinstance(func, ast.Attribute) and func.attr in _EXECUTE_METHODS) or not node.args or not self._active:
            return
        if self.ctx.function is None or not self._db_receiver(func.value, node.args[0]):
            return
        shown = ast.unparse(func)
        self._check(node, None, shown if len(shown) <= 40 else f".{func.attr}", _SQL)

    def _db_receiver(self, receiver: ast.expr, sql: ast.expr) -> bool:
        resolved = self.ctx.qualname(receiver)
        if resolved is not None:
            return resolved.startswith(_DB_ROOTS)
        last = receiver.attr if isinstance(receiver, ast.Attribute) else getattr(receiver, "id", None)
        if last is not None and last.lower().lstrip("_") in _DB_NAMES:
            return True
        return bool(_SQL_PREFIX.match(literal_prefix(self.ctx, sql)))

    def _check(self, call: ast.Call, kwname: str | None, sink: str, consequence: str) -> None:
        arg: ast.expr | None = call.args[0] if call.args else None
        if arg is None and kwname is not None:
            arg = next((kw.value for kw in call.keywords if kw.arg == kwname), None)
        if arg is None or isinstance(arg, (ast.Constant, ast.Starred)):
            return
        found = origins(self.ctx, arg)
        kinds = {o.kind for o in found}
        if MODEL not in kinds:
            return
        if sink == "builtins.eval":
            parent = self.ctx.parent
            if TOOL_NAME in kinds or (isinstance(parent, ast.Call) and parent.func is call):
                return  # a function looked up by a model-chosen name: LLM006's
        self.report(arg, sink=sink.replace("builtins.", "").replace("()", ""), consequence=consequence)
