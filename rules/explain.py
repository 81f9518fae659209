"""Hover explanations (issue 5), without pygls: what a finding, a suppressed code or a
resilience API under the cursor means, in the words of the engineering guide.

Public API:

* ``hover_at(text, path, line, col, *, findings, settings, locale, guides) -> str | None``
  Markdown for the position (0-based line, 0-based character column), or None.
  Order: a rule code inside a suppression comment (``# resilint: ignore[RES001]``,
  ``# noqa: RES001``), then the findings whose range holds the position, then the
  resilience API whose name is under the cursor (resolved like the engine resolves it).
* ``explain_rule(code, locale, *, finding=None, guides=()) -> str | None``: the rule card.
* ``resolve_locale(client_locale, setting, pyproject) -> "en" | "pt-BR"``.
* ``api_qualname_at(text, path, line, col) -> str | None``: the resolved qualified name
  of the innermost Name/Attribute/Call at the position (cached per text).

The output is bounded (``MAX_CHARS``), contains no raw HTML and no ``command:`` links;
workspace-derived text (team guides) goes through ``escape_markdown``.
"""
from __future__ import annotations

import ast
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .knowledge import (
    Entry,
    Guide,
    api_doc,
    escape_markdown,
    load_guide,
    render_api_markdown,
    render_entry_markdown,
    resolve_ref,
)
from .knowledge.model import normalize_locale
from .knowledge.render import location_link
from .model import DOCS_URL, SYNTAX_ERROR, Finding, Rule, Span
from .source import split_lines
from .tiers import hover_note

if TYPE_CHECKING:
    from .settings import FileSettings

__all__ = [
    "MAX_CHARS",
    "api_qualname_at",
    "clear_cache",
    "explain_rule",
    "hover_at",
    "playbook_for",
    "resolve_locale",
]

MAX_CHARS = 6000
GUIDE_DOCS_URL = DOCS_URL.split("/docs/rules/", 1)[0] + "/docs/guide/{page}"

_LABELS: dict[str, dict[str, str]] = {
    "why": {"en": "Why it matters", "pt-BR": "Por que importa"},
    "guide": {"en": "Engineering guide", "pt-BR": "Guia de engenharia"},
    "team": {"en": "Your team's guide", "pt-BR": "Guia do seu time"},
    "fix": {"en": "How to fix", "pt-BR": "Como corrigir"},
    "before": {"en": "Before", "pt-BR": "Antes"},
    "after": {"en": "After", "pt-BR": "Depois"},
    "quickfix": {"en": "Quick fix", "pt-BR": "Correção rápida"},
    "playbook": {"en": "Playbook", "pt-BR": "Playbook"},
    "first_steps": {"en": "first steps", "pt-BR": "primeiros passos"},
    "full": {"en": "full playbook", "pt-BR": "playbook completo"},
    "owasp": {"en": "OWASP", "pt-BR": "OWASP"},
    "suppressed": {
        "en": "This comment suppresses `{code}` on this line.",
        "pt-BR": "Este comentário suprime `{code}` nesta linha.",
    },
    "suppressed_file": {
        "en": "This comment suppresses `{code}` in the whole file.",
        "pt-BR": "Este comentário suprime `{code}` no arquivo inteiro.",
    },
    "disabled": {
        "en": "`{code}` is not enabled for this file.",
        "pt-BR": "`{code}` não está habilitada para este arquivo.",
    },
    "what": {"en": "What it does", "pt-BR": "O que verifica"},
    "more": {
        "en": "More: `resilint rule {code}` · [docs]({url})",
        "pt-BR": "Mais: `resilint rule {code}` · [documentação]({url})",
    },
    "cut": {"en": "(shortened)", "pt-BR": "(resumido)"},
    "findings_more": {"en": "Also here: {codes}", "pt-BR": "Também aqui: {codes}"},
}


def _t(key: str, locale: str, **kw: Any) -> str:
    text = _LABELS[key].get(locale) or _LABELS[key]["en"]
    return text.format(**kw) if kw else text


# --------------------------------------------------------------------------- locale

