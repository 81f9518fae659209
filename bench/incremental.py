"""Full `analyze()` vs `IncrementalAnalyzer.update()` on single-line edits of a large file.

    python bench/incremental.py [FILE] [--edits N] [--seed S]

Default FILE is the stdlib's `_pydecimal.py` (~6,400 lines). Each edit replaces, inserts or
deletes one random line with a snippet that keeps the file parseable (so every update is a
real analysis, not a syntax error); both sides run with every rule selected. The results are
checked to be identical. Prints p50/p95/max in milliseconds and what the incremental updates did.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import sysconfig
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from resilint.rules.engine import analyze  # noqa: E402
from resilint.rules.incremental import IncrementalAnalyzer  # noqa: E402
from ruleharness import all_rules_settings  # noqa: E402


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" "))]


def edit(lines: list[str], rng: random.Random) -> list[str]:
    """One parse-preserving single-line edit: a statement/comment line added, changed or removed."""
    out = list(lines)
    while True:
        i = rng.randrange(len(out))
        line = out[i]
        stripped = line.strip()
        # Only touch simple one-line statements / comments / blanks, so the file stays valid.
        if stripped and not stripped.startswith(("x_ = ", "#", "pass", "return", "import", "from")):
            if stripped.endswith((":", ",", "(", "[", "{", "\\")) or '"""' in line or "'''" in line:
                continue
            if line.rstrip().endswith((")", "]", "}")) and not stripped.startswith(("x_", "self.")):
                continue
        if i + 1 < len(out) and out[i + 1].strip() and len(_indent(out[i + 1])) > len(_indent(line)):
            continue  # a block header follows: keep it
        if i > 0 and out[i - 1].rstrip().endswith((":", ",", "(", "\\", "[", "{")):
            continue  # inside a bracket / first line of a block
        ind = _indent(line) if stripped else _indent(out[i - 1]) if i else ""
        kind = rng.choice(("insert", "replace", "comment"))
        snippet = rng.choice(("x_ = 1", "x_ = requests.get(url)", "# an edit", "x_ = len(self)", "pass"))
        if kind == "insert":
            out.insert(i, f"{ind}{snippet}\n" if stripped else f"{ind}pass\n" if ind else "x_ = 2\n")
        elif kind == "replace" and stripped and not line.startswith(("class ", "def ", "@")):
            out[i] = f"{ind}{snippet}\n"
        else:
            out[i] = line.rstrip("\n") + "  # edited\n" if stripped and "#" not in line else line
        return out


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("file", nargs="?", default=str(Path(sysconfig.get_paths()["stdlib"]) / "_pydecimal.py"))
    ap.add_argument("--edits", type=int, default=100)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-check", action="store_true", help="skip the full analyze() per edit")
    ap.add_argument("--ignore", default="", help="comma-separated codes to leave out (default: every rule on)")
    args = ap.parse_args()
    settings = all_rules_settings(ignore=[c for c in args.ignore.split(",") if c])
    text = Path(args.file).read_text(encoding="utf-8")
    lines = text.splitlines(True)
    rng = random.Random(args.seed)
    inc = IncrementalAnalyzer(args.file, settings)
    t = time.perf_counter()
    inc.update(text)
    first = (time.perf_counter() - t) * 1000
    full_ms: list[float] = []
    inc_ms: list[float] = []
    modes: Counter[str] = Counter()
    parsed: list[int] = []
    mismatches = 0
    for _ in range(args.edits):
        lines = edit(lines, rng)
        text = "".join(lines)
        t = time.perf_counter()
        got = inc.update(text)
        inc_ms.append((time.perf_counter() - t) * 1000)
        modes[inc.last_stats.get("mode", "?")] += 1
        if "parsed_lines" in inc.last_stats:
            parsed.append(inc.last_stats["parsed_lines"])
        if not args.no_check:
            t = time.perf_counter()
            want = analyze(text, args.file, settings)
            full_ms.append((time.perf_counter() - t) * 1000)
            key = lambda r: [(f.code, f.message, f.span, f.severity) for f in r.findings]  # noqa: E731
            mismatches += key(got) != key(want)
    if inc.full_only:
        print(f"incremental analysis off: {inc.full_only}")
    print(f"file: {args.file} ({len(lines)} lines), {args.edits} single-line edits, seed {args.seed}")
    print(f"first update (full build): {first:.1f} ms")
    print(f"{'':24}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}")
    if full_ms:
        print(f"{'analyze() (full)':24}{pct(full_ms, .5):10.2f}{pct(full_ms, .95):10.2f}{max(full_ms):10.2f}")
    print(f"{'IncrementalAnalyzer':24}{pct(inc_ms, .5):10.2f}{pct(inc_ms, .95):10.2f}{max(inc_ms):10.2f}")
    print(f"modes: {dict(modes)}")
    if parsed:
        print(f"re-parsed lines per incremental update: p50 {statistics.median(parsed):.0f}, "
              f"p95 {pct(parsed, .95)}, max {max(parsed)}")
    if not args.no_check:
        print(f"results identical to analyze(): {args.edits - mismatches}/{args.edits}")


if __name__ == "__main__":
    main()
