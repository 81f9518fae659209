"""The hover of a resilience API under the cursor, resolved like the engine resolves names."""
from __future__ import annotations

import ast
import re

from ..knowledge import api_doc, render_api_markdown
from .locate import _FileCache, _Found, _api_modules_rx, _char_to_byte, _default_settings, _file_cache, _node_at
from .text import MAX_CHARS



def _walk_for(ctx, entries: list, expr: ast.AST, anc_ids: set[int], sibling_ids: set[int]) -> str | None:
    """Run the engine's deferred walk over ``entries`` until ``expr`` is visited."""
    from ..engine import Walker

    class _Probe(Walker):
        def _function_body(self, node):  # type: ignore[override]
            if id(node) in anc_ids or id(node) in sibling_ids:
                super()._function_body(node)

    walker = _Probe(ctx, [])

    def probe(node: ast.AST) -> None:
        if node is expr:
            b = ctx.resolve(node)
            raise _Found(b.qualname if b is not None else None)

    walker.enter.setdefault(type(expr), []).append((None, probe))  # type: ignore[arg-type]
    if entries is None:
        try:
            walker.run()
        except _Found as found:
            return found.qualname
        return _NOT_VISITED
    walker.deferred = list(entries)
    try:
        while walker.deferred:
            node, scopes, parents, functions = walker.deferred.pop(0)
            ctx.scopes, ctx.parents, ctx.functions = list(scopes), list(parents), list(functions)
            walker._function_body(node)
    except _Found as found:
        return found.qualname
    return _NOT_VISITED


_NOT_VISITED = "\x00not-visited"
_FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef)
_SCOPED = (ast.Lambda, ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)


def _resolve_target(fc: _FileCache, tree: ast.Module, target: ast.AST, ancestors: list[ast.AST]) -> str | None:
    from ..context import FileContext

    expr = target.func if isinstance(target, ast.Call) else target
    anc_ids = {id(a) for a in ancestors}
    # `self.x...` inside a method: the class's earlier methods record self attributes.
    sibling_ids: set[int] = set()
    owner_class: ast.ClassDef | None = None
    head = expr
    while isinstance(head, ast.Attribute):
        head = head.value
    if isinstance(head, ast.Name) and head is not expr:
        for i in range(len(ancestors) - 1, 0, -1):
            if isinstance(ancestors[i], _FUNCS) and isinstance(ancestors[i - 1], ast.ClassDef):
                owner_class = ancestors[i - 1]
                # only the methods that can assign `self.<attr>` (a cheap text test per method)
                first = expr
                while isinstance(first, ast.Attribute) and isinstance(first.value, ast.Attribute):
                    first = first.value
                attr = first.attr if isinstance(first, ast.Attribute) else None
                rx = re.compile(rf"\b{re.escape(head.id)}\s*\.\s*{re.escape(attr)}\s*(?::[^=\n]*)?=(?!=)") if attr else None
                for n in owner_class.body:
                    if isinstance(n, _FUNCS) and rx is not None:
                        seg = "\n".join(fc.lines[n.lineno - 1:(n.end_lineno or n.lineno)])
                        if rx.search(seg):
                            sibling_ids.add(id(n))
                break
    # The outermost def whose *body* holds the target (decorators/defaults are module-pass).
    outer = None
    for i, a in enumerate(ancestors):
        if isinstance(a, _FUNCS):
            nxt = ancestors[i + 1] if i + 1 < len(ancestors) else target
            if nxt in a.decorator_list or nxt is a.args or nxt in a.args.defaults or nxt in a.args.kw_defaults:
                continue
            if any(nxt is stmt for stmt in a.body):
                outer = a
                break
    if outer is None and any(isinstance(a, _SCOPED) for a in ancestors):
        # module-level lambda/comprehension: the exact (pruned) whole walk
        ctx = FileContext(fc.path, fc.text, tree, _default_settings())
        res = _walk_for(ctx, None, expr, anc_ids, sibling_ids)
        return None if res == _NOT_VISITED else res
    mp = fc.module_pass(tree)
    ctx = mp.ctx
    with fc.lock:  # the cached context is shared: one resolution at a time per file
        if outer is not None:
            entry = mp.deferred.get(id(outer))
            entries = [entry] if entry is not None else []
            if owner_class is not None:
                cls_scope = ctx.class_scopes.get(id(owner_class))
                if cls_scope is not None:
                    cls_scope._self_attrs = None
                entries = [mp.deferred[i] for i in mp.deferred if i in sibling_ids or i == id(outer)]
            if entries:
                res = _walk_for(ctx, entries, expr, anc_ids, sibling_ids)
                if res != _NOT_VISITED:
                    return res
        # Module level (or not visited: annotations, parameters): the final module scope,
        # plus the innermost class body's scope.
        scopes = [ctx.scopes[0]] if ctx.scopes else []
        for a in reversed(ancestors):
            if isinstance(a, _FUNCS):
                break
            if isinstance(a, ast.ClassDef) and id(a) in ctx.class_scopes:
                scopes.append(ctx.class_scopes[id(a)])
                break
        ctx.scopes, ctx.parents, ctx.functions = scopes, [], []
        b = ctx.resolve(expr)
        return b.qualname if b is not None else None



