"""SEC002's tiers: does a shell command carry a value an attacker can shape?

Default tier (a maintainer accepts it without argument):
- a value from outside the process reaches the command (rules/sec/_outside.py: request input, an
  HTTP response body);
- or a value sits between hand-written quotes (`"osascript -e '{}'".format(script)`,
  `f'grep "{pattern}" log'`): the author meant one data argument, and a quote inside the value breaks
  out of it. Values read from the environment or made by `tempfile` do not count, nor does any
  value in a command-line program's module (it imports click, typer, argparse, inquirer or
  questionary: the values are its user's own).

Everything else is the review tier: a command passed on whole (a tool whose purpose is to run the
command it is given: an agent's bash tool, `/run`, a configured notification command), values
interpolated unquoted as shell words (a CLI's options, `$EDITOR` plus a temp file path), values
of unknown origin. `sys.argv` and `input()` are the terminal user's own input, not an attacker's.
"""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ..flow import definitions
from ._outside import outside_source
from ._sql_parts import formatted_parts

if TYPE_CHECKING:
    from ..context import FileContext

#: Modules whose import makes a module a command-line program run by its user.
_CLI_FRAMEWORKS = frozenset({"click", "typer", "argparse", "inquirer", "questionary", "InquirerPy"})
#: Values from these are the process's own configuration or files it made itself.
_BENIGN_ROOTS = ("os.environ", "os.getenv", "os.environb", "tempfile.")
_QUOTES = ("'", '"')
_MAX_DEPTH = 6


def outside_value(ctx: "FileContext", command: ast.expr) -> str | None:
    """Why the command is the default tier (a label), or None: the review tier."""
    # The terminal user's own input (`sys.argv`, `input()`) is no trust boundary for their command.
    label = outside_source(ctx, command, own_input=False)
    if label is not None:
        return label
    if _cli_program(ctx):
        return None
    for part, before in formatted_parts(ctx, command):
        if before.endswith(_QUOTES) and not _benign(ctx, part, 0):
            return f"`{ast.unparse(part)[:40]}` between hand-written quotes"
    return None


def _cli_program(ctx: "FileContext") -> bool:
    return ctx.binds_module(_CLI_FRAMEWORKS)


#: Calls that keep a path a path (`os.path.basename(tmp)`, `str(tmp)`, `Path(tmp)`).
_PATH_WRAPPERS = ("os.path.", "posixpath.", "ntpath.", "builtins.str", "pathlib.Path")


def _benign(ctx: "FileContext", expr: ast.AST, depth: int) -> bool:
    """The value is read from the environment or made by `tempfile` (through attribute reads,
    subscripts, path helpers and local names)."""
    node = expr
    while depth <= _MAX_DEPTH:
        qual = ctx.qualname(node.func if isinstance(node, ast.Call) else node)
        if qual is not None and qual.startswith(_BENIGN_ROOTS):
            return True
        if isinstance(node, (ast.Attribute, ast.Subscript)):
            node = node.value
        elif isinstance(node, ast.Call) and qual is not None and qual.startswith(_PATH_WRAPPERS) and node.args:
            node = node.args[0]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            node = node.func.value  # env.get("EDITOR"), path.strip()
        elif isinstance(node, ast.Name):
            defs = definitions(ctx, node.id)
            return bool(defs) and all(v is not None and _benign(ctx, v, depth + 1) for _, v, _ in defs)
        else:
            return False
        depth += 1
    return False
