"""A cheap index of a project's modules: which top-level names are clients, factories, helpers.

Each module is summarised on its own (`summarize`): `ast.parse`, then only the top-level
statements and the bodies of top-level functions. The summary says, for each top-level name:

  - `new`: built from a known client constructor (`requests.Session()`, `OpenAI(...)`, …), with
    the keyword arguments given, whether any was a literal `None`, and where;
  - `ref`: another qualified name (an import, an alias, or the result of calling one);

plus what each top-level function returns (a factory) and which outbound calls it makes
(a helper, with or without a timeout), the module's imports, and where the names it imports
from other modules are used.

Summaries are JSON, cached by content hash (`index.json` in the cache folder: safe to delete,
only ever read as data), and updated one file at a time (`update_file`, `remove`). `view()`
joins them into an `IndexView`: first-party qualified name -> the client binding it stands
for, which `FileContext.resolve()` consults when `FileSettings.workspace_index` is set.
User code is never imported.


Modules: `modules` (file → dotted module name), `summary` (one module's facts), `store`
(`WorkspaceIndex`: the per-project cache of summaries), `view` (`IndexView`, the joined
read-only view, and resolving through it). The CLI's indexed run is in `rules/runner.py`.
"""
from .modules import module_name, source_roots
from .store import IndexStats, WorkspaceIndex, default_cache_dir
from .summary import KNOWN_CONSTRUCTORS, MAX_FILE_BYTES, summarize
from .view import IndexedCall, IndexView, defined_here_uses, indexed_origin, relative_target

__all__ = [
    "WorkspaceIndex", "IndexStats", "IndexView", "IndexedCall", "indexed_origin", "summarize", "module_name",
    "source_roots", "KNOWN_CONSTRUCTORS", "MAX_FILE_BYTES", "default_cache_dir", "defined_here_uses",
    "relative_target",
]
