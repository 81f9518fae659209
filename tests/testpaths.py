"""Paths shared by the tests (a module of its own: `conftest` names are ambiguous across folders)."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SNAPSHOTS = ROOT / "tests" / "snapshots"
UPDATE = os.environ.get("RESILINT_UPDATE_SNAPSHOTS") == "1"
