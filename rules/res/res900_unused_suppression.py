"""RES900 unused-suppression (emitted by the suppression pass, not by a visitor)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import UNUSED_SUPPRESSION, Finding, Fix, Rule, Severity

if TYPE_CHECKING:
    from ..fixes.document import FixDocument


class UnusedSuppression(Rule):
    code = UNUSED_SUPPRESSION
    name = "unused-suppression"
    message = "Unused suppression: nothing to suppress here"
    severity = Severity.INFO
    refs = ("H1",)
    fix_applicability = "safe"
    fix_title = "Remove the unused suppression"

    docs = """
## What it does
Reports a `# resilint: ignore[...]`, `# resilint: ignore-file[...]` or `# noqa: CODE` comment
(for resilint's own codes) that suppresses no finding.

## Why is this bad?
Stale suppressions hide the next real finding on that line and tell readers that a risk
exists where there is none. Keeping them honest keeps every exception to the guide a
deliberate, reviewed decision (guide: H1, make failure visible). A bare `# noqa` belongs to
every tool and is never reported.

## Example
```python
import requests
from typing import TYPE_CHECKING

requests.get(url, timeout=5)  # resilint: ignore[RES001]
```

## Use instead
```python
import requests

requests.get(url, timeout=5)
```

## Fix safety
Removing the comment (or only the unused codes in it) is **safe**: it changes no code.

## References
- Guide: H1
"""

    valid = (
        "import requests\nrequests.get('https://x')  # resilint: ignore[RES001]\n",
        "import requests\nrequests.get('https://x')  # noqa\n",
        "x = 1  # noqa: E501\n",
    )
    invalid = (
        "import requests\nrequests.get('https://x', timeout=5)  # resilint: ignore[RES001]\n",
        "x = 1  # resilint: ignore\n",
        "x = 1  # noqa: RES001\n",
    )

    @classmethod
    def make_fix(cls, finding: Finding, doc: "FixDocument") -> Fix | None:
        from ..fixes.statements import unused_suppression_fix

        return unused_suppression_fix(finding, doc)
