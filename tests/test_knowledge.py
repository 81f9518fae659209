"""Built-in knowledge base: entries, ref resolution, API docs, Markdown safety, docs freshness."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from resilint.rules.knowledge import (
    LOCALES,
    all_api_docs,
    all_entries,
    api_doc,
    entries_of_kind,
    escape_markdown,
    generate_guide_docs,
    get_entry,
    render_api_markdown,
    render_entry_markdown,
    resolve_ref,
    resolve_refs,
    split_refs,
)
from resilint.rules.knowledge.docs import _BANNER, REGENERATE_COMMAND
from resilint.rules.knowledge.model import PLAYBOOK_FIELDS, TEMPLATE_FIELDS

REPO = Path(__file__).resolve().parents[1]
SHARED_RULES = Path(__file__).parents[2] / "shared" / "RULES.md"
FIXTURE_RULES = Path(__file__).parent / "data" / "RULES.md"
DOCS_DIR = REPO / "docs" / "guide"


def _rules_md() -> Path:
    return SHARED_RULES if SHARED_RULES.is_file() else FIXTURE_RULES


def _catalog_refs() -> list[tuple[str, str]]:
    """(code, refs cell) for every row of every rule table in RULES.md."""
    rows = []
    header: list[str] | None = None
    for line in _rules_md().read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            header = None
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if header is None:
            header = [c.lower() for c in cells]
            continue
        if set("".join(cells)) <= set("-: "):
            continue
        if "refs" in header and "code" in header:
            rows.append((cells[header.index("code")], cells[header.index("refs")]))
    return rows


EXPECTED_COUNTS = {
    "heuristic": 12,
    "pillar": 17,
    "red_flag": 5,
    "early_signal": 5,
    "cause_effect": 7,
    "playbook": 10,
    "template": 6,
    "quality_bar": 1,
    "fault_tolerance_rule": 10,
    "owasp": 10,
    "owasp_llm": 10,
}


def test_counts_per_kind() -> None:
    counts: dict[str, int] = {}
    for e in all_entries():
        counts[e.kind] = counts.get(e.kind, 0) + 1
    for kind, n in EXPECTED_COUNTS.items():
        assert counts.get(kind) == n, (kind, counts.get(kind))
    assert counts["quality_bar_item"] >= 10


def test_ids_are_the_documented_scheme() -> None:
    ids = {e.id for e in all_entries()}
    expected = (
        {f"H{i}" for i in range(1, 13)}
        | {f"P{i}" for i in range(1, 18)}
        | {f"RF{i}" for i in range(1, 6)}
        | {f"ES{i}" for i in range(1, 6)}
        | {f"C{i}" for i in range(1, 8)}
        | {f"PB{i}" for i in range(1, 11)}
        | {f"TPL{i}" for i in range(1, 7)}
        | {f"T§{i}" for i in range(1, 11)}
        | {f"A{i:02d}" for i in range(1, 11)}
        | {f"LLM{i:02d}" for i in range(1, 11)}
        | {"QB", "QB-reversible-migrations"}
    )
    assert expected <= ids
    assert len(ids) == len(all_entries()), "duplicate ids"


@pytest.mark.parametrize("locale", LOCALES)
def test_every_entry_has_title_and_body_in_both_locales(locale: str) -> None:
    for e in all_entries():
        assert e.title.get(locale, "").strip(), (e.id, locale)
        assert e.body.get(locale, "").strip(), (e.id, locale)
        assert e.sources, e.id
        assert e.builtin


def test_english_and_portuguese_differ() -> None:
    same = [e.id for e in all_entries() if e.body["en"] == e.body["pt-BR"]]
    assert not same


@pytest.mark.parametrize("locale", LOCALES)
def test_playbooks_and_templates_have_all_fields(locale: str) -> None:
    for pb in entries_of_kind("playbook"):
        for name in PLAYBOOK_FIELDS:
            assert pb.fields[name].get(locale), (pb.id, name, locale)
        assert pb.slug and re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", pb.slug)
        assert isinstance(pb.fields["steps"][locale], list) and len(pb.fields["steps"][locale]) >= 3
    for tpl in entries_of_kind("template"):
        for name in TEMPLATE_FIELDS:
            assert tpl.fields[name].get(locale), (tpl.id, name, locale)


def test_playbooks_in_seed_order_with_slugs() -> None:
    slugs = [get_entry(f"PB{i}").slug for i in range(1, 11)]
    assert slugs == [
        "incident", "kubernetes-deploy", "api-change", "postgres", "kafka",
        "security", "llm-incident", "rag", "migration", "cost-latency",
    ]


def test_sources_come_from_origem_lines() -> None:
    assert get_entry("H5").sources == ("Tornow–Think Distributed Systems", "Prática geral")
    assert "Angelakos–PostgreSQL Mistakes" in get_entry("PB9").sources
    assert any("OWASP" in s for s in get_entry("A01").sources)


def test_quality_bar_items() -> None:
    qb = get_entry("QB")
    assert "QB-reversible-migrations" in qb.items
    for item in qb.items:
        child = get_entry(item)
        assert child is not None and child.parent == "QB"


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("H5", "H5"), ("h5", "H5"), ("H 5", "H5"),
        ("T§6", "T§6"), ("T§ 6", "T§6"), ("T6", "T§6"), ("§6", "T§6"), ("t§10", "T§10"),
        ("RF2", "RF2"), ("P8", "P8"), ("ES3", "ES3"), ("C1", "C1"),
        ("A01", "A01"), ("A1", "A01"), ("A02:2021", "A02"), ("OWASP A10", "A10"),
        ("LLM01", "LLM01"), ("LLM1", "LLM01"), ("LLM10:2025", "LLM10"), ("OWASP-LLM LLM06", "LLM06"),
        ("Migration playbook", "PB9"), ("Postgres playbook", "PB4"), ("playbook: kafka", "PB5"),
        ("migration", "PB9"), ("PB9", "PB9"), ("pb4", "PB4"),
        ("Quality bar migrações reversíveis", "QB-reversible-migrations"),
        ('Quality bar "migrações reversíveis"', "QB-reversible-migrations"),
        ("Quality bar “migracoes reversiveis”", "QB-reversible-migrations"),
        ("QB-reversible-migrations", "QB-reversible-migrations"),
        ("reversible migrations", "QB-reversible-migrations"),
        ("Quality bar", "QB"),
        ("TPL6", "TPL6"), ("postmortem", "TPL6"), ("Release plan template", "TPL5"),
        ("Migração de dados sem downtime (schema + backfill)", "PB9"),
        ("A02/A07", "A02"),
    ],
)
def test_resolve_ref_spellings(ref: str, expected: str) -> None:
    entry = resolve_ref(ref)
    assert entry is not None, ref
    assert entry.id == expected


@pytest.mark.parametrize("ref", ["", "   ", "H99", "T§42", "A11", "LLM11", "nonsense playbook", "RES001"])
def test_resolve_ref_unknown(ref: str) -> None:
    assert resolve_ref(ref) is None


def test_split_refs() -> None:
    assert split_refs("H10, A02/A07") == ["H10", "A02", "A07"]
    assert split_refs('Quality bar "migrações reversíveis", RF4') == ['Quality bar "migrações reversíveis"', "RF4"]
    assert [e.id for e in resolve_refs("C7, LLM02/LLM05")] == ["C7", "LLM02", "LLM05"]


def test_every_catalog_ref_resolves() -> None:
    rows = _catalog_refs()
    assert len(rows) >= 40, f"RULES.md tables not parsed from {_rules_md()}"
    unresolved = []
    for code, cell in rows:
        for part in split_refs(cell):
            if resolve_ref(part) is None:
                unresolved.append((code, part))
        assert len(resolve_refs(cell)) == len(split_refs(cell)), (code, cell)
    assert not unresolved, unresolved


def test_fixture_rules_copy_has_same_refs_as_shared() -> None:
    if not SHARED_RULES.is_file():
        # Outside the workspace layout only the committed copy exists: it must still be a full catalog.
        assert len(_catalog_refs()) >= 40
        return
    shared = _catalog_refs()
    fixture_text = FIXTURE_RULES.read_text(encoding="utf-8")
    for code, cell in shared:
        assert cell in fixture_text, f"tests/data/RULES.md is stale: copy {SHARED_RULES} to {FIXTURE_RULES} ({code})"


@pytest.mark.parametrize("locale", LOCALES)
def test_render_entry_markdown(locale: str) -> None:
    for e in all_entries():
        full = render_entry_markdown(e, locale)
        brief = render_entry_markdown(e, locale, brief=True)
        assert e.id in full and e.title_for(locale) in full
        assert len(brief) <= len(full)
    pb = render_entry_markdown(get_entry("PB9"), locale)
    assert "1. " in pb
    assert ("Steps" if locale == "en" else "Passos") in pb


API_REQUIRED = [
    "requests.get", "requests.post", "requests.Session", "requests.Session.get", "httpx.get", "httpx.Client",
    "httpx.AsyncClient", "httpx.AsyncClient.post", "aiohttp.ClientSession", "aiohttp.ClientSession.get",
    "urllib.request.urlopen", "asyncio.timeout", "asyncio.wait_for", "tenacity.retry", "tenacity.Retrying",
    "tenacity.AsyncRetrying", "tenacity.stop_after_attempt", "tenacity.stop_after_delay",
    "tenacity.stop_before_delay", "tenacity.wait_exponential_jitter", "tenacity.wait_random",
    "tenacity.retry_if_exception_type", "tenacity.retry_if_result", "pybreaker.CircuitBreaker",
    "aiobreaker.CircuitBreaker", "openai.OpenAI", "openai.AsyncOpenAI", "openai.OpenAI.chat.completions.create",
    "anthropic.Anthropic", "anthropic.AsyncAnthropic", "anthropic.Anthropic.messages.create",
    "celery.Celery.task", "celery.shared_task", "celery.Task.retry",
]


@pytest.mark.parametrize("qualname", API_REQUIRED)
def test_api_doc_coverage(qualname: str) -> None:
    doc = api_doc(qualname)
    assert doc is not None, qualname
    for loc in LOCALES:
        assert doc.summary.get(loc) and doc.defaults.get(loc) and doc.advice.get(loc), (qualname, loc)
        assert render_api_markdown(doc, loc).strip()


def test_api_doc_families_and_defaults() -> None:
    assert api_doc("tenacity.stop_*").qualname == "tenacity.stop_*"
    assert api_doc("tenacity.stop_never").qualname == "tenacity.stop_*"
    assert api_doc("tenacity.wait_incrementing").qualname == "tenacity.wait_*"
    assert api_doc("tenacity.retry_if_not_exception_type").qualname == "tenacity.retry_if_*"
    assert api_doc("my.module.get") is None
    assert api_doc("") is None
    assert "No timeout" in api_doc("requests.get").defaults["en"]
    assert "5 s" in api_doc("httpx.Client").defaults["en"]
    assert "300" in api_doc("aiohttp.ClientSession").defaults["en"]
    for q in ("openai.OpenAI", "anthropic.Anthropic"):
        d = api_doc(q).defaults["en"]
        assert "600 s" in d and "2 automatic retries" in d
    t = api_doc("tenacity.retry").defaults["en"]
    assert "forever" in t and "no wait" in t


def test_api_doc_refs_resolve() -> None:
    for doc in all_api_docs():
        for ref in doc.refs:
            assert get_entry(ref) is not None, (doc.qualname, ref)


def test_escape_markdown_neutralises_html_links_and_length() -> None:
    evil = '<img src=x onerror=alert(1)> [run](command:workbench.action.terminal.new) ![i](http://x/y.png) `code` *b*'
    out = escape_markdown(evil)
    assert "<img" not in out
    assert "](command:" not in out and "command:" not in out
    assert "![" not in out and "`code`" not in out
    long = escape_markdown("x" * 5000, 100)
    assert long.endswith("…") and len(long) <= 100
    assert escape_markdown("") == ""
    assert escape_markdown("a\x00b\u202ec") == "abc"
    assert "Construção" in escape_markdown("Construção")


def test_package_never_imports_pygls() -> None:
    code = "import sys, resilint.rules.knowledge as k; k.resolve_ref('H5'); k.api_doc('requests.get'); assert 'pygls' not in sys.modules"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    subprocess.run([sys.executable, "-c", code], check=True, env=env)


def test_generated_docs_are_fresh() -> None:
    pages = generate_guide_docs(DOCS_DIR)
    assert DOCS_DIR / "index.md" in pages
    assert sum(1 for p in pages if p.parent.name == "playbooks") == 10
    hint = f"docs/guide is out of date; regenerate with: {REGENERATE_COMMAND}"
    stale = [str(p.relative_to(REPO)) for p, text in pages.items() if not p.is_file() or p.read_text(encoding="utf-8") != text]
    assert not stale, f"{hint} (stale: {stale})"
    extra = [
        str(p.relative_to(REPO)) for p in DOCS_DIR.rglob("*.md")
        if p not in pages and _BANNER in p.read_text(encoding="utf-8")[:400]
    ]
    assert not extra, f"{hint} (obsolete generated pages: {extra})"


def test_docs_have_both_languages() -> None:
    pages = generate_guide_docs(DOCS_DIR)
    text = pages[DOCS_DIR / "playbooks" / "migration.md"]
    assert "Zero-downtime data migration" in text and "Migração de dados sem downtime" in text
    assert "Português (Brasil)" in pages[DOCS_DIR / "heuristics.md"]
