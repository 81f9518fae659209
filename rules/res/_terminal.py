"""Is a subprocess an interactive program attached to the user's terminal? (RES004)

Such a child (the user's `$EDITOR`, a pager, `man`) runs for as long as the person at the
terminal wants; a timeout would kill their session, so RES004 has nothing to decide. It must be
both: a program known to be interactive, and stdio left to the terminal (nothing captured).
"""
from __future__ import annotations

import ast
import posixpath
from typing import TYPE_CHECKING

from ..context import keyword
from ..flow import VALUE, constant_string, flow_for, literal_prefix

if TYPE_CHECKING:
    from ..context import FileContext

#: Editors and pagers: they wait for the person at the terminal.
_INTERACTIVE = frozenset({"man", "less", "more", "most", "vi", "vim", "nvim", "nano", "emacs", "pico", "micro"})
#: Desktop openers: they hand a file or folder to the user's default application and return; what
#: runs then is the user's own program, which a timeout here would not bound anyway.
_LAUNCHERS = frozenset({"xdg-open", "open", "gio", "explorer", "explorer.exe"})
#: Environment variables naming the user's editor / pager.
_ENV_PROGRAMS = frozenset({"EDITOR", "VISUAL", "PAGER", "GIT_EDITOR", "GIT_PAGER", "MANPAGER"})
#: Stream values that detach the child from the terminal.
_CAPTURE = frozenset({"subprocess.PIPE", "subprocess.DEVNULL"})
_STREAMS = ("stdin", "stdout", "stderr")
_FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef)


def runs_on_terminal(ctx: "FileContext", call: ast.Call) -> bool:
    if _captures(ctx, call):
        return False
    argv = call.args[0] if call.args else (keyword(call, "args").value if keyword(call, "args") else None)
    if isinstance(argv, (ast.List, ast.Tuple)) and argv.elts:
        program = argv.elts[0]
    elif argv is not None:
        program = argv
    else:
        return False
    return _interactive_program(ctx, program)


#: Command-line frameworks: a module importing one is a CLI whose commands run for the user watching.
_CLI_FRAMEWORKS = frozenset({"click", "typer", "argparse"})


def cli_foreground(ctx: "FileContext", call: ast.Call) -> bool:
    """A child with stdio left to the terminal, in a module of a command-line program (it imports
    click, typer or argparse): the user runs it in the foreground and watches it (RES004's review tier)."""
    if _captures(ctx, call):
        return False
    return ctx.binds_module(_CLI_FRAMEWORKS)


#: Terminal spinners and progress displays: a command run under one is watched by its user.
_SPINNERS = ("yaspin.", "halo.", "rich.progress.", "rich.status.", "rich.console.Console().status")


def under_spinner(ctx: "FileContext") -> bool:
    """The call runs inside `with yaspin(...)`, `with Halo(...)`, `with console.status(...)` or a
    rich progress display: a foreground command its user is watching (RES004's review tier)."""
    for parent in reversed(ctx.parents):
        if isinstance(parent, _FUNCS):
            return False
        if isinstance(parent, (ast.With, ast.AsyncWith)):
            for item in parent.items:
                expr = item.context_expr
                while isinstance(expr, ast.Attribute):  # `yaspin(...).green.right.binary`
                    expr = expr.value
                if isinstance(expr, ast.Call):
                    name = ctx.qualname(expr.func) or ""
                    if name.startswith(_SPINNERS):
                        return True
    return False


def _captures(ctx: "FileContext", call: ast.Call) -> bool:
    if keyword(call, "input") is not None or any(k.arg is None for k in call.keywords):
        return True
    capture = keyword(call, "capture_output")
    if capture is not None and not (isinstance(capture.value, ast.Constant) and not capture.value.value):
        return True
    return any((kw := keyword(call, s)) is not None and ctx.qualname(kw.value) in _CAPTURE for s in _STREAMS)


def _interactive_program(ctx: "FileContext", program: ast.AST) -> bool:
    text = constant_string(ctx, program)
    if text is None:  # `"less " + path`: the program word is complete once a space follows it
        prefix = literal_prefix(ctx, program)
        text = prefix if any(c.isspace() for c in prefix.lstrip()) else None
    if text is not None:
        words = text.split()
        return bool(words) and (posixpath.basename(words[0]) in _INTERACTIVE or words[0] in _LAUNCHERS)
    if _names_env_program(ctx, program):
        return True
    if isinstance(program, ast.Name):
        defs = flow_for(ctx, ctx.function).defs.get(program.id) or []
        return bool(defs) and all(kind == VALUE and value is not None and _names_env_program(ctx, value)
                                  for kind, value, _ in defs)
    return False


def _names_env_program(ctx: "FileContext", expr: ast.AST) -> bool:
    """`os.environ["EDITOR"]`, `env.get("VISUAL") or "vi"`, or `_find_editor(env)`, a function of
    this module that reads those variables: the user's editor or pager."""
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name):
        defs = [d for d in ctx.module_statements(expr.func.id) if isinstance(d, _FUNCS)]
        if len(defs) == 1 and _mentions_env_program(defs[0]):
            return True
    return _mentions_env_program(expr)


def _mentions_env_program(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Constant) and n.value in _ENV_PROGRAMS for n in ast.walk(node))
