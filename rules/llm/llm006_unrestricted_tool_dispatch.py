"""LLM006 unrestricted-tool-dispatch."""
from __future__ import annotations

import ast

from ..flow import VALUE, literal_prefix
from ..model import Rule, Severity
from ..names import Binding
from ._flow import (
    MODEL,
    TOOL_NAME,
    Origin,
    is_membership_checked,
    lookup_defs,
    may_have_model_output,
    origins,
)

_NAMESPACES = {"builtins.globals": "globals()", "builtins.locals": "locals()", "builtins.vars": "vars()"}


class UnrestrictedToolDispatch(Rule):
    code = "LLM006"
    name = "unrestricted-tool-dispatch"
    message = "`{lookup}` picks the function to call by a name the model chose ({source}): a prompt-injected tool call can run any {scope}, not just your tools"
    severity = Severity.ERROR
    refs = ("P17", "C7")
    owasp = ("LLM06", "LLM08")
    cwe = ("CWE-470",)
    callees = frozenset({"builtins.eval"})

    docs = """
## What it does
Checks for tool dispatch by reflection: calling a function looked up by a model-provided
name with `getattr(obj, name)(...)`, `globals()[name](...)`, `locals()[name](...)`,
`vars(module)[name](...)` or `eval(name)`, where `name` comes from a tool call
(`tool_call.function.name`, Anthropic `block.name`, JSON parsed from the model's output).
Two-step lookups (`fn = getattr(self, name)` then `fn(...)`) count.

## Why is this bad?
The model picks the name, and whoever can steer the model (a user, a document, a web page
a tool fetched) picks it too. `getattr(self, name)` reaches every method of the object,
including `__init__`, `delete_account` and helpers never meant as tools; `globals()[name]`
reaches every function and import of the module, `eval` anything at all (OWASP LLM06
excessive agency, LLM08; guide: P17 allow-list tools, C7 untrusted text → unwanted actions).

A lookup in an explicit dict of allowed tools (`TOOLS[name]`, a registry filled by a
decorator) is not flagged, nor is a lookup guarded by a membership check against an
allow-list (`if name not in ALLOWED: raise`), nor a `getattr` whose name has a fixed
prefix (`getattr(self, f"tool_{name}")`).

## Example
```python
import json

class Agent:
    def dispatch(self, tool_call):
        args = json.loads(tool_call.function.arguments)
        return getattr(self, tool_call.function.name)(**args)
```

## Use instead
```python
import json

class Agent:
    def __init__(self):
        self.tools = {"search": self.search, "get_weather": self.get_weather}

    def dispatch(self, tool_call):
        tool = self.tools.get(tool_call.function.name)
        if tool is None:
            raise ValueError(f"unknown tool {tool_call.function.name!r}")
        return tool(**json.loads(tool_call.function.arguments))
```

## Fix safety
There is no automatic fix: only you know which tools the model may call. Dispatch through an
explicit dict (`TOOLS = {"search": search, "lookup": lookup}`; `fn = TOOLS.get(name)`, refusing
unknown names) instead of `getattr`/`globals()`.

## References
- [OWASP Top 10 for LLM Applications: LLM06 Excessive Agency](https://genai.owasp.org/llmrisk/llm062025-excessive-agency/)
- [OpenAI: Function calling](https://platform.openai.com/docs/guides/function-calling)
- Guide: P17, C7
"""

    valid = (
        "TOOLS = {'search': search}\ndef f(tool_call):\n    return TOOLS[tool_call.function.name]()\n",
        "ALLOWED = {'search', 'weather'}\nclass A:\n    def f(self, tool_call):\n        name = tool_call.function.name\n"
        "        if name not in ALLOWED:\n            raise ValueError(name)\n        return getattr(self, name)()\n",
        "class A:\n    def f(self, tool_call):\n        return getattr(self, f'tool_{tool_call.function.name}')()\n",
        "class A:\n    def f(self, name):\n        return getattr(self, name)()\n",
        "def f(obj, tool_call):\n    return getattr(obj, 'run')(tool_call.function.arguments)\n",
        "def f(tool_call):\n    return getattr(tool_call.function, 'name')\n",
    )
    invalid = (
        "class A:\n    def f(self, tool_call):\n        return getattr(self, tool_call.function.name)()\n",
        "import json\nclass A:\n    def f(self, tool_call):\n        fn = getattr(self, tool_call.function.name)\n"
        "        return fn(**json.loads(tool_call.function.arguments))\n",
        "def f(tool_call):\n    return globals()[tool_call.function.name]()\n",
        "import anthropic\nclient = anthropic.Anthropic()\ndef f(messages):\n"
        "    r = client.messages.create(model='m', max_tokens=99, messages=messages)\n    for block in r.content:\n"
        "        if block.type == 'tool_use':\n            locals()[block.name](**block.input)\n",
        "import json\ndef f(r):\n    plan = json.loads(r.choices[0].message.content)\n    return eval(plan['tool'])(plan['args'])\n",
        "import tools\ndef f(tool_call):\n    name = tool_call.function.name\n    handler = vars(tools)[name]\n    return handler()\n",
    )

    def __init__(self, ctx) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ctx)
        self._active = may_have_model_output(ctx) and ctx.text_has(("getattr", "globals(", "locals(", "vars(", "eval("))

    def visit_Call(self, node: ast.Call) -> None:
        if not self._active:
            return
        func = node.func
        cls = func.__class__
        if cls is ast.Call or cls is ast.Subscript:
            self._lookup(func)  # type: ignore[arg-type]
        elif cls is ast.Name and self.ctx.function is not None and self._function_has_lookup():
            found = lookup_defs(self.ctx, func.id)  # type: ignore[attr-defined]
            if found is None:
                return
            for kind, value, _ in found[1]:
                if kind == VALUE and isinstance(value, (ast.Call, ast.Subscript)):
                    self._lookup(value)

    def _function_has_lookup(self) -> bool:
        """Cheap text pre-check before building the function's def-use: any reflective lookup at all?"""
        func = self.ctx.function
        key = id(func)
        known = self.ctx.memo("LLM006_has_lookup").get(key)
        if known is None:
            lines = self.ctx.index.lines[func.lineno - 1:func.end_lineno]  # type: ignore[union-attr]
            text = "\n".join(lines)
            known = self.ctx.memo("LLM006_has_lookup")[key] = any(m in text for m in ("getattr", "globals(", "locals(", "vars(", "eval("))
        return known

    def check_call(self, call: ast.Call, callee: Binding) -> None:
        if not self._active or not call.args or isinstance(call.args[0], ast.Constant):
            return
        parent = self.ctx.parent
        called = isinstance(parent, ast.Call) and parent.func is call
        self._name(call, call.args[0], "eval", "expression", require_tool_name=not called)

    def _lookup(self, expr: ast.Call | ast.Subscript) -> None:
        if isinstance(expr, ast.Call):
            if len(expr.args) < 2 or self.ctx.qualname(expr.func) != "builtins.getattr":
                return
            self._name(expr, expr.args[1], "getattr", "method or attribute of the object")
            return
        base = expr.value
        if not isinstance(base, ast.Call):
            return
        shown = _NAMESPACES.get(self.ctx.qualname(base.func) or "")
        if shown is None:
            return
        scope = "function or class of the module" if shown != "locals()" else "local function"
        self._name(expr, expr.slice, f"{shown}[...]", scope)

    def _name(self, lookup: ast.AST, name: ast.expr, shown: str, scope: str, require_tool_name: bool = False) -> None:
        if id(lookup) in self.ctx.memo("LLM006_seen", set) or isinstance(name, ast.Constant):
            return
        if literal_prefix(self.ctx, name):
            return  # `getattr(self, f"tool_{name}")`: restricted to a naming convention
        if is_membership_checked(self.ctx, name):
            return
        found = origins(self.ctx, name)
        source = _pick(found)
        if source is None or (require_tool_name and source.kind != TOOL_NAME):
            return
        self.ctx.memo("LLM006_seen", set).add(id(lookup))
        self.report(lookup, lookup=shown, source=source.label, scope=scope)


def _pick(found: frozenset[Origin]) -> Origin | None:
    for kind in (TOOL_NAME, MODEL):
        labels = sorted((o for o in found if o.kind == kind), key=lambda o: o.label)
        if labels:
            return labels[0]
    return None
