"""`make_fix` hooks proposed for rule modules that other engineers own (not used at runtime).

Each function below is the exact body to paste into its rule class as

    @classmethod
    def make_fix(cls, finding: Finding, doc: "FixDocument") -> Fix | None:
        <body>

(the relative imports resolve the same from `rules/res/` and from here). Once a rule module
has its own `make_fix`, delete its entry: tests/test_fix_properties.py installs these only on
rule classes that do not define `make_fix` themselves, and checks them like the real ones.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from ..model import Finding, Fix

if TYPE_CHECKING:
    from .document import FixDocument


def res002(cls, finding: Finding, doc: "FixDocument") -> Fix | None:
    from ..fixes.transforms import keyword_fix, split_keyword, value_fix

    name, value = split_keyword(finding.data["replacement"])  # "timeout=10.0" -> ("timeout", "10")
    imports = [("aiohttp", "ClientTimeout")] if value.startswith("aiohttp.ClientTimeout(") else []
    value = "{0}" + value[len("aiohttp.ClientTimeout"):] if imports else value
    if name is None:
        return value_fix(finding, doc, value, "unsafe", imports=imports)
    return keyword_fix(finding, doc, name, value, "unsafe", imports=imports)


def res003(cls, finding: Finding, doc: "FixDocument") -> Fix | None:
    from ..fixes.transforms import code_numbers, keyword_fix

    value = code_numbers(finding.data["value"])  # "10.0" / "aiohttp.ClientTimeout(total=10.0)"
    imports = [("aiohttp", "ClientTimeout")] if value.startswith("aiohttp.ClientTimeout(") else []
    value = "{0}" + value[len("aiohttp.ClientTimeout"):] if imports else value
    return keyword_fix(finding, doc, finding.data["kwarg"], value, "unsafe", imports=imports)


def res004(cls, finding: Finding, doc: "FixDocument") -> Fix | None:
    from ..fixes.transforms import keyword_fix, number

    return keyword_fix(finding, doc, "timeout", number(doc.options.timeouts.default), "unsafe")


def res010(cls, finding: Finding, doc: "FixDocument") -> Fix | None:
    from ..fixes.transforms import keyword_fix

    attempts = doc.options.retry.attempts
    if finding.data["callee"].startswith("backoff."):
        return keyword_fix(finding, doc, "max_tries", str(attempts), "unsafe")
    return keyword_fix(finding, doc, "stop", f"{{0}}({attempts})", "unsafe",
                       f"Add `stop=stop_after_attempt({attempts})`", [("tenacity", "stop_after_attempt")])


def res011(cls, finding: Finding, doc: "FixDocument") -> Fix | None:
    from ..fixes.transforms import keyword_fix, number

    max_wait = number(doc.options.retry.max_wait)
    return keyword_fix(finding, doc, "wait", f"{{0}}(max={max_wait})", "unsafe",
                       f"Set `wait=wait_exponential_jitter(max={max_wait})`", [("tenacity", "wait_exponential_jitter")])


def res012(cls, finding: Finding, doc: "FixDocument") -> Fix | None:
    from ..fixes.transforms import retry_predicate_fix

    return retry_predicate_fix(finding, doc, "unsafe")


def res022(cls, finding: Finding, doc: "FixDocument") -> Fix | None:
    from ..fixes.transforms import callee_rename_fix, keyword_fix

    if finding.data["callee"].endswith(".critical"):  # .exception() would lower the level to ERROR
        return keyword_fix(finding, doc, "exc_info", "True", "safe", "Add `exc_info=True`")
    return callee_rename_fix(finding, doc, "exception", "safe", f"Use `{finding.data['receiver']}.exception(...)`")


def res030(cls, finding: Finding, doc: "FixDocument") -> Fix | None:
    from ..fixes.transforms import await_fix

    if finding.data["callee"] == "time.sleep":
        return await_fix(finding, doc, "asyncio", "sleep", "unsafe")
    return await_fix(finding, doc, "asyncio", "to_thread", "unsafe", thread=True)


def res033(cls, finding: Finding, doc: "FixDocument") -> Fix | None:
    from ..fixes.transforms import parameter_fix

    return parameter_fix(finding, doc, "maxsize", 0, str(finding.data["maxsize"]), "unsafe")


PROPOSED: dict[str, Callable[..., Fix | None]] = {
    "RES002": res002,
    "RES003": res003,
    "RES004": res004,
    "RES010": res010,
    "RES011": res011,
    "RES012": res012,
    "RES022": res022,
    "RES030": res030,
    "RES033": res033,
}


def install() -> list[str]:
    """Attach the proposals to rule classes lacking `make_fix` (tests only). Returns the codes."""
    from ..registry import get_rule

    installed = []
    for code, fn in PROPOSED.items():
        rule = get_rule(code)
        if rule is not None and "make_fix" not in vars(rule):
            rule.make_fix = classmethod(fn)  # type: ignore[attr-defined]
            installed.append(code)
    return installed
