"""`resilint` command line: check, serve, rule, guide. Exit 0 clean, 1 findings, 2 usage/config error."""
from __future__ import annotations

import argparse
import json
import sys
from importlib import metadata
from pathlib import Path

from resilint.rules.config import ConfigError, ConfigResolver
from resilint.rules.docs import PEERS_HEADER, rule_json, rule_markdown
from resilint.rules.peer_suppressions import table_markdown
from resilint.rules.registry import all_rules, codes_matching, get_rule
from resilint.rules.cached_check import check_cached
from resilint.rules.runner import FileResult, discover

from . import output, skipped

FORMATS = ("text", "json", "sarif", "github")


def version() -> str:
    try:
        return metadata.version("resilint")
    except metadata.PackageNotFoundError:
        return "0+unknown"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # usage errors exit 2, like ruff
        self.print_usage(sys.stderr)
        print(f"resilint: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def _codes(value: str) -> list[str]:
    codes = [c.strip().upper() for c in value.split(",") if c.strip()]
    for code in codes:
        if not codes_matching(code):
            raise argparse.ArgumentTypeError(f"unknown rule code or prefix {code!r} (see `resilint rule --all`)")
    return codes


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="resilint", description="Resilience and security linter for Python backend code.")
    parser.add_argument("--version", action="version", version=f"resilint {version()}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    check = sub.add_parser("check", help="check files and folders (default: .)")
    check.add_argument("paths", nargs="*", type=Path, default=[Path(".")])
    check.add_argument("--select", type=_codes, help="comma-separated codes or prefixes to enable (replaces the config)")
    check.add_argument("--ignore", type=_codes, help="comma-separated codes or prefixes to disable")
    check.add_argument("--extend-select", type=_codes, help="codes or prefixes to enable on top of the selection")
    check.add_argument("--config", type=Path, help="a pyproject.toml to use instead of discovery")
    check.add_argument("--output-format", choices=FORMATS, default="text")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    check.add_argument("--statistics", action="store_true", help="print counts per code")
    check.add_argument("--fix", action="store_true", help="apply safe fixes")
    check.add_argument("--unsafe-fixes", action="store_true", help="also apply (with --fix) or show unsafe fixes")
    check.add_argument("--diff", action="store_true", help="print the fixes as a diff instead of writing them")
    check.add_argument("--jobs", "-j", type=int, default=None, help="worker processes (default: all cores)")
    check.add_argument("--no-source", action="store_true", help="text format: no source excerpts")
    check.add_argument("--show-fixes", action="store_true",
                       help="accepted for compatibility: json and sarif always carry each finding's fix")
    check.add_argument("--no-cache", action="store_true",
                       help="neither read nor write the results cache (.resilint_cache/)")
    check.add_argument("--no-index", action="store_true",
                       help="analyse each file on its own (no cross-module workspace index)")

    sub.add_parser("serve", help="start the language server (stdio; --tcp, --log-level, --max-message-size)", add_help=False)

    rule = sub.add_parser("rule", help="explain a rule (or --all)")
    rule.add_argument("code", nargs="?")
    rule.add_argument("--all", action="store_true")
    rule.add_argument("--peer-suppressions", action="store_true",
                      help="the ruff/flake8/bandit codes whose suppressions resilint honours")
    rule.add_argument("--output-format", choices=("text", "json"), default="text")

    guide = sub.add_parser("guide", help="show the engineering guide's entries (heuristics, playbooks, …)")
    guide.add_argument("id", nargs="?")
    guide.add_argument("--locale", default="en", help="en or pt-BR (pt, pt_BR accepted)")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["serve"]:  # the server parses its own options (--tcp, --log-level, --help)
        from .serve import main as serve_main

        return serve_main(argv[1:])
    args = build_parser().parse_args(argv)
    try:
        return _run(args)
    except BrokenPipeError:  # `resilint rule --all | head`
        sys.stderr.close()
        return 0


def _run(args: argparse.Namespace) -> int:
    try:
        if args.command == "check":
            return cmd_check(args)
        if args.command == "rule":
            return cmd_rule(args)
        if args.command == "guide":
            return cmd_guide(args)
    except ConfigError as exc:
        print(f"resilint: configuration error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 2


def _overrides(args: argparse.Namespace) -> dict:
    overrides: dict = {}
    if args.select:
        overrides["select"] = args.select
    if args.extend_select:
        overrides["extend-select"] = args.extend_select
    if args.ignore:
        overrides["ignore"] = args.ignore
    return overrides


def cmd_check(args: argparse.Namespace) -> int:
    missing = [p for p in args.paths if not p.exists()]
    if missing:
        print(f"resilint: error: no such file or folder: {', '.join(map(str, missing))}", file=sys.stderr)
        return 2
    if args.config is not None and not args.config.is_file():
        print(f"resilint: error: config file not found: {args.config}", file=sys.stderr)
        return 2
    resolver = ConfigResolver(args.config, _overrides(args), root=Path.cwd())
    not_checked: list[FileResult] = []
    files = discover(list(args.paths), resolver, not_checked)
    if args.fix or args.diff:
        from .fixing import run_fixes

        return run_fixes(args, files, resolver)
    keep_text = args.output_format == "text" and not args.no_source
    run = check_cached(files, resolver, args.jobs, keep_text=keep_text, use_index=not args.no_index,
                       use_cache=not args.no_cache, fixes=args.output_format != "github")
    results = run.results
    results.extend(not_checked)
    sys.stderr.write(skipped.stderr_lines(results, output._display))
    fixes = output.ReportFixes(resolver, args.unsafe_fixes)
    if args.output_format == "text":
        sys.stdout.write(output.text_report(results, show_source=keep_text, fixes=fixes))
    elif args.output_format == "json":
        sys.stdout.write(output.json_report(results, fixes))
    elif args.output_format == "sarif":
        docs_url = output.docs_url_for(resolver, Path.cwd() / "pyproject.toml")
        sys.stdout.write(output.sarif_report(results, version(), fixes, docs_url))
    else:
        sys.stdout.write(output.github_report(results))
    if args.statistics:
        (sys.stdout if args.output_format == "text" else sys.stderr).write(
            output.statistics_report(results) + skipped.statistics_line(results))
        print(f"resilint: {run.analysed} file{'s' if run.analysed != 1 else ''} analysed, "
              f"{run.cached} from the cache", file=sys.stderr)
    run.save()
    has_findings = any(r.findings for r in results)
    return 0 if args.exit_zero or not has_findings else 1


def cmd_rule(args: argparse.Namespace) -> int:
    if args.peer_suppressions:
        print(PEERS_HEADER + table_markdown(), end="")
        return 0
    if args.all:
        rules = list(all_rules().values())
    elif args.code:
        rule = get_rule(args.code)
        if rule is None:
            print(f"resilint: error: unknown rule {args.code!r} (see `resilint rule --all`)", file=sys.stderr)
            return 2
        rules = [rule]
    else:
        print("resilint: error: give a rule code or --all", file=sys.stderr)
        return 2
    if args.output_format == "json":
        data = [rule_json(r) for r in rules]
        print(json.dumps(data if args.all else data[0], indent=2, ensure_ascii=False))
    else:
        print("\n\n".join(rule_markdown(r) for r in rules), end="")
    return 0


def cmd_guide(args: argparse.Namespace) -> int:
    from resilint.rules.explain import resolve_locale
    from resilint.rules.knowledge import all_entries, render_entry_markdown, resolve_ref

    args.locale = resolve_locale(args.locale, None, None)
    if args.id:
        entry = resolve_ref(args.id)
        if entry is None:
            print(f"resilint: error: unknown guide entry {args.id!r} (run `resilint guide` for the list)", file=sys.stderr)
            return 2
        print(render_entry_markdown(entry, args.locale))
        return 0
    for entry in all_entries():
        title = entry.title.get(args.locale) if isinstance(entry.title, dict) else getattr(entry, "title", "")
        print(f"{entry.id:<8} {title}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
