"""DB rules over extra migration fixtures (tests/fixtures_extra/): one module is one migration,
so the Alembic/Django variants that tests/fixtures/DB00N.py cannot hold live here."""
from __future__ import annotations

from pathlib import Path

import pytest
from ruleharness import expectations, run

EXTRA = Path(__file__).parent / "fixtures_extra"
FILES = sorted(EXTRA.glob("*.py"))
DB_CODES = ("DB001", "DB002", "DB003")


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_extra_fixture(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    findings = run(text, str(path))
    assert not [f for f in findings if f.code == "RES998"], [f.message for f in findings]
    got = {(f.span.line + 1, f.code) for f in findings if f.code in DB_CODES}
    want = {e for e in expectations(text) if e[1] in DB_CODES}
    assert got == want, f"{path.name}: missing {sorted(want - got)}, unexpected {sorted(got - want)}"


def _db(source: str) -> list[tuple[str, int, int, int, int]]:
    return [
        (f.code, f.span.line, f.span.col, f.span.end_line, f.span.end_col)
        for f in run(source) if f.code in DB_CODES
    ]


ALEMBIC_HEAD = "from alembic import op\nimport sqlalchemy as sa\nrevision = 'b2'\ndown_revision = 'a1'\n"


def test_downgrade_range_is_the_def_header() -> None:
    src = ALEMBIC_HEAD + "def upgrade():\n    op.drop_table('t')\n\n\ndef downgrade() -> None:\n    pass\n"
    assert _db(src) == [("DB001", 8, 0, 8, len("def downgrade() -> None:"))]


def test_raise_in_downgrade_is_a_real_body() -> None:
    src = ALEMBIC_HEAD + "def upgrade():\n    op.drop_table('t')\ndef downgrade():\n    raise NotImplementedError\n"
    assert _db(src) == []


def test_index_on_table_created_later_in_the_same_migration() -> None:
    src = ALEMBIC_HEAD + (
        "def upgrade():\n    op.create_index('ix_t_x', 't', ['x'])\n"
        "    op.create_table('t', sa.Column('x', sa.Integer()))\n"
    )
    assert _db(src) == []


def test_index_with_unknown_table_when_a_table_is_created_is_silent() -> None:
    src = ALEMBIC_HEAD + (
        "def upgrade():\n    op.create_table(TABLE, sa.Column('x', sa.Integer()))\n"
        "    op.create_index('ix_t_x', 't', ['x'])\n"
    )
    assert _db(src) == []


def test_django_model_names_compare_case_insensitively() -> None:
    src = (
        "from django.db import migrations, models\nclass Migration(migrations.Migration):\n"
        "    operations = [migrations.CreateModel('Order', []),\n"
        "        migrations.AddIndex('order', models.Index(fields=['x'], name='x_idx'))]\n"
    )
    assert _db(src) == []


def test_classification_is_cached_on_the_context() -> None:
    import ast

    from resilint.rules.context import FileContext
    from resilint.rules.db._migrations import ALEMBIC, migration
    from ruleharness import all_rules_settings

    src = ALEMBIC_HEAD + "def upgrade():\n    pass\n"
    tree = ast.parse(src)
    ctx = FileContext("x.py", src, tree, all_rules_settings())
    first = migration(ctx)
    assert first.kind == ALEMBIC and migration(ctx) is first
