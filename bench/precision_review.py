"""Draw the hand-review sample from a real-corpus run and keep the verdicts in docs/precision/review.json.

Usage:
    python bench/precision_review.py draw [--cache DIR] [--seed 14]   # after bench/real_corpus.py
    python bench/precision_review.py context [--out FILE]             # +-15 lines of every unjudged entry
    python bench/precision_review.py judge VERDICTS.tsv               # KEY<TAB>TP|FP|unsure<TAB>reason

`draw` reads CACHE/real_corpus.json and CACHE/findings/*.json, sorts every finding into a tier
(`default`: the default selection; `review`: the review tier, a finding with `confidence: "medium"`;
`opt-in`: a rule that is off by default) and a stratum (rule, library or application package), and
draws per stratum the findings whose hash `sha256(seed:key)` is smallest. That is a uniform random
sample that a re-run barely moves: a new or vanished finding elsewhere does not reshuffle the rest.
Each finding's key hashes package, file, code, the flagged line's text (stripped) and its rank among
equal lines of that file, not the line number, so an edit above a finding keeps its verdict. Verdicts of
entries drawn again are kept; entries no longer drawn drop out.

Quotas: every rule gets at least 10 (all when it has fewer), split between its library and its
application findings (5 and 5 when both have that many); the default tier is then topped up to at least
300 entries, one at a time to the stratum with the most findings per sampled entry, so big rules, which
weigh most in the overall precision, are sampled densest. On top of that, every default-tier finding
on an application package is judged (a census, not a sample): the targets must hold on application
code on its own, and there are few enough of them that no sampling error is needed there.

No downloaded code is imported or run: the script reads the findings and the unpacked text only.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from real_corpus import DEFAULT_CACHE, kind  # noqa: E402

from resilint.rules.registry import all_rules, default_codes  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
REVIEW = ROOT / "docs" / "precision" / "review.json"
PER_RULE = 10
MIN_TOTAL = 300
#: (tier, package kind) strata judged in full rather than sampled.
CENSUS = frozenset({("default", "application")})
CONTEXT = 15


def tier(finding: dict, defaults: frozenset[str]) -> str:
    if finding.get("confidence") == "medium" or finding.get("precision") == "medium":
        return "review"
    return "default" if finding["code"] in defaults else "opt-in"


def entry_key(package: str, file: str, code: str, text: str, rank: int) -> str:
    raw = "\x1f".join([package, file, code, " ".join(text.split()), str(rank)])
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def collect(cache: Path) -> tuple[dict, list[dict]]:
    """(the run's report, every finding as an entry without verdict)."""
    report = json.loads((cache / "real_corpus.json").read_text())
    defaults = frozenset(default_codes())
    entries: list[dict] = []
    for p in report["packages"]:
        src = (cache / "src" / p["name"]).resolve()
        lines_of: dict[str, list[str]] = {}
        seen: dict[tuple, int] = defaultdict(int)
        findings = json.loads((cache / "findings" / f"{p['name']}.json").read_text())
        findings.sort(key=lambda f: (f["filename"], f["location"]["row"], f["location"]["column"], f["code"]))
        for f in findings:
            rel = Path(f["filename"]).resolve().relative_to(src).as_posix()
            if rel not in lines_of:
                lines_of[rel] = (src / rel).read_text(encoding="utf-8", errors="replace").splitlines()
            row = f["location"]["row"]
            text = lines_of[rel][row - 1].strip() if 0 < row <= len(lines_of[rel]) else ""
            ident = (rel, f["code"], " ".join(text.split()))
            rank = seen[ident]
            seen[ident] += 1
            entries.append({
                "key": entry_key(p["name"], rel, f["code"], text, rank),
                "package": p["name"], "version": p["version"], "kind": kind(p["name"]),
                "file": rel, "line": row, "code": f["code"], "tier": tier(f, defaults),
                "message": f["message"], "line_text": text[:200],
            })
    return report, entries


def _rank(seed: int, key: str) -> str:
    return hashlib.sha256(f"{seed}:{key}".encode()).hexdigest()


def quotas(strata: dict[tuple, int], min_total: int) -> dict[tuple, int]:
    """Sample size per (code, kind) stratum: >= PER_RULE per code (or all), then topped up to min_total."""
    q: dict[tuple, int] = {}
    for code in sorted({c for c, _ in strata}):
        n = {k: strata.get((code, k), 0) for k in ("library", "application")}
        take = {k: min(n[k], PER_RULE // 2) for k in n}
        while sum(take.values()) < min(sum(n.values()), PER_RULE):
            k = max((k for k in n if take[k] < n[k]), key=lambda k: n[k] - take[k])
            take[k] += 1
        for k in n:
            if n[k]:
                q[(code, k)] = take[k]
    while sum(q.values()) < min(min_total, sum(strata.values())):
        s = max((s for s in q if q[s] < strata[s]), key=lambda s: (strata[s] / max(q[s], 1), s))
        q[s] += 1
    return q


def draw(entries: list[dict], seed: int) -> list[dict]:
    out: list[dict] = []
    for t in sorted({e["tier"] for e in entries}):
        pool = [e for e in entries if e["tier"] == t]
        strata: dict[tuple, list[dict]] = defaultdict(list)
        for e in pool:
            strata[(e["code"], e["kind"])].append(e)
        q = quotas({s: len(v) for s, v in strata.items()}, MIN_TOTAL if t == "default" else 0)
        for s, items in strata.items():
            if (t, s[1]) in CENSUS:
                q[s] = len(items)
        for s, items in sorted(strata.items()):
            out += sorted(items, key=lambda e: _rank(seed, e["key"]))[: q.get(s, 0)]
    return sorted(out, key=lambda e: (e["tier"], e["code"], e["package"], e["file"], e["line"]))


def counts(entries: list[dict]) -> dict:
    """tier -> code -> {"all": n, "application": n}: the findings the sample stands for."""
    c: dict = {}
    for e in entries:
        slot = c.setdefault(e["tier"], {}).setdefault(e["code"], {"all": 0, "application": 0})
        slot["all"] += 1
        slot["application"] += e["kind"] == "application"
    return {t: dict(sorted(v.items())) for t, v in sorted(c.items())}


def load(path: Path = REVIEW) -> dict:
    return json.loads(path.read_text()) if path.exists() else {"entries": []}


def save(data: dict, path: Path = REVIEW) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")


def cmd_draw(args: argparse.Namespace) -> int:
    report, entries = collect(args.cache)
    old = {e["key"]: e for e in load(args.review)["entries"]}
    sample = draw(entries, args.seed)
    kept = 0
    for e in sample:
        prev = old.get(e["key"])
        e["verdict"] = prev["verdict"] if prev else None
        e["reason"] = prev["reason"] if prev else ""
        kept += prev is not None and prev.get("verdict") is not None
    save({
        "seed": args.seed, "per_rule": PER_RULE, "min_total": MIN_TOTAL,
        "drawn": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "packages": [{k: p[k] for k in ("name", "version", "kind", "files", "lines", "total")}
                     for p in report["packages"]],
        "counts": counts(entries),
        # Each rule's own statement of its review-tier conditions (Rule.review_tier), for the report.
        "review_tier": {code: " ".join(str(getattr(rule, "review_tier", "") or "").split())
                        for code, rule in all_rules().items() if getattr(rule, "review_tier", "")},
        "entries": sample,
    }, args.review)
    todo = sum(e["verdict"] is None for e in sample)
    print(f"{len(entries)} findings, {len(sample)} drawn, {kept} verdicts reused, {todo} to judge", file=sys.stderr)
    return 0


def cmd_context(args: argparse.Namespace) -> int:
    chunks = []
    for e in load(args.review)["entries"]:
        if e["verdict"] is not None and not args.all:
            continue
        path = args.cache / "src" / e["package"] / e["file"]
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        lo, hi = max(1, e["line"] - CONTEXT), min(len(lines), e["line"] + CONTEXT)
        body = "\n".join(f"{'>>' if n == e['line'] else '  '}{n:5} {lines[n - 1]}" for n in range(lo, hi + 1))
        chunks.append(f"=== {e['key']} {e['tier']} {e['code']} {e['package']} ({e['kind']}) {e['file']}:{e['line']}\n"
                      f"--- {e['message']}\n{body}\n")
    args.out.write_text("\n".join(chunks))
    print(f"{len(chunks)} entries -> {args.out}", file=sys.stderr)
    return 0


def cmd_judge(args: argparse.Namespace) -> int:
    data = load(args.review)
    by_key = {e["key"]: e for e in data["entries"]}
    n = 0
    for raw in args.verdicts.read_text().splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        key, verdict, reason = (raw.split("\t") + ["", ""])[:3]
        if verdict not in {"TP", "FP", "unsure"}:
            raise SystemExit(f"bad verdict {verdict!r} for {key}")
        if key in by_key:
            by_key[key]["verdict"], by_key[key]["reason"] = verdict, reason.strip()
            n += 1
        else:
            print(f"not in the sample (any more): {key}", file=sys.stderr)
    save(data, args.review)
    print(f"{n} verdicts applied, {sum(e['verdict'] is None for e in data['entries'])} left", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    ap.add_argument("--review", type=Path, default=REVIEW)
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("draw")
    d.add_argument("--seed", type=int, default=14)
    c = sub.add_parser("context")
    c.add_argument("--out", type=Path, default=Path("/tmp/resilint-review-context.txt"))
    c.add_argument("--all", action="store_true", help="judged entries too")
    j = sub.add_parser("judge")
    j.add_argument("verdicts", type=Path)
    args = ap.parse_args(argv)
    return {"draw": cmd_draw, "context": cmd_context, "judge": cmd_judge}[args.cmd](args)


if __name__ == "__main__":
    raise SystemExit(main())
