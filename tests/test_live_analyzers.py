"""The server keeps incremental state for the documents being typed in, not for every open one."""
from __future__ import annotations

from resilint.rules.engine import analyze
from resilint.rules.settings import FileSettings
from resilint.server import diagnostics
from resilint.server.documents import Document


def test_only_the_most_recently_analysed_documents_keep_incremental_state() -> None:
    settings = FileSettings.default()
    docs = [Document(f"file:///m{i}.py", "python", 1, f"import requests\nrequests.get(u{i})\n")
            for i in range(diagnostics.LIVE_ANALYZERS + 5)]
    for doc in docs:
        got = diagnostics.run_analysis(doc, doc.text, f"/m{doc.uri[-4]}.py", settings)
        assert [f.code for f in got.findings] == [f.code for f in analyze(doc.text, "x.py", settings).findings]
    live = [d for d in docs if d.analyzer is not None]
    assert live == docs[-diagnostics.LIVE_ANALYZERS:]
    # A cold document analysed again gets its state back (and a hot one is evicted).
    edited = docs[0].text + "x = 1\n"
    assert [f.code for f in diagnostics.run_analysis(docs[0], edited, "/m0.py", settings).findings] == ["RES001"]
    assert docs[0].analyzer is not None and docs[-diagnostics.LIVE_ANALYZERS].analyzer is None
