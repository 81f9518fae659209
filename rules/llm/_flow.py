"""Where a value in an LLM application comes from: provenance over `rules.flow`'s def-use.

`origins(ctx, expr)` follows a value through the local variables of the enclosing functions
(and module-level names) using `rules.flow.flow_for` (flow-insensitive, cached per function)
and returns the set of `Origin`s it derives from:

  PARAM      a parameter of an enclosing function (not `self`/`cls`)
  REQUEST    request input (`rules.flow.taint_sources`: Flask/Django/FastAPI handler input)
  MODEL      model output: the response of an LLM call (OpenAI, Anthropic, litellm, LangChain)
             or anything read from it, and the model-output shapes `.choices[i].message...`,
             `.output_text`, `.content[i].text`, `.tool_calls`, even when the response object
             itself came from elsewhere
  TOOL_NAME  the model-chosen tool name (`tool_call.function.name`, Anthropic `block.name`)
  RETRIEVAL  a vector-store / retriever result (LangChain method names)
  ENV        an environment variable (`os.environ[...]`, `os.getenv`, `os.environ.get`)
  SECRET     an env variable whose name looks secret, or a key-shaped string literal

Validation stops the flow: pydantic `model_validate(_json)`, `TypeAdapter(...).validate_*`,
and names that the function checks with `jsonschema.validate(x, ...)` or tests for membership
(`x in ALLOWED`, `x not in ALLOWED`).

What should move to `rules/flow.py`: the scope chain (`_chain`) is private there and duplicated
here; a generic "provenance" walker parametrised by a source table (this module's ORIGIN tables)
would serve SEC rules too; `validated_names` (membership / schema checks) is generic.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..flow import OPAQUE, VALUE, flow_for, taint_sources
from ..names import words
from ._apis import is_llm_call

if TYPE_CHECKING:
    from ..context import FileContext
    from ..flow import FunctionFlow

PARAM, REQUEST, MODEL, TOOL_NAME, RETRIEVAL, ENV, SECRET = (
    "param", "request", "model", "tool-name", "retrieval", "env", "secret",
)


@dataclass(frozen=True, slots=True)
class Origin:
    kind: str
    label: str


# ----- source tables ---------------------------------------------------------------------------
ENV_READS = frozenset({"os.getenv", "os.environ.get", "os.environ.__getitem__", "os.getenvb"})
ENV_MAPPINGS = frozenset({"os.environ", "os.environb"})
#: LangChain vector-store / retriever methods (receivers are rarely resolvable: matched by name).
RETRIEVAL_METHODS = frozenset({
    "similarity_search", "similarity_search_with_score", "similarity_search_with_relevance_scores",
    "max_marginal_relevance_search", "get_relevant_documents", "aget_relevant_documents",
    "asimilarity_search",
})
#: Parsing keeps the provenance ("json.loads alone is not validation").
#: Validators: the value that comes out is checked against a schema.
VALIDATOR_METHODS = frozenset({
    "model_validate", "model_validate_json", "model_validate_strings", "validate_python", "validate_json",
    "validate_strings", "parse_obj", "parse_raw",
})
SCHEMA_CHECKS = frozenset({"jsonschema.validate", "jsonschema.Draft7Validator().validate",
                           "jsonschema.Draft202012Validator().validate"})
#: Env names that look secret (RULES.md LLM007): judged on the name's last word, as SEC006 does
#: (`GITHUB_TOKEN`, `STRIPE_SECRET_KEY`, `DB_PASSWORD`; not `MAX_TOKENS`, `TOKEN_URL`, `KEY_ID`).
_SECRET_WORDS = frozenset({"key", "apikey", "secretkey", "token", "secret", "password", "passwd", "pwd",
                           "credential", "credentials", "creds"})
#: Key-shaped literals (SEC006's formats).
_SECRET_LITERAL = re.compile(
    r"^(?:AKIA[0-9A-Z]{16}|sk-(?:proj-|ant-)?[A-Za-z0-9_\-]{20,}|gh[pousr]_[A-Za-z0-9]{30,}"
    r"|xox[bpars]-[A-Za-z0-9\-]{10,})$|-----BEGIN [A-Z ]*PRIVATE KEY-----"
)

_MAX_DEPTH = 30
_MEMO = "_resilint_llm_origins"
_VALID = "_resilint_llm_validated"


#: Text that must occur in a file for MODEL origins to be possible at all (LLM calls only
#: resolve through imports of these packages; the shapes are spelled out). A cheap per-file gate.
_MODEL_MARKERS = ("openai", "anthropic", "litellm", "langchain", "output_text", "tool_calls", "choices",
                  "function.name", "function.arguments", ".content[", ".parsed")


def may_have_model_output(ctx: "FileContext") -> bool:
    return ctx.text_has(_MODEL_MARKERS)


#: Parameters that are not input: the receiver, and configuration objects passed around.
_NOT_INPUT_PARAMS = frozenset({"self", "cls", "settings", "config", "cfg", "conf", "options", "opts"})
_PLACEHOLDER = re.compile(r"changeme|^x{3,}|^your[-_]|^<.*>$|\$\{|\{\{|example|dummy|placeholder|\*\*\*|\.\.\.", re.IGNORECASE)


def _hardcoded_secret(name: str, value: ast.AST) -> bool:
    """SEC006-style: a secret-named local assigned a real-looking string literal."""
    if not (isinstance(value, ast.Constant) and isinstance(value.value, str)):
        return False
    text = value.value
    if len(text) < 8 or "://" in text or "/" in text or _PLACEHOLDER.search(text):
        return False
    return secret_env_name(name) or name.lower() == "client_secret"


def secret_env_name(name: str) -> bool:
    parts = words(name)
    return bool(parts) and parts[-1] in _SECRET_WORDS


def secret_literal(value: str) -> bool:
    return bool(_SECRET_LITERAL.search(value.strip()))


# ----- scope chain -----------------------------------------------------------------------------
def chain(ctx: "FileContext") -> list["FunctionFlow"]:
    """Flows of the enclosing functions, innermost first, then the module's."""
    flows = [flow_for(ctx, f) for f in reversed(ctx.functions) if not isinstance(f, ast.Lambda)]
    flows.append(flow_for(ctx, None))
    return flows


