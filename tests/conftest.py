from __future__ import annotations

import sys
from pathlib import Path

# Let test modules import the helpers beside them (ruleharness, testpaths) from any folder.
sys.path.insert(0, str(Path(__file__).resolve().parent))
