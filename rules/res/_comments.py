"""Does a handler carry a comment explaining itself? (RES021, RES022 review tiers)

A comment in an `except` block (or on its `except` line) that is not tooling (`# noqa`,
`# type:`, `# pragma`, `# pylint`, `# nosec`, `# fmt:`) says the author decided what happens to
the error there: a human should look before calling it a bug. Reads only the handler's own lines.
"""
from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..context import FileContext

#: Comment markers that are tooling, not an explanation.
_TOOL_COMMENT = re.compile(r"#\s*(noqa|type:|pragma|pylint|nosec|fmt:)", re.IGNORECASE)


def handler_explained(ctx: "FileContext", node: ast.ExceptHandler, opening: bool = False) -> bool:
    """`opening`: only a comment that opens the handler (on the `except` line or before its first
    statement) counts — one further down explains a later step, not the handling of the error."""
    lines = ctx.index.lines
    end = node.body[0].lineno - 1 if opening and node.body else (node.end_lineno or node.lineno)
    for row in range(node.lineno - 1, min(end, len(lines))):
        text = lines[row]
        at = text.find("#")
        # a `#` inside a string literal on that line is no comment (odd count of quotes before it)
        if at == -1 or text.count('"', 0, at) % 2 or text.count("'", 0, at) % 2:
            continue
        if not _TOOL_COMMENT.match(text[at:]):
            return True
    return False
