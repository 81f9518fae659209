"""LLM005 unbounded-agent-loop."""
from __future__ import annotations

import ast

from ..context import is_none, keyword
from ..model import Rule, Severity
from ..names import Binding
from ..context import loop_header_span
from ._apis import is_llm_call, normalize

_AGENT_EXECUTORS = frozenset(
    f"{mod}.AgentExecutor{ctor}"
    for mod in ("langchain.agents", "langchain.agents.agent", "langchain_classic.agents")
    for ctor in ("", ".from_agent_and_tools")
)
#: Context managers that put a deadline on everything inside them.
_DEADLINE_SCOPES = frozenset({
    "asyncio.timeout", "asyncio.timeout_at", "async_timeout.timeout", "async_timeout.timeout_at",
    "anyio.fail_after", "anyio.move_on_after", "trio.fail_after", "trio.move_on_after",
})
_ORDERING = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)
_ACCUMULATE = frozenset({"append", "extend", "insert", "add_message", "add_messages", "add_user_message",
                         "add_ai_message"})
_SKIP = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


class UnboundedAgentLoop(Rule):
    code = "LLM005"
    name = "unbounded-agent-loop"
    message = "{loop} calls `{callee}` and feeds its answers back with no iteration or time bound: a model that never says it is done loops, and bills, forever"
    severity = Severity.WARNING
    refs = ("C5", "P16")
    owasp = ("LLM10",)
    cwe = ("CWE-834",)
    callees = _AGENT_EXECUTORS

    docs = """
## What it does
Checks for agent loops without a bound: a `while True:` (or `while <condition>` that is not a
counter or deadline check) whose body calls an LLM API (OpenAI, Anthropic, litellm, LangChain
chat models) and feeds the conversation back to it (appends to the messages it sends, or
sends the previous answer), with no counter compared with a limit and no deadline check in
the loop. Also LangChain `AgentExecutor(max_iterations=None)` without `max_execution_time`.

## Why is this bad?
An agent stops when the model says it is done. A model that keeps calling tools, repeats
itself, or is steered by a prompt injection never says so: the loop runs until the context
window overflows, burning tokens, money and a worker the whole time (OWASP LLM10 unbounded
consumption; guide: C5 slow/stuck dependency → exhausted workers, P16 bounded autonomy).

A loop is bounded when its condition compares something with a limit (`while step <
max_steps`, `while time.monotonic() < deadline`), when its body has an `if` with such a
comparison that breaks, returns or raises, or when it runs inside `asyncio.timeout(...)`,
`anyio.fail_after(...)` and friends. Worker loops that send a fresh prompt per job (nothing
from the previous answer) are not agent loops and are not flagged.

## Example
```python
def run_agent(client, messages, tools):
    while True:
        response = client.chat.completions.create(model="gpt-4o", messages=messages, tools=tools)
        message = response.choices[0].message
        messages.append(message)
        if not message.tool_calls:
            return message.content
        messages.extend(run_tools(message.tool_calls))
```

## Use instead
```python
MAX_STEPS = 10

def run_agent(client, messages, tools):
    for _ in range(MAX_STEPS):
        response = client.chat.completions.create(model="gpt-4o", messages=messages, tools=tools)
        message = response.choices[0].message
        messages.append(message)
        if not message.tool_calls:
            return message.content
        messages.extend(run_tools(message.tool_calls))
    else:
        raise RuntimeError(f"agent did not finish in {MAX_STEPS} steps")
```

## Fix safety
There is no automatic fix: the loop's exit and what to do when the budget runs out are
application decisions. Bound it by hand: `for _ in range(max_steps): ...` with an `else:` that
raises, a deadline check, or `AgentExecutor(max_iterations=...)`.

## References
- [OWASP Top 10 for LLM Applications: LLM10 Unbounded Consumption](https://genai.owasp.org/llmrisk/llm102025-unbounded-consumption/)
- [LangChain AgentExecutor `max_iterations`](https://python.langchain.com/api_reference/langchain/agents/langchain.agents.agent.AgentExecutor.html)
- Guide: C5, P16
"""

    valid = (
        # `Any` is no client type: nothing says this loop calls a model.
        "from typing import Any\ndef run(client: Any, messages):\n    while True:\n"
        "        r = client.chat.completions.create(model='m', messages=messages)\n        messages.append(r)\n",
        "from openai import OpenAI\nclient = OpenAI()\ndef run(messages):\n    for _ in range(10):\n"
        "        r = client.chat.completions.create(model='m', messages=messages)\n        messages.append(r.choices[0].message)\n",
        "from openai import OpenAI\nclient = OpenAI()\ndef run(messages):\n    step = 0\n    while step < 10:\n"
        "        r = client.chat.completions.create(model='m', messages=messages)\n        messages.append(r.choices[0].message)\n"
        "        step += 1\n",
        "import time\nfrom openai import OpenAI\nclient = OpenAI()\ndef run(messages):\n    deadline = time.monotonic() + 60\n"
        "    while True:\n        if time.monotonic() > deadline:\n            raise TimeoutError\n"
        "        r = client.chat.completions.create(model='m', messages=messages)\n        messages.append(r.choices[0].message)\n",
        "import asyncio, anthropic\nclient = anthropic.AsyncAnthropic()\nasync def run(messages):\n"
        "    async with asyncio.timeout(120):\n        while True:\n"
        "            r = await client.messages.create(model='m', max_tokens=100, messages=messages)\n"
        "            messages.append({'role': 'assistant', 'content': r.content})\n",
        "from openai import OpenAI\nclient = OpenAI()\ndef worker(queue):\n    while True:\n        job = queue.get()\n"
        "        client.chat.completions.create(model='m', messages=[{'role': 'user', 'content': job}])\n",
        "def run(llm, messages):\n    while True:\n        r = llm.chat(messages)\n        messages.append(r)\n",
        "from langchain.agents import AgentExecutor\nAgentExecutor(agent=a, tools=t, max_iterations=15)\n",
        "from langchain.agents import AgentExecutor\nAgentExecutor(agent=a, tools=t, max_iterations=None, max_execution_time=60)\n",
    )
    invalid = (
        # Types as resolution: a client known by its annotation (a class field, a parameter).
        "from openai import OpenAI\nclass Agent:\n    client: OpenAI\n    def run(self, messages):\n        while True:\n"
        "            r = self.client.chat.completions.create(model='m', messages=messages, max_tokens=10)\n"
        "            messages.append(r.choices[0].message)\n            if not r.choices[0].message.tool_calls:\n"
        "                return r\n",
        "import anthropic\ndef run(client: 'anthropic.Anthropic | None', messages):\n    done = False\n    while not done:\n"
        "        r = client.messages.create(model='m', max_tokens=100, messages=messages)\n"
        "        messages.append({'role': 'assistant', 'content': r.content})\n        done = r.stop_reason != 'tool_use'\n",
        "from openai import OpenAI\nclient = OpenAI()\ndef run(messages):\n    while True:\n"
        "        r = client.chat.completions.create(model='m', messages=messages)\n        messages.append(r.choices[0].message)\n"
        "        if not r.choices[0].message.tool_calls:\n            return r\n",
        "import anthropic as ant\nclient = ant.Anthropic()\ndef run(messages):\n    done = False\n    while not done:\n"
        "        r = client.messages.create(model='m', max_tokens=100, messages=messages)\n"
        "        messages.append({'role': 'assistant', 'content': r.content})\n        done = r.stop_reason != 'tool_use'\n",
        "from openai import AsyncOpenAI\nasync def run(question):\n    async with AsyncOpenAI() as client:\n"
        "        previous = None\n        while True:\n"
        "            r = await client.responses.create(model='m', input=question, previous_response_id=previous)\n"
        "            previous = r.id\n",
        "from langchain_openai import ChatOpenAI\nclass Agent:\n    def __init__(self):\n        self.llm = ChatOpenAI(model='m')\n"
        "    def run(self, history):\n        while True:\n            reply = self.llm.invoke(history)\n            history.append(reply)\n",
        "from litellm import completion\ndef run(messages):\n    while True:\n"
        "        r = completion(model='m', messages=messages)\n        messages += [r.choices[0].message]\n",
        "from langchain.agents import AgentExecutor\nAgentExecutor(agent=a, tools=t, max_iterations=None)\n",
        "from langchain.agents import AgentExecutor as AE\nAE.from_agent_and_tools(agent=a, tools=t, max_iterations=None)\n",
    )

    def __init__(self, ctx) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ctx)
        # LLM calls only resolve through imports of these packages: without them, skip every loop.
        self._active = ctx.text_has(("openai", "anthropic", "litellm", "langchain"))

    # ----- AgentExecutor(max_iterations=None) ---------------------------------------------------
    def check_call(self, call: ast.Call, callee: Binding) -> None:
        kw = keyword(call, "max_iterations")
        if kw is None or not is_none(kw.value):
            return
        limit = keyword(call, "max_execution_time")
        if limit is not None and not is_none(limit.value):
            return
        self.report(kw, message=(
            "`AgentExecutor` given `max_iterations=None`: an agent that never reaches a final answer "
            "runs, and bills, forever"
        ), max_steps=self.ctx.settings.options.agent_max_steps)

    # ----- while loops ------------------------------------------------------------------------
    def leave_While(self, node: ast.While) -> None:
        if not self._active:
            return
        test = node.test
        constant = isinstance(test, ast.Constant)
        if constant and not test.value:  # type: ignore[attr-defined]
            return
        if _has_ordering(test):
            return  # `while step < max_steps`, `while time.monotonic() < deadline`
        scan = _LoopScan(self)
        scan.body(node.body)
        if not scan.calls:
            return
        if scan.bounded(test):
            return
        callee = scan.agent_call()
        if callee is None:
            return
        if self._inside_deadline():
            return
        self.report(
            loop_header_span(self.ctx, node),
            loop="`while True:` loop" if constant else "`while` loop",
            callee=normalize(callee).replace("()", ""),
            max_steps=self.ctx.settings.options.agent_max_steps,
        )

    def _inside_deadline(self) -> bool:
        for parent in reversed(self.ctx.parents):
            if isinstance(parent, _SKIP):
                break
            if isinstance(parent, (ast.With, ast.AsyncWith)):
                for item in parent.items:
                    expr = item.context_expr
                    if isinstance(expr, ast.Call) and self.ctx.qualname(expr.func) in _DEADLINE_SCOPES:
                        return True
        return False


