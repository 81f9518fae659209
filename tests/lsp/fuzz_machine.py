"""The differential fuzz of issue 17: a hypothesis state machine that edits a document in the
real server process and, after every step, compares the server's diagnostics with `analyze()`
of a reference text.

The reference is a model written from the LSP specification, not from the server's code: a
line ends only at "\\n", "\\r\\n" or "\\r" ("To ensure that both client and server split the
string into the same line representation the protocol specifies the following end-of-line
sequences"), and a column counts code units of the negotiated position encoding (UTF-8 bytes,
UTF-16 code units or code points). Texts mix every character that Python's str.splitlines()
breaks at but LSP does not, CR / CRLF / LF line ends, and astral characters (surrogate pairs in
UTF-16).

Used by tests/lsp/test_differential_fuzz.py (a short profile in CI) and bench/lsp_fuzz.py (the
long one).
"""
from __future__ import annotations

import re
from pathlib import Path

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from rawrpc import RawClient
from resilint.rules.engine import analyze
from resilint.rules.settings import FileSettings

SPEC_LINE_END = re.compile(r"\r\n|\r|\n")
ODD = ("\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")
PIECES = ("requests.get(url)", "requests.get(url, timeout=1)", "time.sleep(1)", "subprocess.run(cmd)",
          "async def f():\n    time.sleep(1)\n", "try:\n    pass\nexcept Exception:\n    pass\n",
          "(", ")", ":", "\n", "\r\n", "\r", "    ", "\t", "'", "x = 1\n", "é", "😀", "𝔘", "import requests\n",
          "import time\n", "def g(url):\n    return requests.post(url)\n", ", timeout=5", "", *ODD)
STARTS = ("import requests\n\n\ndef fetch(url):\n    return requests.get(url)\n",
          "import requests\nx = '\x0b'; requests.get(u)\n", "import requests\n\x0crequests.get(u)\n",
          "import time\r\n\r\nasync def f():\r\n    time.sleep(1)\r\n", "import requests\rrequests.get(u)\r",
          "s = '😀\u2028'\nimport requests\nrequests.get(s)\n", "")
ENCODINGS = ("utf-16", "utf-8", "utf-32")


def units(s: str, encoding: str) -> int:
    """The length of `s` in the position encoding's code units."""
    if encoding == "utf-8":
        return len(s.encode("utf-8", "surrogatepass"))
    if encoding == "utf-16":
        return len(s.encode("utf-16-le", "surrogatepass")) // 2
    return len(s)


class SpecDocument:
    """The reference text, split and addressed by the specification's rules only."""

    def __init__(self, text: str, encoding: str) -> None:
        self.text, self.encoding = text, encoding

    def lines(self) -> list[str]:
        return SPEC_LINE_END.split(self.text)

    def starts(self) -> list[int]:
        return [0, *(m.end() for m in SPEC_LINE_END.finditer(self.text))]

    def position(self, line: int, char: int) -> tuple[dict, int]:
        """(LSP position, offset in the text) of code point `char` of `line`."""
        content = self.lines()[line]
        return ({"line": line, "character": units(content[:char], self.encoding)}, self.starts()[line] + char)

    def expected(self) -> list[tuple]:
        """analyze() of the text, in LSP positions of this document."""
        lines = self.lines()
        out = []
        for f in analyze(self.text, "x.py", FileSettings.default()).findings:
            s = f.span

            def col(line: int, c: int) -> int:
                return units(lines[line][:c], self.encoding) if line < len(lines) else c
            out.append((f.code, s.line, col(s.line, s.col), s.end_line, col(s.end_line, s.end_col)))
        return sorted(out)


def as_tuples(diags: list[dict]) -> list[tuple]:
    return sorted((str(d.get("code")), d["range"]["start"]["line"], d["range"]["start"]["character"],
                   d["range"]["end"]["line"], d["range"]["end"]["character"]) for d in diags)


class FuzzMachine(RuleBasedStateMachine):
    """Set `client`, `root`, `encoding` and `pull` on a subclass (see `machine_for`)."""
    client: RawClient
    root: Path
    encoding: str
    pull: bool
    steps = 0  # operations sent, over every run of this class (the bench's figure)

    def __init__(self) -> None:
        super().__init__()
        type(self).documents = getattr(type(self), "documents", 0) + 1
        self.uri = (self.root / f"fuzz{type(self).documents}.py").as_uri()
        self.doc = SpecDocument("", self.encoding)
        self.version = 0

    @initialize(text=st.sampled_from(STARTS))
    def open(self, text: str) -> None:
        self.doc.text, self.version = text, 1
        self.client.notify("textDocument/didOpen", {"textDocument": {
            "uri": self.uri, "languageId": "python", "version": 1, "text": text}})

    def _send(self, change: dict) -> None:
        self.version += 1
        type(self).steps += 1
        self.client.notify("textDocument/didChange", {
            "textDocument": {"uri": self.uri, "version": self.version}, "contentChanges": [change]})

    def _point(self, line: int, char: int) -> tuple[dict, int]:
        lines = self.doc.lines()
        line %= len(lines)
        return self.doc.position(line, char % (len(lines[line]) + 1))

    @rule(a=st.tuples(st.integers(0, 60), st.integers(0, 80)), b=st.tuples(st.integers(0, 60), st.integers(0, 80)),
          new=st.lists(st.sampled_from(PIECES), max_size=3).map("".join))
    def incremental(self, a: tuple[int, int], b: tuple[int, int], new: str) -> None:
        (p1, o1), (p2, o2) = self._point(*a), self._point(*b)
        if o1 > o2:
            (p1, o1), (p2, o2) = (p2, o2), (p1, o1)
        self._send({"range": {"start": p1, "end": p2}, "text": new})
        self.doc.text = self.doc.text[:o1] + new + self.doc.text[o2:]

    @rule(text=st.lists(st.sampled_from(PIECES + STARTS), max_size=6).map("".join))
    def full(self, text: str) -> None:
        self._send({"text": text})
        self.doc.text = text

    @invariant()
    def diagnostics_match_the_reference(self) -> None:
        if self.version == 0:
            return
        if self.pull:
            reply = self.client.call("textDocument/diagnostic", {"textDocument": {"uri": self.uri}}, timeout=30)
            got = as_tuples(reply["result"]["items"])
        else:
            got = as_tuples(self.client.diagnostics(self.uri, self.version, timeout=30))
        want = self.doc.expected()
        if any(code == "RES999" for code, *_ in want):
            # While the text does not parse, the server keeps the last good findings (moved
            # through the edits) beside the syntax error: the syntax error must be the same.
            got = [d for d in got if d[0] == "RES999"]
        assert got == want, (self.encoding, "pull" if self.pull else "push", self.doc.text, got, want)

    def teardown(self) -> None:
        if self.version:
            self.client.notify("textDocument/didClose", {"textDocument": {"uri": self.uri}})


def start_server(root: Path, encoding: str, pull: bool) -> RawClient:
    client = RawClient(cwd=str(root))
    caps: dict = {"general": {"positionEncodings": [encoding]}}
    if pull:
        caps["textDocument"] = {"diagnostic": {"dynamicRegistration": False}}
    result = client.initialize(root.as_uri(), caps)
    assert result["result"]["capabilities"].get("positionEncoding", "utf-16") == encoding, result
    return client


def machine_for(client: RawClient, root: Path, encoding: str, pull: bool) -> type[FuzzMachine]:
    return type(f"Fuzz_{encoding.replace('-', '')}_{'pull' if pull else 'push'}", (FuzzMachine,),
                {"client": client, "root": root, "encoding": encoding, "pull": pull})
