"""Source text handling: decoding files, line tables and column conversions.

`ast` reports columns as UTF-8 byte offsets; users (and ruff's JSON) count characters;
LSP clients count UTF-16 code units by default. Findings store character columns and
convert to the other units only on lines that are not ASCII.
"""
from __future__ import annotations

import codecs
import io
import re
import tokenize
from dataclasses import dataclass, field

_NEWLINE = re.compile(r"\r\n|\r|\n")


def decode_source(data: bytes) -> str:
    """Decode Python source bytes the way the interpreter would (BOM, coding cookie).

    Raises UnicodeDecodeError / SyntaxError for undecodable input; callers turn that
    into a syntax-error finding.
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        if encoding in ("utf-8", "utf-8-sig"):
            raise
        return data.decode(encoding)


def split_lines(text: str) -> list[str]:
    """Lines as the tokenizer sees them: only \\r\\n, \\r and \\n end a line."""
    return _NEWLINE.split(text)


@dataclass
class LineIndex:
    """Lazy per-file line table; built only when a finding needs a column conversion."""

    text: str
    _lines: list[str] | None = field(default=None, repr=False)

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = split_lines(self.text)
        return self._lines

    def line(self, lineno0: int) -> str:
        lines = self.lines
        return lines[lineno0] if 0 <= lineno0 < len(lines) else ""

    def byte_to_char(self, lineno0: int, byte_col: int) -> int:
        line = self.line(lineno0)
        if line.isascii():
            return byte_col
        return len(line.encode("utf-8")[:byte_col].decode("utf-8", "ignore"))


def char_to_utf16(line: str, col: int) -> int:
    if line.isascii():
        return col
    return col + sum(1 for ch in line[:col] if ord(ch) > 0xFFFF)


def utf16_to_char(line: str, col16: int) -> int:
    if line.isascii():
        return col16
    units = 0
    for i, ch in enumerate(line):
        if units >= col16:
            return i
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(line)


def char_to_utf8(line: str, col: int) -> int:
    if line.isascii():
        return col
    return len(line[:col].encode("utf-8"))


def utf8_to_char(line: str, col8: int) -> int:
    if line.isascii():
        return col8
    return len(line.encode("utf-8")[:col8].decode("utf-8", "ignore"))
