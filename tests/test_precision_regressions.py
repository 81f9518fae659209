"""False positives found by hand review of real third-party code (docs/precision.md).

Each `tests/fixtures_precision/<CODE>_fp_<n>.py` is a minimal reduction of a finding judged a false
positive, with a comment naming the package and file it came from. The file must produce no
finding of <CODE>. Those whose rule has not been fixed yet are in OPEN, marked xfail(strict=True):
when the rule owner fixes the logic, the test XPASSes and fails, so drop the entry from OPEN then.
"""
from __future__ import annotations

import re

import pytest
from ruleharness import run
from testpaths import ROOT

FIXTURES = ROOT / "tests" / "fixtures_precision"

# fixture stem -> the rule logic that makes it fire (file: condition). Remove an entry once fixed.
OPEN: dict[str, str] = {
    "LLM001_fp_1": "llm001_llm_client_without_timeout.py: any SDK client constructed without timeout=, "
                   "even one used only for local tokenization (count_tokens/get_tokenizer)",
    "RES003_fp_1": "res003_client_without_timeout.py: ClientSession() without timeout= is reported even when "
                   "every request on it passes timeout=",
    "RES004_fp_1": "res004_subprocess_without_timeout.py: check_call/run without timeout= reported for an "
                   "interactive child ($EDITOR) whose stdio is the terminal",
    "RES004_fp_2": "res004_subprocess_without_timeout.py: same, for `man` writing to the user's terminal (pager)",
    "RES013_fp_1": "res013_hand_rolled_retry_loop.py: _looks_like_wait only knows sleep/wait/backoff/delay/pause; "
                   "an awaited retry-handler call (prepare_for_next_attempt_async) that sleeps is not seen",
    "RES021_fp_3": "res021_swallowed_exception.py: visit_ExceptHandler reports `except Exception: pass` around "
                   "optional attribute reads that only enrich a dict (not teardown, so _guards_teardown does not apply)",
    "RES032_fp_1": "res032_unbounded_fan_out.py: tasks = [ensure_future(a) for a in <param>] counts as a "
                   "variable-length local list, while gather(*<param>) is accepted",
    "RES032_fp_2": "res032_unbounded_fan_out.py: gather(*tasks, return_exceptions=True) that drains just-"
                   "cancelled tasks is reported as a fan-out",
    "RES032_fp_3": "res032_unbounded_fan_out.py: _variable_length treats self.<dict>.values() (one per "
                   "configured backend) as unbounded input",
    "RES033_fp_1": "res033_unbounded_queue.py: Queue() without maxsize reported although puts are admitted by a "
                   "capacity counter under a lock",
    "SEC003_fp_1": "sec003_sql_injection.py: is_dynamic_string is true for an f-string whose only interpolations "
                   "are a table identifier (self.<x>_table); values are bound parameters",
    "SEC004_fp_1": "sec004_unsafe_deserialization.py: pickle.loads in _ALWAYS even when its argument is a direct "
                   "pickle.dumps(...) round trip",
    "SEC004_fp_2": "sec004_unsafe_deserialization.py: shelve.open in _ALWAYS, also for the process's own local "
                   "state file",
    "SEC005_fp_1": "sec005_dynamic_code_execution.py: any non-constant exec source is reported, including "
                   "code generated from inspect.signature into a fresh namespace",
    "SEC005_fp_2": "sec005_dynamic_code_execution.py: same, for a dev helper rebinding a caller-named variable",
    "SEC009_fp_1": "sec009_weak_crypto.py: every hashlib.sha1 without usedforsecurity= is reported, including a "
                   "protocol-mandated one (HIBP range API)",
    "SEC009_fp_2": "sec009_weak_crypto.py: same, for the Redis EVALSHA script id",
    "SEC009_fp_3": "sec009_weak_crypto.py: same, for a truncated hexdigest()[:N] naming suffix",
    "SEC009_fp_4": "sec009_weak_crypto.py: _secret_target treats `token` as a secret word even when the value is "
                   "used as an attribute name (setattr key)",
    "SEC009_fp_5": "sec009_weak_crypto.py: same as fp_1, for RFC 6455 Sec-WebSocket-Accept",
    "SEC010_fp_1": "sec010_jwt_verification_disabled.py: verify_signature False reported inside a function that "
                   "only peeks at unverified claims (named get_unverified_claims)",
    "SEC010_fp_2": "sec010_jwt_verification_disabled.py: verify_signature False reported for an OIDC id_token "
                   "taken from the token endpoint response",
    "SEC013_fp_1": "sec013_xml_external_entities.py: xml.dom.minidom.parse is in _STDLIB, but expat-based minidom "
                   "does not resolve external entities",
}

# Fixed by the rule owners while the review ran; kept as plain regression tests:
# SEC001_fp_1, SEC001_fp_2 (sec001 `_cert_none` now silent outside keyword/assign/call-arg parents),
# SEC006_fp_3, SEC006_fp_4, SEC006_fp_5 (sec006 `looks_like_secret_value` now rejects `_LABEL_WORDS`),
# SEC006_fp_1, SEC006_fp_2, SEC006_fp_6 (sec006 `_credential_like`: lower-case words, rate-limit specs and
# digit-less low-entropy values are not credentials),
# RES021_fp_1, RES021_fp_2 (res021 `_guards_teardown`: a try body of 1-3 close/kill/... calls is best effort).

_NAME = re.compile(r"^([A-Z]+[0-9]+)_fp_[0-9]+$")


def _cases():
    for path in sorted(FIXTURES.glob("*_fp_*.py")):
        marks = []
        if path.stem in OPEN:
            marks.append(pytest.mark.xfail(strict=True, reason=OPEN[path.stem]))
        yield pytest.param(path, id=path.stem, marks=marks)


def test_fixture_set_is_consistent() -> None:
    stems = {p.stem for p in FIXTURES.glob("*_fp_*.py")}
    assert stems, "no precision fixtures"
    assert set(OPEN) <= stems, sorted(set(OPEN) - stems)
    for path in FIXTURES.glob("*_fp_*.py"):
        assert _NAME.match(path.stem), path.name
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# From "), f"{path.name}: first line must name the source package"


@pytest.mark.parametrize("path", list(_cases()))
def test_no_false_positive(path) -> None:
    code = _NAME.match(path.stem).group(1)
    findings = run(path.read_text(encoding="utf-8"), path=path.name)
    hits = [(f.span.line + 1, f.message) for f in findings if f.code == code]
    assert not hits, hits
