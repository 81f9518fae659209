"""resilint knowledge base: the team guide as data, API hover docs, guide loader.

Never imports pygls.  Public API:

* ``get_entry(id) -> Entry | None``, ``all_entries() -> list[Entry]``,
  ``entries_of_kind(kind)``, ``resolve_ref(ref) -> Entry | None``,
  ``resolve_refs(cell) -> list[Entry]``, ``split_refs(cell) -> list[str]``
* ``render_entry_markdown(entry, locale="en"|"pt-BR", *, brief=False) -> str``
* ``api_doc(qualname) -> ApiDoc | None``, ``all_api_docs()``,
  ``api_docs_with_prefix(prefix)``, ``render_api_markdown(doc, locale) -> str``
* ``load_guide(path) -> Guide``, ``parse_guide_text(text, path)``,
  ``discover_guides(workspace_root, configured) -> list[Path]``,
  ``clear_guide_cache()``, ``resolve_in_guides(guides, ref) -> Entry | None``
* ``escape_markdown(text, max_chars=2000) -> str``
* ``repair_mojibake(text) -> (text, codec | None)``
* ``generate_guide_docs(out_dir, *, write=False) -> dict[Path, str]``

ID scheme: ``H1``–``H12`` heuristics, ``P1``–``P17`` pillars, ``RF1``–``RF5``
red flags, ``ES1``–``ES5`` early signals, ``C1``–``C7`` cause → effect maps,
``PB1``–``PB10`` playbooks (seed order; slugs ``incident``,
``kubernetes-deploy``, ``api-change``, ``postgres``, ``kafka``, ``security``,
``llm-incident``, ``rag``, ``migration``, ``cost-latency``), ``TPL1``–``TPL6``
templates, ``QB`` quality bar with items ``QB-<item>`` (e.g.
``QB-reversible-migrations``), ``T§1``–``T§10`` fault-tolerance rules (section
n of the fault-tolerance guide), ``A01``–``A10`` OWASP Top 10 2021,
``LLM01``–``LLM10`` OWASP Top 10 for LLM applications 2025.  Team guides use
the same IDs for the same shapes; unknown shapes become sections ``S1``…
"""

from __future__ import annotations

from .api import all_api_docs, api_doc, api_docs_with_prefix
from .docs import generate_guide_docs, write_guide_docs
from .encoding import repair_mojibake
from .guides import (
    Guide,
    clear_guide_cache,
    discover_guides,
    load_guide,
    parse_guide_text,
    resolve_in_guides,
)
from .mdsafe import escape_markdown
from .model import LOCALES, ApiDoc, Entry, SourceLocation
from .render import render_api_markdown, render_entry_markdown
from .store import (
    all_entries,
    entries_of_kind,
    get_entry,
    resolve_ref,
    resolve_refs,
    split_refs,
)

__all__ = [
    "LOCALES",
    "ApiDoc",
    "Entry",
    "Guide",
    "SourceLocation",
    "all_api_docs",
    "all_entries",
    "api_doc",
    "api_docs_with_prefix",
    "clear_guide_cache",
    "discover_guides",
    "entries_of_kind",
    "escape_markdown",
    "generate_guide_docs",
    "get_entry",
    "load_guide",
    "parse_guide_text",
    "render_api_markdown",
    "render_entry_markdown",
    "repair_mojibake",
    "resolve_in_guides",
    "resolve_ref",
    "resolve_refs",
    "split_refs",
    "write_guide_docs",
]
