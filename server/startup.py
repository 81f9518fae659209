"""Start-up speed: a disk cache for the code that attrs generates while lsprotocol loads.

Importing `lsprotocol.types` (which pygls needs before it can answer `initialize`) defines
about 600 attrs classes, and attrs writes and compiles the source of their `__init__`,
`__eq__`, `__repr__`... at import time: `compile()` is nearly half of that import. The
generated source is the same on every start, so the compiled code objects are kept in a
marshal file under the user's cache directory (never in the project), keyed by a hash of
the generated source and its pseudo file name, per Python, attrs and lsprotocol version.

Anything unexpected (another attrs layout, an unreadable or foreign cache file, a read-only
cache directory) leaves attrs compiling as usual: the cache only ever changes the speed.
`RESILINT_NO_STARTUP_CACHE=1` turns it off.

    enable()   # before the first import of lsprotocol / pygls
    ...imports...
    finish()   # restores attrs and writes what was compiled this time
"""
from __future__ import annotations

import builtins
import hashlib
import marshal
import os
import sys
import tempfile
from pathlib import Path
from types import CodeType
from typing import Any

_FORMAT = 1
_state: dict[str, Any] = {}
#: Code objects served from the cache by the last enable() (for tests and --log-level debug).
stats: dict[str, int] = {"hits": 0}


def cache_file() -> Path | None:
    """The marshal file for this interpreter and these attrs / lsprotocol installations (told
    apart by their files' size and mtime: cheaper than reading package metadata)."""
    try:
        from importlib.util import find_spec

        stamps = []
        for module in ("attr._make", "lsprotocol.types", "cattrs.gen"):
            spec = find_spec(module)
            st = os.stat(spec.origin)  # type: ignore[union-attr,arg-type]
            stamps.append(f"{st.st_size}.{st.st_mtime_ns}")
        digest = hashlib.blake2b("|".join(stamps).encode(), digest_size=8).hexdigest()
        tag = f"{sys.implementation.cache_tag}-{digest}-{_FORMAT}"
    except Exception:
        return None
    base = os.environ.get("RESILINT_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "resilint")
    return Path(base) / f"attrs-code-{tag}.marshal"


def _key(filename: str, source: str) -> bytes:
    return hashlib.blake2b(f"{filename}\0{source}".encode("utf-8", "surrogatepass"), digest_size=16).digest()


def enable() -> bool:
    """Serve attrs' compile() calls from the cache; False when the cache cannot be used."""
    if _state or os.environ.get("RESILINT_NO_STARTUP_CACHE") or "lsprotocol.types" in sys.modules:
        return False
    try:
        import attr._make as make
    except Exception:
        return False
    if "compile" in vars(make):  # someone else patched it: leave it alone
        return False
    path = cache_file()
    table: dict[bytes, Any] = {}
    if path is not None:
        try:
            with open(path, "rb") as fh:
                loaded = marshal.load(fh)
            if isinstance(loaded, dict):
                table = loaded
        except (OSError, EOFError, ValueError, TypeError):
            table = {}
    added: dict[bytes, Any] = {}
    stats["hits"] = 0
    real = builtins.compile

    def compile_cached(source, filename, mode, *args, **kwargs):  # type: ignore[no-untyped-def]
        if args or kwargs or mode != "exec" or not isinstance(source, str) or not isinstance(filename, str):
            return real(source, filename, mode, *args, **kwargs)
        key = _key(filename, source)
        code = table.get(key)
        if type(code) is not CodeType or code.co_filename != filename:
            code = added[key] = real(source, filename, mode)
        else:
            stats["hits"] += 1
        return code

    make.compile = compile_cached  # module global: shadows the builtin inside attrs only
    _state.update(module=make, path=path, table=table, added=added)
    return True


def finish() -> int:
    """Stop caching; write the code compiled during this start. Returns how many were new."""
    if not _state:
        return 0
    make, path, table, added = _state["module"], _state["path"], _state["table"], _state["added"]
    vars(make).pop("compile", None)
    _state.clear()
    _state["done"] = True  # once per process
    # Written once per installation: a few generated sources differ on every start (cattrs
    # names some with counters), and rewriting the file for them would cost more than it saves.
    if not added or path is None or (table and len(added) * 20 < len(table)):
        return len(added)
    table.update(added)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".attrs-code-")
        with os.fdopen(fd, "wb") as fh:
            marshal.dump(table, fh)
        os.replace(tmp, path)  # atomic: a concurrent start reads the old or the new file, never half
    except (OSError, ValueError):
        try:
            os.unlink(tmp)  # type: ignore[possibly-undefined]
        except (OSError, NameError):
            pass
    return len(added)
