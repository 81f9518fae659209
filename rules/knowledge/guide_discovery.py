"""Finding a workspace's team guides (`AUTO_DISCOVERY_PATTERNS`, configured paths) without
leaving the workspace."""
from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path



# ---------------------------------------------------------------- discovery

def _within(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
        return True
    except ValueError:
        return False


def _walk_files(root: Path, base: Path) -> Iterable[Path]:
    """Files under ``base`` without following directory symlinks."""
    if not base.is_dir() or base.is_symlink():
        return
    for dirpath, dirnames, filenames in os.walk(base, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not (Path(dirpath) / d).is_symlink())
        for name in sorted(filenames):
            yield Path(dirpath) / name


def discover_guides(workspace_root: str | os.PathLike[str], configured: Iterable[str] | None = None) -> list[Path]:
    """Team guides of a workspace: auto-discovered files plus configured paths.

    Auto-discovered: ``.cursor/rules/**/*.mdc``, ``.github/prompts/*.prompt.md``,
    ``.github/copilot-instructions.md``, ``AGENTS.md``.  A candidate whose real
    path (symlinks resolved) leaves the workspace is skipped.  Configured
    entries are paths (relative to the workspace, ``~`` allowed) or glob
    patterns; an explicitly named file may live outside the workspace, but a
    glob only yields files inside it.  Returns existing regular files, in
    order, without duplicates.
    """
    root = Path(workspace_root).expanduser()
    try:
        real_root = root.resolve()
    except (OSError, RuntimeError):
        return []
    found: list[Path] = []
    seen: set[Path] = set()

    def consider(candidate: Path, *, explicit: bool) -> None:
        try:
            real = candidate.resolve()
            if not real.is_file():
                return
        except (OSError, RuntimeError):  # RuntimeError: symlink loop (Python < 3.13)
            return
        if not explicit and not _within(real, real_root):
            return
        if real in seen:
            return
        seen.add(real)
        found.append(candidate)

    if real_root.is_dir():
        cursor = root / ".cursor" / "rules"
        for f in _walk_files(root, cursor):
            if f.name.endswith(".mdc"):
                consider(f, explicit=False)
        prompts = root / ".github" / "prompts"
        if prompts.is_dir() and not prompts.is_symlink():
            for f in sorted(prompts.glob("*.prompt.md")):
                consider(f, explicit=False)
        for rel in (".github/copilot-instructions.md", "AGENTS.md"):
            consider(root / rel, explicit=False)

    for raw in configured or ():
        if not raw or not str(raw).strip():
            continue
        spec = os.path.expanduser(str(raw).strip())
        if any(ch in spec for ch in "*?["):
            pattern_path = Path(spec)
            if not pattern_path.is_absolute():
                pattern_path = root / pattern_path
            # anchor = longest wildcard-free prefix
            parts = []
            for part in pattern_path.parts:
                if any(c in part for c in "*?["):
                    break
                parts.append(part)
            anchor = Path(*parts) if parts else root
            if not anchor.is_dir():
                continue
            rest = str(pattern_path.relative_to(anchor)) if parts else str(pattern_path)
            for f in sorted(anchor.glob(rest)):
                consider(f, explicit=False)
            continue
        candidate = Path(spec)
        if not candidate.is_absolute():
            candidate = root / candidate
        consider(candidate, explicit=True)
    return found
