"""The index of one project: per-file summaries cached by content hash, updated one file at a time."""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ..project import DEFAULT_EXCLUDES
from ..source_files import DEFAULT_MAX_FILE_SIZE, FileStat, SkippedFile, WalkedFile, check_stat, read_source_file, walk_files
from .modules import module_in, module_name, real_roots, source_roots
from .summary import CACHE_NAME, INDEX_VERSION, PARALLEL_PARSE, _digest, _summarize_file, roots_signature, summarize
from .view import IndexView, _join

# ----- the index ------------------------------------------------------------------------------------
@dataclass
class IndexStats:
    files: int = 0
    #: summaries computed by parsing the file
    parsed: int = 0
    #: summaries computed without parsing (the prefilter found nothing to index)
    skipped: int = 0
    cache_hits: int = 0


def default_cache_dir(root: Path) -> Path:
    """`$RESILINT_CACHE_DIR`, else `$XDG_CACHE_HOME/resilint/<root hash>` (~/.cache by default):
    nothing is written into the project."""
    base = os.environ.get("RESILINT_CACHE_DIR")
    if base:
        return Path(base)
    xdg = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    key = hashlib.blake2b(os.path.realpath(root).encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()
    return Path(xdg) / "resilint" / f"{Path(root).name or 'root'}-{key}"


class WorkspaceIndex:
    """Summaries of a project's modules, updated per file; `view()` for the analysis."""

    def __init__(self, root: Path | str, cache_dir: Path | str | None = None, use_cache: bool = True) -> None:
        self.root = Path(os.path.realpath(root))
        self.cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir(self.root)
        self.use_cache = use_cache
        #: real path -> {"hash", "module", "package", "summary"}
        self.entries: dict[str, dict] = {}
        #: real path -> {imported qualname: known qualname} settled by rules/jedi_resolve.py (not persisted).
        self.aliases: dict[str, dict[str, str]] = {}
        self.stats = IndexStats()
        self._view: IndexView | None = None
        self._dirty = False

    # -- building --
    @classmethod
    def build(cls, root: Path | str, files: Iterable[Path | str] | None = None, cache_dir: Path | str | None = None,
              use_cache: bool = True, jobs: int | None = None) -> "WorkspaceIndex":
        index = cls(root, cache_dir, use_cache)
        cached = index._load() if use_cache else {}
        # a walked file comes with its stat (one per file); a given one is stat-ed when checked
        found: list[tuple[str, FileStat | None]] = (
            [(f.real, f.stat) for f in index.discover()] if files is None
            else [(os.path.realpath(path), None) for path in files])
        bases = real_roots(index.root)
        named: list[tuple[str, str, FileStat | None]] = []
        for real, st in found:
            module = module_in(real, bases)
            if module is not None:
                named.append((real, module, st))
        roots = roots_signature(m for _, m, _ in named)
        todo: list[tuple[str, str, bool, str | None]] = []
        for real, module, st in named:
            index.stats.files += 1
            is_package = real.endswith("__init__.py")
            old = cached.get(real)
            if old is not None and old.get("module") == module and index._still_valid(real, old, roots, st):
                index.entries[real] = old
                index.stats.cache_hits += 1
                continue
            todo.append((real, module, is_package, roots))
        jobs = jobs if jobs is not None else (os.cpu_count() or 1)
        if jobs > 1 and len(todo) >= PARALLEL_PARSE:
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                results = list(pool.map(_summarize_file, todo, chunksize=max(8, len(todo) // (jobs * 4))))
        else:
            results = [_summarize_file(job) for job in todo]
        for (real, module, is_package, _), (_, facts, summary) in zip(todo, results):
            if facts is None:
                continue
            index.stats.parsed += summary != {}
            index.stats.skipped += summary == {}
            index.entries[real] = {**facts, "module": module, "package": is_package, "summary": summary,
                                   "roots": roots}
        index._dirty = index._dirty or bool(todo) or len(index.entries) != len(cached)
        if use_cache:
            index.save()
        return index

    def _still_valid(self, real: str, entry: dict, roots: str, st: os.stat_result | FileStat | None) -> bool:
        """The cached summary still describes the file: same size and mtime (no read), else
        same content hash. A file skipped by the prefilter is re-checked when the project's
        first-party names changed. `st`: the file's stat when the walk took it."""
        try:
            if st is None:
                st = os.stat(real)
            check_stat(real, st, DEFAULT_MAX_FILE_SIZE)
        except (OSError, SkippedFile):
            return False
        if entry.get("summary") == {} and entry.get("roots") != roots:
            return False
        if entry.get("size") == st.st_size and entry.get("mtime") == st.st_mtime_ns:
            return True
        try:
            data = read_source_file(real)
        except SkippedFile:
            return False
        if entry.get("hash") != _digest(data):
            return False
        entry["mtime"], entry["size"] = st.st_mtime_ns, st.st_size
        self._dirty = True
        return True

    def discover(self) -> list[WalkedFile]:
        """The `.py` files under the source roots, each with its real path and stat."""
        out: list[WalkedFile] = []
        real_root = str(self.root)
        for base in source_roots(self.root):
            def prune(name: str, parent: str, base: Path = base) -> bool:
                # `src/` is walked as a source root of its own, not again as a folder of the root
                return name in DEFAULT_EXCLUDES or name.startswith(".") or (
                    name == "src" and base == self.root and parent == real_root)
            out.extend(walk_files(base, (".py",), prune))
        return out

    def update_file(self, path: Path | str, text: str) -> bool:
        """Re-summarise one file from its (editor) text; True when its summary changed."""
        real = os.path.realpath(path)
        module = module_name(Path(real), self.root)
        if module is None:
            return False
        digest = _digest(text.encode("utf-8", "surrogatepass"))
        old = self.entries.get(real)
        if old is not None and old.get("hash") == digest:
            return False
        roots = roots_signature([*(e["module"] for e in self.entries.values()), module])
        summary = summarize(text, module, real.endswith("__init__.py"), roots)
        self.stats.parsed += summary != {}
        self.stats.skipped += summary == {}
        # no mtime/size: the editor's text may differ from the disk; the next build hashes it.
        self.entries[real] = {"hash": digest, "module": module, "package": real.endswith("__init__.py"),
                              "summary": summary, "roots": roots}
        self._dirty = True
        changed = old is None or old.get("summary") != summary
        if changed:
            self._view = None
        return changed

    @property
    def dirty(self) -> bool:
        """Changed since the cache was read or written (`save()` has something to write)."""
        return self.use_cache and self._dirty

    def set_aliases(self, path: Path | str, aliases: dict[str, str]) -> bool:
        """Names of installed packages settled elsewhere (jedi) for one file; True if changed."""
        real = os.path.realpath(path)
        if self.aliases.get(real, {}) == aliases:
            return False
        if aliases:
            self.aliases[real] = dict(aliases)
        else:
            self.aliases.pop(real, None)
        self._view = None
        return True

    @property
    def first_party(self) -> frozenset[str]:
        return frozenset(e["module"].split(".", 1)[0] for e in self.entries.values())

    def remove(self, path: Path | str) -> bool:
        real = os.path.realpath(path)
        self.aliases.pop(real, None)
        if self.entries.pop(real, None) is None:
            return False
        self._view = None
        self._dirty = True
        return True

    def dependencies(self, path: Path | str) -> list[str]:
        """Paths of the indexed modules `path`'s module refers to (imports, uses, base classes):
        the modules whose `related` uses may list places in `path`."""
        real = os.path.realpath(path)
        summary = (self.entries.get(real) or {}).get("summary") or {}
        targets = {s.get("to", "") for s in (summary.get("values") or {}).values()}
        targets.update(summary.get("uses") or ())
        for cls in (summary.get("classes") or {}).values():
            targets.update(cls.get("bases") or ())
        by_module = {e["module"]: p for p, e in self.entries.items()}
        out: set[str] = set()
        for target in targets:
            parts = target.split(".")
            for i in range(len(parts), 0, -1):
                hit = by_module.get(".".join(parts[:i]))
                if hit is not None:
                    out.add(hit)
                    break
        out.discard(real)
        return sorted(out)

    def dependents(self, path: Path | str) -> list[str]:
        """Paths of the indexed modules that import from `path`'s module (to re-check them
        after `update_file(path, ...)` returned True)."""
        entry = self.entries.get(os.path.realpath(path))
        if entry is None:
            module = module_name(Path(os.path.realpath(path)), self.root)
        else:
            module = entry["module"]
        if module is None:
            return []
        prefix = module + "."
        out = []
        for other, e in self.entries.items():
            summary = e.get("summary") or {}
            targets = [s.get("to", "") for s in (summary.get("values") or {}).values()]
            targets.extend(summary.get("uses") or ())
            if e["module"] != module and any(t == module or t.startswith(prefix) for t in targets):
                out.append(other)
        return sorted(out)

    # -- the cache --
    @property
    def cache_path(self) -> Path:
        return self.cache_dir / CACHE_NAME

    def _load(self) -> dict[str, dict]:
        try:
            raw = json.loads(self.cache_path.read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            return {}
        if not isinstance(raw, dict) or raw.get("version") != INDEX_VERSION or raw.get("root") != str(self.root):
            return {}
        files = raw.get("files")
        if not isinstance(files, dict):
            return {}
        return {
            p: e for p, e in files.items()
            if isinstance(e, dict) and isinstance(e.get("hash"), str) and isinstance(e.get("module"), str)
            and (e.get("summary") is None or isinstance(e.get("summary"), dict))
        }

    def save(self) -> None:
        """Write the cache atomically (a concurrent writer's file is replaced whole, never mixed)."""
        if not self.use_cache or not self._dirty:
            return
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            payload = json.dumps({"version": INDEX_VERSION, "root": str(self.root), "files": self.entries},
                                 separators=(",", ":"))
            fd, tmp = tempfile.mkstemp(prefix=".index-", suffix=".tmp", dir=self.cache_dir)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(payload)
            os.replace(tmp, self.cache_path)
            self._dirty = False
        except OSError:
            pass  # a read-only cache folder only costs the next run a cold build

    # -- the joined view --
    def view(self) -> IndexView:
        if self._view is None:
            self._view = _join(self.entries, self.aliases)
        return self._view
