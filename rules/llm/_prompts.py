"""Where prompts are written: message dicts, LangChain messages and tuples, prompt keywords.

Shared by LLM003 (system/developer prompts) and LLM007 (any prompt).
"""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ..flow import AUG, VALUE, is_dynamic_string
from ._apis import ANTHROPIC_ROOTS, OPENAI_ROOTS, normalize, with_options_variants
from ._flow import lookup_defs

if TYPE_CHECKING:
    from ..context import FileContext

SYSTEM_ROLES = frozenset({"system", "developer"})
CHAT_ROLES = frozenset({"system", "developer", "user", "assistant", "human", "ai", "tool"})

_LC_MODULES = ("langchain_core.messages", "langchain.schema", "langchain.schema.messages",
               "langchain_core.messages.system", "langchain_core.messages.human", "langchain_core.messages.ai",
               "langchain.messages")
#: LangChain message classes -> role.
MESSAGE_CLASSES: dict[str, str] = {}
for _mod in _LC_MODULES:
    MESSAGE_CLASSES[f"{_mod}.SystemMessage"] = "system"
    MESSAGE_CLASSES[f"{_mod}.HumanMessage"] = "user"
    MESSAGE_CLASSES[f"{_mod}.AIMessage"] = "assistant"
    MESSAGE_CLASSES[f"{_mod}.SystemMessagePromptTemplate.from_template"] = "system"
    MESSAGE_CLASSES[f"{_mod}.HumanMessagePromptTemplate.from_template"] = "user"
for _mod in ("langchain_core.prompts", "langchain.prompts", "langchain_core.prompts.chat", "langchain.prompts.chat"):
    MESSAGE_CLASSES[f"{_mod}.SystemMessagePromptTemplate.from_template"] = "system"
    MESSAGE_CLASSES[f"{_mod}.HumanMessagePromptTemplate.from_template"] = "user"

#: Prompt keywords of LLM calls: normalized qualname -> {keyword: role}.
CALL_PROMPTS: dict[str, dict[str, str]] = {}
for _root in ANTHROPIC_ROOTS:
    for _m in ("messages.create", "messages.stream", "beta.messages.create", "beta.messages.stream", "messages.parse"):
        CALL_PROMPTS[f"{_root}.{_m}"] = {"system": "system"}
for _root in OPENAI_ROOTS:
    for _m in ("responses.create", "responses.parse", "responses.stream"):
        CALL_PROMPTS[f"{_root}.{_m}"] = {"instructions": "system", "input": "user"}
    CALL_PROMPTS[f"{_root}.completions.create"] = {"prompt": "user"}
CALL_PROMPT_CALLEES = frozenset(
    f"{r}.{path}"
    for name in CALL_PROMPTS
    for root in (*OPENAI_ROOTS, *ANTHROPIC_ROOTS) if name.startswith(root + ".")
    for r in with_options_variants(root)
    for path in [name[len(root) + 1:]]
)


def dict_message(node: ast.Dict) -> tuple[str, ast.expr] | None:
    """`{"role": "system", "content": X}` -> ("system", X)."""
    role = content = None
    for key, value in zip(node.keys, node.values):
        if isinstance(key, ast.Constant):
            if key.value == "role":
                if not (isinstance(value, ast.Constant) and isinstance(value.value, str)):
                    return None
                role = value.value
            elif key.value == "content":
                content = value
    if role is None or content is None or role not in CHAT_ROLES:
        return None
    return role, content


def tuple_message(node: ast.Tuple) -> tuple[str, ast.expr] | None:
    """LangChain `("system", X)`."""
    if len(node.elts) != 2:
        return None
    first = node.elts[0]
    if not (isinstance(first, ast.Constant) and isinstance(first.value, str) and first.value in CHAT_ROLES):
        return None
    return first.value, node.elts[1]


def class_message(call: ast.Call, role: str) -> tuple[str, ast.expr] | None:
    """`SystemMessage(content=X)` / `SystemMessage(X)`."""
    for kw in call.keywords:
        if kw.arg in ("content", "template"):
            return role, kw.value
    if call.args:
        return role, call.args[0]
    return None


def call_prompts(call: ast.Call, qualname: str) -> list[tuple[str, str, ast.expr]]:
    """Prompt keywords of an LLM call: [(role, keyword, value)]."""
    table = CALL_PROMPTS.get(normalize(qualname))
    if not table:
        return []
    return [(table[kw.arg], kw.arg, kw.value) for kw in call.keywords if kw.arg in table]


def interpolation_node(ctx: "FileContext", content: ast.expr) -> ast.expr:
    """The interpolated string a prompt value was built with (a local's f-string), else itself."""
    if not isinstance(content, ast.Name):
        return content
    found = lookup_defs(ctx, content.id)
    if found is None:
        return content
    _, defs = found
    for kind, value, _ in defs:
        if kind in (VALUE, AUG) and value is not None and is_dynamic_string(ctx, value):
            return value  # type: ignore[return-value]
    for kind, value, _ in defs:
        if kind in (VALUE, AUG) and isinstance(value, (ast.JoinedStr, ast.BinOp)):
            return value  # type: ignore[return-value]
    return content


class PromptSites:
    """Mixin for rules about prompt text: finds every place a prompt message is written
    (message dicts, `("role", text)` tuples, LangChain message classes, prompt keywords of SDK
    calls) and hands each to `on_prompt(role, value, slot)`; `first_report(node)` keeps one
    finding per interpolated expression."""

    @property
    def _seen(self) -> set[int]:
        return self.ctx.memo(f"{self.code}_seen", set)  # type: ignore[attr-defined]

    def on_prompt(self, role: str, value: ast.expr, slot: str) -> None:
        raise NotImplementedError

    def on_other_call(self, call: ast.Call, name: str) -> bool:
        """A rule's own prompt-taking calls; True when handled."""
        return False

    def visit_Dict(self, node: ast.Dict) -> None:
        if len(node.keys) < 2:
            return
        found = dict_message(node)
        if found is not None:
            self.on_prompt(found[0], found[1], f"the `{found[0]}` message")

    def visit_Tuple(self, node: ast.Tuple) -> None:
        if len(node.elts) != 2 or not isinstance(node.elts[0], ast.Constant):
            return
        found = tuple_message(node)
        if found is not None:
            self.on_prompt(found[0], found[1], f"the `(\"{found[0]}\", ...)` message")

    def check_call(self, call: ast.Call, callee) -> None:  # type: ignore[no-untyped-def]
        name = callee.qualname
        assert name is not None
        role = MESSAGE_CLASSES.get(name)
        if role is not None:
            found = class_message(call, role)
            if found is not None:
                slot = f"a `{name.rsplit('.', 1)[-1]}`" if "Template" not in name else "a system prompt template"
                self.on_prompt(role, found[1], slot)
            return
        if self.on_other_call(call, name):
            return
        for role, kwarg, value in call_prompts(call, name):
            self.on_prompt(role, value, f"`{kwarg}=`")

    def first_report(self, node: ast.expr) -> bool:
        if id(node) in self._seen:
            return False
        self._seen.add(id(node))
        return True
