"""Every URL resilint prints, and every link in the files it ships, resolves to something real.

A `file:` URI must name an existing file (the rule docs shipped in the package); an http(s) URL
must be on a host of the allowlist below (documentation sites that exist; on github.com, only the
listed repositories). Placeholders (example.com, example.invalid, a made-up repository) fail.
URLs inside code (Python sources, code blocks, snippet bodies) are sample code, not links.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from testpaths import ROOT

from resilint.rules.explain import explain_rule
from resilint.rules.registry import all_rules

DOC_HOSTS = {
    "docs.python.org", "peps.python.org", "pypi.org", "pre-commit.com", "json.schemastore.org",
    "json-schema.org", "docs.oasis-open.org", "docs.github.com",
    "cwe.mitre.org", "owasp.org", "genai.owasp.org", "cheatsheetseries.owasp.org",
    "requests.readthedocs.io", "redis.readthedocs.io", "tenacity.readthedocs.io",
    "pyjwt.readthedocs.io", "flask-cors.readthedocs.io", "www.python-httpx.org", "docs.aiohttp.org",
    "www.postgresql.org", "www.psycopg.org", "alembic.sqlalchemy.org", "docs.djangoproject.com",
    "docs.celeryq.dev", "www.structlog.org", "www.starlette.io", "www.uvicorn.org",
    "flask.palletsprojects.com", "docs.pydantic.dev", "pytorch.org", "python.langchain.com",
    "platform.openai.com", "docs.litellm.ai", "docs.stripe.com", "datatracker.ietf.org",
    "aws.amazon.com", "microsoft.github.io",
}
# github.com hosts anyone's repository, real or not: only these are known to exist.
GITHUB_REPOS = {
    "openai/openai-python", "anthropics/anthropic-sdk-python", "litl/backoff", "danielfm/pybreaker",
    "fabfuel/circuitbreaker", "arlyon/aiobreaker", "redhat-developer/lsp4ij", "yaml/pyyaml",
    "github/codeql-action", "actions/checkout", "actions/setup-python", "pre-commit/pre-commit",
    "astral-sh/ruff", "neovim/nvim-lspconfig",
}
LOOPBACK = {"127.0.0.1", "localhost", "0.0.0.0"}
FENCE = re.compile(r"^\s*(```|~~~).*?^\s*\1", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"`[^`\n]*`")
URL = re.compile(r"""\b(?:https?|file)://[^\s"'<>`)\]\\]+""")


def url_problem(url: str) -> str | None:
    url = url.rstrip(".,;:")
    parts = urlsplit(url)
    if parts.scheme == "file":
        return None if Path(unquote(parts.path)).is_file() else "no such file"
    host = (parts.hostname or "").lower()
    if host == "github.com":
        repo = "/".join(parts.path.strip("/").split("/")[:2])
        return None if repo in GITHUB_REPOS else f"unknown GitHub repository {repo!r}"
    return None if host in DOC_HOSTS else f"host {host!r} is not a known documentation host"


def prose_urls(value) -> list[str]:
    """URLs of the prose in `value` (a string, or the strings of a JSON value): code blocks and
    inline code are sample code and left out."""
    if isinstance(value, dict):
        return [u for v in value.values() for u in prose_urls(v)]
    if isinstance(value, list):
        return [u for v in value for u in prose_urls(v)]
    if isinstance(value, str):
        return URL.findall(INLINE_CODE.sub("", FENCE.sub("", value)))
    return []


def problems(urls) -> list[str]:
    return sorted({f"{u}: {p}" for u in urls if (p := url_problem(u))})


def test_the_check_rejects_placeholders():
    for bad in ("https://github.com/resilint/resilint/blob/main/docs/rules/RES001.md",
                "https://example.com/docs", "https://example.invalid/resilint.git",
                (ROOT / "docs" / "rules" / "NOPE.md").as_uri()):
        assert url_problem(bad), bad
    assert url_problem((ROOT / "docs" / "rules" / "RES001.md").as_uri()) is None
    assert url_problem("https://docs.python.org/3/library/asyncio-task.html#asyncio.gather") is None


