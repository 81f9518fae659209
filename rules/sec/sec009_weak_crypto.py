"""SEC009 weak-crypto."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ..context import keyword
from ..flow import constant_string
from ..model import Confidence, Finding, Fix, Rule, Severity
from ..names import Binding
from ..names import words

if TYPE_CHECKING:
    from ..fixes.document import FixDocument

_WEAK_HASHES = frozenset({"hashlib.md5", "hashlib.sha1", "_hashlib.openssl_md5", "_hashlib.openssl_sha1"})
_HASH_NEW = frozenset({"hashlib.new"})
_WEAK_NAMES = frozenset({"md5", "sha1", "sha-1", "md4", "md2"})
_RANDOM_FUNCS = ("choice", "choices", "sample", "randint", "randrange", "random", "getrandbits", "randbytes",
                 "uniform", "shuffle")
_RANDOM = frozenset(
    [f"random.{f}" for f in _RANDOM_FUNCS] + [f"random.Random().{f}" for f in _RANDOM_FUNCS]
)
#: `random` functions with a direct `secrets` equivalent (randrange/randbytes: one positional argument).
_SECRETS = {"choice": "choice", "getrandbits": "randbits", "randrange": "randbelow", "randbytes": "token_bytes"}
#: Words that make a name a secret (RULES.md decision).
SECRET_WORDS = frozenset({"token", "password", "passwd", "secret", "nonce", "key", "salt", "otp", "session", "csrf"})
#: `<word>_key` is no credential after these words: cache, sort and lookup keys (`restock_cache_key`).
_NON_CREDENTIAL_KEYS = frozenset({"cache", "sort", "lookup", "dict", "map", "partition", "shard", "row", "primary",
                                  "foreign", "widget", "group", "index", "order", "dedup", "idempotency", "bucket",
                                  "memo", "registry", "state", "element", "unique", "hash", "storage", "redis"})
#: Words that make a `session` name a session secret; `get_session` alone may return any session object.
_SESSION_SECRET = frozenset({"id", "sid", "key", "token", "cookie", "secret", "nonce"})
#: Calls whose `key=` is a crypto key (`hmac.new(key=...)`, `jwt.encode(..., key=...)`); elsewhere `key=`
#: names a UI widget, a cache entry or a sort order (RULES.md "From application code").
_CRYPTO_ROOTS = ("hmac.", "jwt.", "cryptography.", "Crypto.", "Cryptodome.", "nacl.", "itsdangerous.", "hashlib.",
                 "jose.", "authlib.", "secrets.", "ssl.", "paramiko.")
#: Constants of protocols defined on SHA-1/MD5: a digest next to one is mandated, not a security choice.
_PROTOCOL_MARKERS = (
    "258EAFA5-E914-47DA-95CA-C5AB0DC85B11",  # RFC 6455 Sec-WebSocket-Accept GUID
    "api.pwnedpasswords.com/range",  # Have I Been Pwned k-anonymity range API (SHA-1 prefix)
)
#: Builtins whose second argument is an attribute name: a value used there is an identifier, not a secret.
_ATTR_NAME_FUNCS = frozenset({"builtins.setattr", "builtins.getattr", "builtins.hasattr", "builtins.delattr"})
#: Expression nodes a random value flows through on its way to a name.
_PASS_THROUGH = (
    ast.Call, ast.BinOp, ast.JoinedStr, ast.FormattedValue, ast.GeneratorExp, ast.ListComp, ast.SetComp,
    ast.comprehension, ast.Subscript, ast.Tuple, ast.List, ast.Starred, ast.IfExp, ast.UnaryOp,
)


class WeakCrypto(Rule):
    code = "SEC009"
    name = "weak-crypto"
    message = "`{callee}` {problem}: {consequence}"
    severity = Severity.WARNING
    refs = ("H10",)
    owasp = ("A02",)
    cwe = ("CWE-327", "CWE-338")
    fix_applicability = "unsafe"
    fix_title = "Use `secrets` / pass `usedforsecurity=False`"
    callees = frozenset({*_WEAK_HASHES, *_HASH_NEW, *_RANDOM})

    docs = """
