"""LLM007 secret-in-prompt."""
from __future__ import annotations

import ast

from ..model import Rule, Severity
from ._apis import LANGCHAIN_MODELS, LANGCHAIN_RUNNABLE_METHODS
from ._flow import SECRET, origins
from ._prompts import CALL_PROMPT_CALLEES, MESSAGE_CLASSES, PromptSites, interpolation_node

_LANGCHAIN_PROMPT_CALLS = frozenset(
    f"{model}().{m}" for model in LANGCHAIN_MODELS for m in LANGCHAIN_RUNNABLE_METHODS
    if m in ("invoke", "ainvoke", "stream", "astream", "predict")
)


class SecretInPrompt(PromptSites, Rule):
    code = "LLM007"
    name = "secret-in-prompt"
    message = "{source} is put into a prompt: the provider, its logs and anyone who can make the model repeat its context can read it"
    severity = Severity.WARNING
    refs = ("H10", "P12")
    owasp = ("LLM02", "LLM06")
    cwe = ("CWE-200",)
    callees = frozenset({*MESSAGE_CLASSES, *CALL_PROMPT_CALLEES, *_LANGCHAIN_PROMPT_CALLS})

    docs = """
## What it does
Checks for secrets put into prompts: values of environment variables whose names look secret
(containing KEY, TOKEN, SECRET, PASSWORD, PASSWD or CREDENTIAL) read with `os.environ[...]`,
`os.environ.get(...)` or `os.getenv(...)`, and key-shaped string literals (`sk-…`, `AKIA…`,
`ghp_…`, `xoxb-…`, private keys), interpolated into a chat message's `content` (any role),
Anthropic's `system=`, the Responses API's `instructions=`/`input=`, a completion `prompt=`,
a LangChain message, a `(role, text)` tuple, or a LangChain chat model's `invoke(...)`. Values
are followed through local variables.

## Why is this bad?
A prompt is not a secure channel. It is sent to and often retained by the provider, written to
tracing and logging tools, and a model can be talked into repeating it ("print everything
above"): the key leaks to whoever chats with the application (OWASP LLM02 sensitive
information disclosure, LLM06; guide: H10, P12). The model never needs the key itself: the
tool that uses it can read it from the environment.

## Example
```python
import os

def build_messages(question):
    return [
        {"role": "system", "content": f"Call the billing API with key {os.environ['BILLING_API_KEY']}."},
        {"role": "user", "content": question},
    ]
```

## Use instead
```python
import os

def build_messages(question):
    return [
        {"role": "system", "content": "Use the `billing_lookup` tool for billing questions."},
        {"role": "user", "content": question},
    ]

def billing_lookup(customer_id):
    key = os.environ["BILLING_API_KEY"]  # stays in the tool, never in the prompt
    ...
```

## Fix safety
There is no automatic fix: the secret has to move out of the prompt into the code of the tool
that needs it, and the key should be rotated if prompts were logged.

## References
- [OWASP Top 10 for LLM Applications: LLM02 Sensitive Information Disclosure](https://genai.owasp.org/llmrisk/llm022025-sensitive-information-disclosure/)
- [OWASP Top 10 for LLM Applications: LLM07 System Prompt Leakage](https://genai.owasp.org/llmrisk/llm072025-system-prompt-leakage/)
- Guide: H10, P12
"""

    valid = (
        "import os\ndef f(q):\n    return [{'role': 'system', 'content': f\"Region: {os.environ['AWS_REGION']}\"}]\n",
        "import os\nkey = os.environ['OPENAI_API_KEY']\ndef f(q):\n    return [{'role': 'user', 'content': q}]\n",
        "import os\ndef f(q):\n    token = os.getenv('GITHUB_TOKEN')\n    headers = {'Authorization': f'Bearer {token}'}\n"
        "    return headers, [{'role': 'user', 'content': q}]\n",
        "def f(q):\n    return [{'role': 'system', 'content': 'Never reveal the API key.'}]\n",
        "def f(token_count):\n    return [{'role': 'user', 'content': f'Budget: {token_count} tokens'}]\n",
        "API_KEY = 'changeme'\ndef f(q):\n    return [{'role': 'user', 'content': f'{q} key={API_KEY}'}]\n",
    )
    invalid = (
        "import os\ndef f(q):\n    return [{'role': 'system', 'content': f\"Use key {os.environ['STRIPE_SECRET_KEY']}\"}]\n",
        "from os import getenv\ndef f(q):\n    pw = getenv('DB_PASSWORD')\n    prompt = 'Connect with password ' + pw\n"
        "    return [{'role': 'user', 'content': prompt}]\n",
        "import os, anthropic\nclient = anthropic.Anthropic()\ndef f(q):\n"
        "    return client.messages.create(model='m', max_tokens=9, system='Token: %s' % os.environ.get('GH_TOKEN'), messages=[])\n",
        "from langchain_core.messages import SystemMessage\ndef f():\n"
        "    return SystemMessage(content=f\"Key: {'sk-proj-abcdefghijklmnopqrstuvwx'}\")\n",
        "import os\nfrom langchain_openai import ChatOpenAI\nllm = ChatOpenAI()\ndef f(q):\n"
        "    return llm.invoke(f\"{q} (credentials: {os.environ['SERVICE_CREDENTIALS']})\")\n",
        "import os\ndef f(q):\n    return [('system', 'Admin token is ' + os.environ['ADMIN_TOKEN'])]\n",
        "API_KEY = 'a8f5f167f44f4964e6c998dee827110c'\ndef f(q):\n    return [{'role': 'user', 'content': f'{q} key={API_KEY}'}]\n",
    )

    def on_prompt(self, role: str, value: ast.expr, slot: str) -> None:
        self._check(value)

    def on_other_call(self, call: ast.Call, name: str) -> bool:
        if name not in _LANGCHAIN_PROMPT_CALLS:
            return False
        if call.args and not isinstance(call.args[0], (ast.List, ast.Starred)):
            self._check(call.args[0])
        return True

    def _check(self, content: ast.expr) -> None:
        if isinstance(content, (ast.List, ast.Constant)) and not (
            isinstance(content, ast.Constant) and isinstance(content.value, str)
        ):
            return
        secrets = sorted((o for o in origins(self.ctx, content) if o.kind == SECRET), key=lambda o: o.label)
        if not secrets:
            return
        node = interpolation_node(self.ctx, content)
        if self.first_report(node):
            label = secrets[0].label
            self.report(node, source=label[:1].upper() + label[1:])
