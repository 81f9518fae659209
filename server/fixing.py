"""`resilint check --fix/--diff`: apply fixes to a fixed point, or show them as a diff."""
from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

from resilint.rules.config import ConfigResolver


def run_fixes(args: argparse.Namespace, files: list[Path], resolver: ConfigResolver) -> int:
    try:
        from resilint.rules.fixes.apply import fix_all
    except ImportError:
        print("resilint: error: fixes are not available in this build", file=sys.stderr)
        return 2
    remaining_total = 0
    fixed_total = 0
    for path in files:
        settings = resolver.for_path(path).settings_for(path)
        if path.suffix == ".ipynb":
            applied, remaining = _fix_notebook(args, path, settings, fix_all)
            fixed_total += applied
            remaining_total += remaining
            continue
        try:
            original = path.read_bytes().decode("utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            print(f"{path}: skipped: {exc}", file=sys.stderr)
            continue
        new_text, applied, remaining = fix_all(original, str(path), settings, unsafe=args.unsafe_fixes or settings.options.unsafe_fixes)
        remaining_total += len(remaining)
        fixed_total += applied
        if new_text == original:
            continue
        if args.diff:
            sys.stdout.writelines(difflib.unified_diff(
                original.splitlines(keepends=True), new_text.splitlines(keepends=True),
                fromfile=f"a/{path}", tofile=f"b/{path}",
            ))
        else:
            path.write_text(new_text, encoding="utf-8", newline="")
    verb = "Would fix" if args.diff else "Fixed"
    print(f"{verb} {fixed_total} finding{'s' if fixed_total != 1 else ''}; {remaining_total} remaining.",
          file=sys.stderr if args.diff else sys.stdout)
    if args.exit_zero:
        return 0
    if args.diff:
        return 1 if fixed_total else 0
    return 1 if remaining_total else 0


def _fix_notebook(args: argparse.Namespace, path: Path, settings, fix_all) -> tuple[int, int]:
    """Fix a notebook's code cells (server/notebook_fixing.py); (applied, remaining)."""
    from .notebook_fixing import fix_notebook

    result = fix_notebook(path, settings, args.unsafe_fixes, fix_all)
    if result.problem:
        print(f"{path}: {result.problem}", file=sys.stderr)
    if result.new_raw is not None:
        if args.diff:
            sys.stdout.writelines(result.diff)
        else:
            path.write_text(result.new_raw, encoding="utf-8", newline="")
    return result.applied, result.remaining
