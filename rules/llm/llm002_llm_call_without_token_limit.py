"""LLM002 llm-call-without-token-limit."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ..model import Finding, Fix, Rule, Severity
from ..names import Binding
from ._apis import LITELLM_CALLS, TOKEN_CAP_KWARGS, TOKEN_CAPPED_CALLS, normalize

if TYPE_CHECKING:
    from ..fixes.document import FixDocument

#: litellm.completion(model, messages, timeout, temperature, top_p, n, stream, stream_options, stop,
#: max_completion_tokens, max_tokens, ...): the first cap's positional index.
_LITELLM_CAP_POSITION = 9


class LlmCallWithoutTokenLimit(Rule):
    code = "LLM002"
    name = "llm-call-without-token-limit"
    message = "`{callee}` called without `{kwarg}`: one runaway generation can burn tokens, latency and cost up to the model's maximum"
    severity = Severity.WARNING
    refs = ("ES3",)
    owasp = ("LLM10",)
    cwe = ("CWE-770",)
    fix_applicability = "unsafe"
    fix_title = "Add `{kwarg}={max_tokens}`"
    callees = frozenset(TOKEN_CAPPED_CALLS)

    docs = """
## What it does
Checks for OpenAI-style generation calls made without an output cap:
`chat.completions.create`, `chat.completions.parse`, `beta.chat.completions.parse`,
`completions.create` and `responses.create` on OpenAI/Azure OpenAI clients (also through
`client.with_options(...)`, `with_raw_response` and the `openai` module's default client),
and `litellm.completion`/`acompletion`, without `max_tokens`, `max_completion_tokens` or
`max_output_tokens`.

## Why is this bad?
Without a cap the model may generate up to its context limit: a prompt that makes it loop,
ramble or echo a large document costs many times the usual tokens and seconds, and an
attacker can do it on purpose (OWASP LLM10 unbounded consumption). Output length is the main
driver of latency, so uncapped calls are where p99 latency and cost drift first (guide: ES3).
Anthropic's `messages.create` requires `max_tokens` and is not checked.

A cap passed as a variable or through `**kwargs` counts as present.

## Example
```python
from openai import OpenAI

client = OpenAI(timeout=30)

def summarize(text):
    return client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": text}],
    )
```

## Use instead
```python
from openai import OpenAI

client = OpenAI(timeout=30)

def summarize(text):
    return client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": text}],
        max_tokens=1024,
    )
```

## Fix safety
The fix inserts the API's cap keyword with `llm-max-tokens` (1024 unless configured):
`max_output_tokens=` for the Responses API, `max_tokens=` otherwise. It is **unsafe**: answers
longer than the cap are cut off (`finish_reason == "length"`), and reasoning models count
their hidden reasoning against it.

## References
- [OpenAI API: Chat Completions `max_completion_tokens`](https://platform.openai.com/docs/api-reference/chat/create)
- [OpenAI API: Responses `max_output_tokens`](https://platform.openai.com/docs/api-reference/responses/create)
- [OWASP Top 10 for LLM Applications: LLM10 Unbounded Consumption](https://genai.owasp.org/llmrisk/llm102025-unbounded-consumption/)
- Guide: ES3
"""

    valid = (
        "import openai\ndef f(client: openai.OpenAI):\n    return client.chat.completions.create(model='m', messages=[], max_tokens=100)\n",
        "from openai import OpenAI\nclient = OpenAI()\nclient.chat.completions.create(model='m', messages=[], max_tokens=500)\n",
        "from openai import OpenAI\nclient = OpenAI()\nclient.responses.create(model='m', input='hi', max_output_tokens=500)\n",
        "from openai import OpenAI\nclient = OpenAI()\nclient.chat.completions.create(model='m', messages=[], max_completion_tokens=cap)\n",
        "from openai import OpenAI\nclient = OpenAI()\nclient.chat.completions.create(**request)\n",
        "import anthropic\nclient = anthropic.Anthropic()\nclient.messages.create(model='m', messages=[], max_tokens=512)\n",
        "import litellm\nlitellm.completion(model='m', messages=[], max_tokens=256)\n",
        "class Completions:\n    def create(self, **kw): ...\nchat = Completions()\nchat.create(model='m')\n",
        "def create(**kw): ...\ncreate(model='m', messages=[])\n",
    )
    invalid = (
        "import openai\ndef f(client: openai.OpenAI):\n    return client.chat.completions.create(model='m', messages=[])\n",
        "from openai import AsyncOpenAI\nclass Bot:\n    client: AsyncOpenAI\n    async def ask(self):\n        return await self.client.chat.completions.create(model='m', messages=[])\n",
        "from openai import OpenAI\nclient = OpenAI()\nclient.chat.completions.create(model='m', messages=[])\n",
        "import openai as oa\nclient = oa.AsyncOpenAI()\nasync def f():\n    return await client.responses.create(model='m', input='hi')\n",
        "from openai import OpenAI\nclient = OpenAI()\nclient.with_options(timeout=5).chat.completions.create(model='m', messages=[])\n",
        "from openai import AzureOpenAI\nwith AzureOpenAI() as c:\n    c.beta.chat.completions.parse(model='m', messages=[], response_format=Answer)\n",
        "from openai import OpenAI\nclass Bot:\n    def __init__(self):\n        self.client = OpenAI()\n"
        "    def ask(self, q):\n        return self.client.completions.create(model='m', prompt=q)\n",
        "import openai\nopenai.chat.completions.create(model='m', messages=[])\n",
        "from litellm import completion as complete\ncomplete(model='m', messages=[])\n",
    )

    @classmethod
    def make_fix(cls, finding: Finding, doc: "FixDocument") -> Fix | None:
        from ..fixes.transforms import keyword_fix

        kwarg = finding.data.get("kwarg") or "max_tokens"  # `max_output_tokens` for the Responses API
        value = str(doc.options.llm_max_tokens)
        return keyword_fix(finding, doc, kwarg, value, "unsafe", cls.fix_title.format(kwarg=kwarg, max_tokens=value))

    def check_call(self, call: ast.Call, callee: Binding) -> None:
        name = callee.qualname
        assert name is not None
        for kw in call.keywords:
            if kw.arg is None or kw.arg in TOKEN_CAP_KWARGS:
                return
        if any(isinstance(a, ast.Starred) for a in call.args):
            return
        if name in LITELLM_CALLS and len(call.args) > _LITELLM_CAP_POSITION:
            return
        self.report(
            call.func,
            callee=normalize(name).replace("()", ""),
            kwarg=TOKEN_CAPPED_CALLS[name],
            max_tokens=self.ctx.settings.options.llm_max_tokens,
        )