def _locale_or_none(value: str | None) -> str | None:
    if not value or not isinstance(value, str) or not value.strip():
        return None
    low = value.strip().replace("_", "-").lower()
    if low == "pt" or low.startswith("pt-"):
        return "pt-BR"
    if low == "en" or low.startswith("en-"):
        return "en"
    return None


def resolve_locale(client_locale: str | None, setting: str | None, pyproject: str | None) -> str:
    """The hover language: "en" or "pt-BR".

    Precedence (highest first): the editor setting ``resilint.locale`` (the reader's own
    explicit choice), then ``[tool.resilint] locale`` in pyproject.toml (the team's default),
    then the client's UI locale from ``initialize`` (``pt``, ``pt-BR``, ``pt_BR``, ``pt-PT``
    → pt-BR; ``en-*`` → en), then "en".  Values that are not English or Portuguese are
    skipped (a ``de`` UI falls through to "en").
    """
    for value in (setting, pyproject, client_locale):
        loc = _locale_or_none(value)
        if loc:
            return loc
    return "en"


# --------------------------------------------------------------------------- helpers

_HTML = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}
_SCHEME = re.compile(r"\b(command|javascript|vbscript|data|file)\s*:", re.IGNORECASE)


def _safe_inline(text: str, limit: int = 600) -> str:
    """Our own text that may embed user identifiers: keep code spans, kill HTML and links."""
    text = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", str(text))
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    text = "".join(_HTML.get(c, c) for c in text)
    text = text.replace("](", "]\\(").replace("[", "\\[")
    text = _SCHEME.sub(lambda m: m.group(1) + "\\:", text)
    if text.count("`") % 2:
        text = text.replace("`", "'")
    return text


_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.DOTALL)


def _no_html(text: str) -> str:
    """Docs prose: HTML-escape ``<``, ``>``, ``&`` outside code spans (inside them they are literal)."""
    out, last = [], 0
    for m in _CODE_SPAN.finditer(text):
        out.append("".join(_HTML.get(c, c) for c in text[last:m.start()]))
        out.append(m.group(0))
        last = m.end()
    out.append("".join(_HTML.get(c, c) for c in text[last:]))
    return _SCHEME.sub(lambda m: m.group(1) + "\\:", "".join(out))


def _code_block(code: str) -> str:
    code = code.strip("\n")
    m = re.match(r"^```[a-zA-Z]*\n(.*?)\n?```\s*$", code, re.DOTALL)
    body = m.group(1) if m else code
    body = body.replace("```", "ˋˋˋ")
    return f"```python\n{body}\n```"


def _first_paragraph(text: str, limit: int = 700) -> str:
    para = text.strip().split("\n\n", 1)[0].strip()
    para = " ".join(para.split())
    if len(para) > limit:
        para = para[: limit - 1].rsplit(" ", 1)[0] + "…"
    return para


def _guides(guides: Iterable[Any] | None) -> list[Guide]:
    out: list[Guide] = []
    for g in guides or ():
        if isinstance(g, Guide):
            out.append(g)
        elif isinstance(g, (str, PathLike)):
            try:
                out.append(load_guide(g))
            except Exception:  # a broken guide never breaks a hover
                continue
    return out


def _team_entry(guides: list[Guide], ref: str) -> tuple[Guide, Entry] | None:
    for guide in guides:
        try:
            hit = guide.resolve(ref)
        except Exception:
            hit = None
        if hit is not None:
            return guide, hit
    return None


