"""LLM001 llm-client-without-timeout."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ..context import call_has_arg
from ..index import defined_here_uses
from ..model import Finding, Fix, Rule, Severity
from ..names import Binding
from ._apis import LITELLM_CALLS, LLM_CLIENTS, LLM_TIMEOUT_KWARGS

if TYPE_CHECKING:
    from ..fixes.document import FixDocument

#: litellm.completion(model, messages, timeout, ...): `timeout` is the third positional parameter.
_LITELLM_TIMEOUT_POSITION = 2
#: Module-level settings that give every litellm call a timeout.
_LITELLM_GLOBALS = frozenset({"litellm.request_timeout"})

#: Anthropic SDK methods that tokenize locally and send no request (anthropic < 0.39).
_LOCAL_METHODS = frozenset({"count_tokens", "get_tokenizer"})
_SDK = "the SDK's 600 s default lets one stalled request hold a worker for ten minutes"
_LITELLM = "a stalled provider holds the call for litellm's default request timeout (many minutes)"


class LlmClientWithoutTimeout(Rule):
    code = "LLM001"
    name = "llm-client-without-timeout"
    message = "`{callee}` {verb} without a timeout: {consequence}"
    severity = Severity.WARNING
    refs = ("H5", "C5", "ES3")
    owasp = ("LLM10",)
    cwe = ("CWE-400",)
    fix_applicability = "unsafe"
    fix_title = "Add `timeout={timeout}`"
    callees = LLM_CLIENTS

    docs = """
## What it does
Checks for LLM clients and calls made without a timeout: `openai.OpenAI`, `AsyncOpenAI`,
`AzureOpenAI`, `AsyncAzureOpenAI`, `anthropic.Anthropic`, `AsyncAnthropic` without
`timeout=` (and without `http_client=`), LangChain `ChatOpenAI`, `AzureChatOpenAI`,
`OpenAI` and `ChatAnthropic` without `timeout`/`request_timeout`/`default_request_timeout`,
and `litellm.completion`/`acompletion` without `timeout`.

A client that only tokenizes locally (`client.count_tokens(...)`, `client.get_tokenizer()` of
the Anthropic SDK) sends no request and is not reported: when it is held in a local variable,
or returned by a private module-level factory (`def _client(): return anthropic.Anthropic()`)
whose every caller only tokenizes with it.

## Why is this bad?
The OpenAI and Anthropic SDKs wait up to 600 s for a response by default, and retry on top
of that. Model latency has a long tail: when a provider degrades, every request in flight
holds a worker, a connection and the user's patience for ten minutes, and the backlog
spreads to everything that shares the pool (guide: H5 "everything has a timeout"; C5 slow
dependency → exhausted workers; ES3 p99 latency climbing is the early signal).

A client given `http_client=` is not flagged: the HTTP client's own timeout governs.
An explicit `timeout=None` is reported by RES002, not here. A timeout passed as a variable
or through `**kwargs` counts as present. `litellm` calls are not flagged when the module
sets `litellm.request_timeout`.

## Example
```python
from openai import OpenAI
from langchain_anthropic import ChatAnthropic

client = OpenAI()
llm = ChatAnthropic(model="claude-sonnet-4-5")
```

## Use instead
```python
from openai import OpenAI
from langchain_anthropic import ChatAnthropic

client = OpenAI(timeout=30, max_retries=2)
llm = ChatAnthropic(model="claude-sonnet-4-5", timeout=30)
```

## Fix safety
The fix inserts `timeout=<timeouts.llm>` (30 s unless configured). It is **unsafe**: long
generations (large outputs, reasoning models, streaming without a per-chunk budget) that
used to finish within ten minutes can now fail with a timeout error.

