"""Splitting identifiers into words (snake_case, camelCase, kebab) for name-based SEC checks."""
from __future__ import annotations

import re

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_SEP = re.compile(r"[^A-Za-z0-9]+")


def words(name: str) -> list[str]:
    """`apiKey` / `API_KEY` / `api-key` -> ["api", "key"]."""
    out: list[str] = []
    for part in _SEP.split(name):
        if part:
            out.extend(w.lower() for w in _CAMEL.split(part) if w)
    return out
