"""Cross-module analysis: the workspace index (rules/index/) on real multi-module trees."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from resilint.rules.config import ConfigResolver
from resilint.rules.engine import analyze
from resilint.rules.settings import FileSettings
from resilint.rules.index import IndexedCall, WorkspaceIndex, module_name, summarize
from resilint.rules.index.summary import INDEX_VERSION
from resilint.rules.runner import check_paths_indexed

HTTP = """\
import requests

session = requests.Session()


def make_session():
    s = requests.Session()
    s.headers["User-Agent"] = "app"
    return s


def get(url, **kwargs):
    kwargs.setdefault("timeout", 5)
    return session.get(url, **kwargs)


def fetch(url):
    return requests.get(url)
"""

SERVICE = """\
from app.http import session, make_session


def load(url):
    return session.get(url).json()


def store(url, data):
    return make_session().post(url, json=data)
"""

CLIENTS = """\
from openai import OpenAI

client = OpenAI()
bounded = OpenAI(timeout=30)
"""

USES_CLIENT = """\
from app.clients import client, bounded


def ask(question):
    return client.chat.completions.create(model="gpt-4o", messages=[], max_tokens=100)


def ask_bounded(question):
    return bounded.chat.completions.create(model="gpt-4o", messages=[], max_tokens=100)
