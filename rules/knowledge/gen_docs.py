"""Regenerate (or check) the guide pages: ``python -m resilint.rules.knowledge.gen_docs``.

Options: ``--check`` exits with status 1 when the committed pages differ;
``--out DIR`` writes somewhere else (default: ``docs/guide`` of the repo).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .docs import DEFAULT_DOCS_DIR, generate_guide_docs, write_guide_docs


def stale_pages(out_dir: Path) -> list[Path]:
    pages = generate_guide_docs(out_dir)
    return [p for p, text in pages.items() if not p.exists() or p.read_text(encoding="utf-8") != text]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m resilint.rules.knowledge.gen_docs", description=__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_DOCS_DIR, help="output folder (default: %(default)s)")
    parser.add_argument("--check", action="store_true", help="only report pages that are out of date")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_pages(args.out)
        for p in stale:
            print(f"out of date: {p}")
        return 1 if stale else 0
    written = write_guide_docs(args.out, generate_guide_docs(args.out))
    print(f"wrote {len(written)} pages to {args.out}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
