"""Issue 17, deliver 2: the differential fuzz (tests/lsp/fuzz_machine.py) in CI, a short
profile per position encoding and diagnostics mode; bench/lsp_fuzz.py runs the long one."""
from __future__ import annotations

from pathlib import Path

import pytest
from fuzz_machine import ENCODINGS, machine_for, start_server
from hypothesis import HealthCheck, settings


@pytest.mark.parametrize("pull", [False, True], ids=["push", "pull"])
@pytest.mark.parametrize("encoding", ENCODINGS)
def test_edits_match_the_specification_model(workspace: Path, encoding: str, pull: bool) -> None:
    client = start_server(workspace, encoding, pull)
    try:
        machine = machine_for(client, workspace, encoding, pull)
        case = machine.TestCase
        case.settings = settings(max_examples=4, stateful_step_count=12, deadline=None, derandomize=True,
                                 database=None, suppress_health_check=list(HealthCheck))
        case("runTest").runTest()
        assert machine.steps > 0
        client.assert_alive()
    finally:
        client.close()
