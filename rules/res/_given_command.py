"""Does a function run the command its caller gives it? (RES004's review tier)

`def cmd_git(self, args): subprocess.run("git " + args, ...)`, `def _run_pip(pip, args):
subprocess.run([*pip, *args])`, `Popen(self.prepare_argv(argv, path))`: the program or its subcommand
comes from the function's parameters, so whether the child ends on its own (`git status` or `git
push`, `pip --version` or a build) is decided by each caller, not here. Judged on real code
(docs/precision/review.json) such wrappers were mostly the foreground commands of a CLI (aider's
/git, `celery multi`, `httpie plugins`), so they are review tier, like SEC002's "command passed on
whole". A command the code spells out (`["convert", path, "out.png"]`, `["osascript", "-e",
script]`) or one held in an attribute (a configured notification command) keeps the default tier.
"""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ..flow import constant_string, definitions, flow_for, VALUE

if TYPE_CHECKING:
    from ..context import FileContext

_MAX_DEPTH = 4


def runs_given_command(ctx: "FileContext", started: ast.Call) -> bool:
    """The argv of `started` (a `subprocess.*`/`Popen` call) is built from the enclosing function's
    parameters: the whole command, `[*a, *b]`, `"git " + args`, `["git", *args]`, `f"git {args}"`, or a
    call on parameters only (`shlex.split(cmd)`, `self.prepare_argv(argv, path)`)."""
    fn = ctx.function
    if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    argv = started.args[0] if started.args else next((k.value for k in started.keywords if k.arg == "args"), None)
    if argv is None:
        return False
    params = flow_for(ctx, fn).params
    return _from_params(ctx, argv, params, set(), 0)


def _from_params(ctx: "FileContext", expr: ast.AST, params: dict, seen: set[str], depth: int) -> bool:
    if depth > _MAX_DEPTH:
        return False
    if isinstance(expr, ast.Starred):
        return _from_params(ctx, expr.value, params, seen, depth + 1)
    if isinstance(expr, ast.Name):
        if expr.id in seen:
            return expr.id in params  # `args = "git " + args`: the parameter itself
        defs = definitions(ctx, expr.id)
        if not defs:
            return expr.id in params
        seen = seen | {expr.id}
        return all(kind == VALUE and value is not None and _from_params(ctx, value, params, seen, depth + 1)
                   for kind, value, _ in defs)
    if isinstance(expr, (ast.List, ast.Tuple)) and expr.elts:
        elts = expr.elts
        if all(_from_params(ctx, e, params, seen, depth + 1) for e in elts):
            return True
        # `["git", *args]`: the program spelled out, everything after it the caller's
        return len(elts) == 2 and _word(ctx, elts[0]) and isinstance(elts[1], ast.Starred) \
            and _from_params(ctx, elts[1], params, seen, depth + 1)
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        # `"git " + args`, `["git"] + args`
        left = expr.left
        program = (_word(ctx, left) and (constant_string(ctx, left) or "").endswith(" ")) \
            or (isinstance(left, (ast.List, ast.Tuple)) and len(left.elts) == 1 and _word(ctx, left.elts[0]))
        return bool(program) and _from_params(ctx, expr.right, params, seen, depth + 1)
    if isinstance(expr, ast.JoinedStr) and len(expr.values) == 2:
        head, tail = expr.values  # f"git {args}"
        return isinstance(head, ast.Constant) and isinstance(head.value, str) and head.value.endswith(" ") \
            and " " not in head.value.strip() and isinstance(tail, ast.FormattedValue) \
            and _from_params(ctx, tail.value, params, seen, depth + 1)
    if isinstance(expr, ast.Call) and expr.args and not expr.keywords:
        return all(_from_params(ctx, a, params, seen, depth + 1) for a in expr.args)
    return False


def _word(ctx: "FileContext", expr: ast.AST) -> bool:
    """A literal program word (`"git"`, `"git "`)."""
    text = constant_string(ctx, expr)
    return text is not None and len(text.split()) == 1
