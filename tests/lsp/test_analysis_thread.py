"""The analysis path's document state (issue 17, defect 3), in process on the real core.

`run_analysis` runs on the analysis thread while the event loop may close the document. A
document closed between the staleness check and `_keep_live` lost its analyzer to the cleanup
of closed documents, and `doc.analyzer.update` raised AttributeError (logged with a traceback,
then a whole-file analysis). The analysis of a document closed meanwhile must just finish.
"""
from __future__ import annotations

import logging

import pytest
from resilint.rules.engine import analyze
from resilint.rules.settings import FileSettings
from resilint.server.diagnostics import run_analysis
from resilint.server.documents import Document

TEXT = "import requests\nrequests.get(u)\n"


def test_a_document_closed_during_its_analysis_keeps_its_analyzer(caplog: pytest.LogCaptureFixture) -> None:
    settings = FileSettings.default()
    doc = Document("file:///w/a.py", "python", 1, TEXT)
    run_analysis(doc, TEXT, "a.py", settings)  # the document now holds live incremental state
    doc.closed = True  # didClose on the event loop, while the next analysis already runs
    with caplog.at_level(logging.DEBUG, logger="resilint.server"):
        result = run_analysis(doc, TEXT + "x = 1\n", "a.py", settings)
    assert not [r for r in caplog.records if r.exc_info], [r.getMessage() for r in caplog.records]
    assert [f.code for f in result.findings] == [f.code for f in analyze(TEXT + "x = 1\n", "a.py", settings).findings]
