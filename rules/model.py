"""The data every layer shares: severities, ranges, edits, fixes, findings and the Rule base."""
from __future__ import annotations

import ast
import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal

if TYPE_CHECKING:
    from .names import Binding

DOCS_URL = "https://github.com/resilint/resilint/blob/main/docs/rules/{code}.md"


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    HINT = "hint"

    @classmethod
    def parse(cls, value: str) -> "Severity":
        return {"e": cls.ERROR, "w": cls.WARNING, "i": cls.INFO, "h": cls.HINT}.get(
            value[:1].lower(), cls.WARNING
        )


Applicability = Literal["safe", "unsafe"]


@dataclass(frozen=True, slots=True)
class Span:
    """A range in a file: 0-based lines, 0-based columns in characters (code points)."""

    line: int
    col: int
    end_line: int
    end_col: int

    def contains(self, line: int, col: int) -> bool:
        if (line, col) < (self.line, self.col):
            return False
        return (line, col) <= (self.end_line, self.end_col)

    def overlaps(self, other: "Span") -> bool:
        return not (
            (self.end_line, self.end_col) < (other.line, other.col)
            or (other.end_line, other.end_col) < (self.line, self.col)
        )


@dataclass(frozen=True, slots=True)
class Edit:
    span: Span
    new_text: str


@dataclass(frozen=True, slots=True)
class Fix:
    message: str
    applicability: Applicability
    edits: tuple[Edit, ...]


@dataclass(frozen=True, slots=True)
class Related:
    """A place elsewhere that explains a finding (LSP relatedInformation)."""

    path: str
    span: Span
    message: str


@dataclass(slots=True)
class Finding:
    code: str
    message: str
    span: Span
    severity: Severity
    fix: Fix | None = None
    data: dict[str, Any] = field(default_factory=dict)
    related: tuple[Related, ...] = ()

    def sort_key(self) -> tuple:
        s = self.span
        # The message breaks ties, so that the order never depends on the order of the walk.
        return (s.line, s.col, self.code, s.end_line, s.end_col, self.message)


class Rule:
    """One rule = one module holding one subclass of this class.

    Subclasses set the class attributes and implement `visit_<NodeType>(node)` methods
    (called in the single walk of the file), optionally `leave_<NodeType>(node)` and
    `finish()`. An instance lives for one file; `self.ctx` is the file's context.
    """

    code: ClassVar[str]
    name: ClassVar[str]
    message: ClassVar[str]
    severity: ClassVar[Severity]
    refs: ClassVar[tuple[str, ...]] = ()
    owasp: ClassVar[tuple[str, ...]] = ()
    cwe: ClassVar[tuple[str, ...]] = ()
    default_enabled: ClassVar[bool] = True
    #: None = no fix; otherwise the applicability of the fix the rule offers.
    fix_applicability: ClassVar[Applicability | None] = None
    fix_title: ClassVar[str | None] = None
    docs: ClassVar[str] = ""
    valid: ClassVar[tuple[str, ...]] = ()
    invalid: ClassVar[tuple[str, ...]] = ()
    #: Qualified callee names this rule wants in `check_call(call, qualname)`.
    callees: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, ctx: Any) -> None:
        # `ctx` is the file's `context.FileContext`. It is typed `Any` here because this base class
        # sits in the bottom layer, below `context` (which imports it): see docs/architecture.md.
        self.ctx = ctx

    def check_call(self, call: ast.Call, callee: "Binding") -> None:
        """Called for each call whose resolved callee is in `callees`."""

    def finish(self) -> None:
        """Called once after the whole file was walked."""

    def report(self, node: ast.AST | Span, message: str | None = None, **data: Any) -> Finding:
        return self.ctx.report(self, node, message, data)

    @classmethod
    def url(cls) -> str:
        return DOCS_URL.format(code=cls.code)


# Codes the engine itself emits (not rule modules): syntax errors and internal errors.
SYNTAX_ERROR = "RES999"
INTERNAL_ERROR = "RES998"
UNUSED_SUPPRESSION = "RES900"
