"""Code actions: quick fixes, suppressions, fix-all and refactors (`register(server)`).

The list is cheap: each action carries `data` = {uri, version, kind, code, span, ...} and no
edit; `codeAction/resolve` computes the edit (`compute_fix` parses only the statement of the
finding, see docs/fixes.md). Offered:

- ``quickfix`` per finding under the range whose rule has a fix (`isPreferred` when the fix
  is safe); "Ignore CODE for this line" (adds or extends `# resilint: ignore[...]`) and
  "Ignore CODE in this file" (`# resilint: ignore-file[CODE]` after the module docstring);
- ``source.fixAll.resilint``: every safe fix (unsafe ones too when the `unsafeFixes`
  setting — the lint option `unsafe-fixes` — is on), as minimal edits;
- ``refactor.rewrite`` on an outbound call or an `await` with no finding
  (`rules/fixes/refactors.py`): add timeout, retry with tenacity, circuit breaker,
  asyncio.timeout. Only lines that await or name an imported HTTP/socket API are parsed
  for them (`refactors.may_offer`): elsewhere in a big class the list parses nothing.

A resolve for a version that is no longer current returns the action without an edit.
"""
from __future__ import annotations

import asyncio
import logging
import re
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from resilint.rules.model import Edit, Finding, Span
from resilint.rules.registry import get_rule

from .convert import SOURCE, to_range
from .documents import Document, client_col_to_char

if TYPE_CHECKING:
    from pygls.lsp.server import LanguageServer

log = logging.getLogger("resilint.server")

FIX_ALL_KIND = "source.fixAll.resilint"
KINDS = [
    types.CodeActionKind.QuickFix,
    types.CodeActionKind.RefactorRewrite,
    types.CodeActionKind.SourceFixAll,
    FIX_ALL_KIND,
]
_IGNORE = re.compile(r"#\s*resilint\s*:\s*ignore\b(?!-file)(?:\s*\[(?P<codes>[^\]]*)\])?", re.IGNORECASE)
_IGNORE_FILE = re.compile(r"#\s*resilint\s*:\s*ignore-file\b(?:\s*\[(?P<codes>[^\]]*)\])?", re.IGNORECASE)
_CALLISH = re.compile(r"\w\s*\(|\bawait\b")


def _wanted(only: list[str] | None, kind: str) -> bool:
    if not only:
        return True
    return any(kind == k or kind.startswith(k + ".") for k in only)


def _span_json(span: Span) -> list[int]:
    return [span.line, span.col, span.end_line, span.end_col]


def _fix_title(finding: Finding) -> str:
    rule = get_rule(finding.code)
    title = (rule.fix_title if rule is not None else None) or "Fix"
    values = {k: (int(v) if isinstance(v, float) and v.is_integer() else v) for k, v in finding.data.items()}
    try:
        title = title.format(**values)
    except (KeyError, IndexError, ValueError):
        pass
    return f"{finding.code}: {title}"


def _text_edits(doc: Document, edits: tuple[Edit, ...] | list[Edit], encoding: str) -> list[types.TextEdit]:
    lines = doc.lines
    return [types.TextEdit(range=to_range(e.span, lines, encoding), new_text=e.new_text) for e in edits]


def _workspace_edit(doc: Document, edits, encoding: str) -> types.WorkspaceEdit:
    return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(
        text_document=types.OptionalVersionedTextDocumentIdentifier(uri=doc.uri, version=doc.version),
        edits=_text_edits(doc, edits, encoding),
    )])


# ----- suppressions ---------------------------------------------------------------------------------
def ignore_line_edit(text: str, line: int, code: str) -> Edit | None:
    """`# resilint: ignore[CODE]` at the end of `line`, or CODE added to the one already there."""
    from resilint.rules.fixes.chunks import lines_keepends

    lines = lines_keepends(text)
    if line >= len(lines):
        return None
    raw = lines[line]
    content = raw.rstrip("\r\n")
    m = _IGNORE.search(content)
    if m:
        if m.group("codes") is None:
            return None  # a bare ignore already covers every code
        codes = [c.strip() for c in m.group("codes").split(",") if c.strip()]
        if code in codes:
            return None
        new = f"# resilint: ignore[{', '.join([*codes, code])}]"
        return Edit(Span(line, m.start(), line, m.end()), new)
    return Edit(Span(line, len(content), line, len(content)), f"  # resilint: ignore[{code}]")


