"""The long profile of the differential fuzz (issue 17): the state machine of
tests/lsp/fuzz_machine.py against the real server process, every position encoding, push and
pull, until `--ops` edits were sent in all (the first round derandomized, later rounds random). Prints the operations, mismatches (0, or the first
one found, with its text) and the time; the figures go in docs/reliability.md.

    python bench/lsp_fuzz.py --ops 10000
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "lsp"))

from fuzz_machine import ENCODINGS, machine_for, start_server  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=10_000)
    parser.add_argument("--steps", type=int, default=40, help="edits per generated document")
    args = parser.parse_args()
    modes = [(enc, pull) for enc in ENCODINGS for pull in (False, True)]
    per_mode = -(-args.ops // len(modes))
    total, started, failures = 0, time.perf_counter(), []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for encoding, pull in modes:
            client = start_server(root, encoding, pull)
            machine = machine_for(client, root, encoding, pull)
            case = machine.TestCase
            case.settings = settings(max_examples=max(1, per_mode // args.steps), stateful_step_count=args.steps,
                                     deadline=None, database=None, derandomize=True,
                                     suppress_health_check=list(HealthCheck))
            t0 = time.perf_counter()
            try:
                rounds = 0
                while machine.steps < per_mode:  # hypothesis ends some runs early: go on
                    case.settings = settings(case.settings, derandomize=rounds == 0, database=None)
                    case("runTest").runTest()
                    rounds += 1
            except AssertionError as exc:
                failures.append((encoding, pull, str(exc)[:2000]))
            finally:
                client.close()
            total += machine.steps
            print(f"{encoding:7} {'pull' if pull else 'push'}: {machine.steps} edits in "
                  f"{time.perf_counter() - t0:.1f} s", flush=True)
    elapsed = time.perf_counter() - started
    print(f"total: {total} edits (plus a diagnostics check after each), {len(failures)} mismatching runs, "
          f"{elapsed:.0f} s; load {os.getloadavg()[0]:.1f}")
    for f in failures:
        print("MISMATCH", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
