"""The results cache: each file's findings, kept between runs, as ruff keeps its own.

Layout (one folder per project root, `.resilint_cache/` by default, `cache-dir` in
[tool.resilint] or `$RESILINT_CACHE_DIR` to move it):

    .resilint_cache/
        .gitignore            "*": the folder never reaches a commit
        CACHEDIR.TAG          backup tools skip it
        <version>/<root>.json one file per project root: real path -> entry

`<version>` is resilint's version and a stamp of its installed code, so an upgrade (or a
development checkout that changed) never serves findings of other rules. An entry holds the
file's content hash (with its size and mtime, to skip the read when they did not change),
the entry key — content hash, the resolved settings and the state of the workspace-index
entries the file depends on (`rules/index/fingerprints.py`) — and the findings.

Parallel runs are safe: the file is written whole to a temporary file and moved over the
old one (`os.replace`), so a reader sees one run's file or the other's, never a mix. A run
that loses the race only costs the next run some analyses. Anything unreadable — a corrupt
file, an entry of the wrong shape — is ignored and rewritten: the cache can make a run
faster, never wrong, and never fails it. It is JSON, not pickle: a cache folder comes with a
cloned repository as easily as the code does, and loading it must not run anything.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from .model import Confidence, Edit, Finding, Fix, Related, Severity, Span
from .settings import FileSettings

CACHE_DIR_NAME = ".resilint_cache"
#: Bump when the entry layout changes.
FORMAT = 2
_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# resilint results cache (https://bford.info/cachedir/)\n"


def digest(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@lru_cache(maxsize=1)
def code_version() -> str:
    """resilint's version and a stamp (size, mtime) of every file of the installed package:
    cheap (a stat per file), and it tells a changed development checkout apart."""
    try:
        version = metadata.version("resilint")
    except metadata.PackageNotFoundError:
        version = "0+unknown"
    package = Path(__file__).resolve().parent
    stamps = []
    for folder in (package, package.parent / "server"):
        for path in sorted(folder.rglob("*")):
            if "__pycache__" in path.parts or not path.is_file():
                continue
            st = path.stat()
            stamps.append(f"{path.relative_to(folder.parent)}:{st.st_size}:{st.st_mtime_ns}")
    return f"{version}-{digest(chr(0).join(stamps))[:12]}"


def cache_dir_for(root: Path, settings: FileSettings | None = None) -> Path:
    """`$RESILINT_CACHE_DIR`, else `cache-dir` (relative to the project root), else
    `<project root>/.resilint_cache`."""
    env = os.environ.get("RESILINT_CACHE_DIR")
    if env:
        return Path(env)
    configured = settings.options.cache_dir if settings is not None else None
    return root / (configured or CACHE_DIR_NAME)


def settings_key(settings: FileSettings) -> str:
    """Everything of the resolved settings that can change a file's findings."""
    parts = [
        settings.options.model_dump_json(by_alias=True),
        ",".join(sorted(settings.enabled or ())),
        str(settings.project_root),
        repr(settings.path_is_test),
        repr(settings.redis_version),
    ]
    return digest("\0".join(parts))


class SettingsKeys:
    """`settings_key` once per distinct settings: files of a project share their options object
    (the resolver keeps it), and the key reads the project's pins (redis version)."""

    def __init__(self) -> None:
        self._keys: dict[tuple, tuple[Any, str]] = {}

    def of(self, settings: Any) -> str:
        ident = (id(settings.options), settings.enabled, str(settings.project_root), settings.path_is_test)
        hit = self._keys.get(ident)
        if hit is None:  # the options object is kept with its key, so its id cannot be reused
            hit = self._keys[ident] = (settings.options, settings_key(settings))
        return hit[1]


def entry_key(content_hash: str, settings_key: str, dependency_key: str) -> str:
    return digest(f"{FORMAT}\0{code_version()}\0{content_hash}\0{settings_key}\0{dependency_key}")


# ----- findings <-> JSON ---------------------------------------------------------------------------
def _span(s: Span) -> list[int]:
    return [s.line, s.col, s.end_line, s.end_col]


def finding_to_json(f: Finding) -> dict[str, Any]:
    out: dict[str, Any] = {"code": f.code, "message": f.message, "span": _span(f.span), "severity": f.severity.value}
    if f.fix is not None:
        out["fix"] = {"message": f.fix.message, "applicability": f.fix.applicability,
                      "edits": [[_span(e.span), e.new_text] for e in f.fix.edits]}
    if f.data:
        out["data"] = f.data
    if f.related:
        out["related"] = [[r.path, _span(r.span), r.message] for r in f.related]
    if f.confidence is not Confidence.HIGH:
        out["confidence"] = f.confidence.value
    return out


