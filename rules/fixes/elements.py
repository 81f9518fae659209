"""Comma-separated CST lists (call arguments, `from x import (a, b)` names): inserting and
removing an element in the list's own layout. Below `transforms` and `imports`, which both use it."""
from __future__ import annotations

from typing import Sequence, TypeVar

import libcst as cst

E = TypeVar("E", cst.Arg, cst.ImportAlias)

SPACE = cst.SimpleWhitespace(" ")
NONE = cst.SimpleWhitespace("")


# ----- comma-separated lists ------------------------------------------------------------------
def _clean_pw(ws: cst.ParenthesizedWhitespace) -> cst.ParenthesizedWhitespace:
    """The same line break and indentation, without the comment or blank lines."""
    return ws.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=())


def _separator(elements: Sequence[E], k: int, opening: cst.BaseParenthesizableWhitespace) -> cst.Comma:
    """The comma (and line break) this list puts between two elements."""
    n = len(elements)
    candidates = [elements[i] for i in (k - 1, n - 2, *range(n - 2)) if 0 <= i < n - 1]
    for el in candidates:
        comma = el.comma
        if isinstance(comma, cst.Comma):
            ws = comma.whitespace_after
            if isinstance(ws, cst.ParenthesizedWhitespace):
                return comma.with_changes(whitespace_after=_clean_pw(ws))
            return comma
    if isinstance(opening, cst.ParenthesizedWhitespace):
        return cst.Comma(whitespace_after=_clean_pw(opening))
    return cst.Comma(whitespace_after=SPACE)


def insert_element(
    elements: Sequence[E],
    k: int,
    new: E,
    opening: cst.BaseParenthesizableWhitespace,
    closing: cst.BaseParenthesizableWhitespace | None = None,
) -> tuple[list[E], cst.BaseParenthesizableWhitespace | None]:
    """Insert `new` at index `k` of a comma-separated list, in the list's own layout.

    `opening` is the whitespace after `(`; `closing` is the whitespace before `)` when it is
    held outside the elements (`ImportFrom.rpar`); for call arguments it is None (the last
    argument's `whitespace_after_arg` holds it). Returns the new list and the new closing.
    """
    items = list(elements)
    n = len(items)
    if n == 0:
        return [new.with_changes(comma=cst.MaybeSentinel.DEFAULT)], closing
    sep = _separator(items, k, opening)
    if k < n:
        items.insert(k, new.with_changes(comma=sep))
        return items, closing
    last = items[-1]
    is_arg = isinstance(last, cst.Arg)
    if isinstance(last.comma, cst.Comma):  # trailing comma: it stays the last thing
        old = last.comma
        ws = old.whitespace_after
        if isinstance(ws, cst.ParenthesizedWhitespace) and isinstance(sep.whitespace_after, cst.ParenthesizedWhitespace):
            kept = sep.with_changes(
                whitespace_before=old.whitespace_before,
                whitespace_after=sep.whitespace_after.with_changes(first_line=ws.first_line),
            )
            trailing = old.with_changes(whitespace_before=NONE, whitespace_after=ws.with_changes(first_line=cst.TrailingWhitespace()))
        else:
            kept, trailing = sep, old
        items[-1] = last.with_changes(comma=kept)
        items.append(new.with_changes(comma=trailing))
        return items, closing
    # no trailing comma: the whitespace before `)` moves behind the new element
    before_close = last.whitespace_after_arg if is_arg else closing  # type: ignore[union-attr]
    if isinstance(before_close, cst.ParenthesizedWhitespace) and isinstance(sep.whitespace_after, cst.ParenthesizedWhitespace):
        kept = sep.with_changes(whitespace_after=sep.whitespace_after.with_changes(first_line=before_close.first_line))
        new_close: cst.BaseParenthesizableWhitespace | None = before_close.with_changes(first_line=cst.TrailingWhitespace())
    else:
        kept, new_close = sep, before_close
    if is_arg:
        items[-1] = last.with_changes(comma=kept, whitespace_after_arg=NONE)
        items.append(new.with_changes(comma=cst.MaybeSentinel.DEFAULT, whitespace_after_arg=new_close or NONE))
        return items, closing
    items[-1] = last.with_changes(comma=kept)
    items.append(new.with_changes(comma=cst.MaybeSentinel.DEFAULT))
    return items, new_close


def remove_element(
    elements: Sequence[E], i: int, closing: cst.BaseParenthesizableWhitespace | None = None
) -> tuple[list[E], cst.BaseParenthesizableWhitespace | None]:
    items = list(elements)
    removed = items.pop(i)
    if i < len(items) or not items:
        return items, closing
    # the removed element was the last one: its predecessor becomes last
    prev = items[-1]
    prev_comma = prev.comma
    if isinstance(removed.comma, cst.Comma):  # keep the trailing comma and the layout before `)`
        ws = removed.comma.whitespace_after
        if isinstance(prev_comma, cst.Comma) and isinstance(prev_comma.whitespace_after, cst.ParenthesizedWhitespace) and isinstance(ws, cst.ParenthesizedWhitespace):
            ws = ws.with_changes(first_line=prev_comma.whitespace_after.first_line)
        items[-1] = prev.with_changes(comma=removed.comma.with_changes(whitespace_after=ws))
        return items, closing
    if isinstance(removed, cst.Arg):
        items[-1] = prev.with_changes(comma=cst.MaybeSentinel.DEFAULT, whitespace_after_arg=removed.whitespace_after_arg)
    else:
        items[-1] = prev.with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return items, closing


# ----- call arguments -------------------------------------------------------------------------
