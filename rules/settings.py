"""Configuration models (pydantic) and the per-file settings the engine reads."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, PositiveFloat, PositiveInt, field_validator

from .model import Rule, Severity
from .source_files import DEFAULT_MAX_FILE_SIZE
from .tiers import explicitly_selected

if TYPE_CHECKING:
    from .index.view import IndexView

SeverityName = Literal["error", "warning", "info", "hint", "off"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


class Timeouts(_Model):
    default: PositiveFloat = Field(10.0, description="seconds inserted by timeout fixes")
    llm: PositiveFloat = Field(30.0, description="seconds inserted for LLM clients")


class RetryDefaults(_Model):
    attempts: PositiveInt = 3
    max_wait: PositiveFloat = Field(10.0, alias="max-wait")


class BreakerDefaults(_Model):
    fail_max: PositiveInt = Field(5, alias="fail-max")
    reset_timeout: PositiveFloat = Field(60.0, alias="reset-timeout")


class Options(_Model):
    """`[tool.resilint]` in pyproject.toml (keys in kebab-case)."""

    select: list[str] | None = None
    ignore: list[str] = []
    extend_select: list[str] = Field([], alias="extend-select")
    per_file_ignores: dict[str, list[str]] = Field({}, alias="per-file-ignores")
    severity: dict[str, SeverityName] = {}
    timeouts: Timeouts = Timeouts()
    retry: RetryDefaults = RetryDefaults()
    breaker: BreakerDefaults = BreakerDefaults()
    queue_maxsize: PositiveInt = Field(1000, alias="queue-maxsize")
    llm_max_tokens: PositiveInt = Field(1024, alias="llm-max-tokens")
    agent_max_steps: PositiveInt = Field(10, alias="agent-max-steps")
    http_wrappers: list[str] = Field([], alias="http-wrappers")
    exclude: list[str] = []
    extend_exclude: list[str] = Field([], alias="extend-exclude")
    guides: list[str] = []
    locale: Literal["en", "pt-BR"] | None = None
    unsafe_fixes: bool = Field(False, alias="unsafe-fixes")
    test_files_secrets: bool = Field(False, alias="check-secrets-in-tests")
    redis_version: str | None = Field(None, alias="redis-version")
    #: Base URL of the hosted docs/ folder for the links resilint prints (rules.doc_links).
    docs_url: str | None = Field(None, alias="docs-url")

    @field_validator("docs_url")
    @classmethod
    def _absolute_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https", "file") or not (parts.netloc or parts.scheme == "file"):
            raise ValueError(f"docs-url must be an absolute http(s) or file URL, not {value!r}")
        return value.strip()

    #: Files larger than this (bytes) are skipped and named, not analysed: on disk (CLI, cache,
    #: workspace check) and open in the editor alike. The one size option: the editor setting
    #: `maxFileSize` overrides it when set (server/workspace_settings.py); one default, 10 MiB.
    max_file_size: PositiveInt = Field(DEFAULT_MAX_FILE_SIZE, alias="max-file-size")
    #: The results cache's folder (relative to the project root); default `.resilint_cache`.
    cache_dir: str | None = Field(None, alias="cache-dir")
    #: rules/peer_suppressions.py: whether `# noqa: S110` / `# nosec B110` suppress resilint's equivalent.
    respect_peer_suppressions: Literal["codes", "all", "none"] = Field("codes", alias="respect-peer-suppressions")

    @field_validator("select", "ignore", "extend_select")
    @classmethod
    def _known_selectors(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return value
        from .registry import codes_matching

        for selector in value:
            if not codes_matching(selector):
                raise ValueError(f"unknown rule code or prefix {selector!r} (see `resilint rule --all`)")
        return [s.strip().upper() for s in value]

    @field_validator("per_file_ignores")
    @classmethod
    def _known_ignores(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        from .registry import codes_matching

        for pattern, selectors in value.items():
            for selector in selectors:
                if not codes_matching(selector):
                    raise ValueError(f"unknown rule code or prefix {selector!r} for {pattern!r}")
        return value

    @field_validator("severity")
    @classmethod
    def _known_codes(cls, value: dict[str, str]) -> dict[str, str]:
        from .registry import codes_matching

        for selector in value:
            if not codes_matching(selector):
                raise ValueError(f"unknown rule code or prefix {selector!r}")
        return value


def selected_codes(options: Options, extra_ignores: list[str] = ()) -> frozenset[str]:  # type: ignore[assignment]
    from .registry import codes_matching, default_codes

    codes: set[str] = set()
    if options.select is None:
        codes.update(default_codes())
    else:
        for selector in options.select:
            codes.update(codes_matching(selector))
    for selector in options.extend_select:
        codes.update(codes_matching(selector))
    for selector in [*options.ignore, *extra_ignores]:
        codes.difference_update(codes_matching(selector))
    for selector, level in options.severity.items():
        if level == "off":
            codes.difference_update(codes_matching(selector))
    return frozenset(codes)


@dataclass
class FileSettings:
    """What the engine needs for one file: enabled codes, severities, fix defaults."""

    options: Options = field(default_factory=Options)
    enabled: frozenset[str] | None = None
    project_root: Path | None = None
    path_is_test: bool = False
    #: Cross-module names (`rules.index.IndexView`); None = single-file analysis.
    workspace_index: "IndexView | None" = field(default=None, compare=False, repr=False)

    @classmethod
    def default(cls) -> "FileSettings":
        return cls()

    def __post_init__(self) -> None:
        if self.enabled is None:
            self.enabled = selected_codes(self.options)

    def is_enabled(self, code: str) -> bool:
        return code in self.enabled  # type: ignore[operator]

    @cached_property
    def _severity(self) -> dict[str, Severity]:
        from .registry import codes_matching

        out: dict[str, Severity] = {}
        # Shorter selectors first so that `RES001` overrides `RES`.
        for selector, level in sorted(self.options.severity.items(), key=lambda kv: len(kv[0])):
            if level != "off":
                for code in codes_matching(selector):
                    out[code] = Severity(level)
        return out

    @cached_property
    def _review(self) -> frozenset[str]:
        return explicitly_selected(self.options) & self.enabled  # type: ignore[operator]

    def review_enabled(self, code: str) -> bool:
        """Whether `code`'s review-tier findings (confidence medium) are kept."""
        return code in self._review

    def severity_for(self, code: str, default: Severity) -> Severity:
        return self._severity.get(code, default)

    def rule_classes(self) -> list[type[Rule]]:
        from .registry import all_rules

        return [rule for code, rule in all_rules().items() if code in self.enabled]  # type: ignore[operator]

    @cached_property
    def redis_version(self) -> tuple[int, ...] | None:
        from .project import redis_version

        return redis_version(self.options.redis_version, self.project_root)
