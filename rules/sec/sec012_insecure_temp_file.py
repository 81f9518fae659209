"""SEC012 insecure-temp-file."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ..model import Finding, Fix, Rule, Severity
from ..names import Binding

if TYPE_CHECKING:
    from ..fixes.document import FixDocument


class InsecureTempFile(Rule):
    code = "SEC012"
    name = "insecure-temp-file"
    message = (
        "`{callee}` only returns a name: another process can create that file first (race), so the "
        "program may write to or read from a file an attacker controls"
    )
    severity = Severity.WARNING
    refs = ("A01",)
    owasp = ("A01",)
    cwe = ("CWE-377",)
    fix_applicability = "unsafe"
    fix_title = "Use `tempfile.mkstemp()`"
    callees = frozenset({"tempfile.mktemp", "os.tempnam", "os.tmpnam"})

    docs = """
## What it does
Checks for `tempfile.mktemp()`, which returns a file name that does not exist yet without
creating the file.

## Why is this bad?
Between `mktemp()` returning the name and the program opening it, another local process can
create the file (or a symlink to `/etc/passwd`): the program then writes into or reads from a
file it does not own (OWASP A01 broken access control; CWE-377). The function has been
deprecated since Python 2.3. `mkstemp()`, `NamedTemporaryFile()` and `TemporaryDirectory()`
create the file atomically with private permissions.

## Example
```python
import tempfile

def export(rows):
    path = tempfile.mktemp(suffix=".csv")
    with open(path, "w") as f:
        f.writelines(rows)
    return path
```

## Use instead
```python
import os
import tempfile

def export(rows):
    fd, path = tempfile.mkstemp(suffix=".csv")
    with os.fdopen(fd, "w") as f:
        f.writelines(rows)
    return path
```

## Fix safety
The fix replaces `tempfile.mktemp(...)` with `tempfile.mkstemp(...)`, keeping the arguments.
It is **unsafe**: the return type differs. `mkstemp` creates the file and returns a tuple
`(fd, path)` instead of a path, so the caller must be updated by hand
(`fd, path = tempfile.mkstemp(...)`, then `os.close(fd)` or `os.fdopen(fd, "w")`), and code
that expected the file not to exist yet (for example `os.mkfifo(path)`) fails.

## References
- [tempfile.mktemp](https://docs.python.org/3/library/tempfile.html#tempfile.mktemp)
- [CWE-377: Insecure Temporary File](https://cwe.mitre.org/data/definitions/377.html)
- OWASP A01
"""

    valid = (
        "import tempfile\nfd, path = tempfile.mkstemp()\n",
        "import tempfile\nwith tempfile.NamedTemporaryFile() as f:\n    f.write(b'x')\n",
        "import tempfile\nwith tempfile.TemporaryDirectory() as d:\n    pass\n",
        "class T:\n    def mktemp(self): ...\nT().mktemp()\n",
        "def mktemp():\n    return '/tmp/x'\nmktemp()\n",
    )
    invalid = (
        "import tempfile\npath = tempfile.mktemp()\n",
        "import tempfile as tf\npath = tf.mktemp(suffix='.csv')\n",
        "from tempfile import mktemp\npath = mktemp()\n",
        "from tempfile import mktemp as temp_name\ndef f():\n    return temp_name(dir='/var/tmp')\n",
    )

    @classmethod
    def make_fix(cls, finding: Finding, doc: "FixDocument") -> Fix | None:
        from ..fixes.transforms import call_fix, replace_code

        return call_fix(
            finding, doc, lambda c, mkstemp: c.with_changes(func=replace_code(c.func, mkstemp)),
            "Use `tempfile.mkstemp()` (returns `(fd, path)`)", "unsafe", [("tempfile", "mkstemp")],
        )

    def check_call(self, call: ast.Call, callee: Binding) -> None:
        self.report(call.func, callee=callee.qualname)
