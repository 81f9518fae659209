from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SNAPSHOTS = ROOT / "tests" / "snapshots"
UPDATE = os.environ.get("RESILINT_UPDATE_SNAPSHOTS") == "1"


@pytest.fixture
def root() -> Path:
    return ROOT


def resilint_cmd() -> list[str]:
    return [sys.executable, "-m", "resilint.server.cli"]