def ignore_file_edit(text: str, code: str) -> Edit | None:
    """`# resilint: ignore-file[CODE]` after the module docstring (or CODE added to one)."""
    import ast

    from resilint.rules.fixes.chunks import lines_keepends

    lines = lines_keepends(text)
    for i, raw in enumerate(lines):
        m = _IGNORE_FILE.search(raw)
        if m and raw.lstrip().startswith("#"):
            if m.group("codes") is None:
                return None
            codes = [c.strip() for c in m.group("codes").split(",") if c.strip()]
            if code in codes:
                return None
            return Edit(Span(i, m.start(), i, m.end()), f"# resilint: ignore-file[{', '.join([*codes, code])}]")
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    at = 0
    try:
        tree = ast.parse(text)
    except SyntaxError:
        tree = None
    if tree is not None and tree.body and isinstance(tree.body[0], ast.Expr) and isinstance(
        getattr(tree.body[0], "value", None), ast.Constant
    ) and isinstance(tree.body[0].value.value, str):
        at = tree.body[0].end_lineno or 0
    else:
        while at < len(lines) and (lines[at].startswith("#!") or re.match(r"#.*coding[:=]", lines[at])) and at < 2:
            at += 1
    if at >= len(lines):
        prefix = "" if not lines or lines[-1].endswith(("\n", "\r")) else newline
        end = len(lines) - 1 if lines else 0
        col = len(lines[-1]) if lines else 0
        return Edit(Span(end, col, end, col), f"{prefix}# resilint: ignore-file[{code}]{newline}")
    return Edit(Span(at, 0, at, 0), f"# resilint: ignore-file[{code}]{newline}")