## References
- [OpenAI Python SDK: Timeouts](https://github.com/openai/openai-python#timeouts)
- [Anthropic Python SDK: Timeouts](https://github.com/anthropics/anthropic-sdk-python#timeouts)
- [litellm: Timeouts](https://docs.litellm.ai/docs/proxy/timeout)
- Guide: H5, C5, ES3
"""

    valid = (
        "from openai import OpenAI\nclient = OpenAI(timeout=30)\n",
        "import anthropic\nclient = anthropic.Anthropic(timeout=anthropic.Timeout(20.0, connect=5.0))\n",
        "import openai, httpx\nclient = openai.AsyncOpenAI(http_client=httpx.AsyncClient(timeout=20))\n",
        "from openai import OpenAI\nclient = OpenAI(timeout=None)\n",
        "from langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model='gpt-4o', request_timeout=30)\n",
        "from langchain_anthropic import ChatAnthropic\nllm = ChatAnthropic(model='claude', default_request_timeout=30)\n",
        "import litellm\nlitellm.completion(model='gpt-4o', messages=[], timeout=30)\n",
        "import litellm\nlitellm.request_timeout = 30\nlitellm.completion(model='gpt-4o', messages=[])\n",
        "from openai import OpenAI\nclient = OpenAI(**settings.openai)\n",
        "class OpenAI:\n    pass\nclient = OpenAI()\n",
    )
    invalid = (
        "from openai import OpenAI\nclient = OpenAI()\n",
        "import openai as oa\nclient = oa.AsyncAzureOpenAI(api_version='2024-06-01')\n",
        "from anthropic import AsyncAnthropic as Claude\nclient = Claude(max_retries=2)\n",
        "import anthropic\nclass Bot:\n    def __init__(self):\n        self.client = anthropic.Anthropic()\n",
        "from langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model='gpt-4o')\n",
        "from langchain.chat_models import ChatAnthropic\nllm = ChatAnthropic(model='claude')\n",
        "import litellm\ndef ask(messages):\n    return litellm.completion(model='gpt-4o', messages=messages)\n",
        "from litellm import acompletion\nasync def ask(messages):\n    return await acompletion(model='gpt-4o', messages=messages)\n",
    )

    @classmethod
    def make_fix(cls, finding: Finding, doc: "FixDocument") -> Fix | None:
        from ..fixes.transforms import keyword_fix, number

        timeout = number(doc.options.timeouts.llm)
        return keyword_fix(finding, doc, "timeout", timeout, "unsafe", cls.fix_title.format(timeout=timeout))

    def __init__(self, ctx) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ctx)
        self._litellm_pending: list[tuple[ast.Call, str]] = []
        self._litellm_global = False
        #: SDK clients returned by a private module-level factory, decided once every caller is seen.
        self._factory_pending: list[tuple[ast.Call, str, str]] = []
        #: private function name -> for each call of it: is its result only used to tokenize?
        self._factory_calls: dict[str, list[bool]] = {}

    def visit_Assign(self, node: ast.Assign) -> None:
        if self.ctx.function is not None or self._litellm_global:
            return
        for target in node.targets:
            if isinstance(target, ast.Attribute) and self.ctx.qualname(target) in _LITELLM_GLOBALS:
                self._litellm_global = True

    def check_call(self, call: ast.Call, callee: Binding) -> None:
        name = callee.qualname
        assert name is not None
        for kw in call.keywords:
            if kw.arg is None or kw.arg in LLM_TIMEOUT_KWARGS or kw.arg == "http_client":
                return  # bounded, or `timeout=None` (RES002's), or unknown **kwargs
        if name in LITELLM_CALLS:
            if call_has_arg(call, "timeout", _LITELLM_TIMEOUT_POSITION):
                return
            self._litellm_pending.append((call, name))
            return
        if any(isinstance(a, ast.Starred) for a in call.args):
            return
        factory = self._private_factory(call)
        if factory is not None:
            self._factory_pending.append((call, name, factory))
            return
        if self._local_tokenizer_only(call):
            return
        self._report(call, name, "created", _SDK)

    # ----- clients used only for local tokenization (no request is ever sent) ------------------
    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Name) and func.id.startswith("_") and not node.args and not node.keywords:
            # Only files that tokenize can hold a tokenize-only client; elsewhere keep no state
            # (state kept between statements turns incremental analysis off for the file).
            if self.ctx.text_has(tuple(_LOCAL_METHODS)):
                self._factory_calls.setdefault(func.id, []).append(_tokenizer_only_result(node, self.ctx))

    def _private_factory(self, call: ast.Call) -> str | None:
        """`def _client(): return anthropic.Anthropic()` at module level: its callers hold the client."""
        fn = self.ctx.function
        parent = self.ctx.parent
        if (isinstance(parent, ast.Return) and isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef))
                and len(self.ctx.functions) == 1 and self.ctx.enclosing_class_scope() is None
                and fn.name.startswith("_") and not fn.name.startswith("__")):
            return fn.name
        return None

    def _local_tokenizer_only(self, call: ast.Call) -> bool:
        """`client = Anthropic()` in a function that only tokenizes with it."""
        return _assigned_only_to_tokenize(self.ctx)

    def finish(self) -> None:
        for call, name, factory in self._factory_pending:
            uses = self._factory_calls.get(factory)
            if not (uses and all(uses)):
                self._report(call, name, "created", _SDK)
        if self._litellm_global:
            return
        for call, name in self._litellm_pending:
            self._report(call, name, "called", _LITELLM)

    def _report(self, call: ast.Call, name: str, verb: str, consequence: str) -> None:
        timeout = self.ctx.settings.options.timeouts.llm
        shown = int(timeout) if float(timeout).is_integer() else timeout
        finding = self.report(call.func, callee=name.replace("()", ""), verb=verb, consequence=consequence,
                              timeout=shown)
        if getattr(self.ctx, "workspace", None) is not None:  # cross-module: where this client is used elsewhere
            finding.related = defined_here_uses(self.ctx, call)


def _tokenizer_only_result(call: ast.Call, ctx) -> bool:  # type: ignore[no-untyped-def]
    """`_client().get_tokenizer()`, or `c = _client()` then only `c.count_tokens(...)`/`c.get_tokenizer()`."""
    parent = ctx.parent
    if isinstance(parent, ast.Attribute):
        return parent.attr in _LOCAL_METHODS
    return _assigned_only_to_tokenize(ctx)


def _assigned_only_to_tokenize(ctx) -> bool:  # type: ignore[no-untyped-def]
    """The value being visited is assigned to a local name that the function only tokenizes with."""
    parent, fn = ctx.parent, ctx.function
    if (isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name)
            and isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef))):
        return _name_tokenizer_only(fn, parent.targets[0].id)
    return False


def _name_tokenizer_only(fn: ast.AST, name: str) -> bool:
    """Every load of `name` in `fn` is a call of a local tokenization method (and there is one)."""
    methods = {id(n.func.value) for n in ast.walk(fn) if isinstance(n, ast.Call)
               and isinstance(n.func, ast.Attribute) and n.func.attr in _LOCAL_METHODS}
    loads = [n for n in ast.walk(fn) if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load)]
    return bool(loads) and all(id(n) in methods for n in loads)