def _team_block(guide: Guide, entry: Entry, locale: str) -> str:
    """The team's wording, verbatim but escaped, with a link to file:line."""
    title = escape_markdown(entry.title_for(locale), 200, keep_newlines=False)
    body = entry.body_for(locale)
    bullets = entry.field_for("bullets", locale) or entry.field_for("items", locale)
    text_lines: list[str] = []
    quotes = "\"'“”‘’«» ."
    if body and body.strip().strip(quotes) != entry.title_for(locale).strip().strip(quotes):
        text_lines.append(body)
    elif not body or body.strip().strip(quotes) != entry.title_for(locale).strip().strip(quotes):
        if isinstance(bullets, list):
            text_lines.extend(f"- {b}" for b in bullets)
        elif bullets:
            text_lines.append(str(bullets))
    verbatim = escape_markdown("\n".join(text_lines), 700) if text_lines else ""
    link = location_link(entry) or ""
    gtitle = escape_markdown(guide.title or Path(str(guide.path)).name, 120, keep_newlines=False)
    head = f"**{escape_markdown(entry.id, 20)}** — **{title}**"
    out = [f"*{_t('team', locale)}:* {gtitle}" + (f" · {link}" if link else ""), "", head]
    if verbatim:
        out += ["", verbatim]
    return "\n".join(out)


# --------------------------------------------------------------------------- playbooks

_W = r"(?<![a-z])"  # rule names are kebab-case: match at the start of a word only
_PLAYBOOK_BY_KEYWORD: tuple[tuple[str, str], ...] = (
    (_W + r"(migrat|alembic|schema|backfill|ddl)", "PB9"),
    (_W + r"(postgres|psycopg|sql|query|queries|locks?(?![a-z])|index|database|db-pool|connection-pool)", "PB4"),
    (_W + r"(kafka|consumer|partition|stream)", "PB5"),
    (_W + r"(rag|retriev|embedding|vector)", "PB8"),
    (_W + r"(token|cost|max-tokens)", "PB10"),
    (_W + r"(deploy|kubernetes|k8s|probe|graceful|shutdown|sigterm)", "PB2"),
    (_W + r"(api-change|pagination|versioning|breaking)", "PB3"),
)
_PLAYBOOK_BY_FAMILY = {"RES": "PB1", "SEC": "PB6", "LLM": "PB7", "DB": "PB4"}
_NO_PLAYBOOK = {"RES900", "RES998", "RES999"}


def playbook_for(rule: type[Rule]) -> Entry | None:
    """The most relevant playbook: a PB ref of the rule, a keyword of its name, its family.

    Timeouts, retries, breakers and async rules (RES) → PB1 incident; SEC → PB6 security;
    LLM → PB7 (RAG rules → PB8, token/cost rules → PB10); migrations → PB9; Postgres/DB → PB4.
    """
    if rule.code in _NO_PLAYBOOK:
        return None
    for ref in rule.refs:
        e = resolve_ref(ref)
        if e is not None and e.kind == "playbook":
            return e
    name = f"{rule.name} {rule.code}".lower()
    if rule.code.startswith("SEC"):  # security findings: the security playbook, whatever the topic
        return resolve_ref("PB6")
    for pattern, pb in _PLAYBOOK_BY_KEYWORD:
        if re.search(pattern, name):
            return resolve_ref(pb)
    family = re.match(r"[A-Z]+", rule.code)
    pb = _PLAYBOOK_BY_FAMILY.get(family.group(0) if family else "")
    return resolve_ref(pb) if pb else None


def _playbook_block(pb: Entry, locale: str) -> str:
    steps = pb.field_for("steps", locale) or []
    url = GUIDE_DOCS_URL.format(page=f"playbooks/{pb.slug}.md") if pb.slug else None
    head = f"**{_t('playbook', locale)} {pb.id}** — {pb.title_for(locale)} ({_t('first_steps', locale)})"
    out = [head, ""]
    for k, step in enumerate(list(steps)[:3], 1):
        out.append(f"{k}. {step}")
    if url:
        out += ["", f"[{_t('full', locale)}: docs/guide/playbooks/{pb.slug}.md]({url})"]
    return "\n".join(out)


# --------------------------------------------------------------------------- rule card

def _get_rule(code: str) -> type[Rule] | None:
    from .registry import get_rule

    try:
        return get_rule(code)
    except Exception:
        return None


