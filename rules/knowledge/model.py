"""Data model shared by the built-in knowledge base and loaded team guides."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "DEFAULT_LOCALE",
    "FIELD_LABELS",
    "KINDS",
    "KIND_LABELS",
    "LOCALES",
    "PLAYBOOK_FIELDS",
    "TEMPLATE_FIELDS",
    "ApiDoc",
    "Entry",
    "SourceLocation",
    "normalize_locale",
]

LOCALES = ("en", "pt-BR")
DEFAULT_LOCALE = "en"

# kind -> ID prefix (informative; IDs are documented in __init__)
KINDS = {
    "heuristic": "H",
    "pillar": "P",
    "red_flag": "RF",
    "early_signal": "ES",
    "cause_effect": "C",
    "playbook": "PB",
    "template": "TPL",
    "quality_bar": "QB",
    "quality_bar_item": "QB-",
    "fault_tolerance_rule": "T§",
    "owasp": "A",
    "owasp_llm": "LLM",
    "item": "",
    "section": "S",
}

PLAYBOOK_FIELDS = (
    "when_to_use",
    "goal",
    "min_inputs",
    "steps",
    "outputs",
    "qa_checklist",
    "common_mistakes",
    "alerts",
    "escalation",
)
TEMPLATE_FIELDS = ("when_to_use", "skeleton", "common_mistakes")

FIELD_LABELS: dict[str, dict[str, str]] = {
    "when_to_use": {"en": "When to use", "pt-BR": "Quando usar"},
    "goal": {"en": "Goal", "pt-BR": "Objetivo"},
    "min_inputs": {"en": "Minimum inputs", "pt-BR": "Entradas mínimas"},
    "steps": {"en": "Steps", "pt-BR": "Passos"},
    "outputs": {"en": "Outputs", "pt-BR": "Saídas"},
    "qa_checklist": {"en": "QA checklist", "pt-BR": "Checklist de QA"},
    "common_mistakes": {"en": "Common mistakes", "pt-BR": "Erros comuns"},
    "alerts": {"en": "Alerts", "pt-BR": "Alertas"},
    "escalation": {"en": "Escalate when", "pt-BR": "Escalonar quando"},
    "skeleton": {"en": "Skeleton", "pt-BR": "Estrutura"},
    "bullets": {"en": "Rules", "pt-BR": "Regras"},
    "items": {"en": "Items", "pt-BR": "Itens"},
    "sources": {"en": "Sources", "pt-BR": "Fontes"},
    "see_also": {"en": "See also", "pt-BR": "Veja também"},
    "defined_at": {"en": "Defined at", "pt-BR": "Definido em"},
    "defaults": {"en": "Defaults", "pt-BR": "Padrões"},
    "advice": {"en": "Guide advice", "pt-BR": "Recomendação do guia"},
}

KIND_LABELS: dict[str, dict[str, str]] = {
    "heuristic": {"en": "Heuristic", "pt-BR": "Heurística"},
    "pillar": {"en": "Pillar", "pt-BR": "Pilar"},
    "red_flag": {"en": "Red flag", "pt-BR": "Red flag"},
    "early_signal": {"en": "Early signal", "pt-BR": "Sinal precoce"},
    "cause_effect": {"en": "Cause → effect", "pt-BR": "Causa → efeito"},
    "playbook": {"en": "Playbook", "pt-BR": "Playbook"},
    "template": {"en": "Template", "pt-BR": "Template"},
    "quality_bar": {"en": "Quality bar", "pt-BR": "Quality bar"},
    "quality_bar_item": {"en": "Quality bar item", "pt-BR": "Item do quality bar"},
    "fault_tolerance_rule": {"en": "Fault-tolerance rule", "pt-BR": "Regra de tolerância a falhas"},
    "owasp": {"en": "OWASP Top 10 (2021)", "pt-BR": "OWASP Top 10 (2021)"},
    "owasp_llm": {"en": "OWASP Top 10 for LLM apps (2025)", "pt-BR": "OWASP Top 10 para apps LLM (2025)"},
    "item": {"en": "Guide item", "pt-BR": "Item do guia"},
    "section": {"en": "Guide section", "pt-BR": "Seção do guia"},
}


def normalize_locale(locale: str | None) -> str:
    if not locale:
        return DEFAULT_LOCALE
    low = locale.replace("_", "-").lower()
    if low.startswith("pt"):
        return "pt-BR"
    return "en"


def _pick(mapping: Mapping[str, Any], locale: str) -> Any:
    if not mapping:
        return None
    loc = normalize_locale(locale)
    if mapping.get(loc):
        return mapping[loc]
    for fallback in (DEFAULT_LOCALE, "pt-BR"):
        if mapping.get(fallback):
            return mapping[fallback]
    for value in mapping.values():
        if value:
            return value
    return None


@dataclass(frozen=True)
class SourceLocation:
    """Where a team-guide entry is defined (1-based lines)."""

    path: str
    line: int
    end_line: int | None = None

    def label(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True, eq=True)
class Entry:
    """One knowledge item (built-in or from a team guide).

    ``title``/``body`` map locale ("en", "pt-BR") -> text.  Team-guide entries
    carry the team's verbatim text under the guide's language (``lang``) and
    fall back to it for other locales.  ``fields`` maps a field name (see
    ``PLAYBOOK_FIELDS``/``TEMPLATE_FIELDS``, ``bullets``, ``items``) to a
    locale -> ``str | list[str]`` mapping.
    """

    id: str
    kind: str
    title: Mapping[str, str]
    body: Mapping[str, str]
    sources: tuple[str, ...] = ()
    slug: str | None = None
    aliases: tuple[str, ...] = ()
    fields: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    items: tuple[str, ...] = ()
    parent: str | None = None
    see_also: tuple[str, ...] = ()
    location: SourceLocation | None = None
    lang: str | None = None
    builtin: bool = True

    def __hash__(self) -> int:
        return hash((self.id, self.kind, self.location))

    def title_for(self, locale: str = DEFAULT_LOCALE) -> str:
        return _pick(self.title, locale) or self.id

    def body_for(self, locale: str = DEFAULT_LOCALE) -> str:
        return _pick(self.body, locale) or ""

    def field_names(self) -> list[str]:
        """The entry's field names in display order: a playbook's or template's own order
        first, then any other field it has."""
        order = list(PLAYBOOK_FIELDS) if self.kind == "playbook" else list(TEMPLATE_FIELDS) if self.kind == "template" else []
        return order + [n for n in self.fields if n not in order]

    def field_for(self, name: str, locale: str = DEFAULT_LOCALE) -> Any:
        return _pick(self.fields.get(name, {}), locale)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "title": dict(self.title),
            "body": dict(self.body),
            "sources": list(self.sources),
        }
        if self.slug:
            data["slug"] = self.slug
        if self.aliases:
            data["aliases"] = list(self.aliases)
        if self.fields:
            data["fields"] = {k: dict(v) for k, v in self.fields.items()}
        if self.items:
            data["items"] = list(self.items)
        if self.parent:
            data["parent"] = self.parent
        if self.see_also:
            data["see_also"] = list(self.see_also)
        if self.location:
            data["location"] = {"path": self.location.path, "line": self.location.line, "end_line": self.location.end_line}
        if self.lang:
            data["lang"] = self.lang
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, builtin: bool = True) -> Entry:
        loc = data.get("location")
        return cls(
            id=data["id"],
            kind=data["kind"],
            title=dict(data.get("title", {})),
            body=dict(data.get("body", {})),
            sources=tuple(data.get("sources", ())),
            slug=data.get("slug"),
            aliases=tuple(data.get("aliases", ())),
            fields={k: dict(v) for k, v in data.get("fields", {}).items()},
            items=tuple(data.get("items", ())),
            parent=data.get("parent"),
            see_also=tuple(data.get("see_also", ())),
            location=SourceLocation(loc["path"], loc["line"], loc.get("end_line")) if loc else None,
            lang=data.get("lang"),
            builtin=builtin,
        )


@dataclass(frozen=True)
class ApiDoc:
    """Hover documentation for a third-party API (keyed by qualified name).

    ``qualname`` may contain ``*`` wildcards (``tenacity.stop_*``).  ``summary``,
    ``defaults`` and ``advice`` map locale -> text; ``refs`` are entry IDs.
    """

    qualname: str
    kind: str
    summary: Mapping[str, str]
    defaults: Mapping[str, str]
    advice: Mapping[str, str]
    refs: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()

    def __hash__(self) -> int:
        return hash((self.qualname, self.kind))

    def summary_for(self, locale: str = DEFAULT_LOCALE) -> str:
        return _pick(self.summary, locale) or ""

    def defaults_for(self, locale: str = DEFAULT_LOCALE) -> str:
        return _pick(self.defaults, locale) or ""

    def advice_for(self, locale: str = DEFAULT_LOCALE) -> str:
        return _pick(self.advice, locale) or ""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ApiDoc:
        return cls(
            qualname=data["qualname"],
            kind=data.get("kind", "function"),
            summary=dict(data.get("summary", {})),
            defaults=dict(data.get("defaults", {})),
            advice=dict(data.get("advice", {})),
            refs=tuple(data.get("refs", ())),
            aliases=tuple(data.get("aliases", ())),
            rules=tuple(data.get("rules", ())),
        )