def _lookup(flows: list["FunctionFlow"], name: str) -> tuple["FunctionFlow", list["FunctionFlow"]] | None:
    for i, flow in enumerate(flows):
        if flow.binds(name):
            return flow, flows[i:]
    return None


def lookup_defs(ctx: "FileContext", name: str) -> tuple["FunctionFlow", list] | None:
    found = _lookup(chain(ctx), name)
    if found is None:
        return None
    flow, _ = found
    return flow, flow.defs.get(name, [])


# ----- validation --------------------------------------------------------------------------------
def validated_names(ctx: "FileContext", func: ast.AST | None) -> frozenset[str]:
    """Names a function checks: `jsonschema.validate(x, ...)`, `x in ALLOWED`, `x not in ALLOWED`."""
    if func is None or isinstance(func, ast.Lambda):
        return frozenset()
    cache: dict[int, frozenset[str]] | None = getattr(ctx, _VALID, None)
    if cache is None:
        cache = {}
        setattr(ctx, _VALID, cache)
    found = cache.get(id(func))
    if found is not None:
        return found
    names: set[str] = set()
    stack: list[ast.AST] = list(func.body)  # type: ignore[attr-defined]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], (ast.In, ast.NotIn)):
            if not _is_self_lookup(node.comparators[0]):
                if isinstance(node.left, ast.Name):
                    names.add(node.left.id)
                else:  # `tool_call.function.name in TOOLS`: keyed by the expression's shape
                    names.add(ast.dump(node.left))
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Name):
            if ctx.qualname(node.func) in SCHEMA_CHECKS or (
                isinstance(node.func, ast.Attribute) and node.func.attr == "validate"
                and ctx.qualname(node.func.value) is not None
                and str(ctx.qualname(node.func.value)).startswith("jsonschema.")
            ):
                names.add(node.args[0].id)
        elif isinstance(node, ast.Call):
            for kw in node.keywords:
                if kw.arg == "instance" and isinstance(kw.value, ast.Name) and ctx.qualname(node.func) in SCHEMA_CHECKS:
                    names.add(kw.value.id)
        stack.extend(ast.iter_child_nodes(node))
    result = cache[id(func)] = frozenset(names)
    return result


