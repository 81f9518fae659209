"""Team-guide loader: seed shapes, mojibake repair, robustness, discovery, cache."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from resilint.rules.knowledge import (
    clear_guide_cache,
    discover_guides,
    load_guide,
    parse_guide_text,
    render_entry_markdown,
    repair_mojibake,
    resolve_in_guides,
)
from resilint.rules.knowledge.guides import MAX_GUIDE_BYTES

DATA = Path(__file__).parent / "data" / "guides"
SHARED_SEEDS = Path(__file__).parents[2] / "shared" / "seeds"


def _seed(shared_name: str, fixture_name: str) -> Path:
    shared = SHARED_SEEDS / shared_name
    return shared if shared.is_file() else DATA / fixture_name


SEED_000 = _seed("000_329f828301960480.txt", "000_backend_guide.mdc")
SEED_004 = _seed("004_b1cf3415a0b0664a.txt", "004_fault_tolerance.prompt.md")


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_guide_cache()
    yield
    clear_guide_cache()


def test_fixture_copies_match_shared_seeds() -> None:
    for shared, fixture in (("000_329f828301960480.txt", "000_backend_guide.mdc"), ("004_b1cf3415a0b0664a.txt", "004_fault_tolerance.prompt.md")):
        if (SHARED_SEEDS / shared).is_file():
            assert (SHARED_SEEDS / shared).read_bytes() == (DATA / fixture).read_bytes(), fixture


@pytest.mark.parametrize("path", [SEED_000, DATA / "000_backend_guide.mdc"])
def test_seed_000_counts(path: Path) -> None:
    g = load_guide(path)
    assert not g.errors, g.errors
    counts = g.counts()
    assert counts.get("heuristic") == 12
    assert counts.get("pillar") == 17
    assert counts.get("red_flag") == 5
    assert counts.get("early_signal") == 5
    assert counts.get("cause_effect") == 7
    assert counts.get("playbook") == 10
    assert counts.get("template") == 6
    assert counts.get("quality_bar") == 1
    assert [e.id for e in g.by_kind("playbook")] == [f"PB{i}" for i in range(1, 11)]
    assert [e.id for e in g.by_kind("template")] == [f"TPL{i}" for i in range(1, 7)]
    assert g.lang == "pt-BR"
    assert g.front_matter["alwaysApply"] is False
    assert "*.py" in g.front_matter["globs"]
    assert g.title == "Guia Operacional de Backend"


def test_seed_000_entries_verbatim_with_locations() -> None:
    g = load_guide(SEED_000)
    lines = SEED_000.read_text(encoding="utf-8").splitlines()
    for e in g.entries:
        assert e.location is not None and e.location.path == str(SEED_000)
        first = lines[e.location.line - 1]
        if e.kind in ("heuristic", "pillar", "red_flag", "early_signal", "cause_effect"):
            assert first.startswith(f"{e.id}:"), (e.id, first)
            assert e.body_for("pt-BR") in first  # verbatim
        elif e.kind == "playbook":
            assert first.startswith("Playbook:")
        elif e.kind == "template":
            assert first.startswith("Template:")
    h5 = g.get("H5")
    assert h5.title_for("pt-BR") == "Sem limites (timeouts/retries/rate limits), você está construindo uma cascata."
    assert h5.sources == ("Tornow–Think Distributed Systems", "Prática geral")
    p3 = g.get("P3")
    assert p3.title_for("en").startswith("“Correto” antes de “rápido”")
    assert not h5.builtin and h5.location.label().endswith(f":{h5.location.line}")


def test_seed_000_playbook_fields() -> None:
    g = load_guide(SEED_000)
    pb = g.resolve("migration")
    assert pb is not None and pb.id == "PB9"
    steps = pb.field_for("steps")
    assert len(steps) == 6 and steps[0].startswith("Adicione novo campo/tabela")
    for name in ("when_to_use", "goal", "min_inputs", "outputs", "qa_checklist", "common_mistakes", "alerts", "escalation"):
        assert pb.field_for(name), name
    assert pb.sources[0] == "Angelakos–PostgreSQL Mistakes"
    assert g.resolve("postgres").id == "PB4"
    tpl = g.get("TPL5")
    skeleton = tpl.field_for("skeleton")
    assert "Passos:" in skeleton and "Rollback: [comando/passo]" in skeleton
    assert tpl.field_for("common_mistakes").startswith("sem rollback")
    qb = g.get("QB")
    assert any("migrações reversíveis" in item for item in qb.field_for("items"))


def test_seed_004_rules_repaired() -> None:
    raw = SEED_004.read_text(encoding="utf-8")
    assert "√ß" in raw  # the seed really is mojibake
    g = load_guide(SEED_004)
    assert g.repaired_from == "mac_roman"
    rules = g.by_kind("fault_tolerance_rule")
    assert [e.id for e in rules] == [f"T§{i}" for i in range(1, 11)]
    text = "\n".join(e.title_for("pt-BR") + "\n" + e.body_for("pt-BR") for e in g.entries)
    assert "√ß" not in text and "√" not in text
    assert g.front_matter["description"] == "Guia de engenharia para construção de sistemas tolerantes a falhas"
    assert "Construção" in g.title
    assert g.get("T§2").title_for("pt-BR") == "Redundância é essencial"
    assert g.get("T§4").title_for("pt-BR") == "Degradação graciosa"
    assert "idempotência" in g.get("T§5").body_for("pt-BR")
    assert g.get("T§6").field_for("bullets")[0].startswith("Configure timeouts para `requests`")
    assert g.resolve("T6").id == "T§6"
    lines = raw.splitlines()
    assert lines[g.get("T§6").location.line - 1].startswith("### 6.")


def test_repair_never_damages_correct_text() -> None:
    correct = SEED_000.read_text(encoding="utf-8")
    assert repair_mojibake(correct) == (correct, None)
    for s in ["“CAFÉ” ação", "naïve façade — ok", "Olá, coração!", "ÀÉÎÕÜ àéîõü ç ñ ß ©®°±", "plain ascii", "emoji 🧠 ok"]:
        assert repair_mojibake(s) == (s, None), s


@pytest.mark.parametrize(
    ("broken", "fixed", "codec"),
    [
        ("ConstruÃ§Ã£o e resiliÃªncia", "Construção e resiliência", "cp1252"),
        ("â€œaspasâ€\x9d â€” travessÃ£o", "“aspas” — travessão", "cp1252"),
        ("Constru√ß√£o resili√™ncia", "Construção resiliência", "mac_roman"),
        ("🧠 Prompt".encode().decode("mac_roman"), "🧠 Prompt", "mac_roman"),
    ],
)
def test_repair_mojibake(broken: str, fixed: str, codec: str) -> None:
    assert repair_mojibake(broken) == (fixed, codec)


def test_cp1252_mojibake_file(tmp_path: Path) -> None:
    text = "# Guia\n\n### 1. Construção resiliente\n- Use timeouts em ações de rede.\n"
    broken = text.encode("utf-8").decode("cp1252")
    f = tmp_path / "guide.md"
    f.write_text(broken, encoding="utf-8")
    g = load_guide(f)
    assert g.repaired_from == "cp1252"
    assert g.get("T§1").title_for("pt-BR") == "Construção resiliente"
    assert g.get("T§1").field_for("bullets") == ["Use timeouts em ações de rede."]


def test_cp1252_encoded_file_is_decoded(tmp_path: Path) -> None:
    f = tmp_path / "legacy.md"
    f.write_bytes("H1: Falhas são a regra. Origem: Prática geral.\n".encode("cp1252"))
    g = load_guide(f)
    assert g.get("H1").body_for("pt-BR") == "Falhas são a regra."
    assert any("not valid UTF-8" in e for e in g.errors)


def test_binary_file(tmp_path: Path) -> None:
    f = tmp_path / "blob.mdc"
    f.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    g = load_guide(f)
    assert g.entries == []
    assert any("binary" in e for e in g.errors)


def test_empty_file(tmp_path: Path) -> None:
    f = tmp_path / "empty.md"
    f.write_bytes(b"")
    g = load_guide(f)
    assert g.entries == [] and g.errors == []


def test_missing_and_directory_paths(tmp_path: Path) -> None:
    assert load_guide(tmp_path / "nope.md").errors
    assert load_guide(tmp_path).errors


def test_invalid_utf8_garbage_never_raises(tmp_path: Path) -> None:
    f = tmp_path / "garbage.md"
    f.write_bytes(bytes((i * 37 + 11) % 256 for i in range(4000)).replace(b"\x00", b"x"))
    g = load_guide(f)
    assert isinstance(g.errors, list)


def test_huge_file_is_partial(tmp_path: Path) -> None:
    f = tmp_path / "huge.md"
    line = "H1: O sistema sempre falha. Origem: Prática geral.\n"
    filler = ("texto de preenchimento " * 10 + "\n").encode()
    with open(f, "wb") as fh:
        fh.write(line.encode())
        fh.write(filler * (MAX_GUIDE_BYTES // len(filler) + 100))
    g = load_guide(f)
    assert g.truncated and any("larger than" in e for e in g.errors)
    assert g.get("H1") is not None


def test_unknown_shape_degrades_to_sections(tmp_path: Path) -> None:
    f = tmp_path / "AGENTS.md"
    f.write_text("# Team rules\n\nIntro text.\n\n## Networking\nAlways set timeouts.\n\n## Logging\nUse structlog.\n", encoding="utf-8")
    g = load_guide(f)
    assert [e.kind for e in g.entries] == ["section"] * 3
    assert [e.title_for("en") for e in g.entries] == ["Team rules", "Networking", "Logging"]
    net = g.resolve("networking")
    assert net.id == "S2" and net.body_for("en") == "Always set timeouts." and net.location.line == 5
    assert g.lang == "en"


def test_plain_text_without_structure(tmp_path: Path) -> None:
    f = tmp_path / "notes.md"
    f.write_text("just some words\nwith no structure\n", encoding="utf-8")
    g = load_guide(f)
    assert g.entries == [] and g.errors


def test_broken_front_matter(tmp_path: Path) -> None:
    f = tmp_path / "x.mdc"
    f.write_text("---\ndescription: never closed\n\nH1: Algo. Origem: Prática geral.\n", encoding="utf-8")
    g = load_guide(f)
    assert any("front matter" in e for e in g.errors)
    assert g.get("H1") is not None


def test_english_labels_playbook(tmp_path: Path) -> None:
    f = tmp_path / "en.md"
    f.write_text(
        "Playbook: Database migration\nWhen to use: schema changes.\nGoal: no downtime.\nSteps:\n1) add column\n2) backfill\n"
        "Outputs: new schema.\nQA checklist: downgrade tested.\nCommon mistakes: big bang.\nAlerts: locks.\nEscalate: DBA.\nSource: Team wiki.\n",
        encoding="utf-8",
    )
    g = load_guide(f)
    pb = g.get("PB1")
    assert pb.slug == "migration" and pb.field_for("steps") == ["add column", "backfill"]
    assert pb.field_for("escalation") == "DBA." and pb.sources == ("Team wiki",)


def test_hover_escapes_guide_text(tmp_path: Path) -> None:
    f = tmp_path / "evil.md"
    f.write_text("### 1. <img src=x onerror=alert(1)>\n- [click](command:workbench.action.terminal.new)\n", encoding="utf-8")
    g = load_guide(f)
    md = render_entry_markdown(g.get("T§1"), "en")
    assert "<img" not in md and "](command:" not in md
    assert f"{f.name}:1" in md.replace("\\", "")


def test_parse_guide_text_in_memory() -> None:
    g = parse_guide_text("RF1: Sem métrica de impacto. Origem: Prática geral.\n", "mem.md")
    assert g.get("RF1").kind == "red_flag"


def test_cache_reuses_and_reloads(tmp_path: Path) -> None:
    f = tmp_path / "g.md"
    f.write_text("H1: Primeira versão. Origem: Prática geral.\n", encoding="utf-8")
    g1 = load_guide(f)
    assert load_guide(f) is g1
    f.write_text("H1: Segunda versão, mais longa. Origem: Prática geral.\n", encoding="utf-8")
    st = f.stat()
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))
    g2 = load_guide(f)
    assert g2 is not g1 and "Segunda" in g2.get("H1").body_for("pt-BR")


def _touch(path: Path, text: str = "# x\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_discover_guides(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    outside = tmp_path / "outside"
    secret = _touch(outside / "secret.mdc")
    _touch(outside / "dir" / "other.mdc")
    _touch(outside / "team-guide.md")
    a = _touch(ws / ".cursor" / "rules" / "a.mdc")
    nested = _touch(ws / ".cursor" / "rules" / "backend" / "b.mdc")
    _touch(ws / ".cursor" / "rules" / "notes.txt")
    prompt = _touch(ws / ".github" / "prompts" / "ft.prompt.md")
    _touch(ws / ".github" / "prompts" / "readme.md")
    copilot = _touch(ws / ".github" / "copilot-instructions.md")
    agents = _touch(ws / "AGENTS.md")
    docs_guide = _touch(ws / "docs" / "team.md")
    # symlinks: one escaping the workspace (file), one escaping (dir), one staying inside
    (ws / ".cursor" / "rules" / "evil.mdc").symlink_to(secret)
    (ws / ".cursor" / "rules" / "linkdir").symlink_to(outside / "dir", target_is_directory=True)
    (ws / ".cursor" / "rules" / "alias.mdc").symlink_to(docs_guide)
    (ws / ".github" / "prompts" / "escape.prompt.md").symlink_to(secret)

    found = discover_guides(ws, ["docs/team.md", str(outside / "team-guide.md"), "../outside/*.md", "missing.md", ""])
    resolved = [p.resolve() for p in found]
    assert a.resolve() in resolved and nested.resolve() in resolved
    assert prompt.resolve() in resolved and copilot.resolve() in resolved and agents.resolve() in resolved
    assert secret.resolve() not in resolved, "a symlink escaping the workspace must not be followed"
    assert (outside / "dir" / "other.mdc").resolve() not in resolved
    assert docs_guide.resolve() in resolved  # via the in-workspace symlink and the configured path, once
    assert resolved.count(docs_guide.resolve()) == 1
    assert (outside / "team-guide.md").resolve() in resolved, "explicit configured path outside the workspace is allowed"
    assert all(p.name != "readme.md" and p.suffix != ".txt" for p in found)
    assert len(resolved) == len(set(resolved))


def test_discover_configured_glob_stays_inside(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    _touch(tmp_path / "leak.md")
    inside = _touch(ws / "guides" / "one.md")
    found = discover_guides(ws, ["guides/*.md", "../*.md"])
    assert [p.resolve() for p in found] == [inside.resolve()]


def test_discover_survives_symlink_loops(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    rules = ws / ".cursor" / "rules"
    rules.mkdir(parents=True)
    (rules / "loop1.mdc").symlink_to(rules / "loop2.mdc")
    (rules / "loop2.mdc").symlink_to(rules / "loop1.mdc")
    (ws / "AGENTS.md").symlink_to(ws / "AGENTS.md")
    ok = _touch(rules / "ok.mdc")
    assert [p.resolve() for p in discover_guides(ws, ["AGENTS.md"])] == [ok.resolve()]
    assert load_guide(rules / "loop1.mdc").errors


def test_discover_empty_or_missing_workspace(tmp_path: Path) -> None:
    assert discover_guides(tmp_path, []) == []
    assert discover_guides(tmp_path / "missing", None) == []


def test_load_is_cheap_when_cached() -> None:
    load_guide(SEED_000)
    start = time.perf_counter()
    for _ in range(200):
        load_guide(SEED_000)
    assert time.perf_counter() - start < 1.0


def test_resolve_in_guides() -> None:
    guides = [load_guide(SEED_004), load_guide(SEED_000)]
    assert resolve_in_guides(guides, "T§6").location.path == str(SEED_004)
    assert resolve_in_guides(guides, "H5").location.path == str(SEED_000)
    assert resolve_in_guides(guides, "postgres").id == "PB4"
    assert resolve_in_guides(guides, "LLM01") is None
