"""SEC006 hardcoded-secret."""
from __future__ import annotations

import ast
import math
import re
from collections import Counter
from typing import TYPE_CHECKING

from ..model import Finding, Fix, Rule, Severity
from ..names import words

if TYPE_CHECKING:
    from ..fixes.document import FixDocument

_SECRET_LAST_WORDS = frozenset({"password", "passwd", "pwd", "secret", "token", "credentials", "apikey", "passphrase"})
#: `<word>_key` fires only with one of these first words (a plain `key`/`cache_key` does not).
_KEY_QUALIFIERS = frozenset({"api", "secret", "private", "access", "signing", "encryption", "master", "auth", "client"})

#: Known credential formats, anywhere in a string literal: (regex, description)
_FORMATS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"), "an AWS access key id"),
    (re.compile(r"\bsk-(?:proj-|ant-|live-)?[A-Za-z0-9_\-]{20,}"), "an `sk-` API key"),
    (re.compile(r"\b(?:ghp|gho|ghs|ghu|ghr)_[A-Za-z0-9]{36}\b|\bgithub_pat_[A-Za-z0-9_]{40,}"), "a GitHub token"),
    (re.compile(r"\bxox[bpas]-[A-Za-z0-9-]{10,}"), "a Slack token"),
    (re.compile(r"-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----"), "a private key"),
)
_FORMAT_HINTS = ("AKIA", "ASIA", "sk-", "gh", "github_pat_", "xox", "PRIVATE KEY")

_PLACEHOLDER = re.compile(
    r"^(?:changeme|change[-_ ]?me|xxx+|x+|\*{3,}|\.{3}|…|your[-_ ].*|<.*>|\$\{.*\}|\{\{.*\}\}|%\(.*\)s|todo|fixme|none|null|"
    r"secret|password|token)$",
    re.IGNORECASE,
)
_PLACEHOLDER_WORDS = ("example", "dummy", "placeholder", "sample", "redacted", "your_", "your-", "changeme", "xxxx")
_LABEL_WORDS = frozenset({"password", "passwd", "pwd", "secret", "token", "key", "credentials", "credential",
                          "apikey", "auth", "passphrase"})
#: Dict keys and subscripts are names only when they look like identifiers or header names.
_KEY_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*$")
_SNAKE_NAME = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$")
_REGEX = re.compile(r"\\[wdsWDSbB]|\[\^")
_ENV_NAME = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")
#: Lower-case words joined by `-`, `_` or `.`: a label or an ordinary word ("upgrades", "failed-to-connect-to-db").
_LOWER_WORDS = re.compile(r"^[a-z]+(?:[-_.][a-z]+)*$")
#: Rate-limit specifications ("5/m/user", "20/m/ip,5/m/key", "10/m/ip,5/300s/key", "100/hour").
_RATE_PART = r"\d+/\d*[A-Za-z]+(?:/[A-Za-z_]+)*"
_RATE_SPEC = re.compile(rf"^{_RATE_PART}(?:\s*[,;]\s*{_RATE_PART})*$")
#: Shannon entropy (bits per character) from which a letters-only value counts as random.
_MIN_ENTROPY = 3.0
#: Keys that are public by design: they ship in browsers and apps and can only send events or
#: start a payment, never read data (PostHog project API keys, Stripe publishable keys).
_PUBLIC_KEY_VALUE = re.compile(r"^(?:phc_|pk_(?:live|test)_)[A-Za-z0-9]{16,}$")
#: Product-analytics services whose project token / write key is a public ingestion key: a name
#: with one of these words whose last word is `token` or `key` (`mixpanel_project_token`,
#: `segment_write_key`); `mixpanel_api_secret` still fires.
_ANALYTICS_WORDS = frozenset({"mixpanel", "posthog", "segment", "amplitude", "rudderstack", "heap", "plausible"})
#: Words that say a key is the public half (`STRIPE_PUBLISHABLE_KEY`, `vapid_public_key`).
_PUBLIC_WORDS = frozenset({"public", "publishable"})


def secret_name(name: str) -> bool:
    """True when an identifier names a secret (RULES.md SEC006 decision)."""
    if name.lower() == "client_secret":
        return True
    w = words(name)
    if not w:
        return False
    last = w[-1]
    if last in _SECRET_LAST_WORDS:
        return True
    return last == "key" and len(w) >= 2 and w[-2] in _KEY_QUALIFIERS


def public_key_name(name: str) -> bool:
    """A name for a key that is public by design (an analytics ingestion token, a publishable key)."""
    w = words(name)
    if not w or w[-1] not in ("token", "key", "apikey"):
        return False
    return bool(_PUBLIC_WORDS.intersection(w)) or bool(_ANALYTICS_WORDS.intersection(w))


