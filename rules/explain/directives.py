"""The hover of a rule code inside a suppression comment (`# resilint: ignore[RES001]`,
`# noqa: RES001`)."""
from __future__ import annotations

import re

from .locate import _FileCache



# --------------------------------------------------------------------------- suppression codes

def _directive_code_at(text: str, line: int, col: int, cache: _FileCache) -> tuple[str, str] | None:
    lines = cache.lines
    if line < 0 or line >= len(lines):
        return None
    src = lines[line]
    if "#" not in src or not re.search(r"resilint|noqa", src, re.IGNORECASE):
        return None
    for d in cache.directives():
        if d.line != line:
            continue
        for code, span in d.code_spans.items():
            if span.contains(line, col):
                return code, d.kind
    return None
