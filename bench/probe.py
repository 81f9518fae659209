"""The shared stdlib LSP client (`shared/tools/lsp_probe.py`, beside the repository; `LSP_PROBE`
overrides the path) for the benchmarks that drive a real server."""
from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from types import ModuleType

PROBE = Path(os.environ.get("LSP_PROBE", Path(__file__).resolve().parents[2] / "shared" / "tools" / "lsp_probe.py"))


def load_probe() -> ModuleType:
    """The probe as a module (its `Client`, `proc_status`, `pct`...)."""
    spec = importlib.util.spec_from_file_location("lsp_probe", PROBE)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module
