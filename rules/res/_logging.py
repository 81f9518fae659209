"""Which expressions are loggers (RES021, RES022): resolution first, names as a fallback."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..context import FileContext

#: Receiver names the catalog treats as loggers when resolution cannot settle them.
LOGGER_NAMES = frozenset({"logger", "log", "_logger", "_log", "LOGGER", "LOG", "_LOGGER", "_LOG"})

_LOGGER_EXACT = frozenset({"logging", "logging.root", "loguru.logger", "structlog"})
_LOGGER_PREFIXES = (
    "logging.getLogger(",
    "logging.Logger(",
    "logging.LoggerAdapter(",
    "logging.getLoggerClass()(",
    "logging.root.getChild(",
    "structlog.get_logger(",
    "structlog.getLogger(",
    "structlog.stdlib.get_logger(",
    "structlog.wrap_logger(",
    "loguru.logger.bind(",
    "loguru.logger.patch(",
)


def is_logger_qualname(qualname: str) -> bool:
    return qualname in _LOGGER_EXACT or qualname.startswith(_LOGGER_PREFIXES)


def is_logger(ctx: "FileContext", expr: ast.expr) -> bool:
    """True for `logging`, `logging.getLogger(...)` objects, structlog/loguru loggers, and
    (when resolution cannot settle it) a receiver spelled `logger`, `log`, `self.logger`…

    An expression that resolves to anything else (an import that is not a logger) is not one.
    """
    binding = ctx.resolve(expr)
    if binding is not None and binding.qualname is not None:
        return is_logger_qualname(binding.qualname)
    if isinstance(expr, ast.Name):
        return expr.id in LOGGER_NAMES
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
        return expr.value.id in ("self", "cls") and expr.attr in LOGGER_NAMES
    return False