def looks_like_secret_value(value: str) -> bool:
    """A literal that could be a real credential (not empty, short, a URL, a path, prose or a placeholder)."""
    v = value.strip()
    if len(v) < 8:
        return False
    if v.startswith("django-insecure-"):
        return True
    if _escaped_binary(v):
        return True
    if "://" in v or v.startswith(("/", "./", "../", "~/")) or re.match(r"^[A-Za-z]:\\", v):
        return False
    if any(c.isspace() for c in v):
        return False  # prose: messages, labels, headers with values
    if _PLACEHOLDER.match(v):
        return False
    low = v.lower()
    if any(p in low for p in _PLACEHOLDER_WORDS):
        return False
    if _SNAKE_NAME.match(v) or _REGEX.search(v):
        return False  # an identifier ("next_marker") or a regular expression
    if _ENV_NAME.match(v):
        return False  # the *name* of an environment variable
    if len(set(v)) <= 2:
        return False  # "********", "aaaaaaaa"
    if any(w in _LABEL_WORDS for w in words(v)):
        return False  # a field name or header: "aws_secret_access_key", "AWSAccessKeyId"
    if known_format(v):
        return True
    return _credential_like(v)


def _escaped_binary(v: str) -> bool:
    """Random bytes written with escapes, judged after escape processing: control or non-ASCII
    characters, no space, many distinct characters (Flask's `secret_key = b'_5#y2L"F4Q8z\\n\\xec]/'`)."""
    return " " not in v and any(ord(c) < 32 or ord(c) > 126 for c in v) and len(set(v)) >= 8


def _credential_like(v: str) -> bool:
    """Something secret-like rather than a word or a spec: letters mixed with digits, or random enough."""
    if _LOWER_WORDS.match(v) or _RATE_SPEC.match(v):
        return False  # "upgrades", "failed-to-connect-to-db", "5/m/user"
    if any(c.isdigit() for c in v) and any(c.isalpha() for c in v):
        return True
    return _entropy(v) >= _MIN_ENTROPY


def _entropy(v: str) -> float:
    n = len(v)
    return -sum(c / n * math.log2(c / n) for c in Counter(v).values())


def known_format(value: str) -> str | None:
    if not any(h in value for h in _FORMAT_HINTS):
        return None
    low = value.lower()
    if "example" in low or "dummy" in low or "placeholder" in low:
        return None
    for pattern, what in _FORMATS:
        if pattern.search(value):
            return what
    return None