"""


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def check(root: Path, rel: str, index: WorkspaceIndex | None, **options) -> list:
    from resilint.rules.settings import Options

    path = root / rel
    settings = FileSettings(Options.model_validate(options), workspace_index=index.view() if index else None)
    return analyze(path.read_text(), str(path), settings).findings


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write(tmp_path / "proj", {
        "app/__init__.py": "",
        "app/http.py": HTTP,
        "app/service.py": SERVICE,
        "app/clients.py": CLIENTS,
        "app/chat.py": USES_CLIENT,
    })


def codes(findings) -> list[tuple[str, int]]:
    return [(f.code, f.span.line) for f in findings]


# ----- RES001 across modules --------------------------------------------------------------------
def test_session_from_another_module_fires_res001_with_related(project: Path, cache: Path) -> None:
    index = WorkspaceIndex.build(project, cache_dir=cache)
    findings = [f for f in check(project, "app/service.py", index) if f.code == "RES001"]
    assert codes(findings) == [("RES001", 4), ("RES001", 8)]
    session_use, factory_use = findings
    assert "requests.Session.get" in session_use.message
    (related,) = session_use.related
    assert related.path == str((project / "app/http.py").resolve())
    assert (related.span.line, related.span.col) == (2, 10)  # `requests.Session()` in http.py
    assert "app.http.session" in related.message
    (related,) = factory_use.related
    assert related.span.line == 6  # the Session() inside make_session()


def test_without_index_single_file_behaviour_is_unchanged(project: Path) -> None:
    assert [f for f in check(project, "app/service.py", None) if f.code == "RES001"] == []


def test_relative_and_module_imports_resolve(tmp_path: Path, cache: Path) -> None:
    root = write(tmp_path / "p", {
        "src/app/__init__.py": "from .http import session as shared\n",
        "src/app/http.py": HTTP,
        "src/app/a.py": "from .http import session\n\ndef f(u):\n    return session.delete(u)\n",
        "src/app/b.py": "from . import http\n\ndef f(u):\n    return http.session.head(u)\n",
        "src/app/c.py": "import app.http\n\ndef f(u):\n    return app.http.session.put(u)\n",
        "src/app/d.py": "from app import shared\n\ndef f(u):\n    return shared.patch(u)\n",
        "src/app/e.py": "from .http import session\n\ndef f(session, u):\n    return session.get(u)\n",
    })
    index = WorkspaceIndex.build(root, cache_dir=cache)
    assert module_name(root / "src/app/http.py", root) == "app.http"
    for rel in ("a", "b", "c", "d"):
        found = [f for f in check(root, f"src/app/{rel}.py", index) if f.code == "RES001"]
        assert codes(found) == [("RES001", 3)], rel
        assert found[0].related[0].path.endswith("http.py")
    assert [f for f in check(root, "src/app/e.py", index) if f.code == "RES001"] == []  # a parameter shadows it


def test_wrapper_with_timeout_is_silent(project: Path, cache: Path) -> None:
    write(project, {"app/caller.py": "from app.http import get\n\ndef f(u):\n    return get(u)\n"})
    index = WorkspaceIndex.build(project, cache_dir=cache)
    assert [f for f in check(project, "app/caller.py", index) if f.code.startswith("RES")] == []
    # the wrapper's own body passes **kwargs carrying the timeout: silent there too
    http = [f for f in check(project, "app/http.py", index) if f.code == "RES001"]
    assert codes(http) == [("RES001", 17)]  # only fetch()'s bare requests.get


def test_http_wrappers_config_still_marks_helpers_safe(project: Path, cache: Path) -> None:
    index = WorkspaceIndex.build(project, cache_dir=cache)
    found = check(project, "app/service.py", index, **{"http-wrappers": ["app.http"]})
    assert [f for f in found if f.code == "RES001"] == []


def test_mounted_timeout_adapter_is_not_resolved(tmp_path: Path, cache: Path) -> None:
    root = write(tmp_path / "p", {
        "app/__init__.py": "",
        "app/http.py": "import requests\nfrom app.adapters import TimeoutAdapter\n"
                       "session = requests.Session()\nsession.mount('https://', TimeoutAdapter(timeout=5))\n",
        "app/use.py": "from app.http import session\nsession.get('https://x')\n",
    })
    index = WorkspaceIndex.build(root, cache_dir=cache)
    assert [f for f in check(root, "app/use.py", index) if f.code == "RES001"] == []


def test_helper_without_timeout_lists_its_callers(project: Path, cache: Path) -> None:
    write(project, {"app/caller.py": "from app.http import fetch\n\ndef f(u):\n    return fetch(u)\n"})
    index = WorkspaceIndex.build(project, cache_dir=cache)
    (finding,) = [f for f in check(project, "app/http.py", index) if f.code == "RES001"]
    assert [(Path(r.path).name, r.span.line) for r in finding.related] == [("caller.py", 3)]
    assert index.view().helpers["app.http.fetch"][0]["timeout"] is False
    assert index.view().helpers["app.http.get"][0]["timeout"] is True


# ----- LLM001 across modules --------------------------------------------------------------------
def test_llm_client_fires_at_construction_with_uses(project: Path, cache: Path) -> None:
    index = WorkspaceIndex.build(project, cache_dir=cache)
    findings = [f for f in check(project, "app/clients.py", index) if f.code == "LLM001"]
    assert codes(findings) == [("LLM001", 2)]  # `bounded` has a timeout
    related = findings[0].related
    assert [(Path(r.path).name, r.span.line) for r in related] == [("chat.py", 4)]
    assert all("client" in r.message for r in related)
    # the use site itself gets no LLM001 (the construction is not there)
    assert [f for f in check(project, "app/chat.py", index) if f.code == "LLM001"] == []


def test_indexed_origin_carries_constructor_kwargs(project: Path, cache: Path) -> None:
    view = WorkspaceIndex.build(project, cache_dir=cache).view()
    bounded = view.instances["app.clients.bounded"]
    assert bounded.qualname == "openai.OpenAI()"
    assert isinstance(bounded.origin, IndexedCall)
    assert [k.arg for k in bounded.origin.keywords] == ["timeout"]
    assert view.instances["app.clients.client"].origin.keywords == []
    assert view.instances["app.chat.client"] is view.instances["app.clients.client"]  # re-bound by import


# ----- the cache --------------------------------------------------------------------------------------
def test_second_build_hits_the_cache_and_parses_nothing(project: Path, cache: Path) -> None:
    first = WorkspaceIndex.build(project, cache_dir=cache)
    assert first.stats.parsed == 4 and first.stats.skipped == 1 and first.stats.cache_hits == 0  # empty __init__
    assert (cache / "index.json").is_file()
    second = WorkspaceIndex.build(project, cache_dir=cache)
    assert second.stats.parsed == second.stats.skipped == 0 and second.stats.cache_hits == 5
    assert second.view().instances.keys() == first.view().instances.keys()


def test_cache_invalidated_by_a_change(project: Path, cache: Path) -> None:
    WorkspaceIndex.build(project, cache_dir=cache)
    (project / "app/http.py").write_text(HTTP.replace("requests.Session()\n\n\ndef make", "None\n\n\ndef make"))
    again = WorkspaceIndex.build(project, cache_dir=cache)
    assert again.stats.parsed == 1 and again.stats.cache_hits == 4
    # same size, same mtime (a copy-back): the content hash decides
    import os

    http = project / "app/http.py"
    st = http.stat()
    http.write_text(http.read_text().replace("None", "Nope"))
    os.utime(http, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert WorkspaceIndex.build(project, cache_dir=cache).stats.cache_hits == 5  # stat says unchanged: trusted
    assert "app.http.session" not in again.view().instances
    assert [f for f in check(project, "app/service.py", again) if f.code == "RES001"][0].span.line == 8


def test_cache_is_data_and_safe_to_delete_or_corrupt(project: Path, cache: Path) -> None:
    WorkspaceIndex.build(project, cache_dir=cache)
    data = json.loads((cache / "index.json").read_text())
    assert data["version"] == INDEX_VERSION and all("hash" in e for e in data["files"].values())
    (cache / "index.json").write_text("{not json")
    assert WorkspaceIndex.build(project, cache_dir=cache).stats.parsed == 4
    (cache / "index.json").unlink()
    assert WorkspaceIndex.build(project, cache_dir=cache).stats.parsed == 4


def test_update_file_and_remove_for_the_server(project: Path, cache: Path) -> None:
    index = WorkspaceIndex.build(project, cache_dir=cache)
    http = project / "app/http.py"
    assert index.update_file(http, HTTP) is False  # same text: nothing to do
    assert index.update_file(http, HTTP.replace("requests.Session()", "requests.Session", 1)) is True
    assert "app.http.session" not in index.view().instances
    assert index.update_file(http, HTTP) is True
    assert "app.http.session" in index.view().instances
    assert index.remove(http) is True
    assert "app.http.session" not in index.view().instances
    assert [f for f in check(project, "app/service.py", index) if f.code == "RES001"] == []


# ----- never import user code -------------------------------------------------------------------------
def test_user_code_is_never_imported(tmp_path: Path, cache: Path) -> None:
    marker = tmp_path / "imported.marker"
    payload = f"open({str(marker)!r}, 'w').write('x')\nimport requests\nsession = requests.Session()\n"
    root = write(tmp_path / "p", {
        "evil/__init__.py": payload,
        "evil/http.py": payload,
        "evil/use.py": "from evil.http import session\nfrom evil import session as s2\n"
                       "session.get('u')\ns2.get('u')\n",
    })
    index = WorkspaceIndex.build(root, cache_dir=cache, jobs=1)
    assert len([f for f in check(root, "evil/use.py", index) if f.code == "RES001"]) == 2
    r = subprocess.run([sys.executable, "-m", "resilint.server.cli", "check", "--exit-zero", "."], cwd=root,
                       capture_output=True, text=True, timeout=120, env={**_env(cache)})
    assert r.returncode == 0, r.stderr
    assert not marker.exists()
    assert "evil" not in sys.modules


def _env(cache: Path) -> dict[str, str]:
    import os

    return {**os.environ, "RESILINT_CACHE_DIR": str(cache)}


# ----- the CLI -------------------------------------------------------------------------------------------
def test_cli_uses_the_index_and_no_index_disables_it(project: Path, cache: Path) -> None:
    def run(*extra: str) -> list[dict]:
        r = subprocess.run([sys.executable, "-m", "resilint.server.cli", "check", "--output-format", "json", *extra,
                            "."], cwd=project, capture_output=True, text=True, timeout=120, env=_env(cache))
        assert r.returncode == 1, r.stderr
        return json.loads(r.stdout)

    indexed = {(Path(f["filename"]).name, f["code"], f["location"]["row"]) for f in run()}
    single = {(Path(f["filename"]).name, f["code"], f["location"]["row"]) for f in run("--no-index")}
    assert ("service.py", "RES001", 5) in indexed and ("service.py", "RES001", 9) in indexed
    assert not any(name == "service.py" for name, _, _ in single)
    assert single < indexed


def test_check_paths_indexed_in_parallel_matches_sequential(tmp_path: Path, cache: Path, monkeypatch) -> None:
    import resilint.rules.runner as runner

    files = {"app/__init__.py": "", "app/http.py": HTTP}
    for i in range(12):
        files[f"app/m{i}.py"] = SERVICE
    root = write(tmp_path / "p", files)
    monkeypatch.setenv("RESILINT_CACHE_DIR", str(cache))
    resolver = ConfigResolver(root=root)
    paths = sorted(root.rglob("*.py"))
    sequential = check_paths_indexed(paths, resolver, jobs=1)
    monkeypatch.setattr(runner, "PARALLEL_THRESHOLD", 2)
    parallel = check_paths_indexed(paths, resolver, jobs=2)
    assert [codes(r.findings) for r in sequential] == [codes(r.findings) for r in parallel]
    assert sum(f.code == "RES001" for r in parallel for f in r.findings) == 24 + 1
    assert all(f.related for r in parallel if r.path.name != "http.py" for f in r.findings if f.code == "RES001")


def test_summary_is_cheap_and_json(tmp_path: Path) -> None:
    summary = summarize(HTTP, "app.http")
    assert json.loads(json.dumps(summary)) == summary
    assert summary["values"]["session"]["ctor"] == "requests.Session"
    assert summary["returns"]["make_session"]["k"] == "new"
    assert summarize("def broken(:\n", "m") is None


def test_dependents_lists_the_importers(project: Path, cache: Path) -> None:
    index = WorkspaceIndex.build(project, cache_dir=cache)
    names = [Path(p).name for p in index.dependents(project / "app/http.py")]
    assert names == ["service.py"]
    assert [Path(p).name for p in index.dependents(project / "app/clients.py")] == ["chat.py"]


def test_dependencies_lists_the_modules_referred_to(project: Path, cache: Path) -> None:
    index = WorkspaceIndex.build(project, cache_dir=cache)
    assert [Path(p).name for p in index.dependencies(project / "app/service.py")] == ["http.py"]
    assert [Path(p).name for p in index.dependencies(project / "app/chat.py")] == ["clients.py"]
    assert index.dependencies(project / "app/http.py") == []


# ----- jedi: re-exports of installed packages -------------------------------------------------------------
def test_jedi_settles_a_reexport_of_an_installed_package(tmp_path: Path, cache: Path) -> None:
    from resilint.rules import jedi_resolve

    assert jedi_resolve.available()  # jedi is a dependency
    libs = write(tmp_path / "libs", {
        # stand-ins, so the test does not depend on what the environment has installed
        "requests/__init__.py": "from .sessions import Session\n",
        "requests/sessions.py": "class Session:\n    def get(self, url, **kw): ...\n",
        "httpkit/__init__.py": "from requests import Session as Client\n",
        "llmkit/__init__.py": "from openai import OpenAI as Chat\n",
        "openai/__init__.py": "class OpenAI:\n    def __init__(self, timeout=None): ...\n",  # a stand-in SDK
    })
    marker = tmp_path / "imported.marker"
    (libs / "httpkit/__init__.py").write_text(
        f"open({str(marker)!r}, 'w').write('x')\nfrom requests import Session as Client\n")
    text = "from httpkit import Client\nfrom llmkit import Chat\n\nc = Client()\nc.get('u')\nllm = Chat()\n"
    root = write(tmp_path / "p", {"app/__init__.py": "", "app/main.py": text})
    index = WorkspaceIndex.build(root, cache_dir=cache)
    resolver = jedi_resolve.JediResolver(root, added_sys_path=(str(libs),), budget=30)
    path = str(root / "app/main.py")
    aliases = resolver.settle_imports(path, text, index.first_party)
    assert aliases == {"httpkit.Client": "requests.sessions.Session", "llmkit.Chat": "openai.OpenAI"}
    assert not marker.exists()  # jedi reads the source, never imports it
    assert [f.code for f in check(root, "app/main.py", index)] == []  # before: unknown names
    assert index.set_aliases(path, aliases) is True
    assert sorted(f.code for f in check(root, "app/main.py", index)) == ["LLM001", "RES001"]
    assert resolver.settle_imports(path, text, index.first_party, budget=0) == {}  # budget spent: nothing


# ----- first-party classes: clients kept in instance attributes -------------------------------------------
API = """\
import requests
from requests.adapters import HTTPAdapter


