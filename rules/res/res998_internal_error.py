"""RES998 internal-error (a rule raised; the other rules' findings are still reported)."""
from __future__ import annotations

from ..model import INTERNAL_ERROR, Rule, Severity


class InternalError(Rule):
    code = INTERNAL_ERROR
    name = "internal-error"
    message = "internal error in rule {rule}"
    severity = Severity.ERROR

    docs = """
## What it does
Reports that one of resilint's own rules failed on this file (or that the file is nested
too deeply to analyse completely). The failing rule is named; every other rule still ran.

## Why is this bad?
It is not a problem in your code: it is a bug in resilint. Please report it with the file
(or a reduced version of it) so it can be fixed.

## Example
```python
# any file that makes a rule raise
```

## Use instead
```python
# nothing to change in your code; report the bug
```

## Fix safety
No fix.

## References
- resilint's issue tracker
"""