class HardcodedSecret(Rule):
    code = "SEC006"
    name = "hardcoded-secret"
    message = (
        "{what} is hard-coded: anyone who can read the code, its history or the built artifact has "
        "the credential, and rotating it needs a deploy"
    )
    severity = Severity.ERROR
    refs = ("H10",)
    owasp = ("A07", "LLM06")
    cwe = ("CWE-798",)
    fix_applicability = "unsafe"
    fix_title = "Read the value from `os.environ`"

    docs = """
## What it does
Checks for credentials written in the code: string literals assigned to, passed as, or used
as the dict key of a name whose last word is password, passwd, pwd, secret, token,
credentials, or `key` in `api_key`/`secret_key`/`private_key`/`access_key` (`client_secret`
too; `TOKEN_URL` is not a secret name), and literals in known key formats anywhere (AWS
`AKIA…`, `sk-…` LLM keys, GitHub `ghp_…`, Slack `xox[bp]-…`, PEM private keys). Values that
are empty, shorter than 8 characters, URLs, paths, prose, identifiers or field names
(`next_marker`, `aws_secret_access_key`), regular expressions, environment-variable names,
lower-case words and labels (`upgrades`, `failed-to-connect-to-db`), rate-limit specs (`5/m/user`),
values with no digit that are not random-looking (Shannon entropy below 3 bits per character), or
placeholders (`changeme`, `xxx…`, `your-…`, `<…>`, `${…}`, `{{…}}`, `***`, anything containing
example/dummy/placeholder) are ignored, and so are docstrings; Django's `django-insecure-…` keys are not.
Keys that are public by design are not secrets: PostHog project API keys (`phc_…`), Stripe
publishable keys (`pk_live_…`/`pk_test_…`), and a token or key named after a product-analytics
service (`mixpanel_project_token`, `segment_write_key`: Mixpanel, PostHog, Segment, Amplitude,
RudderStack, Heap, Plausible) or called public/publishable. Such keys ship in every browser and
app build and can only send events; `mixpanel_api_secret` still fires. A Sentry DSN is a URL.
Test files are excluded by the default configuration (`per-file-ignores`).
Bytes literals count too, and every value is judged after escape processing: Flask's
documented `app.secret_key = b'_5#y2L"F4Q8z\\n\\xec]/'` and `app.config["SECRET_KEY"] = ...` fire.

## Why is this bad?
Code is copied, forked, logged, shipped in images and kept in git history forever: a secret in
it is readable by far more people than should hold it, and rotating it means a code change
and a deploy (guide: H10; OWASP A07 identification and authentication failures, LLM06;
CWE-798). Leaked LLM and cloud keys are abused within minutes of a public push.

## Example
```python
import openai

client = openai.OpenAI(api_key="sk-proj-4f9Qw2LmZx8Tr1Vb7Nc3Kd5Hj6Gf0Ps", timeout=30)
DATABASE_PASSWORD = "s3cr3t-Pr0d-2024"
```

## Use instead
```python
import os

import openai

client = openai.OpenAI(api_key=os.environ["OPENAI_API_KEY"], timeout=30)
DATABASE_PASSWORD = os.environ["DATABASE_PASSWORD"]
```

## Fix safety
The fix replaces the literal with `os.environ["<NAME>"]` (the name it is assigned or passed
to, upper-cased: `apiKey` → `API_KEY`; adding `import os`). It is **unsafe**: the program now
fails with `KeyError` until the variable is set (at import time for module constants and
default arguments), and the leaked value must still be rotated. A key embedded in prose
(`"use ghp_… for CI"`) has no automatic fix.

## References
- [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
- [OWASP Secrets Management Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html)
- Guide: H10; OWASP A07, LLM06
"""

    valid = (
        "import os\nAPI_KEY = os.environ['API_KEY']\n",
        "password = ''\n",
        "PASSWORD = 'changeme'\n",
        "TOKEN_URL = 'https://auth.example.com/oauth/token'\n",
        "api_key = '<your-api-key>'\n",
        "def f(db):\n    db.connect(password=os.getenv('DB_PASSWORD'))\n",
        "cache_key = 'users:list:v2:all'\n",
        "INVALID_TOKEN = 'The token is invalid or expired'\n",
        "secret_key = '${SECRET_KEY}'\n",
        "SECRET_KEY = 'aws_secret_access_key'\n",
        "TYPES = {'AWS::IAM::AccessKey': 'ff2b807a577495b0'}\n",
        "PAGING = {'input_token': 'next_marker'}\n",
        "def f():\n    \"\"\"Loads a key: -----BEGIN RSA PRIVATE KEY-----\"\"\"\n",
        "def f(upgrade_token='upgrades'):\n    ...\n",
        "LIMITS = {'change_password': '5/m/user'}\n",
        "app.secret_key = b'\\n'\n",
        "SEPARATOR_KEY = '\\n\\t'\n",
        # Public ingestion keys (aider-chat, open-interpreter): shipped in clients, write-only.
        "mixpanel_project_token = '6da9a43058a5d1b9f3353153921fb04d'\n",
        "posthog_project_api_key = 'phc_99T7muzafUMMZX15H8XePbMSreEUzahHbtWjy3l5Qbv'\n",
        "data = {'api_key': 'phc_6cmXy4MEbLfNGezqGjuUTY8abLu0sAwtGzZFpQW97lc', 'event': 'start'}\n",
        "STRIPE_PUBLISHABLE_API_KEY = 'pk_live_51HqLyjWDarjtT1zdp7dcXnH2'\n",
    )
    invalid = (
        "DATABASE_PASSWORD = 's3cr3t-Pr0d-2024'\n",
        "from flask import Flask\napp = Flask(__name__)\napp.secret_key = b'_5#y2L\"F4Q8z\\n\\xec]/'\n",
        "app.config['SECRET_KEY'] = 's3cr3t-Value-9f8a7b6c'\n",
        "import openai\nclient = openai.OpenAI(api_key='sk-proj-4f9Qw2LmZx8Tr1Vb7Nc3Kd5Hj6Gf0Ps')\n",
        "config = {'client_secret': 'a8f5f167f44f4964e6c998dee827110c'}\n",
        "class Settings:\n    def __init__(self):\n        self.authToken = 'Zm9vYmFyYmF6cXV4MTIz'\n",
        "SECRET_KEY = 'django-insecure-9a#k2!x@7v$u3m&p'\n",
        "AWS = 'AKIAQ2RZ7L5X9M3N4P6T'\n",
        "def connect(user, password='hunter2hunter2'):\n    ...\n",
        "token: str = 'ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789'\n",
        "MIXPANEL_API_SECRET = '8f1c2d3e4b5a69788f1c2d3e4b5a6978'\n",
        "STRIPE_SECRET_KEY = 'rk_live_51HqLyjWDarjtT1zdp7dcXnH2'\n",
    )

    @classmethod
    def make_fix(cls, finding: Finding, doc: "FixDocument") -> Fix | None:
        import libcst as cst

        from ..fixes.transforms import replace_code

        node = doc.node_at(finding.span, (cst.SimpleString, cst.ConcatenatedString))
        if node is None:
            return None
        value = node.evaluated_value
        if not isinstance(value, str) or (" " in value.strip() and not value.lstrip().startswith("-----BEGIN")):
            return None  # a token inside prose ("use ghp_… for CI"): the text around it would be lost
        name = _name_for_fix(finding.data.get("what", ""), doc, node)
        env = "_".join(w.upper() for w in words(name)) if name else ""
        if not re.fullmatch(r"[A-Z][A-Z0-9_]*", env):
            return None
        return doc.replace(
            node, lambda os_: replace_code(node, f'{os_}.environ["{env}"]'),
            f'Read the value from `os.environ["{env}"]`', "unsafe", [("os", None)],
        )

    # ----- names ----------------------------------------------------------------------
    def _check(self, name: str | None, value: ast.AST | None) -> None:
        if name is None or value is None:
            return
        if not (isinstance(value, ast.Constant) and isinstance(value.value, (str, bytes))):
            return
        if id(value) in self.ctx.memo("SEC006_done", set) or not secret_name(name) or public_key_name(name):
            return
        # bytes are judged like text, byte for byte (latin-1 keeps every byte as one character)
        text = value.value.decode("latin-1") if isinstance(value.value, bytes) else value.value
        if not looks_like_secret_value(text) or _PUBLIC_KEY_VALUE.match(text.strip()):
            return
        self.ctx.memo("SEC006_done", set).add(id(value))
        self.report(value, what=f"The value of `{name}`")

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self._target(target, node.value)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self._target(node.target, node.value)

    def _target(self, target: ast.AST, value: ast.AST) -> None:
        if isinstance(target, ast.Name):
            self._check(target.id, value)
        elif isinstance(target, ast.Attribute):
            self._check(target.attr, value)
        elif isinstance(target, ast.Subscript):
            key = target.slice
            if isinstance(key, ast.Constant) and isinstance(key.value, str) and _KEY_NAME.match(key.value):
                self._check(key.value, value)
        elif isinstance(target, (ast.Tuple, ast.List)) and isinstance(value, (ast.Tuple, ast.List)):
            if len(target.elts) == len(value.elts):
                for t, v in zip(target.elts, value.elts):
                    self._target(t, v)

    def visit_keyword(self, node: ast.keyword) -> None:
        self._check(node.arg, node.value)

    def visit_Dict(self, node: ast.Dict) -> None:
        for k, v in zip(node.keys, node.values):
            if isinstance(k, ast.Constant) and isinstance(k.value, str) and _KEY_NAME.match(k.value):
                self._check(k.value, v)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        args = node.args
        positional = [*args.posonlyargs, *args.args]
        for a, d in zip(positional[len(positional) - len(args.defaults):], args.defaults):
            self._check(a.arg, d)
        for a, d in zip(args.kwonlyargs, args.kw_defaults):
            self._check(a.arg, d)

    visit_AsyncFunctionDef = visit_FunctionDef

    # ----- known formats ------------------------------------------------------------------
    def visit_Constant(self, node: ast.Constant) -> None:
        value = node.value
        if not isinstance(value, str) or len(value) < 16 or id(node) in self.ctx.memo("SEC006_done", set):
            return
        if isinstance(self.ctx.parent, ast.Expr):
            return  # a docstring or bare string: documentation, not a value in use
        what = known_format(value)
        if what is None:
            return
        self.ctx.memo("SEC006_done", set).add(id(node))
        self.report(node, what=what[0].upper() + what[1:])


def _name_for_fix(what: str, doc: "FixDocument", node: object) -> str | None:
    """The name the secret is bound to: from the finding (`The value of `name``), else from
    where the literal sits (keyword, single assignment target, string dict key)."""
    import libcst as cst

    m = re.fullmatch(r"The value of `(.+)`", what)
    if m:
        return m.group(1)
    parent = doc.parent(node)  # type: ignore[arg-type]
    if isinstance(parent, cst.Arg) and parent.keyword is not None:
        return parent.keyword.value
    if isinstance(parent, cst.DictElement) and isinstance(parent.key, cst.SimpleString):
        key = parent.key.evaluated_value
        return key if isinstance(key, str) and _KEY_NAME.match(key) else None
    if isinstance(parent, cst.Assign) and len(parent.targets) == 1:
        target = parent.targets[0].target
    elif isinstance(parent, cst.AnnAssign):
        target = parent.target
    else:
        return None
    if isinstance(target, cst.Name):
        return target.value
    if isinstance(target, cst.Attribute):
        return target.attr.value
    return None
