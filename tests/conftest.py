from __future__ import annotations

import sys
from pathlib import Path

# Let test modules import the helpers beside them (ruleharness, testpaths) from any folder.
sys.path.insert(0, str(Path(__file__).resolve().parent))

import atexit  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402

# Index caches and the server's start-up code cache go to a folder of this test run, not to
# the user's ~/.cache (servers and CLI runs started by the tests inherit the variable).
if "RESILINT_CACHE_DIR" not in os.environ:
    os.environ["RESILINT_CACHE_DIR"] = tempfile.mkdtemp(prefix="resilint-test-cache-")
    atexit.register(shutil.rmtree, os.environ["RESILINT_CACHE_DIR"], True)
