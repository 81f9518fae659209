"""SEC007 debug-enabled."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING
from pathlib import PurePath

from ..context import keyword
from ..model import Finding, Fix, Rule, Severity
from ..names import Binding

if TYPE_CHECKING:
    from ..fixes.document import FixDocument

#: qualname -> keywords that switch the debugger on
_DEBUG_KWARGS: dict[str, tuple[str, ...]] = {
    "flask.Flask().run": ("debug", "use_debugger"),
    "fastapi.FastAPI": ("debug",),
    "starlette.applications.Starlette": ("debug",),
    "werkzeug.serving.run_simple": ("use_debugger",),
    "werkzeug.run_simple": ("use_debugger",),
}


class DebugEnabled(Rule):
    code = "SEC007"
    name = "debug-enabled"
    message = (
        "{what} turns the debug mode on: tracebacks, settings and (with Werkzeug) an interactive "
        "console are exposed to anyone who can reach the app"
    )
    severity = Severity.WARNING
    refs = ("H10",)
    owasp = ("A05",)
    cwe = ("CWE-489", "CWE-215")
    fix_applicability = "unsafe"
    fix_title = "Read the debug flag from the environment"
    callees = frozenset(_DEBUG_KWARGS)

    docs = """
## What it does
Checks for debug mode switched on with a literal: Flask `app.run(debug=True)`, Werkzeug
`use_debugger=True`, `FastAPI(debug=True)`/`Starlette(debug=True)`, and `DEBUG = True` in a
Django settings module (`settings.py`, a module inside a `settings/` package, or a module
assigning both `SECRET_KEY` and `INSTALLED_APPS`). Values read from the environment or
configuration are not flagged.

## Why is this bad?
Debug pages print stack traces with local variables, settings and SQL; the Werkzeug
debugger gives a Python console to whoever triggers an error (guide: H10; OWASP A05 security
misconfiguration; CWE-489, CWE-215). A hard-coded `True` ships to production with the next
deploy.

## Example
```python
from flask import Flask

app = Flask(__name__)

if __name__ == "__main__":
    app.run(debug=True)
```

## Use instead
```python
import os

from flask import Flask

app = Flask(__name__)

if __name__ == "__main__":
    app.run(debug=os.environ.get("FLASK_DEBUG") == "1")
```

## Fix safety
The fix replaces the literal `True` with `os.environ.get("<NAME>", "") == "1"` (`DEBUG` for
Django, `FLASK_DEBUG` for Flask/Werkzeug, `APP_DEBUG` for FastAPI/Starlette) and adds
`import os`. It is **unsafe**: local development loses the debugger until the variable is set.

## References
- [Flask: debug mode](https://flask.palletsprojects.com/en/latest/debugging/)
- [Django: DEBUG setting](https://docs.djangoproject.com/en/stable/ref/settings/#debug)
- [CWE-489: Active Debug Code](https://cwe.mitre.org/data/definitions/489.html)
- Guide: H10; OWASP A05
"""

    valid = (
        "import os\nfrom flask import Flask\napp = Flask(__name__)\napp.run(debug=os.environ.get('DEBUG') == '1')\n",
        "from flask import Flask\napp = Flask(__name__)\napp.run(debug=False)\n",
        "from fastapi import FastAPI\napp = FastAPI(debug=settings.DEBUG)\n",
        "DEBUG = True\n",  # not a Django settings module
        "import os\nSECRET_KEY = os.environ['K']\nINSTALLED_APPS = []\nDEBUG = os.environ.get('DEBUG') == '1'\n",
        "class App:\n    def run(self, debug=False): ...\nApp().run(debug=True)\n",
    )
    invalid = (
        "from flask import Flask\napp = Flask(__name__)\napp.run(debug=True)\n",
        "import flask\napp = flask.Flask(__name__)\nif __name__ == '__main__':\n    app.run('127.0.0.1', 5000, debug=True)\n",
        "from fastapi import FastAPI as API\napp = API(debug=True)\n",
        "from werkzeug.serving import run_simple\nrun_simple('localhost', 5000, app, use_debugger=True)\n",
        "import os\nSECRET_KEY = os.environ['K']\nINSTALLED_APPS = ['django.contrib.admin']\nDEBUG = True\n",
    )

    @classmethod
    def make_fix(cls, finding: Finding, doc: "FixDocument") -> Fix | None:
        import libcst as cst

        from ..fixes.transforms import replace_code

        what = finding.data.get("what", "")
        if "Django" in what:
            env = "DEBUG"
        elif "flask" in what or "werkzeug" in what:
            env = "FLASK_DEBUG"
        else:
            env = "APP_DEBUG"
        arg = doc.node_at(finding.span, cst.Arg)
        if arg is not None:
            node = arg.value
        else:
            assign = doc.node_at(finding.span, cst.Assign)
            if assign is None:
                return None
            node = assign.value
        if not (isinstance(node, cst.Name) and node.value == "True"):
            return None
        code = '{0}.environ.get("%s", "") == "1"' % env
        return doc.replace(
            node, lambda os_: replace_code(node, code.format(os_)),
            f'Read the debug flag from `os.environ["{env}"]`', "unsafe", [("os", None)],
        )

    def check_call(self, call: ast.Call, callee: Binding) -> None:
        name = callee.qualname
        assert name is not None
        for kwname in _DEBUG_KWARGS[name]:
            kw = keyword(call, kwname)
            if kw is not None and isinstance(kw.value, ast.Constant) and kw.value.value is True:
                self.report(kw, what=f"`{kwname}=True` on `{name.replace('()', '')}`")

    def visit_Assign(self, node: ast.Assign) -> None:
        if self.ctx.function is not None or len(self.ctx.scopes) != 1:
            return
        if not (isinstance(node.value, ast.Constant) and node.value.value is True):
            return
        if not any(isinstance(t, ast.Name) and t.id == "DEBUG" for t in node.targets):
            return
        if self._is_django_settings():
            self.report(node, what="`DEBUG = True` in a Django settings module")

    def _is_django_settings(self) -> bool:
        path = PurePath(self.ctx.path)
        if path.name == "settings.py" or "settings" in path.parts[:-1]:
            return True
        if not self.ctx.text_has(("SECRET_KEY",)) or not self.ctx.text_has(("INSTALLED_APPS",)):
            return False
        assigned: set[str] = set()
        for stmt in self.ctx.tree.body:
            if isinstance(stmt, ast.Assign):
                assigned.update(t.id for t in stmt.targets if isinstance(t, ast.Name))
            elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                assigned.add(stmt.target.id)
        return {"SECRET_KEY", "INSTALLED_APPS"} <= assigned