# ----- what resilint prints ------------------------------------------------------------
SOURCE = (
    "import hashlib\nimport logging\nimport subprocess\nimport requests\n\nlogger = logging.getLogger(__name__)\n\n\n"
    "def f(url, data, cmd):\n    try:\n        requests.get(url)\n    except Exception:\n        logger.error('x')\n"
    "    subprocess.run(cmd, shell=True)\n    return hashlib.md5(data).hexdigest()\n"
)


def check(cwd: Path, *args: str) -> str:
    proc = subprocess.run([sys.executable, "-m", "resilint.server.cli", "check", "--select", "ALL", *args, "app.py"],
                          cwd=cwd, capture_output=True, text=True, timeout=120)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.stdout


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_cli_output_links_resolve(tmp_path: Path, fmt: str):
    (tmp_path / "app.py").write_text(SOURCE, encoding="utf-8")
    out = check(tmp_path, "--output-format", fmt)
    assert not problems(prose_urls(json.loads(out) if fmt in ("json", "sarif") else out))
    if fmt == "json":
        items = json.loads(out)
        assert items and all(url_problem(i["url"]) is None and i["url"].startswith("file:") for i in items)
    if fmt == "sarif":
        driver = json.loads(out)["runs"][0]["tool"]["driver"]
        assert url_problem(driver["informationUri"]) is None
        assert all(url_problem(r["helpUri"]) is None for r in driver["rules"])


def test_rule_and_hover_links_resolve():
    """The hover card of every rule (en, pt-BR), its `resilint rule` JSON and its Rule.url()."""
    from resilint.rules.docs import rule_json

    urls = []
    for code, rule in all_rules().items():
        urls.append(rule.url())
        urls += prose_urls(rule_json(rule))
        for locale in ("en", "pt-BR"):
            urls += prose_urls(explain_rule(code, locale) or "")
    assert not problems(urls)
    assert any(u.startswith("file:") and u.endswith("/docs/rules/RES001.md") for u in urls)


