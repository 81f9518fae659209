"""Coverage-guided fuzzing of parse -> rules -> fixes with atheris (libFuzzer for Python).

Setup (atheris ships manylinux wheels for CPython 3.11; no compiler needed):

    pip install atheris
    python bench/fuzz_atheris.py --seconds 300            # 5 minutes
    python bench/fuzz_atheris.py --seconds 30 --corpus /tmp/resilint-fuzz-corpus

What one input does: the bytes are analysed as a file (`analyze(bytes)`: BOM, coding
cookie, NUL bytes, ...), then as text (decoded with errors="replace"), then the text is
spliced into a seed program with resilience findings and `fix_all` runs on it. The
properties checked (an AssertionError is a crash for libFuzzer):

- nothing raises;
- every finding's span lies inside the text;
- text that does not parse gives exactly one RES999, and only then;
- `fix_all` of a parsing text gives a parsing text.

libFuzzer prints its final statistics on stderr (`stat::number_of_executed_units`,
`stat::average_exec_per_sec`, `stat::peak_rss_mb`); a crash stops the run with exit status
!= 0 and writes the reproducer as `crash-<sha1>` in the working directory (replay it with
`python bench/fuzz_atheris.py crash-<sha1>`).
"""
from __future__ import annotations

import argparse
import ast
import os
import sys
from pathlib import Path

SEEDS = [
    b"import requests\n\n\ndef fetch(url):\n    return requests.get(url)\n",
    b"import subprocess\nsubprocess.run(['ls'])\n",
    b"import asyncio\nimport time\n\n\nasync def f():\n    time.sleep(1)\n    asyncio.create_task(g())\n",
    b"from tenacity import retry\n\n\n@retry\ndef f():\n    pass\n",
    b"import requests  # noqa\nrequests.post('u', data=x)  # resilint: ignore[RES001]\n",
    b"\xef\xbb\xbfimport httpx\nhttpx.get('u')\n",
    b"# -*- coding: latin-1 -*-\nx = '\xe9'\n",
    b"try:\n    pass\nexcept Exception:\n    pass\n",
    b"cursor.execute('SELECT * FROM t WHERE id = %s' % uid)\n",
    b"import openai\nopenai.ChatCompletion.create(model='x', messages=m)\n",
]

PREFIX = "import requests\nimport subprocess\n\n\ndef _seed(url):\n    requests.get(url)\n    subprocess.run(url)\n"


def _check(text: str, findings, parsed: bool) -> None:
    from resilint.rules.source import split_lines

    lines = split_lines(text)
    syntax = [f for f in findings if f.code == "RES999"]
    if parsed:
        assert not syntax, f"RES999 for parsing text: {syntax}"
    else:
        assert len(syntax) == 1, f"{len(syntax)} RES999 for unparsable text"
    for f in findings:
        s = f.span
        assert 0 <= s.line < len(lines) and 0 <= s.end_line < len(lines), (f.code, s)
        assert 0 <= s.col <= len(lines[s.line]) and 0 <= s.end_col <= len(lines[s.end_line]), (f.code, s)
        assert (s.line, s.col) <= (s.end_line, s.end_col), (f.code, s)


def _parses(text: str) -> bool:
    try:
        ast.parse(text)
        return True
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=300, help="fuzzing time (default 300)")
    parser.add_argument("--corpus", type=Path, default=None, help="corpus directory (seeded, kept between runs)")
    parser.add_argument("--max-len", type=int, default=4096)
    parser.add_argument("inputs", nargs="*", help="replay these inputs instead of fuzzing")
    args = parser.parse_args()

    import atheris

    with atheris.instrument_imports():
        from resilint.rules.engine import analyze
        from resilint.rules.fixes.apply import fix_all
        from resilint.rules.model import Severity  # noqa: F401
        from resilint.rules.settings import FileSettings, Options

    settings = FileSettings(Options.model_validate({"select": ["ALL"]}))

    def one(data: bytes) -> None:
        analyze(data, "fuzz.py", settings)  # bytes path: decoding rules, never raises
        text = data.decode("utf-8", "replace")
        result = analyze(text, "fuzz.py", settings)
        _check(text, result.findings, _parses(text))
        spliced = PREFIX + text
        if _parses(spliced):
            new_text, _, _ = fix_all(spliced, "fuzz.py", settings, unsafe=True, max_rounds=3)
            assert _parses(new_text), "fix_all broke a parsing file"

    corpus = args.corpus
    if corpus is not None:
        corpus.mkdir(parents=True, exist_ok=True)
        for i, seed in enumerate(SEEDS):
            (corpus / f"seed-{i}").write_bytes(seed)
    argv = [sys.argv[0], f"-max_total_time={args.seconds}", f"-max_len={args.max_len}",
            "-print_final_stats=1", "-rss_limit_mb=4096", "-timeout=30"]
    if args.inputs:
        argv += args.inputs
    elif corpus is not None:
        argv.append(str(corpus))
    os.environ.setdefault("PYTHONHASHSEED", "0")
    atheris.Setup(argv, one)
    atheris.Fuzz()
    return 0


if __name__ == "__main__":
    sys.exit(main())