class Api:
    def __init__(self, base):
        self.base = base
        self.session = requests.Session()
        self.mounted = requests.Session()
        self.mounted.mount("https://", TimeoutAdapter())
        if base:
            self.maybe = requests.Session()
        self.swapped = requests.Session()

    def reset(self):
        self.swapped = None

    def get(self, path):
        return self.session.get(self.base + path)


class TimeoutAdapter(HTTPAdapter):
    pass
"""

API_USES = """\
from app import Api
from app.api import Api as Client
from app.instances import api


def load():
    Api("x").session.get("u")
    Client("x").session.post("u")
    api.session.get("u")
    api.mounted.get("u")
    api.maybe.get("u")
    api.swapped.get("u")


class Sub(Api):
    def load(self):
        return self.session.get("u")


class Own(Api):
    def __init__(self, session):
        self.session = session

    def load(self):
        return self.session.get("u")


class Deeper(Sub):
    def load(self):
        return self.session.delete("u")
"""


@pytest.fixture
def classes(tmp_path: Path) -> Path:
    return write(tmp_path / "cls", {
        "app/__init__.py": "from .api import Api\n",
        "app/api.py": API,
        "app/instances.py": "from .api import Api\n\napi = Api('https://x')\n",
        "app/uses.py": API_USES,
    })


def test_instance_attribute_of_a_first_party_class_resolves_across_modules(classes: Path, cache: Path) -> None:
    index = WorkspaceIndex.build(classes, cache_dir=cache)
    findings = [f for f in check(classes, "app/uses.py", index) if f.code == "RES001"]
    # Api("x").session, Client("x").session, api.session, Sub's and Deeper's self.session;
    # not the mounted / conditional / reassigned attributes, nor Own's parameter.
    assert codes(findings) == [("RES001", 6), ("RES001", 7), ("RES001", 8), ("RES001", 16), ("RES001", 29)]
    for finding in findings:
        (related,) = finding.related
        assert related.path == str((classes / "app/api.py").resolve())
        assert related.span.line == 7  # self.session = requests.Session()
        assert "app.api.Api().session" in related.message
    assert [f.code for f in check(classes, "app/uses.py", None) if f.code == "RES001"] == []


def test_class_summary_keeps_only_unconditional_single_init_assignments() -> None:
    summary = summarize(API, "app.api", roots="app")
    api = summary["classes"]["Api"]
    assert sorted(api["attrs"]) == ["session"]
    assert api["own"] == ["base", "maybe", "mounted", "session", "swapped"]
    assert "TimeoutAdapter" not in summary["classes"]  # no client attribute, no first-party base