def is_membership_checked(ctx: "FileContext", expr: ast.AST) -> bool:
    """`expr` (a name or an attribute chain) is tested with `in`/`not in` in the enclosing function."""
    checked = validated_names(ctx, ctx.function)
    if isinstance(expr, ast.Name):
        return expr.id in checked
    return ast.dump(expr) in checked


def _is_self_lookup(expr: ast.AST) -> bool:
    """`name in dir(obj)` / `hasattr`-like checks are not allow-lists."""
    return isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id in ("dir", "vars", "globals", "locals")


# ----- provenance --------------------------------------------------------------------------------
def origins(ctx: "FileContext", expr: ast.AST, request: bool = False) -> frozenset[Origin]:
    """Where `expr`'s value comes from (see the module docstring). `request=True` also asks
    `rules.flow.taint_sources` for request input."""
    out: set[Origin] = set()
    _walk(ctx, expr, chain(ctx), 0, out)
    if request:
        for label in taint_sources(ctx, expr):
            out.add(Origin(REQUEST, label))
    return frozenset(out)


def kinds(found: frozenset[Origin]) -> set[str]:
    return {o.kind for o in found}


def _memo(ctx: "FileContext") -> dict[tuple[int, str], frozenset[Origin]]:
    memo = getattr(ctx, _MEMO, None)
    if memo is None:
        memo = {}
        setattr(ctx, _MEMO, memo)
    return memo


def _walk(ctx: "FileContext", expr: ast.AST, flows: list["FunctionFlow"], depth: int, out: set[Origin]) -> None:
    if depth > _MAX_DEPTH:
        return
    cls = expr.__class__
    if cls is ast.Constant:
        value = expr.value  # type: ignore[attr-defined]
        if isinstance(value, str) and len(value) >= 16 and secret_literal(value):
            out.add(Origin(SECRET, "a key-shaped string literal"))
        return
    if cls is ast.Name:
        _name(ctx, expr.id, flows, depth, out)  # type: ignore[attr-defined]
        return
    if cls is ast.Attribute:
        _attribute(ctx, expr, flows, depth, out)  # type: ignore[arg-type]
        return
    if cls is ast.Subscript:
        base = expr.value  # type: ignore[attr-defined]
        if ctx.qualname(base) in ENV_MAPPINGS:
            _env(expr.slice, out)  # type: ignore[attr-defined]
            return
        _walk(ctx, base, flows, depth + 1, out)
        return
    if cls is ast.Call:
        _call(ctx, expr, flows, depth, out)  # type: ignore[arg-type]
        return
    if cls in (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef):
        return
    if cls is ast.Compare:
        return  # a boolean
    for child in ast.iter_child_nodes(expr):
        if isinstance(child, (ast.expr, ast.keyword, ast.comprehension)):
            _walk(ctx, child, flows, depth + 1, out)


def _env(key: ast.AST | None, out: set[Origin]) -> None:
    name = key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) else None
    label = f"`{name}` from the environment" if name else "an environment variable"
    out.add(Origin(ENV, label))
    if name is not None and secret_env_name(name):
        out.add(Origin(SECRET, f"the `{name}` environment variable"))


