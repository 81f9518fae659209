"""RES004 subprocess-without-timeout."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ..context import call_has_arg, keyword
from ..model import Confidence, Finding, Fix, Rule, Severity
from ..names import Binding
from ._given_command import runs_given_command
from ._self_ending import ends_on_its_own, started_by
from ._terminal import asks_user, cli_foreground, runs_on_terminal, shows_dialog, under_spinner
from ..apis.timeouts import SUBPROCESS_TIMEOUTS

if TYPE_CHECKING:
    from ..fixes.document import FixDocument

_BODIES = ("body", "orelse", "finalbody")
_STREAMS = ("stdout", "stderr")


class SubprocessWithoutTimeout(Rule):
    code = "RES004"
    name = "subprocess-without-timeout"
    message = "`{callee}` called without a timeout: a hung child process blocks this call forever"
    severity = Severity.WARNING
    refs = ("H5", "T§6")
    cwe = ("CWE-400",)
    fix_applicability = "unsafe"
    fix_title = "Add `timeout={timeout}`"
    callees = frozenset(SUBPROCESS_TIMEOUTS)

    docs = """
## What it does
Checks for `subprocess.run`, `subprocess.call`, `subprocess.check_call` and
`subprocess.check_output` called without `timeout=`, and for `Popen.communicate()` /
`Popen.wait()` on a `subprocess.Popen` object without a timeout.

An interactive child attached to the user's terminal is not reported: an editor or pager
(`$EDITOR`/`$VISUAL`/`$PAGER`, `vi`, `less`, `man`, ...) run with no stream captured (no `PIPE`,
`DEVNULL`, `capture_output=` or `input=`). It ends when the user quits it, and a timeout would
kill their session. Nor is a desktop opener run the same way (`xdg-open`, `open`, `gio`,
`explorer`): it hands the file to the user's default application and returns. Nor is an
`osascript` whose literal script shows a dialog (`display dialog`, `choose file`): it waits for
the user's click.

## Why is this bad?
These calls wait for the child process to exit. A child that hangs (a stuck network
mount, a prompt waiting for input, a deadlocked tool) then holds the calling thread or
worker forever; under load the workers run out and the service stops answering (guide: H5
"everything has a timeout"; fault-tolerance rule §6).

A `wait()`/`communicate()` that comes after `kill()` on the same process in the same function,
or after an unbounded `wait()`/`communicate()` that is already reported (or `wait()` after any
`communicate()`), is not flagged: the child has exited by then. `terminate()` does not count
(the child may ignore `SIGTERM`). Nor is a `wait()` after the child's output was read to its end
— `for line in p.stdout:`, `p.stdout.read()`, a `while` loop reading `p.stdout.read(1)` until it
breaks on the empty read, or `p.stdout`/`p.stderr` handed to reader threads
that were joined before the `wait()`: the child closed its output, and any hang is in the reads.

## Example
```python
import subprocess

def render(path):
    return subprocess.run(["convert", path, "out.png"], check=True)

def drain(proc: subprocess.Popen):
    out, err = proc.communicate()
```

## Use instead
```python
import subprocess

def render(path):
    return subprocess.run(["convert", path, "out.png"], check=True, timeout=60)
```

## Fix safety
The fix inserts `timeout=<timeouts.default>` (10 s unless configured). It is **unsafe**:
the call can now raise `subprocess.TimeoutExpired` (and `run()` kills the child), which
changes behaviour for commands that legitimately run longer.

