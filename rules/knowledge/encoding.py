"""Decoding of team-guide files and repair of mojibake.

Team guides are often UTF-8 text that some tool decoded with a legacy 8-bit
codec and saved again, e.g. ``Construção`` shown as ``Constru√ß√£o`` (UTF-8
read as Mac Roman) or ``ConstruÃ§Ã£o`` (UTF-8 read as cp1252/latin-1).

Repair strategy (never damages correct text):

* Only runs of non-ASCII characters are considered (UTF-8 multi-byte
  sequences consist of non-ASCII bytes only, and newlines are ASCII, so line
  numbers never move).
* Inside a run, a greedy left-to-right scan tries to re-encode 2-4 characters
  with the candidate codec and decode the bytes as strict UTF-8.  The
  replacement is accepted only when it yields exactly one *plausible*
  character (Latin-1 supplement / Latin Extended-A letters, general
  punctuation, currency, arrows, symbols and emoji).  Correct Portuguese text
  (``ção``, ``“CAFÉ”``) never re-encodes to such a sequence.
* Each candidate codec (Mac Roman, cp1252-with-latin-1-fallback) is tried on
  the whole text; the one with the most accepted replacements wins.
"""

from __future__ import annotations

import unicodedata

__all__ = ["decode_bytes", "looks_binary", "repair_mojibake"]

_CANDIDATES = ("mac_roman", "cp1252")


def _encode_char(ch: str, codec: str) -> bytes | None:
    try:
        return ch.encode(codec)
    except UnicodeEncodeError:
        if codec == "cp1252" and ord(ch) < 256:
            # latin-1 mojibake keeps C1 controls (0x80-0x9F) cp1252 cannot encode
            return bytes([ord(ch)])
        return None


def _plausible(ch: str) -> bool:
    cp = ord(ch)
    if cp < 0xA0:
        return False
    cat = unicodedata.category(ch)
    if cat[0] in ("C", "M", "Z") and ch != "\u00a0":
        return False
    if 0xA0 <= cp <= 0x17F:  # Latin-1 supplement + Latin Extended-A
        return True
    if 0x2000 <= cp <= 0x2BFF:  # punctuation, currency, letterlike, arrows, math, shapes, dingbats
        return True
    if 0x1E00 <= cp <= 0x1EFF:  # Latin Extended Additional (Vietnamese etc.)
        return True
    if 0x1F000 <= cp <= 0x1FAFF:  # emoji & pictographs
        return True
    return 0xFB00 <= cp <= 0xFB06  # ligatures


def _repair_with(text: str, codec: str) -> tuple[str, int]:
    out: list[str] = []
    count = 0
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ord(ch) < 0x80:
            out.append(ch)
            i += 1
            continue
        done = False
        for length in (4, 3, 2):
            if i + length > n:
                continue
            chunk = text[i : i + length]
            raw = bytearray()
            ok = True
            for c in chunk:
                b = _encode_char(c, codec)
                if b is None or len(b) != 1:
                    ok = False
                    break
                raw += b
            if not ok:
                continue
            lead = raw[0]
            expected = 2 if 0xC2 <= lead <= 0xDF else 3 if 0xE0 <= lead <= 0xEF else 4 if 0xF0 <= lead <= 0xF4 else 0
            if expected != length:
                continue
            try:
                decoded = bytes(raw).decode("utf-8")
            except UnicodeDecodeError:
                continue
            if len(decoded) == 1 and _plausible(decoded):
                out.append(decoded)
                count += 1
                i += length
                done = True
                break
        if not done:
            out.append(ch)
            i += 1
    return "".join(out), count


def repair_mojibake(text: str) -> tuple[str, str | None]:
    """Return ``(repaired_text, codec)``; codec is None when nothing changed."""
    if not text or text.isascii():
        return text, None
    best: tuple[str, int, str | None] = (text, 0, None)
    for codec in _CANDIDATES:
        fixed, count = _repair_with(text, codec)
        if count > best[1]:
            best = (fixed, count, codec)
    return best[0], best[2]


def looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    if not sample:
        return False
    ctrl = sum(1 for b in sample if b < 0x20 and b not in (9, 10, 12, 13, 27))
    return ctrl / len(sample) > 0.05


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode file bytes: UTF-8 (with or without BOM), else cp1252 with replacement."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    return data.decode("cp1252", errors="replace"), "cp1252"
