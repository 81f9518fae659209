"""API knowledge for hovers without a finding (``data/api.json``).

Keys are qualified names as the analysis resolves them (``requests.get``,
``httpx.Client``, ``tenacity.retry``, ``openai.OpenAI.chat.completions.create``,
``celery.Celery.task``).  A doc may list aliases (other verbs, submodule paths,
async twins).  Keys containing ``*`` are families (``tenacity.stop_*``): the
wildcard matches within one dotted segment.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

from .model import ApiDoc

__all__ = ["all_api_docs", "api_doc", "api_docs_with_prefix"]


@lru_cache(maxsize=1)
def _docs() -> tuple[ApiDoc, ...]:
    text = resources.files(__package__).joinpath("data").joinpath("api.json").read_text(encoding="utf-8")
    return tuple(ApiDoc.from_dict(d) for d in json.loads(text)["apis"])


@lru_cache(maxsize=1)
def _exact() -> dict[str, ApiDoc]:
    index: dict[str, ApiDoc] = {}
    for doc in _docs():
        index.setdefault(doc.qualname, doc)
    for doc in _docs():
        for alias in doc.aliases:
            index.setdefault(alias, doc)
    return index


@lru_cache(maxsize=1)
def _patterns() -> tuple[tuple[re.Pattern[str], int, ApiDoc], ...]:
    out = []
    for doc in _docs():
        for name in (doc.qualname, *doc.aliases):
            if "*" in name:
                rx = re.compile("^" + ".*?".join(re.escape(p) for p in name.split("*")).replace(".*?", "[^.]*") + "$")
                out.append((rx, len(name.split("*")[0]), doc))
    out.sort(key=lambda t: -t[1])
    return tuple(out)


def all_api_docs() -> list[ApiDoc]:
    return list(_docs())


def api_doc(qualname: str) -> ApiDoc | None:
    """Doc for a qualified name: exact key, alias, then the most specific family.

    ``api_doc("tenacity.stop_before_delay")`` returns the ``tenacity.stop_*``
    family; a trailing ``*`` in the query (``"tenacity.wait_*"``) is looked up
    as a family key first and otherwise as a prefix.
    """
    if not qualname:
        return None
    name = qualname.strip()
    hit = _exact().get(name)
    if hit:
        return hit
    for rx, _, doc in _patterns():
        if rx.match(name):
            return doc
    if name.endswith("*"):
        found = api_docs_with_prefix(name.rstrip("*"))
        return found[0] if found else None
    return None


def api_docs_with_prefix(prefix: str) -> list[ApiDoc]:
    """Docs whose qualname or an alias starts with ``prefix`` (for completion/listing)."""
    out: list[ApiDoc] = []
    for doc in _docs():
        if any(n.startswith(prefix) for n in (doc.qualname, *doc.aliases)) and doc not in out:
            out.append(doc)
    return out
