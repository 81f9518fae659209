"""SEC005 dynamic-code-execution."""
from __future__ import annotations

import ast

from ..context import keyword
from ..flow import is_constant
from ..model import Confidence, Rule, Severity
from ..names import Binding

_CALLEES = frozenset({"builtins.eval", "builtins.exec", "builtins.compile"})


class DynamicCodeExecution(Rule):
    code = "SEC005"
    name = "dynamic-code-execution"
    message = (
        "`{callee}` runs code that is not a literal: if any part of it comes from input, an attacker "
        "can execute arbitrary Python in this process"
    )
    severity = Severity.ERROR
    refs = ("H10",)
    owasp = ("A03",)
    cwe = ("CWE-95",)
    callees = _CALLEES

    docs = """
## What it does
Checks for `eval`, `exec` and `compile` called with anything but a literal: a variable, a
parameter, an f-string, a concatenation. Values are followed through local variables, so a
string assigned from literals (or a module-level string constant) first is still a literal.

## Why is this bad?
`eval`/`exec` give whoever controls the string the full power of the interpreter: reading
environment secrets, opening sockets, running shell commands (guide: H10; OWASP A03
injection; CWE-95). Parsing data with `eval` is the classic case: `ast.literal_eval`,
`json.loads` or a real parser do the job without executing anything.

## Example
```python
def parse_filter(raw):
    return eval(raw)  # "{'status': 'open'}"
```

## Use instead
```python
import ast

def parse_filter(raw):
    return ast.literal_eval(raw)
```

## Fix safety
There is no automatic fix: `ast.literal_eval` is only right when the string is data. Parse data
with `ast.literal_eval` or `json.loads`; replace `eval`/`exec` of expressions with an explicit
dispatch (a dict of allowed operations).

## References
- [ast.literal_eval](https://docs.python.org/3/library/ast.html#ast.literal_eval)
- [CWE-95: Eval Injection](https://cwe.mitre.org/data/definitions/95.html)
- Guide: H10; OWASP A03
"""

    review_tier = """
- `compile()` of a non-literal source on its own: compiling executes nothing (a syntax check, or a
  code object inspected rather than run). `exec(compile(...))` / `eval(compile(...))` stay in the
  default tier, reported on the `exec` / `eval`.
"""

    review_examples = (
        "def f(path):\n    with open(path) as fh:\n        code = compile(fh.read(), path, 'exec')\n",
        "def syntax_ok(src):\n    try:\n        compile(src, '<lint>', 'exec')\n    except SyntaxError:\n        return False\n"
        "    return True\n",
    )

    valid = (
        "import ast\nast.literal_eval(text)\n",
        "eval('1 + 2')\n",
        "CODE = 'x = 1'\ndef f():\n    exec(CODE)\n",
        "def f():\n    src = 'print(1)'\n    code = compile(src, '<s>', 'exec')\n",
        "class Interp:\n    def eval(self, s): ...\nInterp().eval(text)\n",
        "def eval(s):\n    return s\neval(text)\n",
        "import json\njson.loads(text)\n",
    )
    invalid = (
        "def f(expr):\n    return eval(expr)\n",
        "def f(name):\n    exec(f'result = {name}()')\n",
        "import builtins\ndef f(s):\n    builtins.eval(s)\n",
        "def f(body):\n    src = 'def g():\\n    ' + body\n    exec(src, {})\n",
        "def f(path):\n    with open(path) as fh:\n        exec(compile(fh.read(), path, 'exec'))\n",
        "from builtins import eval as evaluate\ndef f(s):\n    evaluate(s)\n",
        "import sys\neval(sys.argv[1])\n",
    )

    def check_call(self, call: ast.Call, callee: Binding) -> None:
        if call.args:
            source = call.args[0]
            if isinstance(source, ast.Starred):
                return
        else:
            kw = keyword(call, "source")
            if kw is None:
                return  # only **kwargs: cannot tell
            source = kw.value
        if is_constant(self.ctx, source):
            return
        name = (callee.qualname or "").removeprefix("builtins.")
        # compile() alone runs nothing: the review tier (RULES.md, "From application code").
        self.report(call.func, confidence=Confidence.MEDIUM if name == "compile" else None, callee=name)