## References
- [subprocess.run](https://docs.python.org/3/library/subprocess.html#subprocess.run)
- [Popen.communicate](https://docs.python.org/3/library/subprocess.html#subprocess.Popen.communicate)
- Guide: H5; fault-tolerance rules §6
"""

    review_tier = """
- `subprocess.run`/`call`/`check_call`/`check_output` with stdio left to the terminal (no capture,
  no `stdout=PIPE`, no `input=`) in a command-line program's module (it imports click, typer or
  argparse), or among a script's own top-level steps (outside any function, `if __name__ ==
  "__main__":` included): a foreground command its user runs and watches. Captured output keeps
  the default tier.
- any of these calls in a function that asks the person at the terminal for input (`input()`,
  `getpass.getpass()`: an interactive install typed in by its user), or run under a terminal
  spinner or progress display (`with yaspin(...)`, `with Halo(...)`, rich's `console.status` /
  `Progress`), or in a script that keeps a spinner at its top level (`spinner = yaspin()`): the
  user is watching it and can interrupt it.
- a command that ends on its own, captured or not: a version query (`pip --version`,
  `[tool, "-V"]`), git on the local repository only (`rev-parse`, `init`, `add`, `status`, `diff`,
  `log`, ...; not `clone`/`fetch`/`pull`/`push`, nor a subcommand the code does not spell out),
  small file-system utilities (`chmod`, `mkdir`, `which`, ...), `man` with its output captured, a linter or formatter run on the
  files it is given (`flake8`, `ruff`, `black`, `mypy`, `javac`, `gcc`, ...), `python -m ensurepip` (bundled
  wheels, no network), and pip (`pip install`, `python -m pip ...`), which bounds every network
  wait itself (`--timeout`, 15 s by default, with `--retries`), and an AppleScript that posts a
  notification (`osascript -e 'display notification "..."'`), which returns at once.
- a function that runs the command its caller gives it: the program or its subcommand comes from
  the function's parameters (`subprocess.run(cmd, shell=True)`, `"git " + args`, `["git", *args]`,
  `[*pip_executable, *args]`, `Popen(self.prepare_argv(argv, path))`). Whether the child ends on its
  own (`git status` or `git push`) is each caller's to decide; on real code these were mostly a
  CLI's foreground commands (aider's `/git`, `celery multi`). A command the code spells out
  (`["convert", path, "out.png"]`, `["osascript", "-e", script]`) or holds in an attribute (a
  configured notification command) keeps the default tier.
"""

    review_examples = (
        "import click, subprocess\n@click.command()\ndef install(pkg):\n    subprocess.run(['pip', 'install', pkg])\n",
        "import argparse, subprocess\ndef main():\n    args = argparse.ArgumentParser().parse_args()\n"
        "    subprocess.check_call(['semgrep', '--config', 'auto'])\n",
        "import getpass, subprocess\ndef sudo_install(pkg):\n    pw = getpass.getpass('sudo password: ')\n"
        "    subprocess.run(['sudo', '-S', 'apt', 'install', '-y', pkg], input=pw.encode(), check=True)\n",
        "import subprocess\nfrom yaspin import yaspin\ndef scan(path):\n    with yaspin(text='Scanning...'):\n"
        "        return subprocess.run(['semgrep', 'scan', path])\n",
        "import subprocess\nfrom yaspin import yaspin\nspinner = yaspin()\nspinner.start()\ndef window():\n"
        "    return subprocess.Popen(['xprop', '-root'], stdout=subprocess.PIPE).communicate()\n",
        # Commands that end on its own (gpt-engineer, httpie, aider, sentry-sdk, pip-audit).
        "import subprocess\ndef is_repo(path):\n    return subprocess.run(['git', 'rev-parse'], cwd=path, capture_output=True)\n",
        "import subprocess\ndef stage(path, files):\n    subprocess.run(['git', '-C', path, 'add', *files])\n",
        "import subprocess\ndef revision():\n    p = subprocess.Popen(['git', 'rev-parse', 'HEAD'], stdout=subprocess.PIPE)\n"
        "    return p.communicate()[0]\n",
        "import subprocess, sys\ndef pip_version():\n    return subprocess.check_output([sys.executable, '-m', 'pip', '--version'])\n",
        "import subprocess, sys\nsubprocess.run([sys.executable, '-m', 'ensurepip'], capture_output=True)\n",
        "import subprocess\ndef install(pkg):\n    subprocess.check_call(['pip', 'install', pkg])\n",
        "import subprocess, sys\ndef pip_cache():\n    cmd = [sys.executable, '-m', 'pip', 'cache', 'dir']\n"
        "    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE)\n",
        "import subprocess\nsubprocess.run('pip3 install --upgrade open-interpreter', shell=True)\n",
        "import subprocess\ndef make_executable(path):\n    subprocess.run(['chmod', '+x', path], check=True)\n",
        "import subprocess\nMAN = 'man'\ndef has_page(program):\n"
        "    return subprocess.run([MAN, '1', program], stdout=subprocess.DEVNULL).returncode == 0\n",
        "import shutil, subprocess\ndef pip_ok(pip):\n    return subprocess.check_output([shutil.which(pip), '--version'])\n",
        "import subprocess, sys\ndef install(req):\n    pip = [sys.executable, '-m', 'pip']\n"
        "    subprocess.check_call(pip + ['install', '-r', req])\n",
        "import subprocess, sys\ndef lint(path):\n    cmd = [sys.executable, '-m', 'flake8', '--isolated', path]\n"
        "    return subprocess.run(cmd, capture_output=True, text=True)\n",
        # the caller's command: aider's /git, httpie's pip wrapper, celery multi's node start
        "import subprocess\ndef git(args):\n    return subprocess.run(['git', *args], capture_output=True)\n",
        "import subprocess\ndef git(args):\n    return subprocess.run('git ' + args, shell=True, capture_output=True)\n",
        "import subprocess\ndef run_pip(pip_executable, args):\n"
        "    cmd = [*pip_executable, *args]\n    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE)\n",
        "from subprocess import Popen\nclass Node:\n    def _waitexec(self, argv, path):\n"
        "        pipe = Popen(self.prepare_argv(argv, path))\n        return pipe.wait()\n",
        # open-interpreter's codestral profile: a script's top-level step, watched by its user
        "import subprocess\nsubprocess.run(['ollama', 'pull', 'codestral'], check=True)\n",
        "import subprocess\nif __name__ == '__main__':\n    subprocess.check_call(['make', 'all'])\n",
        "import subprocess\ndef notify(text):\n    script = f'display notification \"{text}\" with title \"OI\"'\n"
        "    subprocess.run(['osascript', '-e', script])\n",
    )

    valid = (
        "import subprocess\nsubprocess.run(['ls'], timeout=30)\n",
        "import subprocess\nsubprocess.check_output(['git', 'rev-parse', 'HEAD'], **opts)\n",
        "import subprocess\np = subprocess.Popen(['tool'])\np.wait(5)\n",
        "import subprocess\np = subprocess.Popen(['tool'])\nout, err = p.communicate(b'', 10)\n",
        "import subprocess\np = subprocess.Popen(['tool'])\np.kill()\np.wait()\n",
        "import subprocess\ndef reap(cmd):\n    p = subprocess.Popen(cmd)\n    try:\n        return p.communicate(timeout=9)\n"
        "    except subprocess.TimeoutExpired:\n        p.kill()\n        return p.communicate()\n",
        "import subprocess\nsubprocess.run(['ls'], timeout=None)\n",
        "class Runner:\n    def run(self, cmd): ...\nRunner().run(['ls'])\n",
        "def wait(p): ...\nwait(None)\n",
        "import os\nos.wait()\n",
        "import subprocess\ndef show(path):\n    subprocess.run(['xdg-open', path])\n",
        # aider: the user's editor found through two helpers of the module, its path appended
        "import os, subprocess\ndef env_editor(default):\n    return os.environ.get('VISUAL', default)\n"
        "def discover_editor(override=None):\n    return override or env_editor('vi')\n"
        "def edit(path):\n    cmd = discover_editor()\n    cmd += ' ' + path\n    subprocess.call(cmd, shell=True)\n",
        # gpt-engineer: the first editor of a list that starts
        "import subprocess\ndef edit(path):\n    editors = ['gedit', 'notepad', 'nano', 'vim']\n    for editor in editors:\n"
        "        try:\n            subprocess.run([editor, path])\n            return\n        except Exception:\n"
        "            continue\n",
        # open-interpreter: an AppleScript dialog waits for the user's click
        "import subprocess\ndef ask():\n    script = 'tell application \"System Events\" to display dialog \"Grant access\"'\n"
        "    subprocess.run(['osascript', '-e', script], check=True)\n",
        "import subprocess\ndef lines(cmd, emit):\n    p = subprocess.Popen(cmd, stdout=subprocess.PIPE)\n"
        "    for line in p.stdout:\n        emit(line)\n    return p.wait()\n",
        "import subprocess\ndef run(cmd, out):\n    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)\n"
        "    while True:\n        c = p.stdout.read(1)\n        if not c:\n            break\n        out.append(c)\n"
        "    return p.wait()\n",
        "import subprocess, threading\ndef run(cmd, pump):\n    p = subprocess.Popen(cmd, stdout=subprocess.PIPE)\n"
        "    t = threading.Thread(target=pump, args=(p.stdout,))\n    t.start()\n    t.join()\n    p.wait()\n",
    )
    invalid = (
        "import subprocess\ndef build(path):\n    for tool in ['make', 'vim']:\n        subprocess.run([tool, path])\n",
        # git that reaches a remote, or a subcommand the code does not spell out; a Python script
        "import subprocess\ndef fetch(url, dest):\n    subprocess.run(['git', 'clone', url, dest], capture_output=True)\n",
        "import subprocess, sys\nsubprocess.run([sys.executable, 'worker.py'], capture_output=True)\n",
        # an AppleScript a caller wrote: it may wait on anything
        "import subprocess\ndef run_applescript(script):\n    return subprocess.check_output(['osascript', '-e', script])\n",
        # spelled out with a parameter as an argument, or a configured command: the default tier
        "import subprocess\ndef render(path):\n    return subprocess.run(['convert', path, 'out.png'], check=True)\n",
        "import subprocess\nclass IO:\n    def ring(self):\n"
        "        subprocess.run(self.notifications_command, shell=True, capture_output=True)\n",
        "import click, subprocess\n@click.command()\ndef project():\n"
        "    return subprocess.run(['gcloud', 'config', 'get-value', 'project'], capture_output=True)\n",
        "import subprocess\ndef listing():\n    subprocess.run(['ls'])\n",
        "import subprocess as sp\ndef build():\n    sp.check_call(['make'])\n",
        "from subprocess import check_output as out\nout(['git', 'status'])\n",
        "import subprocess\np = subprocess.Popen(['tool'])\np.wait()\n",
        "from subprocess import Popen, PIPE\nout, _ = Popen(['tool'], stdout=PIPE).communicate()\n",
        "import subprocess\nwith subprocess.Popen(['tool']) as p:\n    p.communicate(b'input')\n",
        "import subprocess\nclass Job:\n    def start(self):\n        self.proc = subprocess.Popen(['tool'])\n"
        "    def join(self):\n        return self.proc.wait()\n",
        "import subprocess\np = subprocess.Popen(['tool'])\np.terminate()\np.wait()\n",
        "import subprocess\ndef first(cmd):\n    p = subprocess.Popen(cmd, stdout=subprocess.PIPE)\n"
        "    line = p.stdout.readline()\n    p.wait()\n    return line\n",
    )

    def check_call(self, call: ast.Call, callee: Binding) -> None:
        name = callee.qualname
        assert name is not None
        if keyword(call, "timeout") is not None:
            return  # timeout=None is RES002's
        if call_has_arg(call, "timeout", SUBPROCESS_TIMEOUTS.get(name)):
            return
        if name.startswith("subprocess.Popen()") and self._already_ended(call):
            return
        if not name.startswith("subprocess.Popen()") and (runs_on_terminal(self.ctx, call) or shows_dialog(self.ctx, call)):
            return  # an editor / pager / dialog the user is driving: it ends when they quit it
        # A CLI's foreground command (stdio inherited) is watched by its user: review tier (RULES.md).
        # So is a command run while the program talks to the person at the terminal: the function
        # asks them for input, or the command runs under a terminal spinner. And a command that
        # ends on its own (`git rev-parse`, `pip --version`, pip's own network timeouts).
        # And a function that runs the command its caller gives it (`"git " + args`, `[*pip, *args]`):
        # whether that command ends is each caller's to decide.
        started = started_by(self.ctx, call)
        review = (not name.startswith("subprocess.Popen()") and cli_foreground(self.ctx, call)) \
            or asks_user(self.ctx) or under_spinner(self.ctx) or ends_on_its_own(self.ctx, started) \
            or (started is not None and runs_given_command(self.ctx, started))
        self.report(call.func, confidence=Confidence.MEDIUM if review else None,
                    callee=name.replace("()", ""), timeout=self.ctx.settings.options.timeouts.default)

    def _already_ended(self, call: ast.Call) -> bool:
        """`p.wait()`/`p.communicate()` after `p.kill()`, or after an unbounded wait on the same `p`
        (that one is reported), or `p.wait()` after `p.communicate()`: the child has exited already.

        Looks at earlier calls on the same receiver in the enclosing function (one bounded walk per
        function, cached); an assignment to the receiver in between starts over.
        """
        func = call.func
        if not isinstance(func, ast.Attribute):
            return False
        receiver = ast.dump(func.value)
        fn = self.ctx.function
        if fn is None or isinstance(fn, ast.Lambda):
            events = self._sibling_events(call)
        else:
            # id(function) -> its receiver events (built once per function, on the first candidate)
            events = self.ctx.memo("RES004_events").get(id(fn))
            if events is None:
                events = self.ctx.memo("RES004_events")[id(fn)] = _receiver_events(fn)
        here = (call.lineno, call.col_offset)
        ended = handed = False
        for pos, kind, who in events:
            if pos >= here:
                break
            if kind == "join":
                # the threads reading this child's streams have finished: the streams reached EOF
                ended = ended or (handed and func.attr == "wait")
                continue
            if who != receiver:
                continue
            if kind in ("assign", "terminate"):
                ended = handed = False  # a new process, or one the code believes may still run
            elif kind == "handed":
                handed = True
            elif kind == "kill" or kind == "unbounded" or (kind in ("communicate", "drained") and func.attr == "wait"):
                ended = True
        return ended

    def _sibling_events(self, call: ast.Call) -> list[tuple[tuple[int, int], str, str]]:
        """Outside functions: only the statement right before this one counts."""
        parents = self.ctx.parents
        if len(parents) < 2:
            return []
        stmt, container = parents[-1], parents[-2]
        for field in _BODIES:
            body = getattr(container, field, None)
            if body.__class__ is list:
                for i, item in enumerate(body):
                    if item is stmt and i:
                        return _receiver_events(body[i - 1])
        return []

    @classmethod
    def make_fix(cls, finding: Finding, doc: "FixDocument") -> Fix | None:
        from ..fixes.transforms import keyword_fix, number

        return keyword_fix(finding, doc, "timeout", number(doc.options.timeouts.default), "unsafe")


def _receiver_events(root: ast.AST) -> list[tuple[tuple[int, int], str, str]]:
    """(position, kind, receiver dump) for `r.kill()`, `r.terminate()`, `r.wait()`/`r.communicate()`
    and `r = ...`."""
    out: list[tuple[tuple[int, int], str, str]] = []
    for node in ast.walk(root):
        if isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
            owner = _drained_by(node)
            if owner is not None:
                # `for line in p.stdout:` / `while True: c = p.stdout.read(1); if not c: break`
                # ends at EOF: the child closed its output
                out.append(((node.end_lineno or node.lineno, node.end_col_offset or 0), "drained", ast.dump(owner)))
        if isinstance(node, ast.Call):
            for arg in (*node.args, *(k.value for k in node.keywords)):
                # `Thread(target=pump, args=(p.stdout,))`: a reader owns the stream now (the
                # argument itself or an item of a tuple/list argument: no deeper walk)
                for sub in arg.elts if isinstance(arg, (ast.Tuple, ast.List)) else (arg,):
                    owner = _stream_owner(sub)
                    if owner is not None:
                        out.append(((node.lineno, node.col_offset), "handed", ast.dump(owner)))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            attr = node.func.attr
            owner = _stream_owner(node.func.value)
            if owner is not None and attr in ("read", "readlines") and not node.args:
                out.append(((node.lineno, node.col_offset), "drained", ast.dump(owner)))
                continue
            if attr == "join" and not node.args and not node.keywords:
                out.append(((node.end_lineno or node.lineno, node.end_col_offset or 0), "join", ""))
                continue
            if attr in ("kill", "terminate") and not node.args:
                kind = attr
            elif attr in ("wait", "communicate"):
                bounded = any(kw.arg in ("timeout", None) for kw in node.keywords) or len(node.args) > (
                    0 if attr == "wait" else 1
                )
                kind = "communicate" if attr == "communicate" and bounded else ("unbounded" if not bounded else "")
                if not kind:
                    continue
            else:
                continue
            out.append(((node.lineno, node.col_offset), kind, ast.dump(node.func.value)))
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.NamedExpr)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                for sub in ast.walk(t):
                    if isinstance(sub, (ast.Name, ast.Attribute)):
                        # the value is evaluated before the target is bound: place it at the end
                        end = (node.end_lineno or node.lineno, node.end_col_offset or 0)
                        out.append((end, "assign", ast.dump(_load(sub))))
        elif isinstance(node, ast.withitem) and node.optional_vars is not None:
            for sub in ast.walk(node.optional_vars):
                if isinstance(sub, (ast.Name, ast.Attribute)):
                    end = (node.context_expr.end_lineno or 0, node.context_expr.end_col_offset or 0)
                    out.append((end, "assign", ast.dump(_load(sub))))
    out.sort(key=lambda e: e[0])
    return out


def _drained_by(loop: ast.For | ast.AsyncFor | ast.While) -> ast.expr | None:
    """`p` when the loop reads `p.stdout`/`p.stderr` to its end: `for line in p.stdout`,
    `for line in iter(p.stdout.readline, "")`, or a `while` loop that reads the stream
    (`.read(n)`/`.readline()`) and breaks (on the empty read)."""
    if isinstance(loop, (ast.For, ast.AsyncFor)):
        it = loop.iter
        if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "iter" and it.args:
            it = it.args[0].value if isinstance(it.args[0], ast.Attribute) else it.args[0]
        return _stream_owner(it)
    owner = None
    breaks = False
    for node in ast.walk(loop):
        if isinstance(node, ast.Break):
            breaks = True
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in ("read", "readline", "read1"):
            owner = owner or _stream_owner(node.func.value)
    return owner if breaks else None


def _stream_owner(expr: ast.AST) -> ast.expr | None:
    """`p` for `p.stdout` / `p.stderr`, else None."""
    if isinstance(expr, ast.Attribute) and expr.attr in _STREAMS and isinstance(expr.ctx, ast.Load):
        return expr.value
    return None


def _load(target: ast.expr) -> ast.expr:
    """The Load-context twin of an assignment target, so its dump matches a receiver's."""
    if isinstance(target, ast.Name):
        return ast.Name(id=target.id, ctx=ast.Load())
    if isinstance(target, ast.Attribute):
        return ast.Attribute(value=target.value, attr=target.attr, ctx=ast.Load())
    return target