def _has_ordering(expr: ast.AST) -> bool:
    for node in ast.walk(expr):
        if isinstance(node, ast.Compare) and any(isinstance(op, _ORDERING) for op in node.ops):
            return True
    return False


def _names_in(expr: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(expr) if isinstance(n, ast.Name)}


class _LoopScan:
    """One bounded walk of a loop body (nested defs, lambdas and classes skipped)."""

    def __init__(self, rule: UnboundedAgentLoop) -> None:
        self.rule = rule
        self.calls: list[tuple[ast.Call, str]] = []
        self.accumulated: set[str] = set()
        self.counters: set[str] = set()
        self.assigned: list[tuple[set[str], ast.AST]] = []
        self.exits: list[ast.If] = []

    def body(self, stmts: list[ast.stmt]) -> None:
        ctx = self.rule.ctx
        stack: list[ast.AST] = list(stmts)
        while stack:
            node = stack.pop()
            if isinstance(node, _SKIP):
                continue
            if isinstance(node, ast.Call):
                name = ctx.qualname(node.func)
                if is_llm_call(name):
                    self.calls.append((node, name))  # type: ignore[arg-type]
                func = node.func
                if isinstance(func, ast.Attribute) and func.attr in _ACCUMULATE and isinstance(func.value, ast.Name):
                    self.accumulated.add(func.value.id)
            elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
                if isinstance(node.op, (ast.Add, ast.Sub)) and isinstance(node.value, ast.Constant):
                    self.counters.add(node.target.id)
                else:
                    self.accumulated.add(node.target.id)
            elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names: set[str] = set()
                for t in targets:
                    names |= _names_in(t) if isinstance(t, (ast.Name, ast.Tuple, ast.List)) else set()
                if names:
                    self.assigned.append((names, node.value))
            elif isinstance(node, ast.If):
                self.exits.append(node)
            stack.extend(ast.iter_child_nodes(node))

    def bounded(self, test: ast.AST) -> bool:
        """A counter or deadline check that leaves the loop."""
        if self.counters & _names_in(test):
            return True
        for branch in self.exits:
            if not _leaves(branch.body):
                continue
            cond = branch.test
            if _has_ordering(cond):
                return True
            for node in ast.walk(cond):
                if isinstance(node, ast.Compare) and self.counters & _names_in(node):
                    return True
        return False

    def agent_call(self) -> str | None:
        """The LLM call whose arguments carry something built from earlier answers."""
        llm_calls = {id(c) for c, _ in self.calls}
        from_model: set[str] = set()
        for names, value in self.assigned:
            if any(isinstance(n, ast.Call) and id(n) in llm_calls for n in ast.walk(value)):
                from_model |= names
        changed = True
        while changed:  # names derived from the answers (`message = response.choices[0].message`)
            changed = False
            for names, value in self.assigned:
                if not names <= from_model and _names_in(value) & from_model:
                    from_model |= names
                    changed = True
        fed_back = self.accumulated | from_model
        for call, name in self.calls:
            args = [*call.args, *(kw.value for kw in call.keywords)]
            if any(_names_in(a) & fed_back for a in args):
                return name
        return None


def _leaves(stmts: list[ast.stmt]) -> bool:
    for stmt in stmts:
        for node in ast.walk(stmt):
            if isinstance(node, (ast.Break, ast.Return, ast.Raise)):
                return True
    return False