def finding_from_json(raw: dict[str, Any]) -> Finding:
    """Raises (KeyError, TypeError, ValueError) on an entry of the wrong shape."""
    fix = raw.get("fix")
    return Finding(
        code=str(raw["code"]),
        message=str(raw["message"]),
        span=Span(*map(int, raw["span"])),
        severity=Severity(raw["severity"]),
        fix=None if fix is None else Fix(str(fix["message"]), fix["applicability"],
                                         tuple(Edit(Span(*map(int, s)), str(t)) for s, t in fix["edits"])),
        data=dict(raw.get("data") or {}),
        related=tuple(Related(str(p), Span(*map(int, s)), str(m)) for p, s, m in raw.get("related") or ()),
        confidence=Confidence(raw.get("confidence", Confidence.HIGH.value)),
    )


def _json_safe(findings: list[Finding]) -> list[dict] | None:
    """The findings as JSON, or None when one of them does not survive the round trip."""
    try:
        out = [finding_to_json(f) for f in findings]
        json.dumps(out)
    except (TypeError, ValueError):
        return None
    return out


# ----- the store -----------------------------------------------------------------------------------
@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0


class ResultsCache:
    """The cached results of one project root (load once, look up, store, save once)."""

    def __init__(self, root: Path, folder: Path) -> None:
        self.root = Path(os.path.realpath(root))
        self.folder = folder
        self.path = folder / code_version() / f"{self.root.name or 'root'}-{digest(str(self.root))[:16]}.json"
        self.entries: dict[str, dict] = {}
        self.stats = CacheStats()
        self._dirty = False
        self._load()

    def _load(self) -> None:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            return  # no cache yet, or a corrupt one: rewritten by save()
        if isinstance(raw, dict) and raw.get("format") == FORMAT and raw.get("root") == str(self.root):
            files = raw.get("files")
            if isinstance(files, dict):
                self.entries = {p: e for p, e in files.items() if isinstance(e, dict)}

    def content_hash(self, real: str, st: os.stat_result, read: Any) -> str | None:
        """The file's content hash: the stored one when size and mtime did not change, else
        `read()` hashed (None when it cannot be read)."""
        entry = self.entries.get(real)
        if entry is not None and entry.get("size") == st.st_size and entry.get("mtime") == st.st_mtime_ns \
                and isinstance(entry.get("hash"), str):
            return entry["hash"]
        data = read()
        return None if data is None else digest(data)

    def lookup(self, real: str, key: str) -> list[Finding] | None:
        entry = self.entries.get(real)
        if entry is None or entry.get("key") != key:
            self.stats.misses += 1
            return None
        try:
            findings = [raw if isinstance(raw, Finding) else finding_from_json(raw) for raw in entry["findings"]]
        except (KeyError, TypeError, ValueError):  # a corrupt entry: analyse again, rewrite it
            self.stats.misses += 1
            return None
        self.stats.hits += 1
        return findings

    def store(self, real: str, st: os.stat_result, content_hash: str, key: str, findings: list[Finding]) -> None:
        """Kept as objects until `save()`: what the output fills in meanwhile (a fix computed
        for JSON, set on the finding) is stored with them."""
        self.entries[real] = {"size": st.st_size, "mtime": st.st_mtime_ns, "hash": content_hash,
                              "key": key, "findings": findings}
        self._dirty = True

    def _encoded(self) -> dict[str, dict]:
        out = {}
        for real, entry in self.entries.items():
            findings = entry.get("findings")
            if isinstance(findings, list) and findings and isinstance(findings[0], Finding):
                encoded = _json_safe(findings)
                if encoded is None:
                    continue  # data that JSON cannot hold: analysed again next time
                entry = {**entry, "findings": encoded}
            out[real] = entry
        return out

    def forget_missing(self, keep: set[str]) -> None:
        """Drop entries of files under the root that are gone (a full run saw them all)."""
        gone = [p for p in self.entries if p not in keep and not os.path.exists(p)]
        for p in gone:
            del self.entries[p]
        self._dirty = self._dirty or bool(gone)

    def save(self) -> None:
        if not self._dirty:
            return
        try:
            self._prepare_folder()
            payload = json.dumps({"format": FORMAT, "root": str(self.root), "files": self._encoded()},
                                 separators=(",", ":"), ensure_ascii=False)
            fd, tmp = tempfile.mkstemp(prefix=".results-", suffix=".tmp", dir=self.path.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    fh.write(payload)
                os.replace(tmp, self.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
            self._dirty = False
        except OSError:
            pass  # a read-only project: the next run is a cold one, not a failed one

    def _prepare_folder(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for name, text in ((".gitignore", "# created by resilint\n*\n"), ("CACHEDIR.TAG", _TAG)):
            marker = self.folder / name
            if not marker.exists():
                _write_atomic(marker, text)


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".tmp", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)

