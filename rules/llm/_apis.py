"""Tables of LLM provider APIs shared by the LLM rules (one place for the names).

Qualified names are spelled as `ctx.qualname` spells them: `client = OpenAI()` then
`client.chat.completions.create` is "openai.OpenAI().chat.completions.create";
`client.with_options(timeout=5).chat...` inserts "with_options()" after the root.

Candidates to move into the engine's shared tables: `LLM_CALLS`/`is_llm_call` (RES013 keeps its
own list of OpenAI/Anthropic prefixes), `normalize`.
"""
from __future__ import annotations

import re

from ..apis.timeouts import LLM_CLIENTS, LLM_TIMEOUT_KWARGS

__all__ = [
    "LLM_CLIENTS", "LLM_TIMEOUT_KWARGS", "OPENAI_ROOTS", "ANTHROPIC_ROOTS", "LANGCHAIN_MODELS",
    "TOKEN_CAPPED_CALLS", "TOKEN_CAP_KWARGS", "LITELLM_CALLS", "normalize", "is_llm_call", "with_options_variants",
]

#: OpenAI client instances, plus the `openai` module's own lazily-built client (`openai.chat...`).
OPENAI_ROOTS = (
    "openai.OpenAI()",
    "openai.AsyncOpenAI()",
    "openai.AzureOpenAI()",
    "openai.AsyncAzureOpenAI()",
    "openai",
)
ANTHROPIC_ROOTS = (
    "anthropic.Anthropic()",
    "anthropic.AsyncAnthropic()",
    "anthropic.AnthropicBedrock()",
    "anthropic.AsyncAnthropicBedrock()",
    "anthropic.AnthropicVertex()",
    "anthropic.AsyncAnthropicVertex()",
)
LITELLM_CALLS = frozenset({"litellm.completion", "litellm.acompletion"})

#: OpenAI-style resource methods that generate tokens -> the cap keyword the fix inserts.
OPENAI_GENERATE: dict[str, str] = {
    "chat.completions.create": "max_tokens",
    "chat.completions.parse": "max_tokens",
    "beta.chat.completions.parse": "max_tokens",
    "beta.chat.completions.stream": "max_tokens",
    "chat.completions.stream": "max_tokens",
    "completions.create": "max_tokens",
    "responses.create": "max_output_tokens",
    "responses.parse": "max_output_tokens",
    "responses.stream": "max_output_tokens",
}
#: Keywords any of which caps the output (their value is not judged: a variable counts).
TOKEN_CAP_KWARGS = ("max_tokens", "max_completion_tokens", "max_output_tokens")

#: The legacy (openai<1) module functions.
OPENAI_LEGACY = {"openai.ChatCompletion.create": "max_tokens", "openai.Completion.create": "max_tokens",
                 "openai.ChatCompletion.acreate": "max_tokens", "openai.Completion.acreate": "max_tokens"}

_WITH = ".with_options()"
_RESPONSE_WRAPPERS = ("", "with_raw_response.", "with_streaming_response.")


def with_options_variants(root: str, depth: int = 2) -> list[str]:
    """`root`, `root.with_options()`, `root.with_options().with_options()` (instances only)."""
    if not root.endswith("()"):
        return [root]
    return [root + _WITH * n for n in range(depth + 1)]


def _split(path: str) -> tuple[str, str]:
    head, _, last = path.rpartition(".")
    return head, last


#: qualname -> cap keyword for LLM002 (OpenAI-style generate calls and litellm).
TOKEN_CAPPED_CALLS: dict[str, str] = {}
for _root in OPENAI_ROOTS:
    for _r in with_options_variants(_root):
        for _path, _kw in OPENAI_GENERATE.items():
            _head, _last = _split(_path)
            for _wrap in _RESPONSE_WRAPPERS:
                TOKEN_CAPPED_CALLS[f"{_r}.{_head}.{_wrap}{_last}"] = _kw
TOKEN_CAPPED_CALLS.update(OPENAI_LEGACY)
TOKEN_CAPPED_CALLS.update({name: "max_tokens" for name in LITELLM_CALLS})

#: Anthropic generate calls (`max_tokens` is required there, so LLM002 does not need them).
ANTHROPIC_GENERATE = ("messages.create", "messages.stream", "beta.messages.create", "beta.messages.stream",
                      "completions.create", "messages.parse")

#: LangChain chat model classes (instances' `invoke`/`ainvoke`/... call the provider).
LANGCHAIN_MODELS = frozenset(name for name in LLM_CLIENTS if not name.startswith(("openai.", "anthropic.", "litellm.")))
LANGCHAIN_RUNNABLE_METHODS = ("invoke", "ainvoke", "stream", "astream", "batch", "abatch", "predict",
                              "predict_messages", "generate", "agenerate")

_WITH_RE = re.compile(r"\.with_options\(\)")


def normalize(qualname: str) -> str:
    """Drop `.with_options()` links and response wrappers: one spelling per API."""
    q = _WITH_RE.sub("", qualname) if _WITH in qualname else qualname
    if ".with_raw_response." in q or ".with_streaming_response." in q:
        q = q.replace(".with_raw_response.", ".").replace(".with_streaming_response.", ".")
    return q


_LLM_CALLS: frozenset[str] = frozenset(
    {
        *(normalize(name) for name in TOKEN_CAPPED_CALLS),
        *(f"{root}.{path}" for root in ANTHROPIC_ROOTS for path in ANTHROPIC_GENERATE),
        *(f"{model}().{m}" for model in LANGCHAIN_MODELS for m in LANGCHAIN_RUNNABLE_METHODS),
        *(f"{model}().bind_tools().{m}" for model in LANGCHAIN_MODELS for m in LANGCHAIN_RUNNABLE_METHODS),
        *(f"{model}().with_structured_output().{m}" for model in LANGCHAIN_MODELS
          for m in LANGCHAIN_RUNNABLE_METHODS),
    }
)


def is_llm_call(qualname: str | None) -> bool:
    """A call that sends a prompt to a model (OpenAI, Anthropic, litellm, LangChain chat models)."""
    if qualname is None:
        return False
    return normalize(qualname) in _LLM_CALLS