def _assemble(parts: list[str], locale: str, limit: int = MAX_CHARS) -> str:
    """Join whole parts (never cutting a code fence) while they fit under ``limit``."""
    out: list[str] = []
    size = 0
    sep = "\n\n---\n\n"
    for i, part in enumerate(parts):
        part = part.strip()
        if not part:
            continue
        extra = len(part) + (len(sep) if out else 0)
        if size + extra > limit - 40:
            if i == 0:  # the header alone is too long: cut it hard (no fences in headers)
                out.append(part[: limit - 60] + "…")
            out.append(f"*{_t('cut', locale)}*")
            break
        out.append(part)
        size += extra
    return sep.join(out) + "\n"


def explain_rule(
    code: str,
    locale: str = "en",
    *,
    finding: Finding | None = None,
    guides: Iterable[Any] = (),
    note: str | None = None,
    max_chars: int = MAX_CHARS,
) -> str | None:
    """The rule card: title, message, why, guide entries (+ the team's), fix, playbook, OWASP."""
    rule = _get_rule(code)
    if rule is None:
        return None
    loc = normalize_locale(locale)
    loaded = _guides(guides)
    from .docs import sections

    secs = sections(rule)
    header = [f"### {rule.code} · {rule.name}"]
    if finding is not None:
        header += ["", _safe_inline(finding.message)]
    elif rule.message and "{" not in rule.message:
        header += ["", _safe_inline(rule.message)]
    elif secs.get("What it does"):
        header += ["", f"*{_t('what', loc)}:* " + _no_html(_first_paragraph(secs["What it does"], 500))]
    if note:
        header += ["", note]
    tier = hover_note(rule, finding.confidence if finding is not None else None)
    if tier:
        header += ["", _no_html(tier)]
    parts = ["\n".join(header)]

    why = secs.get("Why is this bad?")
    if why:
        parts.append(f"**{_t('why', loc)}**\n\n" + _no_html(_first_paragraph(why, 900)))

    # Guide entries: built-in brief render, and the team's verbatim text when a guide defines the ref.
    guide_lines: list[str] = []
    team_lines: list[str] = []
    for ref in rule.refs:
        entry = resolve_ref(ref)
        if entry is not None:
            guide_lines.append(render_entry_markdown(entry, loc, brief=True).strip())
        team = _team_entry(loaded, entry.id if entry is not None else ref) if loaded else None
        if team is None and loaded and entry is None:
            team = _team_entry(loaded, ref)
        if team is not None:
            team_lines.append(_team_block(team[0], team[1], loc))
    if team_lines:
        parts.append("\n\n".join(team_lines))
    if guide_lines:
        parts.append(f"**{_t('guide', loc)}**\n\n" + "\n\n".join(guide_lines))

    example, instead = secs.get("Example"), secs.get("Use instead")
    if example and instead:
        fix = [f"**{_t('fix', loc)}**", "", f"*{_t('before', loc)}:*", "", _code_block(example), "",
               f"*{_t('after', loc)}:*", "", _code_block(instead)]
        if finding is not None and finding.fix is not None:
            fix += ["", f"*{_t('quickfix', loc)}:* " + _safe_inline(finding.fix.message, 200)]
        parts.append("\n".join(fix))

    pb = playbook_for(rule)
    if pb is not None:
        parts.append(_playbook_block(pb, loc))

    owasp = []
    for ref in rule.owasp:
        e = resolve_ref(ref)
        if e is not None:
            owasp.append(render_entry_markdown(e, loc, brief=True).strip())
        else:
            owasp.append(_safe_inline(ref, 60))
    if owasp:
        parts.append(f"**{_t('owasp', loc)}**\n\n" + "\n\n".join(owasp))

    parts.append(_t("more", loc, code=rule.code, url=rule.url()))
    return _assemble(parts, loc, max_chars)


# --------------------------------------------------------------------------- suppression codes

def _directive_code_at(text: str, line: int, col: int, cache: _FileCache) -> tuple[str, str] | None:
    lines = cache.lines
    if line < 0 or line >= len(lines):
        return None
    src = lines[line]
    if "#" not in src or not re.search(r"resilint|noqa", src, re.IGNORECASE):
        return None
    for d in cache.directives():
        if d.line != line:
            continue
        for code, span in d.code_spans.items():
            if span.contains(line, col):
                return code, d.kind
    return None