# ----- registration ------------------------------------------------------------------------------------
def register(server: "LanguageServer") -> None:
    session = server.resilint_session  # type: ignore[attr-defined]
    diags = server.resilint_diagnostics  # type: ignore[attr-defined]

    def encoding() -> str:
        return session.encoding

    def settings_of(doc: Document):
        return session.resolve(doc).settings

    def path_of(doc: Document) -> str:
        return str(doc.path) if doc.path else doc.uri

    def to_span(doc: Document, rng: types.Range) -> Span:
        lines = doc.lines

        def char(pos: types.Position) -> tuple[int, int]:
            line = min(max(pos.line, 0), max(len(lines) - 1, 0))
            text = lines[line] if lines else ""
            return line, client_col_to_char(text, pos.character, encoding())

        (l1, c1), (l2, c2) = char(rng.start), char(rng.end)
        return Span(l1, c1, l2, c2)

    def matching_diagnostic(params: types.CodeActionParams, finding: Finding, doc: Document) -> list[types.Diagnostic]:
        rng = to_range(finding.span, doc.lines, encoding())
        return [
            d for d in params.context.diagnostics
            if str(d.code) == finding.code and d.range == rng and (d.source in (None, SOURCE))
        ]

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=KINDS, resolve_provider=True),
    )
    async def code_action(ls: "LanguageServer", params: types.CodeActionParams) -> list[types.CodeAction] | None:
        doc = session.documents.get(params.text_document.uri)
        if doc is None or doc.closed or not doc.is_python():
            return None
        only = params.context.only
        span = to_span(doc, params.range)
        actions: list[types.CodeAction] = []
        base = {"uri": doc.uri, "version": doc.version}
        from resilint.rules.fixes import fixable

        if _wanted(only, types.CodeActionKind.QuickFix):
            findings = [f for f in doc.findings if f.span.overlaps(span) and f.code not in ("RES998", "RES999")]
            for finding in sorted(findings, key=lambda f: f.sort_key()):
                related = matching_diagnostic(params, finding, doc)
                common = {**base, "code": finding.code, "span": _span_json(finding.span)}
                if fixable(finding):
                    rule = get_rule(finding.code)
                    safe = getattr(rule, "fix_applicability", None) == "safe"
                    actions.append(types.CodeAction(
                        title=_fix_title(finding), kind=types.CodeActionKind.QuickFix,
                        diagnostics=related or None, is_preferred=safe or None,
                        data={**common, "kind": "fix"},
                    ))
                if finding.code != "RES900":
                    actions.append(types.CodeAction(
                        title=f"Ignore {finding.code} for this line", kind=types.CodeActionKind.QuickFix,
                        diagnostics=related or None, data={**common, "kind": "ignore-line"},
                    ))
                    actions.append(types.CodeAction(
                        title=f"Ignore {finding.code} in this file", kind=types.CodeActionKind.QuickFix,
                        diagnostics=related or None, data={**common, "kind": "ignore-file"},
                    ))
        if only and any(FIX_ALL_KIND == k or FIX_ALL_KIND.startswith(k + ".") for k in only):
            if any(fixable(f) for f in doc.findings):
                actions.append(types.CodeAction(
                    title="resilint: fix all auto-fixable problems", kind=FIX_ALL_KIND, data={**base, "kind": "fix-all"},
                ))
        if _wanted(only, types.CodeActionKind.RefactorRewrite) and span.line == span.end_line:
            line_text = doc.line_view[span.line] if span.line < len(doc.line_view) else ""
            from resilint.rules.fixes.refactors import may_mention_outbound

            # decided here for most lines: no round trip through a worker thread
            if _CALLISH.search(line_text) and may_mention_outbound(doc.text, line_text):
                try:
                    offered = await asyncio.to_thread(
                        _refactor_offers, doc.text, path_of(doc), settings_of(doc), span, line_text)
                except Exception as exc:  # noqa: BLE001 - never fail the request
                    log.debug("refactor offers failed: %s", exc)
                    offered = []
                from resilint.rules.fixes.refactors import TITLES

                covered = {f.code for f in doc.findings if f.span.overlaps(span)}
                for name, target in offered:
                    if name == "timeout" and covered & {"RES001", "RES002"}:
                        continue
                    actions.append(types.CodeAction(
                        title=TITLES[name], kind=types.CodeActionKind.RefactorRewrite,
                        data={**base, "kind": "refactor", "refactor": name, "span": _span_json(target)},
                    ))
        return actions or None

    @server.feature(types.CODE_ACTION_RESOLVE)
    async def resolve(ls: "LanguageServer", action: types.CodeAction) -> types.CodeAction:
        data = action.data if isinstance(action.data, dict) else {}
        doc = session.documents.get(data.get("uri", ""))
        if doc is None or doc.closed or data.get("version") != doc.version:
            return action
        kind = data.get("kind")
        try:
            if kind == "fix-all":
                edits = await _fix_all(doc)
            elif kind == "refactor":
                edits = await _refactor(doc, data)
            else:
                await diags.ensure_current(doc)
                if data.get("version") != doc.version:
                    return action
                edits = await _finding_action(doc, data, kind)
        except Exception as exc:  # noqa: BLE001 - a broken fix must not take the server down
            log.warning("resolving %r failed: %s: %s", action.title, type(exc).__name__, exc)
            return action
        if edits:
            action.edit = _workspace_edit(doc, edits, encoding())
        return action

    async def _fix_all(doc: Document) -> tuple[Edit, ...]:
        from resilint.rules.fixes import fix_all
        from resilint.rules.fixes.document import edits_between

        text, settings = doc.text, settings_of(doc)
        unsafe = bool(getattr(settings.options, "unsafe_fixes", False))
        new, applied, _ = await asyncio.to_thread(fix_all, text, path_of(doc), settings, unsafe=unsafe)
        return edits_between(text, new) if applied else ()

    async def _refactor(doc: Document, data: dict[str, Any]) -> tuple[Edit, ...]:
        from resilint.rules.fixes import FixDocument
        from resilint.rules.fixes.refactors import compute

        span = Span(*data["span"])
        fd = FixDocument(doc.text, path_of(doc), settings_of(doc))
        fix = await asyncio.to_thread(compute, fd, data.get("refactor", ""), span)
        return fix.edits if fix is not None else ()

    async def _finding_action(doc: Document, data: dict[str, Any], kind: str | None) -> tuple[Edit, ...]:
        code = data.get("code")
        span = Span(*data.get("span", (0, 0, 0, 0)))
        finding = next((f for f in doc.findings if f.code == code and f.span == span), None)
        if finding is None:
            return ()
        text = doc.text
        if kind == "fix":
            from resilint.rules.fixes import compute_fix

            fix = await asyncio.to_thread(compute_fix, finding, text, path_of(doc), settings_of(doc))
            return fix.edits if fix is not None else ()
        if kind == "ignore-line":
            for line in dict.fromkeys((finding.span.line, finding.span.end_line)):
                edit = ignore_line_edit(text, line, finding.code)
                if edit is not None and _suppresses(text, edit, finding, path_of(doc), settings_of(doc)):
                    return (edit,)
            return ()
        if kind == "ignore-file":
            edit = ignore_file_edit(text, finding.code)
            return (edit,) if edit is not None else ()
        return ()


def _suppresses(text: str, edit: Edit, finding: Finding, path: str, settings) -> bool:
    """The suppression comment parses and silences the finding (not inside a string)."""
    from resilint.rules.engine import analyze
    from resilint.rules.fixes import apply_edits

    new = apply_edits(text, [edit])
    result = analyze(new, path, settings)
    return not any(f.code == "RES999" for f in result.findings) and not any(
        f.code == finding.code and f.span == finding.span for f in result.findings
    )


def _refactor_offers(text: str, path: str, settings, span: Span, line_text: str) -> list[tuple[str, Span]]:
    from resilint.rules.fixes import FixDocument
    from resilint.rules.fixes.refactors import may_offer, offers

    doc = FixDocument(text, path, settings)
    if not may_offer(doc, line_text) or not doc.focus(span):
        return []
    return offers(doc, span.line, span.col)
