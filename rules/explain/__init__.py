"""Hover explanations (issue 5), without pygls: what a finding, a suppressed code or a
resilience API under the cursor means, in the words of the engineering guide.

Public API:

* ``hover_at(text, path, line, col, *, findings, settings, locale, guides) -> str | None``
  Markdown for the position (0-based line, 0-based character column), or None.
  Order: a rule code inside a suppression comment (``# resilint: ignore[RES001]``,
  ``# noqa: RES001``), then the findings whose range holds the position, then the
  resilience API whose name is under the cursor (resolved like the engine resolves it).
* ``explain_rule(code, locale, *, finding=None, guides=()) -> str | None``: the rule card.
* ``resolve_locale(client_locale, setting, pyproject) -> "en" | "pt-BR"``.
* ``api_qualname_at(text, path, line, col) -> str | None``: the resolved qualified name
  of the innermost Name/Attribute/Call at the position (cached per text).

The output is bounded (``MAX_CHARS``), contains no raw HTML and no ``command:`` links;
workspace-derived text (team guides) goes through ``escape_markdown``.
Modules: `hover` (the entry point), `cards` (a rule's card: the finding hover),
`directives` (a code in a suppression comment), `api` (an API under the cursor), `locate`
(the node under the cursor, cheaply), `text` (labels, locale, safe Markdown).
"""
from .api import api_qualname_at
from .cards import explain_rule, playbook_for
from .hover import hover_at
from .locate import clear_cache
from .text import MAX_CHARS, resolve_locale

__all__ = [
    "MAX_CHARS",
    "api_qualname_at",
    "clear_cache",
    "explain_rule",
    "hover_at",
    "playbook_for",
    "resolve_locale",
]
