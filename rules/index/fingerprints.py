"""The state of the index entries each file depends on, as one key per file (for the results cache).

A file's cross-module findings read the summaries of the modules it refers to (imports,
uses, base classes), and of the modules those refer to in turn (a client re-exported through
two modules), and its related locations list the uses recorded in the modules that import
from it. So a file's key covers:

- the summaries of every module it reaches through references (transitively), and which
  module each of its references resolved to (a new module can take a name over);
- the summaries of the modules that refer to it (one level: they hold the uses of its names);
- the editor's settled aliases for the file (jedi), when there are any.

Keys are built over the strongly connected components of the reference graph in
topological order (each component hashes its members and the keys of the components it
refers to), so the whole map costs O(files + references), not a walk per file. Only
summaries count, never the text: an edit inside a function body that changes no indexed
fact leaves the other files' keys, and so their cached results, as they were.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable


def _h(*parts: str) -> str:
    return hashlib.blake2b("\0".join(parts).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _targets(summary: dict) -> Iterable[str]:
    for spec in (summary.get("values") or {}).values():
        to = spec.get("to") if isinstance(spec, dict) else None
        if to:
            yield to
    yield from summary.get("uses") or ()
    for cls in (summary.get("classes") or {}).values():
        if isinstance(cls, dict):
            yield from cls.get("bases") or ()


def _resolver(entries: dict[str, dict]):
    by_module = {e["module"]: p for p, e in entries.items() if isinstance(e.get("module"), str)}

    def resolve(target: str) -> str | None:
        parts = target.split(".")
        for i in range(len(parts), 0, -1):
            hit = by_module.get(".".join(parts[:i]))
            if hit is not None:
                return hit
        return None

    return resolve


def dependency_keys(entries: dict[str, dict], aliases: dict[str, dict[str, str]] | None = None) -> dict[str, str]:
    """real path -> key of the index state its analysis depends on (see the module docstring)."""
    resolve = _resolver(entries)
    own = {p: _h(e.get("module", ""), json.dumps(e.get("summary"), sort_keys=True, separators=(",", ":")))
           for p, e in entries.items()}
    refs: dict[str, list[str]] = {}
    users: dict[str, set[str]] = {p: set() for p in entries}
    for path, entry in entries.items():
        out = set()
        for target in _targets(entry.get("summary") or {}):
            hit = resolve(target)
            if hit is not None and hit != path:
                out.add(hit)
        refs[path] = sorted(out)
        for hit in out:
            users[hit].add(path)
    reach = _component_keys(refs, own)
    aliases = aliases or {}
    keys = {}
    for path in entries:
        near = ",".join(own[u] for u in sorted(users[path]))
        alias = json.dumps(aliases.get(path), sort_keys=True) if path in aliases else ""
        keys[path] = _h(reach[path], near, alias)
    return keys


def _component_keys(refs: dict[str, list[str]], own: dict[str, str]) -> dict[str, str]:
    """Tarjan's strongly connected components (iterative: deep import chains must not hit the
    recursion limit); a component's key hashes its members' own keys and the keys of the
    components it refers to, which Tarjan emits before it."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    comp_key: dict[str, str] = {}
    counter = 0
    for start in refs:
        if start in index:
            continue
        work = [(start, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            children = refs[node]
            if i < len(children):
                work.append((node, i + 1))
                child = children[i]
                if child not in index:
                    work.append((child, 0))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            if low[node] == index[node]:
                members = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    members.append(member)
                    if member == node:
                        break
                inside = set(members)
                outside = sorted({comp_key[c] for m in members for c in refs[m] if c not in inside})
                key = _h(*sorted(f"{m}={own[m]}" for m in members), *outside)
                for member in members:
                    comp_key[member] = key
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return comp_key

