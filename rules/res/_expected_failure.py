"""Is a logged failure an expected one whose message is the whole report? (RES022's review tier)

RES022 asks for the traceback because `logger.error(f"... {e}")` keeps only the exception's message.
Judged on real code (docs/precision/review.json), three handler shapes log a message that already
says everything a traceback would, so they are opt-in (review tier) rather than default:

- the message says the *input* was invalid (`"Invalid URL template for {url}: {e}"`, `"Error parsing
  x,y coordinates: {e}"`, `"... is not valid Jinja2?"`): the developer expected this failure as a
  validation failure of data the user wrote; what failed is the input, not the code;
- the `try` body does nothing but file-system operations on a path (`Path(p).unlink()`,
  `os.remove(p)`, `shutil.move(a, b)`, `if os.path.isdir(d): shutil.rmtree(d)`) and log lines, and the
  message formats the caught exception: `OSError`'s text names the path, the errno and its meaning,
  which is the report;
- a short `try` body that opens or checks one local file (`open(p)`, `shelve.open(p)`,
  `if os.path.isfile(p): ...`) and a message naming that path and formatting the exception: a corrupt
  or unreadable data file, reported with the file and the reason.

The caller checks that the message formats the caught exception (both file shapes need it).
The words are read from the literal parts of the log call only (never from formatted values), and
the file-system calls by qualified name.
"""
from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING

from ._logging import is_logger

if TYPE_CHECKING:
    from ..context import FileContext

#: Words by which a message says the input was invalid.
_INVALID_INPUT = re.compile(
    r"\binvalid\b|\bnot (?:a )?(?:valid|correct)\b|\bmalformed\b|\bunpars(?:e)?able\b"
    r"|\b(?:error|failed|unable|could not|couldn't|cannot|can't) (?:to )?pars(?:e|ing)\b",
    re.IGNORECASE,
)
#: One file-system operation on a path: its OSError names the path (`[Errno 13] Permission denied: 'p'`).
_FS_OPERATIONS = frozenset({
    "os.remove", "os.unlink", "os.rmdir", "os.removedirs", "os.rename", "os.replace", "os.makedirs", "os.mkdir",
    "os.chmod", "shutil.rmtree", "shutil.move", "shutil.copy", "shutil.copy2", "shutil.copyfile",
    "pathlib.Path().unlink", "pathlib.Path().rmdir", "pathlib.Path().mkdir", "pathlib.Path().rename",
    "pathlib.Path().replace", "pathlib.Path().touch", "pathlib.Path().chmod"})
#: Calls that open or check one local file named by their first argument.
_FILE_OPENS = frozenset({"builtins.open", "io.open", "shelve.open", "dbm.open", "os.path.isfile", "os.path.exists"})
#: Calls that only build or read a path or a clock (`Path(p)`, `time.time()`): no I/O of their own.
_PATH_VALUES = frozenset({"pathlib.Path", "time.time"})


def says_input_invalid(ctx: "FileContext", call: ast.Call) -> bool:
    """The log call's literal text says the input was invalid (`"Invalid URL template: {e}"`)."""
    text = " ".join(_literal_parts(call.args[0])) if call.args else ""
    return bool(text) and _INVALID_INPUT.search(text) is not None


def only_fs_operations(ctx: "FileContext", try_node: ast.AST | None) -> bool:
    """The `try` body calls nothing but file-system operations on a path (`shutil.move(a, b)`,
    `if os.path.isdir(d): shutil.rmtree(d)`), path queries and log lines: an OSError naming the path
    is all that can come out."""
    body = getattr(try_node, "body", None)
    if not body:
        return False
    operations = 0
    for node in (n for stmt in body for n in ast.walk(stmt)):
        if not isinstance(node, ast.Call):
            continue
        name = ctx.qualname(node.func)
        if name in _FS_OPERATIONS:
            operations += 1
        elif not (name in _PATH_VALUES or (name or "").startswith("os.path.")
                  or (isinstance(node.func, ast.Attribute) and is_logger(ctx, node.func.value))):
            return False
    return operations > 0


def local_file_failure(ctx: "FileContext", try_node: ast.AST | None, call: ast.Call) -> bool:
    """A short `try` body (one or two statements) that opens or checks one local file whose path the
    message (`call`) names (`"Failed to load state from '%s': %s", self.db, e` around
    `shelve.open(self.db)`): the failure is about that file, and the file and the reason are the report."""
    body = getattr(try_node, "body", None)
    if not body or len(body) > 2:
        return False
    named = {ast.dump(n) for arg in call.args for n in ast.walk(arg) if isinstance(n, (ast.Name, ast.Attribute))}
    return any(isinstance(node, ast.Call) and node.args and ctx.qualname(node.func) in _FILE_OPENS
               and ast.dump(node.args[0]) in named
               for stmt in body for node in ast.walk(stmt))


def _literal_parts(expr: ast.expr) -> list[str]:
    """The literal text of a message: a string constant, an f-string's constant parts, or the
    format string of `"..." % args` / `"...".format(...)`."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return [expr.value]
    if isinstance(expr, ast.JoinedStr):
        return [v.value for v in expr.values if isinstance(v, ast.Constant) and isinstance(v.value, str)]
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, (ast.Mod, ast.Add)):
        return _literal_parts(expr.left) + (_literal_parts(expr.right) if isinstance(expr.op, ast.Add) else [])
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "format":
        return _literal_parts(expr.func.value)
    return []