# --------------------------------------------------------------------------- API resolution

class _Found(BaseException):
    """Stops the walk once the target node was resolved (BaseException: the walker's
    per-rule error guard catches Exception only)."""

    def __init__(self, qualname: str | None) -> None:
        self.qualname = qualname


_API_MODULES_RX: re.Pattern[str] | None = None


def _api_modules_rx() -> re.Pattern[str]:
    """Matches an import of a package that has API docs (the cheap pre-filter)."""
    global _API_MODULES_RX
    if _API_MODULES_RX is None:
        from .knowledge import all_api_docs

        tops = sorted({n.split(".", 1)[0] for d in all_api_docs() for n in (d.qualname, *d.aliases)})
        alt = "|".join(re.escape(t) for t in tops)
        _API_MODULES_RX = re.compile(rf"^[ \t]*(?:from[ \t]+(?:{alt})\b|import[ \t]+(?:.*[ ,])?(?:{alt})\b)", re.MULTILINE)
    return _API_MODULES_RX


_STMT_START = re.compile(r"[^\s#)\]}]")
_CONTINUATION = re.compile(r"(else|elif|except|finally|case)\b")
_DEF = re.compile(r"(?:async[ \t]+)?(def|class)[ \t]+([^\W\d]\w*)")


_BOUNDARY = re.compile(r"^(?![ \t#)\]}\n]|(?:else|elif|except|finally|case)\b)", re.MULTILINE)


def _boundaries(lines: list[str]) -> list[int]:
    """Lines that look like the start of a top-level statement (column 0, not a clause
    continuation, not a closing bracket, not after a backslash continuation).  A wrong
    guess (e.g. a column-0 line inside a triple-quoted string) only makes the cut fail to
    parse, and the whole file is parsed instead."""
    joined = "\n".join(lines)
    out: list[int] = []
    line = 0
    last = 0
    for m in _BOUNDARY.finditer(joined):
        pos = m.start()
        if pos >= len(joined):
            break
        line += joined.count("\n", last, pos)
        last = pos
        if pos >= 2 and joined[pos - 2] == "\\":
            continue
        out.append(line)
    return out


def _statements(lines: list[str]) -> list[tuple[int, int, int]]:
    """(first, end, head) per top-level statement; decorators are merged with their def."""
    starts = _boundaries(lines)
    out: list[tuple[int, int, int]] = []
    k = 0
    while k < len(starts):
        first = starts[k]
        while k < len(starts) - 1 and lines[starts[k]].startswith("@"):
            k += 1
        head = starts[k]
        end = starts[k + 1] if k + 1 < len(starts) else len(lines)
        out.append((first, end, head))
        k += 1
    return out


def _top_level_chunk(stmts: list[tuple[int, int, int]], line: int) -> tuple[int, int] | None:
    """(first, end) lines of the top-level statement holding ``line`` (decorators included)."""
    from bisect import bisect_right

    k = bisect_right(stmts, (line, float("inf"), 0)) - 1
    if k >= 0 and stmts[k][0] <= line < stmts[k][1]:
        return stmts[k][0], stmts[k][1]
    return None


def _partial_text(lines: list[str], stmts: list[tuple[int, int, int]], chunk: tuple[int, int]) -> str | None:
    if not stmts:
        return None
    blocks = ["\n".join(lines[: stmts[0][0]])] if stmts[0][0] else []
    for first, end, head in stmts:
        m = None if (first, end) == chunk else _DEF.match(lines[head])
        if m is None:
            blocks.append("\n".join(lines[first:end]))
        else:
            blocks.append("\n" * (head - first) + f"{m.group(2)} = None" + "\n" * (end - 1 - head))
    return "\n".join(blocks)


_PARTIAL_MIN_LINES = 400


