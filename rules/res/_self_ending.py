"""Does a subprocess's command end on its own? (RES004's review tier)

RES004 asks for a timeout because a child that hangs holds the caller forever. Some commands end
on their own in every case a reviewer could name, so a finding on them is noise in the default
selection (judged so on real code, docs/precision/review.json):

- a version query (`pip --version`, `[tool, "-V"]`): prints a string and exits;
- local git plumbing and porcelain that touches no remote (`git rev-parse`, `git init`, `git add`,
  `git status`, ...);
- small file-system utilities (`chmod`, `mkdir`, `which`, ...);
- `python -m ensurepip`, which installs wheels bundled with the interpreter (no network);
- a linter, formatter or compiler run on the files it is given (`python -m flake8 file.py`,
  `ruff check`, `javac Main.java`);
- pip (`pip install`, `python -m pip ...`): it bounds every network wait itself (`--timeout`,
  15 s by default, and `--retries`), so a stalled index ends in an error, not a hang;
- `osascript -e 'display notification ...'`: posts a notification and returns at once (a dialog,
  which waits for the user's click, is `_terminal.shows_dialog`'s and not reported at all).

They stay reported in the review tier (opt-in), where "everything has a timeout" is the point.
Only commands whose words are literals count: `["git", *args]` or `"git " + args` may be anything.
"""
from __future__ import annotations

import ast
import posixpath
from typing import TYPE_CHECKING

from ..context import keyword
from ..flow import constant_string, literal_prefix, only_value

if TYPE_CHECKING:
    from ..context import FileContext

#: Small file-system and system-query utilities: they return at once.
#: `man` is here too: attached to the terminal it is the user's pager (not reported at all); with
#: its output captured it formats the page and exits.
_QUICK = frozenset({"man", "chmod", "chown", "chgrp", "mkdir", "ln", "touch", "which", "uname", "whoami", "id",
                    "hostname", "true", "false"})
#: git subcommands that work on the local repository only (no remote, no editor, no pager once
#: stdout is not a terminal).
_LOCAL_GIT = frozenset({"rev-parse", "init", "add", "status", "diff", "log", "show", "branch", "config",
                        "ls-files", "rm", "mv", "describe", "symbolic-ref", "rev-list", "cat-file",
                        "hash-object", "check-ignore", "var", "version", "--version", "write-tree",
                        "update-index", "ls-tree", "merge-base", "show-ref", "for-each-ref"})
#: git's global options that take a value as the next word.
_GIT_VALUE_OPTIONS = frozenset({"-C", "-c", "--git-dir", "--work-tree", "--namespace"})
_VERSION = frozenset({"--version", "-V", "version"})
_PYTHONS = ("python", "python3", "py")
#: `python -m <module>` modules that end on their own (see the module docstring).
_SELF_ENDING_MODULES = frozenset({"ensurepip"})
_PIP = frozenset({"pip", "pip3"})
#: Linters and formatters run on the files they are given (not on stdin, `-`): they read local
#: files and end.
_CHECKERS = frozenset({"flake8", "pyflakes", "pycodestyle", "pylint", "ruff", "black", "isort", "mypy",
                       # compilers of local source files
                       "javac", "gcc", "g++", "cc", "clang", "rustc"})


def ends_on_its_own(ctx: "FileContext", started: ast.Call | None) -> bool:
    """`started` (the call that starts the child: `started_by`) runs a command that ends on its own."""
    words = _command_words(ctx, started) if started is not None else None
    if not words:
        return False
    if len(words) == 2 and words[1] in _VERSION:
        return True  # `[pip_location, "--version"]`: whatever the program, it prints and exits
    if words[0] is None:
        return False
    program = posixpath.basename(words[0])
    rest = words[1:]
    if _is_python(program) and len(rest) >= 2 and rest[0] == "-m" and rest[1] is not None:
        program, rest = rest[1], rest[2:]
        if program in _SELF_ENDING_MODULES or (program in _CHECKERS and "-" not in rest):
            return True
    elif _is_python(program):
        return False  # a script: anything
    if program in _PIP:
        return True  # pip bounds its own network waits (--timeout, --retries)
    if program == "osascript":
        return _posts_notification(ctx, started)
    if len(rest) == 1 and rest[0] in _VERSION:
        return True
    if program in _QUICK or (program in _CHECKERS and "-" not in rest):
        return True
    if program == "git":
        sub = _git_subcommand(rest)
        return sub is not None and sub in _LOCAL_GIT
    return False