def test_docs_url_setting_moves_every_rule_link(tmp_path: Path):
    base = "https://docs.internal.test/resilint/docs"
    (tmp_path / "app.py").write_text(SOURCE, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(f'[tool.resilint]\ndocs-url = "{base}/"\n', encoding="utf-8")
    items = json.loads(check(tmp_path, "--output-format", "json"))
    assert {i["url"] for i in items} == {f"{base}/rules/{i['code']}.md" for i in items}
    card = explain_rule("RES001", "en", docs_url=base)
    assert f"]({base}/rules/RES001.md)" in card and "file:" not in card
    assert all_rules()["RES001"].url("https://wiki.internal.test/lint/{code}") == "https://wiki.internal.test/lint/RES001"


def test_docs_url_must_be_an_absolute_url(tmp_path: Path):
    (tmp_path / "app.py").write_text("x = 1\n", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text('[tool.resilint]\ndocs-url = "docs/rules"\n', encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "resilint.server.cli", "check", "app.py"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "docs-url" in proc.stderr


def test_wheel_ships_the_rule_docs(tmp_path: Path):
    """The default links point into the installed package: the wheel must hold every page, where
    rules/doc_links.py looks for it (resilint/docs next to resilint/rules)."""
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(ROOT), "-w", str(tmp_path)],
                   check=True, capture_output=True, timeout=300)
    (wheel,) = tmp_path.glob("resilint-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "resilint/rules/doc_links.py" in names
    missing = [c for c in all_rules() if f"resilint/docs/rules/{c}.md" not in names]
    assert not missing and "resilint/docs/rules/README.md" in names
    assert any(n.startswith("resilint/docs/guide/playbooks/") for n in names)


# ----- what the repository ships --------------------------------------------------------
SKIP_FILES = {"client-vscode/package-lock.json", "rules/fixes/snippets.json"}  # npm's; snippet bodies (code)
SKIP_SUFFIXES = {".py", ".pyi", ".ipynb", ".code-snippets", ".png", ".jpg", ".svg", ".vsix", ".whl"}


def shipped_files() -> list[Path]:
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, text=True)
    names = listed.stdout.split() if listed.returncode == 0 else [
        str(p.relative_to(ROOT)) for p in ROOT.rglob("*") if p.is_file() and ".git" not in p.parts]
    return [ROOT / n for n in names
            if not n.startswith(("tests/", ".venv/")) and "node_modules/" not in n
            and n not in SKIP_FILES and Path(n).suffix not in SKIP_SUFFIXES and (ROOT / n).is_file()]


def shipped_urls(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return []
    if path.suffix == ".md":
        text = INLINE_CODE.sub("", FENCE.sub("", text))
    return [u for u in URL.findall(text) if (urlsplit(u).hostname or "") not in LOOPBACK and "$" not in u]


def test_shipped_files_link_only_to_real_pages():
    found = {}
    for path in shipped_files():
        for url in shipped_urls(path):
            if url_problem(url):
                found.setdefault(str(path.relative_to(ROOT)), []).append(f"{url} ({url_problem(url)})")
    assert not found, json.dumps(found, indent=1)


# ----- manifests: the fields tools publish (Marketplace page, PyPI sidebar, Actions listing) ----
MANIFESTS = ["client-vscode/package.json", "pyproject.toml", "action.yml", ".pre-commit-hooks.yaml",
             ".github/workflows/release.yml", "editors/jetbrains/resilint/template.json",
             "editors/jetbrains/resilint/settings.schema.json"]
# npm's shorthands for a repository (`github:owner/repo`, bare `owner/repo`, ...): the real URL.
NPM_SHORTHAND = {"github": "https://github.com/{}", "gitlab": "https://gitlab.com/{}",
                 "bitbucket": "https://bitbucket.org/{}", "gist": "https://gist.github.com/{}"}


def manifest_urls(name: str, data) -> list[str]:
    """Every URL a manifest names: all string values (tables included, comments excluded), and
    for package.json the repository/homepage/bugs fields in npm's shorthand forms too."""
    urls = []

    def walk(value):
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif isinstance(value, str):
            urls.extend(URL.findall(value))

    walk(data)
    if name.endswith("package.json"):
        for field in ("repository", "homepage", "bugs"):
            value = data.get(field)
            value = value.get("url") if isinstance(value, dict) else value
            if not isinstance(value, str) or URL.search(value):
                continue
            host, _, repo = value.rpartition(":")
            if host in NPM_SHORTHAND or (not host and re.fullmatch(r"[\w.-]+/[\w.-]+", repo)):
                urls.append(NPM_SHORTHAND.get(host or "github").format(repo.removesuffix(".git")))
            else:
                urls.append(f"https://{value}")  # anything else npm would read as a host: checked too
    return [u for u in urls if "$" not in u]


def load_manifest(name: str):
    import yaml

    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib

    text = (ROOT / name).read_text(encoding="utf-8")
    if name.endswith(".toml"):
        return tomllib.loads(text)
    return json.loads(text) if name.endswith(".json") else yaml.safe_load(text)


def test_manifests_name_no_placeholder_host():
    found = {name: problems(manifest_urls(name, load_manifest(name))) for name in MANIFESTS}
    assert not any(found.values()), json.dumps(found, indent=1)
    # The extension has no public repository: it declares none (vsce packages with
    # --allow-missing-repository, client-vscode/scripts/vsix.mjs) rather than a made-up one.
    assert "repository" not in load_manifest("client-vscode/package.json")


def test_manifest_check_catches_placeholders():
    bad = [
        ("client-vscode/package.json", {"repository": {"type": "git", "url": "https://example.invalid/resilint.git"}}),
        ("client-vscode/package.json", {"repository": "github:resilint/resilint"}),
        ("client-vscode/package.json", {"homepage": "resilint/resilint", "bugs": {"url": "https://example.com/issues"}}),
        ("pyproject.toml", {"project": {"urls": {"Homepage": "https://example.org/resilint"}}}),
        ("action.yml", {"runs": {"steps": [{"run": "pip install git+https://example.invalid/r.git"}]}}),
    ]
    for name, data in bad:
        assert problems(manifest_urls(name, data)), (name, data)
    ok = {"repository": "github:astral-sh/ruff", "homepage": "https://docs.python.org/3/"}
    assert manifest_urls("package.json", ok) and not problems(manifest_urls("package.json", ok))