class _FileCache:
    """Everything a hover needs from one version of a file, computed lazily once."""

    __slots__ = (
        "_api_names",
        "_directives",
        "_has_api_imports",
        "_module_pass",
        "_parsed",
        "_partial",
        "_qualnames",
        "_stmts",
        "_tree",
        "lines",
        "lock",
        "path",
        "text",
    )

    def __init__(self, text: str, path: str) -> None:
        self.text = text
        self.path = path
        self.lines = split_lines(text) if text else [""]
        self._directives: list | None = None
        self._tree: ast.Module | None = None
        self._parsed = False
        self._has_api_imports: bool | None = None
        self._qualnames: dict[tuple[int, int], str | None] = {}
        self._module_pass: dict[int, _ModulePass] = {}
        self._partial: dict[int, ast.Module] = {}
        self._stmts: list[tuple[int, int, int]] | None = None
        self._api_names: frozenset[str] | None = None
        self.lock = threading.RLock()

    def directives(self) -> list:
        if self._directives is None:
            from .suppression import parse_directives

            self._directives = parse_directives(self.text)
        return self._directives

    def has_api_imports(self) -> bool:
        if self._has_api_imports is None:
            self._has_api_imports = bool(_api_modules_rx().search(self.text))
        return self._has_api_imports

    def module_pass(self, tree: ast.Module) -> _ModulePass:
        with self.lock:
            mp = self._module_pass.get(id(tree))
            if mp is None or mp.ctx.tree is not tree:
                if len(self._module_pass) >= 8:
                    self._module_pass.pop(next(iter(self._module_pass)))
                mp = self._module_pass[id(tree)] = _ModulePass(self, tree)
            return mp

    def tree(self) -> ast.Module | None:
        """The whole file's tree (parsed once)."""
        if not self._parsed:
            self._parsed = True
            try:
                self._tree = ast.parse(self.text, filename=self.path)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                self._tree = None
        return self._tree

    def tree_for(self, line: int) -> ast.Module | None:
        """A tree that resolves names at ``line`` like the whole file's tree does, but
        cheaper: the top-level statement holding ``line`` plus every other top-level
        statement except defs and classes, which become ``name = None`` (the walk binds
        them to "unknown" too) at the same line.  Lines and columns are unchanged.  Falls
        back to the whole tree when the cut does not parse (or the file is small)."""
        if self._tree is not None or self._parsed or len(self.lines) < _PARTIAL_MIN_LINES:
            return self.tree()
        if self._stmts is None:
            self._stmts = _statements(self.lines)
        chunk = _top_level_chunk(self._stmts, line)
        if chunk is None:
            return self.tree()
        with self.lock:
            hit = self._partial.get(chunk[0])
        if hit is not None:
            return hit
        text = _partial_text(self.lines, self._stmts, chunk)
        try:
            tree = ast.parse(text, filename=self.path) if text is not None else None
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            tree = None
        if tree is None:
            return self.tree()
        with self.lock:
            if len(self._partial) >= 8:
                self._partial.pop(next(iter(self._partial)))
            self._partial[chunk[0]] = tree
        return tree


_CACHE: OrderedDict[tuple[str, int, int], _FileCache] = OrderedDict()
_CACHE_LOCK = threading.Lock()
_CACHE_MAX = 16


def _file_cache(text: str, path: str) -> _FileCache:
    key = (path, len(text), hash(text))
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is not None and (hit.text is text or hit.text == text):
            _CACHE.move_to_end(key)
            return hit
        fc = _FileCache(text, path)
        _CACHE[key] = fc
        while len(_CACHE) > _CACHE_MAX:
            _CACHE.popitem(last=False)
        return fc


def clear_cache() -> None:
    with _CACHE_LOCK:
        _CACHE.clear()


def _char_to_byte(line_text: str, col: int) -> int:
    col = max(0, min(col, len(line_text)))
    return len(line_text[:col].encode("utf-8", "surrogatepass"))


def _contains(node: ast.AST, pos: tuple[int, int]) -> bool:
    start = (node.lineno, node.col_offset)  # type: ignore[attr-defined]
    decorators = getattr(node, "decorator_list", None)
    if decorators:  # a decorated def/class starts at its first decorator (the `@` is one col before)
        first = decorators[0]
        start = min(start, (first.lineno, max(first.col_offset - 1, 0)))
    end = (node.end_lineno or node.lineno, node.end_col_offset or 0)  # type: ignore[attr-defined]
    return start <= pos <= end