def started_by(ctx: "FileContext", call: ast.Call) -> ast.Call | None:
    """The call that starts the child: `call` itself (`subprocess.run(...)`), or for
    `p.communicate()` the `subprocess.Popen(...)` that `p` is (the receiver, or its one binding in
    the function)."""
    func = call.func
    if not isinstance(func, ast.Attribute) or func.attr not in ("wait", "communicate"):
        return call
    receiver = func.value
    if isinstance(receiver, ast.Name):
        receiver = only_value(ctx, receiver.id)
    if isinstance(receiver, ast.Call) and ctx.qualname(receiver.func) == "subprocess.Popen":
        return receiver
    return None


def _posts_notification(ctx: "FileContext", call: ast.Call) -> bool:
    """`["osascript", "-e", f'display notification "{text}" with title "{title}"']`: the script's
    literal start posts a notification, which returns at once whatever the formatted text is."""
    argv = call.args[0] if call.args else None
    if isinstance(argv, ast.Name):
        argv = only_value(ctx, argv.id)
    if not isinstance(argv, (ast.List, ast.Tuple)) or len(argv.elts) != 3:
        return False
    script = argv.elts[2]
    if isinstance(script, ast.Name):
        script = only_value(ctx, script.id) or script
    return constant_string(ctx, argv.elts[1]) == "-e" and literal_prefix(ctx, script).startswith("display notification")


def _is_python(program: str) -> bool:
    return program == "<python>" or program.startswith(_PYTHONS) and program.rstrip("0123456789.").rstrip("w") in _PYTHONS


def _git_subcommand(rest: list[str | None]) -> str | None:
    i = 0
    while i < len(rest):
        word = rest[i]
        if word is None:
            return None
        if word in _GIT_VALUE_OPTIONS:
            i += 2
            continue
        if word.startswith("-") and word not in ("--version",):
            i += 1  # `--no-pager`, `--git-dir=...`
            continue
        return word
    return None


def _command_words(ctx: "FileContext", call: ast.Call) -> list[str | None] | None:
    """The command's words, None for a word that is not a literal: `["git", "-C", path, "add", f]`
    -> ["git", "-C", None, "add", None]; `sys.executable` is "<python>". A string command counts
    only when all of it is literal."""
    argv = call.args[0] if call.args else (kw.value if (kw := keyword(call, "args")) is not None else None)
    return _words(ctx, argv, 0) if argv is not None else None


def _words(ctx: "FileContext", argv: ast.expr, depth: int) -> list[str | None] | None:
    if depth > 3:
        return None
    if isinstance(argv, ast.Name):  # `cmd = [sys.executable, "-m", "pip", "cache", "dir"]; run(cmd)`
        value = only_value(ctx, argv.id)
        return _words(ctx, value, depth + 1) if isinstance(value, (ast.List, ast.Tuple, ast.BinOp)) else None
    if isinstance(argv, ast.BinOp) and isinstance(argv.op, ast.Add):  # `pip_cmdline + ["install", ...]`
        left = _words(ctx, argv.left, depth + 1)
        right = _words(ctx, argv.right, depth + 1) if left is not None else None
        return left + right if right is not None else None
    if isinstance(argv, (ast.List, ast.Tuple)):
        words: list[str | None] = []
        for elt in argv.elts:
            if ctx.qualname(elt) == "sys.executable":
                words.append("<python>")
                continue
            text = None if isinstance(elt, ast.Starred) else constant_string(ctx, elt)
            # an unknown word stays a hole: `git -C <path> add` still shows its subcommand
            words.append(text)
        return words
    text = constant_string(ctx, argv)
    return list(text.split()) if text is not None else None
