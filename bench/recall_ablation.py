"""Recall on the review corpus with and without the workspace index and the annotation resolution.

Usage (after bench/real_corpus.py has downloaded and unpacked the corpus):
    python bench/recall_ablation.py [--cache ~/.cache/resilint-corpus] [--out FILE.json]

Four runs of `resilint check --select ALL --output-format json --no-cache --jobs 1` over every
unpacked package, one process per package and configuration:

    full           what ships: the workspace index and the annotation resolution;
    no-index       `--no-index` (one file at a time: no cross-module resolution);
    no-annotations the annotation resolution switched off (see below);
    neither        both off.

The annotation resolution ("Types as resolution" in RULES.md: `session: requests.Session`,
`self.client: httpx.Client`, `def make() -> Session`, `a or T()`, `x if x else T()`) has no setting:
a product switch nobody should turn off would be noise. The run without it starts resilint through
this script, which replaces the two `FileContext` methods that produce those bindings with ones that
resolve nothing, then calls the CLI in the same process (hence `--jobs 1`).

For each rule it prints the findings of every configuration and the gain of each layer, and, for
the findings only the full run has, how many the hand review (docs/precision/review.json) judged and
found true: a gain is recall only where the gained findings are right. The corpus code is read,
never imported or run.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from real_corpus import DEFAULT_CACHE, PACKAGES, kind  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
REVIEW = ROOT / "docs" / "precision" / "review.json"
CONFIGS = {"full": (False, False), "no-index": (True, False), "no-annotations": (False, True), "neither": (True, True)}


def _worker(no_annotations: bool, argv: list[str]) -> int:
    from resilint.rules import context
    from resilint.server import cli

    if no_annotations:
        context.FileContext.annotated_instance = lambda self, ann, scopes=None: None  # type: ignore[method-assign]
        context.FileContext._instance_of = lambda self, expr, scopes: context.UNKNOWN  # type: ignore[method-assign]
    return cli.main(argv)


def run(src: Path, no_index: bool, no_annotations: bool) -> list[dict]:
    argv = ["check", str(src), "--select", "ALL", "--output-format", "json", "--exit-zero", "--no-cache",
            "--jobs", "1", *(["--no-index"] if no_index else [])]
    cmd = [sys.executable, __file__, "--worker", "1" if no_annotations else "0", "--", *argv]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=src)
    if proc.returncode != 0:
        raise RuntimeError(f"{src}: exit {proc.returncode}: {proc.stderr[-1500:]}")
    return json.loads(proc.stdout or "[]")


def _key(package: str, src: Path, f: dict) -> tuple[str, str, str, int]:
    path = Path(f["filename"])
    rel = path.relative_to(src).as_posix() if path.is_absolute() else path.as_posix()
    return package, rel, f["code"], f["location"]["row"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    ap.add_argument("rest", nargs="*", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker is not None:
        return _worker(args.worker == "1", args.rest)

    found: dict[str, set[tuple[str, str, str, int]]] = {c: set() for c in CONFIGS}
    for name, _version, _what, _subdirs in PACKAGES:
        src = args.cache / "src" / name
        if not src.is_dir():
            print(f"{name}: not unpacked (run bench/real_corpus.py first)", file=sys.stderr)
            return 2
        for config, (no_index, no_ann) in CONFIGS.items():
            found[config] |= {_key(name, src, f) for f in run(src, no_index, no_ann)}
        print(f"{name}: " + ", ".join(f"{c} {sum(1 for k in found[c] if k[0] == name)}" for c in CONFIGS),
              file=sys.stderr)

    judged: dict[tuple[str, str, str, int], str] = {}
    if REVIEW.exists():
        for e in json.loads(REVIEW.read_text())["entries"]:
            if e.get("verdict"):
                judged[(e["package"], e["file"], e["code"], e["line"])] = e["verdict"]

    per: dict[str, Counter[str]] = {c: Counter(k[2] for k in found[c]) for c in CONFIGS}
    gained = {"index": found["full"] - found["no-index"], "annotations": found["full"] - found["no-annotations"]}
    rows = []
    for code in sorted(set().union(*per.values())):
        row = {"rule": code, **{c: per[c][code] for c in CONFIGS}}
        for layer, keys in gained.items():
            mine = [k for k in keys if k[2] == code]
            row[f"gain_{layer}"] = len(mine)
            row[f"gain_{layer}_apps"] = sum(1 for k in mine if kind(k[0]) == "application")
            verdicts = [judged[k] for k in mine if k in judged]
            row[f"gain_{layer}_judged"] = len(verdicts)
            row[f"gain_{layer}_tp"] = verdicts.count("TP")
        rows.append(row)
    lost = {layer: sorted(found[other] - found["full"]) for layer, other in
            (("index", "no-index"), ("annotations", "no-annotations"))}
    report = {"configs": list(CONFIGS), "rules": rows,
              "totals": {c: len(found[c]) for c in CONFIGS},
              "gained": {layer: [list(k) for k in sorted(keys)] for layer, keys in gained.items()},
              "only_without": {layer: [list(k) for k in keys] for layer, keys in lost.items()}}
    out = args.out or args.cache / "recall_ablation.json"
    out.write_text(json.dumps(report, indent=1) + "\n")

    print("| rule | full | no index | no annotations | neither | gain: index (apps; judged TP/judged) "
          "| gain: annotations (apps; judged TP/judged) |")
    print("| --- | ---: | ---: | ---: | ---: | --- | --- |")
    for r in rows:
        if not (r["gain_index"] or r["gain_annotations"] or r["full"] != r["neither"]):
            continue
        cells = [f"+{r[f'gain_{g}']} ({r[f'gain_{g}_apps']}; {r[f'gain_{g}_tp']}/{r[f'gain_{g}_judged']})"
                 for g in ("index", "annotations")]
        print(f"| {r['rule']} | {r['full']} | {r['no-index']} | {r['no-annotations']} | {r['neither']} | "
              + " | ".join(cells) + " |")
    t = report["totals"]
    print(f"\ntotal findings: full {t['full']}, no index {t['no-index']}, no annotations {t['no-annotations']}, "
          f"neither {t['neither']}; only without the index: {len(lost['index'])}, only without annotations: "
          f"{len(lost['annotations'])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
