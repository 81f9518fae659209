"""RES004 subprocess-without-timeout."""
from __future__ import annotations

import ast

from ..context import call_has_arg, keyword
from ..model import Rule, Severity
from ..names import Binding
from ._timeouts import SUBPROCESS_TIMEOUTS

_BODIES = ("body", "orelse", "finalbody")


class SubprocessWithoutTimeout(Rule):
    code = "RES004"
    name = "subprocess-without-timeout"
    message = "`{callee}` called without a timeout: a hung child process blocks this call forever"
    severity = Severity.WARNING
    refs = ("H5", "T§6")
    cwe = ("CWE-400",)
    fix_applicability = "unsafe"
    fix_title = "Add `timeout={timeout}`"
    callees = frozenset(SUBPROCESS_TIMEOUTS)

    docs = """
## What it does
Checks for `subprocess.run`, `subprocess.call`, `subprocess.check_call` and
`subprocess.check_output` called without `timeout=`, and for `Popen.communicate()` /
`Popen.wait()` on a `subprocess.Popen` object without a timeout.

## Why is this bad?
These calls wait for the child process to exit. A child that hangs (a stuck network
mount, a prompt waiting for input, a deadlocked tool) then holds the calling thread or
worker forever; under load the workers run out and the service stops answering (guide: H5
"everything has a timeout"; fault-tolerance rule §6). `wait()`/`communicate()` right after
`kill()` on the same process are not flagged: a killed child exits at once.

## Example
```python
import subprocess

def render(path):
    return subprocess.run(["convert", path, "out.png"], check=True)

def drain(proc: subprocess.Popen):
    out, err = proc.communicate()
```

## Use instead
```python
import subprocess

def render(path):
    return subprocess.run(["convert", path, "out.png"], check=True, timeout=60)
```

## Fix safety
The fix inserts `timeout=<timeouts.default>` (10 s unless configured). It is **unsafe**:
the call can now raise `subprocess.TimeoutExpired` (and `run()` kills the child), which
changes behaviour for commands that legitimately run longer.

## References
- [subprocess.run](https://docs.python.org/3/library/subprocess.html#subprocess.run)
- [Popen.communicate](https://docs.python.org/3/library/subprocess.html#subprocess.Popen.communicate)
- Guide: H5; fault-tolerance rules §6
"""

    valid = (
        "import subprocess\nsubprocess.run(['ls'], timeout=30)\n",
        "import subprocess\nsubprocess.check_output(['git', 'rev-parse', 'HEAD'], **opts)\n",
        "import subprocess\np = subprocess.Popen(['tool'])\np.wait(5)\n",
        "import subprocess\np = subprocess.Popen(['tool'])\nout, err = p.communicate(b'', 10)\n",
        "import subprocess\np = subprocess.Popen(['tool'])\np.kill()\np.wait()\n",
        "import subprocess\nsubprocess.run(['ls'], timeout=None)\n",
        "class Runner:\n    def run(self, cmd): ...\nRunner().run(['ls'])\n",
        "def wait(p): ...\nwait(None)\n",
        "import os\nos.wait()\n",
    )
    invalid = (
        "import subprocess\nsubprocess.run(['ls'])\n",
        "import subprocess as sp\nsp.check_call(['make'])\n",
        "from subprocess import check_output as out\nout(['git', 'status'])\n",
        "import subprocess\np = subprocess.Popen(['tool'])\np.wait()\n",
        "from subprocess import Popen, PIPE\nout, _ = Popen(['tool'], stdout=PIPE).communicate()\n",
        "import subprocess\nwith subprocess.Popen(['tool']) as p:\n    p.communicate(b'input')\n",
        "import subprocess\nclass Job:\n    def start(self):\n        self.proc = subprocess.Popen(['tool'])\n"
        "    def join(self):\n        return self.proc.wait()\n",
        "import subprocess\np = subprocess.Popen(['tool'])\np.terminate()\np.wait()\n",
    )

    def check_call(self, call: ast.Call, callee: Binding) -> None:
        name = callee.qualname
        assert name is not None
        if keyword(call, "timeout") is not None:
            return  # timeout=None is RES002's
        if call_has_arg(call, "timeout", SUBPROCESS_TIMEOUTS.get(name)):
            return
        if name.startswith("subprocess.Popen()") and self._after_kill(call):
            return
        self.report(call.func, callee=name.replace("()", ""), timeout=self.ctx.settings.options.timeouts.default)

    def _after_kill(self, call: ast.Call) -> bool:
        """`p.kill()` directly followed by `p.wait()` / `p.communicate()`: the child exits at once."""
        parents = self.ctx.parents
        if len(parents) < 2 or not isinstance(call.func, ast.Attribute):
            return False
        stmt = parents[-1]
        if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.Expr)) and stmt.value is call:
            pass
        else:
            return False
        container = parents[-2]
        for field in _BODIES:
            body = getattr(container, field, None)
            if body.__class__ is not list:
                continue
            for i, item in enumerate(body):
                if item is stmt:
                    if i == 0:
                        return False
                    prev = body[i - 1]
                    return (
                        isinstance(prev, ast.Expr)
                        and isinstance(prev.value, ast.Call)
                        and isinstance(prev.value.func, ast.Attribute)
                        and prev.value.func.attr == "kill"
                        and ast.dump(prev.value.func.value) == ast.dump(call.func.value)
                    )
        return False
