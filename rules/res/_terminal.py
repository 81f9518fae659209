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
from ..flow import AUG, VALUE, constant_string, flow_for, literal_prefix, only_value

if TYPE_CHECKING:
    from ..context import FileContext

#: Editors and pagers: they wait for the person at the terminal.
_INTERACTIVE = frozenset({"man", "less", "more", "most", "vi", "vim", "nvim", "nano", "emacs", "pico", "micro",
                          # desktop text editors: they return when the user closes the file
                          "gedit", "kate", "mousepad", "notepad", "notepad.exe", "write"})
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


#: AppleScript commands that show a dialog and wait for the user to answer it.
_DIALOGS = ("display dialog", "display alert", "choose from list", "choose file", "choose folder")


def shows_dialog(ctx: "FileContext", call: ast.Call) -> bool:
    """`osascript -e <script>` whose literal script shows a dialog (`display dialog ... buttons
    {"OK"}`): the child waits for the user's click, and a timeout would close the dialog under them.
    Only a literal script counts: one a model or a caller wrote may do anything."""
    argv = call.args[0] if call.args else None
    if not isinstance(argv, (ast.List, ast.Tuple)) or not argv.elts:
        return False
    if posixpath.basename(constant_string(ctx, argv.elts[0]) or "") != "osascript":
        return False
    for elt in argv.elts[1:]:
        text = constant_string(ctx, elt)
        if text is not None and any(d in text for d in _DIALOGS):
            return True
    return False


#: Command-line frameworks: a module importing one is a CLI whose commands run for the user watching.
_CLI_FRAMEWORKS = frozenset({"click", "typer", "argparse"})


def cli_foreground(ctx: "FileContext", call: ast.Call) -> bool:
    """A child with stdio left to the terminal, in a module of a command-line program (it imports
    click, typer or argparse) or among a script's own top-level steps (outside any function, as in
    `if __name__ == "__main__":`): the user runs it in the foreground and watches it (RES004's review
    tier). A service does not start children at import time."""
    if _captures(ctx, call):
        return False
    return ctx.function is None or ctx.binds_module(_CLI_FRAMEWORKS)


#: Terminal spinners and progress displays: a command run under one is watched by its user.
_SPINNERS = ("yaspin.", "halo.", "rich.progress.", "rich.status.", "rich.console.Console().status")


#: Spinner objects a module may hold at its top level (`spinner = yaspin()`).
_SPINNER_OBJECTS = ("yaspin.yaspin()", "yaspin.Spinner()", "halo.Halo()")


def under_spinner(ctx: "FileContext") -> bool:
    """The call runs inside `with yaspin(...)`, `with Halo(...)`, `with console.status(...)` or a
    rich progress display, or in a module that keeps a spinner at its top level (`spinner =
    yaspin()`, a script that starts and stops it around its steps): a foreground command its user
    is watching (RES004's review tier)."""
    if any(b.qualname is not None and b.qualname.startswith(_SPINNER_OBJECTS) for b in ctx.scopes[0].names.values()):
        return True
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
    if isinstance(program, ast.Name) and _loops_over_editors(ctx, program.id):
        return True
    if isinstance(program, ast.Name):
        # `cmd = discover_editor()` then `cmd += " " + path`: the program word is the first value's;
        # an augmented assignment only appends arguments
        defs = flow_for(ctx, ctx.function).defs.get(program.id) or []
        values = [value for kind, value, _ in defs if kind == VALUE]
        return bool(values) and all(kind in (VALUE, AUG) for kind, _, _ in defs) \
            and all(value is not None and _names_env_program(ctx, value) for value in values)
    return False


def _loops_over_editors(ctx: "FileContext", name: str) -> bool:
    """`for editor in ["nano", "vim", "emacs"]: subprocess.run([editor, path])` (or over a name
    bound to such a list): the first editor that starts is the user's session."""
    for parent in reversed(ctx.parents):
        if isinstance(parent, _FUNCS):
            return False
        if isinstance(parent, ast.For) and isinstance(parent.target, ast.Name) and parent.target.id == name:
            items = parent.iter
            if isinstance(items, ast.Name):
                items = only_value(ctx, items.id)
            if not isinstance(items, (ast.List, ast.Tuple)) or not items.elts:
                return False
            words = [constant_string(ctx, e) for e in items.elts]
            return all(w is not None and w.split() and posixpath.basename(w.split()[0]) in _INTERACTIVE for w in words)
    return False


#: How many helper calls deep `_names_env_program` follows (`discover_editor()` calling
#: `get_environment_editor()` which reads `$VISUAL`).
_HELPER_DEPTH = 2


def _names_env_program(ctx: "FileContext", expr: ast.AST, depth: int = 0) -> bool:
    """`os.environ["EDITOR"]`, `env.get("VISUAL") or "vi"`, or `_find_editor(env)`, a function of
    this module that reads those variables (itself or through a helper of this module): the
    user's editor or pager."""
    if _mentions_env_program(expr):
        return True
    if depth >= _HELPER_DEPTH or not (isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name)):
        return False
    defs = [d for d in ctx.module_statements(expr.func.id) if isinstance(d, _FUNCS)]
    if len(defs) != 1:
        return False
    return _mentions_env_program(defs[0]) or any(
        _names_env_program(ctx, n, depth + 1) for n in ast.walk(defs[0])
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name))


def _mentions_env_program(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Constant) and n.value in _ENV_PROGRAMS for n in ast.walk(node))


#: Calls that wait for the person at the terminal to type.
_ASK_USER = frozenset({"builtins.input", "getpass.getpass"})


def asks_user(ctx: "FileContext") -> bool:
    """The enclosing function reads from the person at the terminal (`input()`, `getpass`): an
    interactive flow, where they see what runs and can interrupt it (RES004's and RES030's review
    tier). One walk per function, memoised on the context."""
    fn = ctx.function
    if fn is None:
        return False
    memo = ctx.memo("terminal_asks", dict)
    found = memo.get(id(fn))
    if found is None:
        qualname = ctx.qualname
        found = memo[id(fn)] = any(isinstance(n, ast.Call) and qualname(n.func) in _ASK_USER for n in ast.walk(fn))
    return found