def _name(ctx: "FileContext", name: str, flows: list["FunctionFlow"], depth: int, out: set[Origin]) -> None:
    found = _lookup(flows, name)
    if found is None:
        return
    flow, sub = found
    if name in validated_names(ctx, flow.node):
        return
    memo = _memo(ctx)
    key = (id(flow), name)
    cached = memo.get(key)
    if cached is None:
        memo[key] = frozenset()  # cycle guard
        found_here: set[Origin] = set()
        if name in flow.params and name not in _NOT_INPUT_PARAMS:
            found_here.add(Origin(PARAM, f"parameter `{name}`"))
            if name in flow.handler_params:
                found_here.add(Origin(REQUEST, f"handler parameter `{name}`"))
        for kind, value, _ in flow.defs.get(name, ()):
            if kind != OPAQUE and value is not None:
                _walk(ctx, value, sub, depth + 1, found_here)
                if kind == VALUE and _hardcoded_secret(name, value):
                    found_here.add(Origin(SECRET, f"the hardcoded `{name}`"))
        cached = memo[key] = frozenset(found_here)
    out.update(cached)


def _attribute(ctx: "FileContext", node: ast.Attribute, flows: list["FunctionFlow"], depth: int, out: set[Origin]) -> None:
    attr = node.attr
    base = node.value
    # Model-output shapes, whatever the response object is.
    if attr == "output_text" or attr == "tool_calls" or attr == "parsed":
        out.add(Origin(MODEL, f"model output `.{attr}`"))
    elif attr == "message" and isinstance(base, ast.Subscript) and isinstance(base.value, ast.Attribute) \
            and base.value.attr == "choices":
        out.add(Origin(MODEL, "model output `.choices[...].message`"))
    elif attr == "text" and isinstance(base, ast.Subscript) and isinstance(base.value, ast.Attribute) \
            and base.value.attr == "content":
        out.add(Origin(MODEL, "model output `.content[...].text`"))
    elif attr == "name" and isinstance(base, ast.Attribute) and base.attr == "function":
        out.add(Origin(TOOL_NAME, "the tool name `.function.name`"))
        out.add(Origin(MODEL, "the tool call `.function.name`"))
        return
    elif attr == "arguments" and isinstance(base, ast.Attribute) and base.attr == "function":
        out.add(Origin(MODEL, "the tool call `.function.arguments`"))
        return
    qual = ctx.qualname(node)
    if qual is not None:
        if qual.startswith(("os.environ", "os.environb")):
            return
        # An imported module's attribute (`settings.MODEL`, `config.PERSONA`): configuration.
        if "()" not in qual:
            return
    inner: set[Origin] = set()
    _walk(ctx, base, flows, depth + 1, inner)
    out.update(inner)
    if attr == "name" and any(o.kind == MODEL for o in inner):
        out.add(Origin(TOOL_NAME, "the tool name `.name`"))


def _call(ctx: "FileContext", call: ast.Call, flows: list["FunctionFlow"], depth: int, out: set[Origin]) -> None:
    func = call.func
    qual = ctx.qualname(func)
    if qual is not None:
        if is_llm_call(qual):
            out.add(Origin(MODEL, "the model's response"))
            return
        if qual in ENV_READS:
            _env(call.args[0] if call.args else None, out)
            return
        if qual in ("builtins.globals", "builtins.locals", "builtins.vars", "builtins.dir", "builtins.len",
                    "builtins.isinstance", "builtins.hasattr", "builtins.callable", "builtins.id"):
            return
    if isinstance(func, ast.Attribute):
        if func.attr in VALIDATOR_METHODS:
            return  # parsed into a schema: validated
        if func.attr in RETRIEVAL_METHODS:
            out.add(Origin(RETRIEVAL, f"the retrieval result `.{func.attr}(...)`"))
            return
        if func.attr == "get" and ctx.qualname(func.value) in ENV_MAPPINGS:
            _env(call.args[0] if call.args else None, out)
            return
        _walk(ctx, func.value, flows, depth + 1, out)
    # Any other call's result derives from its arguments (json.loads, str, a local helper, ...).
    for arg in call.args:
        _walk(ctx, arg, flows, depth + 1, out)
    for kw in call.keywords:
        _walk(ctx, kw.value, flows, depth + 1, out)
