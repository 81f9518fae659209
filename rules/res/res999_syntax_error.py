"""RES999 syntax-error (emitted by the engine when a file cannot be parsed)."""
from __future__ import annotations

from ..model import SYNTAX_ERROR, Rule, Severity


class SyntaxErrorRule(Rule):
    code = SYNTAX_ERROR
    name = "syntax-error"
    message = "SyntaxError: {detail}"
    severity = Severity.ERROR

    docs = """
## What it does
Reports a file that Python cannot parse (or decode). The other rules cannot run on it, so
resilint reports this one finding at the error and goes on with the other files. In the
editor, the last good findings stay visible while you type.

## Why is this bad?
The file will not import. Every other check of the file is on hold until it parses.

## Example
```python
def handler(:
    ...
```

## Use instead
```python
def handler():
    ...
```

## Fix safety
No fix.

## References
- [Python grammar](https://docs.python.org/3/reference/grammar.html)
"""

    valid = ("x = 1\n",)
    invalid = ("def f(:\n    pass\n", "x = (\n")