## What it does
Checks for broken hashes and predictable randomness used where security depends on them:
`hashlib.md5`/`hashlib.sha1` (and `hashlib.new("md5")`) without `usedforsecurity=False` (and
always when the call says `usedforsecurity=True`: it declares a security use, and it gets no fix),
and `random.*` output that becomes a token, password, secret, nonce, key, salt, OTP, session
or CSRF value (assigned to, returned from, or passed as a keyword/dict key whose name has one
of those words).

A weak hash stays silent where the code shows it is an identifier, not a protection: a
truncated `hexdigest()[:n]` (a name suffix; still reported when stored under a secret-like name),
or a digest in a function holding the constant of a protocol defined on it (the RFC 6455
WebSocket GUID, the Have I Been Pwned range API). A random value used as an attribute name
(`setattr(obj, token, ...)`) is not a secret, nor is a `key=` keyword of a call that is no crypto or
security API (`st.button(..., key=random.random())`: a widget key; cache and sort keys), nor a
`<word>_key` whose first word says what kind of key it is (`restock_cache_key`, `sort_key`,
`partition_key`, `row_key`).

## Why is this bad?
MD5 and SHA-1 collisions can be computed cheaply, so signatures, integrity checks and
password hashes built on them can be forged. `random` is a Mersenne Twister: after 624
outputs an observer can predict every future value, so reset tokens and session ids made
with it can be guessed (guide: H10; OWASP A02 cryptographic failures; CWE-327, CWE-338).
`usedforsecurity=False` documents a non-security use (cache keys, ETags) and keeps working on
FIPS systems.

## Example
```python
import hashlib
import random
import string

def reset_token():
    return "".join(random.choices(string.ascii_letters, k=32))

def fingerprint(data):
    return hashlib.md5(data).hexdigest()
```

## Use instead
```python
import hashlib
import secrets

def reset_token():
    return secrets.token_urlsafe(32)

def fingerprint(data):
    return hashlib.md5(data, usedforsecurity=False).hexdigest()
```

## Fix safety
The fix adds `usedforsecurity=False` to a weak hash, or rewrites a `random` call that has a
direct `secrets` equivalent: `choice` → `secrets.choice`, `getrandbits` → `secrets.randbits`,
one-argument `randrange(n)` → `secrets.randbelow(n)`, `randbytes(n)` → `secrets.token_bytes(n)`.
It is **unsafe**: only the author knows whether the hash protects anything, and `secrets` has
no `seed()`, so tests relying on a seeded sequence change. `choices`, `sample`, `randint`,
`random()`, `uniform`, `shuffle` and `random.Random()` instances have no automatic fix: use
`secrets.token_urlsafe()` / `secrets.token_hex()` or `secrets.SystemRandom()`.