def api_qualname_at(text: str, path: str, line: int, col: int) -> str | None:
    """Resolved qualified name under the cursor (None when nothing resolves)."""
    fc = _file_cache(text, path)
    return _qualname_at(fc, line, col)


def _qualname_at(fc: _FileCache, line: int, col: int) -> str | None:
    if line < 0 or line >= len(fc.lines):
        return None
    src = fc.lines[line]
    if col > len(src):
        return None
    # Cursor on an identifier character (or right after one)?
    if not ((col < len(src) and (src[col].isidentifier() or src[col].isdigit() or src[col] in ".("))
            or (col > 0 and src[col - 1].isidentifier())):
        return None
    key = (line, col)
    with fc.lock:
        if key in fc._qualnames:
            return fc._qualnames[key]
    result = None
    tree = fc.tree_for(line)
    if tree is not None:
        pos = (line + 1, _char_to_byte(src, col))
        target, ancestors = _node_at(tree, pos)
        if target is not None:
            try:
                result = _resolve_target(fc, tree, target, ancestors)
            except Exception:
                result = None
    with fc.lock:
        if len(fc._qualnames) > 4096:
            fc._qualnames.clear()
        fc._qualnames[key] = result
    return result


def _api_doc_for(qualname: str | None):
    if not qualname:
        return None
    candidates = [qualname]
    if "()" in qualname:
        candidates.append(qualname.replace("()", ""))
    if qualname.endswith("()"):
        candidates.append(qualname[:-2])
    for cand in candidates:
        doc = api_doc(cand)
        if doc is not None:
            return doc
    return None


_API_LAST: tuple[frozenset[str], re.Pattern[str] | None] | None = None
_IDENT = re.compile(r"[^\W\d]\w*")


def _api_last_segments() -> tuple[frozenset[str], re.Pattern[str] | None]:
    """Last dotted segments of every documented API (``get``, ``retry``, ``create``...),
    and a pattern for the wildcard families (``stop_*``)."""
    global _API_LAST
    if _API_LAST is None:
        from ..knowledge import all_api_docs

        names: set[str] = set()
        families: list[str] = []
        for d in all_api_docs():
            for n in (d.qualname, *d.aliases):
                last = n.rsplit(".", 1)[-1]
                if "*" in last:
                    families.append(re.escape(last).replace("\\*", "\\w*"))
                else:
                    names.add(last)
        rx = re.compile("^(?:" + "|".join(families) + ")$") if families else None
        _API_LAST = (frozenset(names), rx)
    return _API_LAST


def _word_at(src: str, col: int) -> str | None:
    """The identifier under (or just before) the cursor; for `(`/`.` the one before it."""
    for m in _IDENT.finditer(src):
        if m.start() <= col <= m.end():
            return m.group(0)
        if m.start() > col:
            break
    return None


def _imported_api_names(fc: _FileCache) -> frozenset[str]:
    """Local names bound by ``from <api package> import x as y`` (aliases of API names)."""
    if fc._api_names is None:
        names: set[str] = set()
        rx = _api_modules_rx()
        for m in rx.finditer(fc.text):
            start = m.start()
            stmt = fc.text[start:start + 2000]
            if not re.match(r"[ \t]*from\b", stmt):
                continue
            body = stmt.split("import", 1)[1] if "import" in stmt else ""
            if body.lstrip().startswith("("):
                body = body.split(")", 1)[0]
            else:
                body = re.split(r"(?<!\\)\n", body, 1)[0]
            body = re.sub(r"#[^\n]*", "", body).replace("(", " ").replace("\\", " ")
            for item in body.split(","):
                words = item.split()
                if words:
                    names.add(words[-1])
        fc._api_names = frozenset(names)
    return fc._api_names


def _may_be_api(fc: _FileCache, line: int, col: int) -> bool:
    """Cheap test before any parsing: is the word under the cursor a documented API's last
    name (``get``, ``retry``, ``stop_after_delay``) or a local alias imported from one?"""
    src = fc.lines[line] if 0 <= line < len(fc.lines) else ""
    word = _word_at(src, col)
    if word is None and col < len(src) and src[col] in ".(":
        word = _word_at(src, col - 1) if col > 0 else None
    if not word:
        return False
    names, families = _api_last_segments()
    if word in names or (families is not None and families.match(word)):
        return True
    return word in _imported_api_names(fc)


def _api_hover(fc: _FileCache, line: int, col: int, locale: str) -> str | None:
    if not fc.has_api_imports() or not _may_be_api(fc, line, col):
        return None
    doc = _api_doc_for(_qualname_at(fc, line, col))
    if doc is None:
        return None
    md = render_api_markdown(doc, locale)
    if doc.rules:
        md = md.rstrip() + "\n\n*resilint:* " + ", ".join(f"`{c}`" for c in doc.rules) + "\n"
    if len(md) > MAX_CHARS:
        md = md[: MAX_CHARS - 1] + "…"
    return md