_TARGETS = (ast.Name, ast.Attribute, ast.Call)


def _located_children(node: ast.AST):
    """Children with positions; position-less wrappers (arguments, withitem...) are flattened."""
    for child in ast.iter_child_nodes(node):
        if hasattr(child, "lineno"):
            yield child
        else:
            yield from _located_children(child)


def _node_at(tree: ast.Module, pos: tuple[int, int]) -> tuple[ast.AST | None, list[ast.AST]]:
    """Innermost Name/Attribute/Call holding ``pos`` (1-based line, byte col) and its ancestors."""
    chain: list[ast.AST] = []
    node: ast.AST = tree
    best: ast.AST | None = None
    best_chain: list[ast.AST] = []
    while True:
        nxt = None
        for child in _located_children(node):
            if _contains(child, pos):
                nxt = child
                break
        if nxt is None:
            return best, best_chain
        chain.append(node)
        node = nxt
        if isinstance(node, _TARGETS):
            best, best_chain = node, list(chain)


class _ModulePass:
    """The engine's module-level walk of one file, done once per text: the final module
    scope, the class scopes and the deferred function bodies (walked later per hover)."""

    def __init__(self, fc: _FileCache, tree: ast.Module) -> None:
        from .context import FileContext
        from .engine import Walker

        self.ctx = FileContext(fc.path, fc.text, tree, _default_settings())
        walker = Walker(self.ctx, [])
        walker.generic(tree)
        self.deferred = {id(entry[0]): entry for entry in walker.deferred}


def _walk_for(ctx, entries: list, expr: ast.AST, anc_ids: set[int], sibling_ids: set[int]) -> str | None:
    """Run the engine's deferred walk over ``entries`` until ``expr`` is visited."""
    from .engine import Walker

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
    from .context import FileContext

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


_SETTINGS = None


def _default_settings() -> FileSettings:
    global _SETTINGS
    if _SETTINGS is None:
        from .settings import FileSettings

        _SETTINGS = FileSettings(enabled=frozenset())
    return _SETTINGS


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
        from .knowledge import all_api_docs

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


# --------------------------------------------------------------------------- entry point

def _span_size(s: Span) -> tuple[int, int]:
    return (s.end_line - s.line, s.end_col - s.col if s.end_line == s.line else 10**6)


def hover_at(
    text: str,
    path: str,
    line: int,
    col: int,
    *,
    findings: Iterable[Finding] = (),
    settings: FileSettings | None = None,
    locale: str | None = "en",
    guides: Iterable[Any] = (),
) -> str | None:
    """Hover Markdown for (0-based ``line``, 0-based character ``col``) of ``text``, or None."""
    loc = normalize_locale(locale)
    fc = _file_cache(text, path)

    # (b) a rule code inside a suppression comment
    hit = _directive_code_at(text, line, col, fc)
    if hit is not None:
        code, kind = hit
        key = "suppressed_file" if kind == "ignore-file" else "suppressed"
        note = "*" + _t(key, loc, code=code) + "*"
        if settings is not None and not settings.is_enabled(code):
            note += "  \n*" + _t("disabled", loc, code=code) + "*"
        md = explain_rule(code, loc, guides=guides, note=note)
        if md is not None:
            return md

    # (a) findings whose range holds the position (the narrowest first)
    here = [f for f in findings or () if f.span.contains(line, col) and f.code != SYNTAX_ERROR]
    if here:
        here.sort(key=lambda f: (_span_size(f.span), f.code))
        first = here[0]
        others = sorted({f.code for f in here[1:] if f.code != first.code})
        note = "*" + _t("findings_more", loc, codes=", ".join(f"`{c}`" for c in others)) + "*" if others else None
        md = explain_rule(first.code, loc, finding=first, guides=guides, note=note)
        if md is not None:
            return md

    # (c) a resilience API under the cursor, even without a finding
    return _api_hover(fc, line, col, loc)
