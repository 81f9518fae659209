"""Shared bits of the real-editor tests (tests/editors/)."""
from __future__ import annotations

import textwrap

SOURCE = textwrap.dedent(
    """\
    import requests


    def fetch(url):
        return requests.get(url)
    """
)
RES001_LINE = 4  # 0-based: `return requests.get(url)`