## References
- [secrets: generate secure random numbers](https://docs.python.org/3/library/secrets.html)
- [hashlib usedforsecurity](https://docs.python.org/3/library/hashlib.html#hashlib.new)
- [CWE-338: Use of Cryptographically Weak PRNG](https://cwe.mitre.org/data/definitions/338.html)
- Guide: H10; OWASP A02
"""

    review_tier = """
- `md5`/`sha1` (or `hashlib.new("md5")`) of unknown use: the digest does not reach a security name
  (password, token, secret, signature, auth, session, csrf, nonce, salt, otp, a credential `*_key`)
  or API (`hmac.compare_digest`, `hmac.new`, `set_cookie`): change detection, cache keys, fingerprints
  (bandit B324's meaning, kept opt-in).
- A value whose only security word is a bare `session` (`def get_session(): return "ephemeral_" +
  str(random.randint(...))`): such a name holds a session object or a telemetry id as often as a
  session secret. `session_id`, `session_key`, `session_token` stay in the default tier. Likewise
  a name that starts with a bare `key` (`key = md5(json.dumps(args)).hexdigest()`: a cache file
  name); `api_key`, `mask_key`, `signing_key` stay in the default tier.
"""

    review_examples = (
        "import hashlib\nhashlib.md5(data)\n",
        "import hashlib\ndef fingerprint(pdf):\n    return hashlib.md5(pdf).hexdigest()\n",
        "import hashlib\nquery_hash = hashlib.md5(query.encode()).hexdigest()\n",
        # gpt-engineer: a random telemetry user id returned from `get_session`.
        "import random\ndef get_session():\n    return 'ephemeral_' + str(random.randint(0, 2**32))\n",
        # shell-gpt sgpt/cache.py: md5 of the call arguments as a cache file name.
        "import hashlib, json\ndef cached(args):\n    key = hashlib.md5(json.dumps(args).encode()).hexdigest()\n    return key\n",
    )

    valid = (
        "import hashlib\nhashlib.md5(data, usedforsecurity=False)\n",
        "import hashlib\nhashlib.sha256(data)\n",
        "import hashlib\nhashlib.new('sha256', data)\n",
        "import secrets\ntoken = secrets.token_hex(16)\n",
        "import random\ndelay = random.uniform(0, 1)\n",
        "import random\ndef pick(servers):\n    server = random.choice(servers)\n    return server\n",
        "import random\ndef jitter():\n    return random.random()\n",
        "class H:\n    def md5(self, d): ...\nH().md5(b'x')\n",
        # A widget key (aider-chat gui.py) and a cache key (changedetection.io llm_restock.py).
        "import random\nclass Gui:\n    def show(self):\n        self.button('Create', key=random.random())\n",
        "import hashlib\ndef restock_cache_key(model, prompt):\n    return hashlib.md5((model + prompt).encode()).hexdigest()\n",
    )
    invalid = (
        "import hashlib\npassword_hash = hashlib.md5(data).hexdigest()\n",
        "import hashlib, hmac\ndef ok(body, sig):\n    return hmac.compare_digest(hashlib.sha1(body).hexdigest(), sig)\n",
        "import hashlib\nhashlib.md5(data, usedforsecurity=True).hexdigest()[:8]\n",
        "import hashlib\nhashlib.new('sha1', data, usedforsecurity=True)\n",
        "from hashlib import sha1 as digest\ntoken = digest(b'x').hexdigest()\n",
        "import hashlib\nauth_token = hashlib.new('MD5', data)\n",
        "import random\ntoken = random.getrandbits(128)\n",
        "import random, string\ndef reset_token():\n    return ''.join(random.choices(string.ascii_letters, k=32))\n",
        "import random as rnd\ndef f(user):\n    user.save(otp=rnd.randint(100000, 999999))\n",
        "import random\nclass A:\n    def __init__(self):\n        self.csrf_secret = str(random.random())\n",
        "import random\nrng = random.Random()\npayload = {'nonce': rng.randint(0, 2**32)}\n",
        "import random\nsession_id = str(random.getrandbits(64))\n",
        "import hmac, random\nmac = hmac.new(key=bytes(random.choices(range(256), k=32)), digestmod='sha256')\n",
        "import random\nmask_key = random.choices(range(256), k=4)\n",
    )

    @classmethod
    def make_fix(cls, finding: Finding, doc: "FixDocument") -> Fix | None:
        from ..fixes.transforms import call_fix, keyword_fix, replace_code

        callee = finding.data.get("callee", "")
        if finding.data.get("declared"):
            return None  # declared for security: switching it to False would hide the problem
        if not callee.startswith("random."):
            return keyword_fix(finding, doc, "usedforsecurity", "False", "unsafe", "Add `usedforsecurity=False`")
        call = doc.call_at(finding.span)
        if call is None:
            return None
        fn = callee[len("random."):]  # `Random.randint` for a `random.Random()` instance: no fix
        one_positional = len(call.args) == 1 and call.args[0].keyword is None and not call.args[0].star
        target = _SECRETS.get(fn)
        if fn in ("randrange", "randbytes") and not one_positional:
            target = None  # randrange(a, b[, step]) has no direct `secrets` equivalent
        if target is None:
            return None
        return call_fix(
            finding, doc, lambda c, secrets: c.with_changes(func=replace_code(c.func, f"{secrets}.{target}")),
            f"Use `secrets.{target}`", "unsafe", [("secrets", None)],
        )

    def check_call(self, call: ast.Call, callee: Binding) -> None:
        name = callee.qualname
        assert name is not None
        if name in _RANDOM:
            target = self._secret_target(call)
            if target is not None:
                shown = name.replace("random.Random().", "random.Random.")
                # A bare `session` name (`get_session`) is the review tier: often an object or a telemetry id.
                weak = _secret_strength(target) == "weak"
                self.report(call, confidence=Confidence.MEDIUM if weak else None, callee=shown, problem=f"makes `{target}` from a predictable generator",
                            consequence="an attacker who sees a few outputs can predict the next values; use `secrets`")
            return
        declared = keyword(call, "usedforsecurity")
        if declared is not None and _is_true(declared.value):
            self._report_hash(call, name, declared)  # the code says it protects something
            return
        if declared is not None or any(k.arg is None for k in call.keywords):
            return
        if self._truncated_hexdigest(call) or self._protocol_digest():
            return
        # Default tier only for a digest that lands in a security name or API; md5/sha1 of unknown
        # use (fingerprints, cache keys, change detection) is the review tier (RULES.md).
        target = self._hash_target(call)
        self._report_hash(call, name, review=target is None or _secret_strength(target) == "weak")

    def _report_hash(self, call: ast.Call, name: str, declared: ast.keyword | None = None,
                     review: bool = False) -> None:
        if name in _HASH_NEW:
            algo = call.args[0] if call.args else (keyword(call, "name").value if keyword(call, "name") else None)
            value = constant_string(self.ctx, algo) if algo is not None else None
            if value is None or value.lower() not in _WEAK_NAMES:
                return
            shown = f'hashlib.new("{value}")'
        else:
            shown = "hashlib." + name.rsplit("_", 1)[-1] if name.startswith("_") else name
        if declared is not None:
            self.report(call.func, callee=shown, problem="is declared `usedforsecurity=True` but is a broken hash",
                        consequence="collisions can be forged; use SHA-256 or stronger (or `hmac` with it)",
                        declared=True)
            return
        self.report(call.func, confidence=Confidence.MEDIUM if review else None,
                    callee=shown, problem="is a broken hash for security use",
                    consequence="collisions can be forged; pass `usedforsecurity=False` when it protects nothing")

    def _truncated_hexdigest(self, call: ast.Call) -> bool:
        """`md5(x).hexdigest()[:8]`: a short text id (a name suffix), unless it lands in a secret-named target."""
        parents = self.ctx.parents
        if len(parents) < 3:
            return False
        attr, outer, sub = parents[-1], parents[-2], parents[-3]
        if not (isinstance(attr, ast.Attribute) and attr.value is call and attr.attr == "hexdigest"
                and isinstance(outer, ast.Call) and outer.func is attr
                and isinstance(sub, ast.Subscript) and sub.value is outer and isinstance(sub.slice, ast.Slice)):
            return False
        assign = parents[-4] if len(parents) >= 4 else None
        if isinstance(assign, (ast.Assign, ast.AnnAssign)):
            targets = assign.targets if isinstance(assign, ast.Assign) else [assign.target]
            return not any((name := _target_name(t)) is not None and _secret(name) for t in targets)
        return True

    def _protocol_digest(self) -> bool:
        """The enclosing function names a protocol that mandates this digest (its constant is in the code)."""
        fn = self.ctx.function
        if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return False
        for node in ast.walk(fn):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                text = constant_string(self.ctx, node, fn) or ""
            else:
                continue
            if any(marker in text for marker in _PROTOCOL_MARKERS):
                return True
        return False

    def _hash_target(self, call: ast.Call) -> str | None:
        """The security name or API a digest reaches: `token = md5(x).hexdigest()`,
        `hmac.compare_digest(md5(x).digest(), sig)`, `def make_signature(): return sha1(...)`."""
        parents = self.ctx.parents
        skip = 0
        if len(parents) >= 2 and isinstance(parents[-1], ast.Attribute) and parents[-1].value is call \
                and parents[-1].attr in ("hexdigest", "digest") and isinstance(parents[-2], ast.Call) \
                and parents[-2].func is parents[-1]:
            skip = 2
        start = parents[-2] if skip else call
        outer = parents[-1 - skip] if len(parents) > skip else None
        if isinstance(outer, ast.Call) and start is not outer.func:
            qual = self.ctx.qualname(outer.func) or ""
            if qual in ("hmac.compare_digest", "secrets.compare_digest", "hmac.new") or "set_cookie" in qual:
                return qual
        return self._secret_target(start, skip)

    def _secret_target(self, call: ast.AST, skip: int = 0) -> str | None:
        """The secret-looking name the random value ends up in (None: not a secret)."""
        child: ast.AST = call
        parents = self.ctx.parents[:len(self.ctx.parents) - skip]
        for parent in reversed(parents):
            if isinstance(parent, ast.keyword):
                if parent.arg == "key":
                    crypto = self._crypto_call(parents, parent)
                    # st.button(key=random.random()): a widget key; hmac.new(key=...): a crypto key
                    return f"{crypto}(key=...)" if crypto else None
                return parent.arg if parent.arg and _secret(parent.arg) else None
            if isinstance(parent, ast.Dict):
                for k, v in zip(parent.keys, parent.values):
                    if v is child and isinstance(k, ast.Constant) and isinstance(k.value, str):
                        return k.value if _secret(k.value) else None
                return None
            if isinstance(parent, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
                for t in targets:
                    name = _target_name(t)
                    if name is not None and _secret(name):
                        if isinstance(t, ast.Name) and self._used_as_attribute_name(t.id):
                            return None
                        return name
                return None
            if isinstance(parent, ast.Return):
                fn = self.ctx.function
                if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)) and _secret(fn.name):
                    return fn.name
                return None
            if isinstance(parent, ast.Call) and child is parent.func:
                return None  # random.choice(x).method(): not the random value itself
            if not isinstance(parent, _PASS_THROUGH):
                return None
            child = parent
        return None


    def _crypto_call(self, parents: list[ast.AST], kw: ast.keyword) -> str | None:
        """The crypto or security API that `kw` is a keyword of (its qualified name), or None."""
        i = parents.index(kw)
        call = parents[i - 1] if i > 0 else None
        qual = self.ctx.qualname(call.func) if isinstance(call, ast.Call) else None
        return qual if qual is not None and qual.startswith(_CRYPTO_ROOTS) else None

    def _used_as_attribute_name(self, name: str) -> bool:
        """`token = str(random...)` then `setattr(obj, token, ...)`: the value names an attribute."""
        fn = self.ctx.function
        if fn is None:
            return False
        for node in ast.walk(fn):
            if (isinstance(node, ast.Call) and len(node.args) >= 2 and isinstance(node.args[1], ast.Name)
                    and node.args[1].id == name and self.ctx.qualname(node.func) in _ATTR_NAME_FUNCS):
                return True
        return False


def _is_true(expr: ast.AST) -> bool:
    return isinstance(expr, ast.Constant) and expr.value is True


def _target_name(target: ast.AST) -> str | None:
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute):
        return target.attr
    if isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant) and isinstance(target.slice.value, str):
        return target.slice.value
    return None


def _secret(name: str) -> bool:
    return _secret_strength(name) is not None


def _secret_strength(name: str) -> str | None:
    """"strong": the name says secret; "weak": its only secret word is a bare `session`
    (`get_session`: a session object or a telemetry id as often as a session secret) or a bare
    `key`/`key_for` (a cache or dict key as often as a crypto key); None: not a secret."""
    w = words(name)
    found = set()
    for i, word in enumerate(w):
        if word not in SECRET_WORDS:
            continue
        if word == "key" and i > 0 and w[i - 1] in _NON_CREDENTIAL_KEYS:
            continue  # restock_cache_key, sort_key
        found.add(word)
    if not found:
        return None
    if found == {"session"} and not _SESSION_SECRET.intersection(w):
        return "weak"
    if found == {"key"} and w[0] == "key":
        return "weak"  # a bare `key` (`key = md5(args).hexdigest()`): a cache or dict key as often as a crypto key
    return "strong"
