"""SEC010 jwt-verification-disabled."""
from __future__ import annotations

import ast

from ..context import keyword
from ..flow import definitions
from ..model import Confidence, Rule, Severity
from ..names import Binding
from ..names import words

_DECODE = frozenset({
    "jwt.decode", "jwt.api_jwt.decode", "jwt.PyJWT().decode", "jwt.api_jwt.PyJWT().decode",
    "jwt.decode_complete", "jwt.api_jwt.decode_complete", "jwt.PyJWT().decode_complete",
})
_VERIFY_OPTIONS = ("verify_signature",)
_UNVERIFIED = "unverified"


class JwtVerificationDisabled(Rule):
    code = "SEC010"
    name = "jwt-verification-disabled"
    message = "`{callee}` {problem}: a forged or tampered token is accepted as authentic"
    severity = Severity.ERROR
    refs = ("H10",)
    owasp = ("A07",)
    cwe = ("CWE-347",)

    callees = _DECODE

    docs = """
## What it does
Checks PyJWT `jwt.decode` calls that do not verify the token: `options={"verify_signature":
False}`, the PyJWT 1.x `verify=False`, an `algorithms` list containing `"none"`, or no
`algorithms=` at all.

Disabling verification stays silent where the code labels the result as unverified: inside a
function whose name has the word `unverified` (`get_unverified_claims`), or when the claims are
assigned to such a name (`unverified_claims = jwt.decode(...)`). That is the documented way to
peek at a token (e.g. its issuer, to pick the key that verifies it next); claims used directly
still fire.

Disabling verification on an OIDC *id_token* (a token named `id_token`, `self._id_token`,
`idToken`, or read as `tokens["id_token"]`) is the review tier (below); every other token
(access tokens, bearer tokens from a request, SSO claims) stays in the default tier.

## Why is this bad?
A JWT is only as trustworthy as its signature check. With verification off, anyone can
write `{"sub": "admin"}` into a token and be believed; with `"none"` allowed an attacker
strips the signature; without an explicit algorithm list older PyJWT versions let the token
pick its own algorithm (HS256 signed with the public RSA key) (guide: H10; OWASP A07
identification and authentication failures; CWE-347). `options` and `algorithms` given as
variables are not flagged.

## Example
```python
import jwt

def current_user(token):
    claims = jwt.decode(token, options={"verify_signature": False})
    return claims["sub"]
```

## Use instead
```python
import jwt

def current_user(token, public_key):
    claims = jwt.decode(token, public_key, algorithms=["RS256"], audience="api")
    return claims["sub"]
```

## Fix safety
There is no automatic fix: the right key and algorithm list depend on how the tokens are
issued, so neither a safe nor an unsafe edit can be offered.

## References
- [PyJWT: jwt.decode](https://pyjwt.readthedocs.io/en/stable/api.html#jwt.decode)
- [CWE-347: Improper Verification of Cryptographic Signature](https://cwe.mitre.org/data/definitions/347.html)
- Guide: H10; OWASP A07
"""

    review_tier = """
- `verify_signature: False` / `verify=False` on an OIDC id_token (`id_token`, `self._id_token`,
  `tokens["id_token"]`). OpenID Connect Core 3.1.3.7 lets a client that received the ID token
  directly from the token endpoint over TLS use the TLS server validation in place of the
  signature check; an id_token that arrived any other way (the front channel, a request header)
  must be verified. Where the token came from is outside the call: a human look decides.
"""

    review_examples = (
        # litellm: id_token from the provider's token response, read for its claims.
        "import jwt\ndef roles(id_token):\n    claims = jwt.decode(id_token, options={'verify_signature': False})\n"
        "    return claims.get('roles', [])\n",
        "import jwt\nclass Sso:\n    def claims(self):\n        return jwt.decode(self._id_token, options={'verify_signature': False})\n",
        "import jwt\ndef f(token_response):\n    tok = token_response['id_token']\n"
        "    return jwt.decode(tok, options={'verify_signature': False})\n",
    )

    valid = (
        "import jwt\njwt.decode(token, key, algorithms=['RS256'])\n",
        "import jwt\njwt.decode(token, key, ['HS256'])\n",
        "import jwt\njwt.decode(token, key, algorithms=ALGS, options=opts)\n",
        "import jwt\njwt.decode(token, key, **settings)\n",
        "from jose import jwt\njwt.decode(token, key)\n",
        "class Codec:\n    def decode(self, t): ...\nCodec().decode(token)\n",
        "import jwt\njwt.decode(token, key, algorithms=['HS256'], options={'verify_signature': True})\n",
        "import jwt\ndef get_unverified_claims(t):\n    return jwt.decode(t, options={'verify_signature': False})\n",
    )
    invalid = (
        "import jwt\njwt.decode(token, options={'verify_signature': False})\n",
        "import jwt\njwt.decode(token, key, verify=False)\n",
        "import jwt\njwt.decode(token, key, algorithms=['HS256', 'none'])\n",
        "import jwt\njwt.decode(token, key)\n",
        "from jwt import decode as jwt_decode\njwt_decode(token, key)\n",
        "import jwt as pyjwt\ndef f(t):\n    return pyjwt.decode(t, 'k', algorithms=['RS256'], options={'verify_signature': False})\n",
        "import jwt\ndef f(access_token):\n    return jwt.decode(access_token, options={'verify_signature': False})['roles']\n",
        "import jwt\ndef f(token_id):\n    return jwt.decode(token_id, options={'verify_signature': False})\n",
    )

    def check_call(self, call: ast.Call, callee: Binding) -> None:
        shown = (callee.qualname or "").replace("()", "")
        if any(isinstance(a, ast.Starred) for a in call.args):
            return
        # A decode the code itself labels unverified only peeks (e.g. to pick the issuer's key next).
        peek = self._labelled_unverified()
        # An OIDC id_token may skip the signature check when it comes straight from the token
        # endpoint over TLS (OIDC Core 3.1.3.7): whether it did is the review tier's question.
        review = Confidence.MEDIUM if self._id_token(call) else None
        reported = False
        options = keyword(call, "options")
        if options is not None and isinstance(options.value, ast.Dict):
            for k, v in zip(options.value.keys, options.value.values):
                if (
                    isinstance(k, ast.Constant) and k.value in _VERIFY_OPTIONS
                    and isinstance(v, ast.Constant) and v.value is False
                ):
                    if not peek:
                        self.report(options, confidence=review, callee=shown,
                                    problem=f"is called with `{k.value}: False`")
                    reported = True
                    break
        verify = keyword(call, "verify")
        if verify is not None and isinstance(verify.value, ast.Constant) and verify.value.value is False:
            if not peek:
                self.report(verify, confidence=review, callee=shown, problem="is called with `verify=False`")
            reported = True
        algorithms = keyword(call, "algorithms")
        algs = algorithms.value if algorithms is not None else (call.args[2] if len(call.args) > 2 else None)
        if algs is not None:
            if isinstance(algs, (ast.List, ast.Tuple, ast.Set)) and any(
                isinstance(e, ast.Constant) and isinstance(e.value, str) and e.value.lower() == "none" for e in algs.elts
            ):
                self.report(algorithms if algorithms is not None else algs, callee=shown,
                            problem='accepts the `"none"` algorithm')
            return
        if reported or any(k.arg is None for k in call.keywords):
            return
        self.report(call.func, callee=shown, problem="is called without `algorithms=`, so the token chooses how it is checked")

    def _id_token(self, call: ast.Call) -> bool:
        """The decoded token is an OIDC id_token: named so (`id_token`, `self._id_token`, `idToken`),
        or read as `tokens["id_token"]` / `tokens.get("id_token")`, directly or through a local name."""
        token = call.args[0] if call.args else (keyword(call, "jwt").value if keyword(call, "jwt") else None)
        if token is None:
            return False
        if _names_id_token(token):
            return True
        if isinstance(token, ast.Name):
            defs = definitions(self.ctx, token.id)
            return bool(defs) and all(value is not None and _names_id_token(value) for _, value, _ in defs)
        return False

    def _labelled_unverified(self) -> bool:
        """The enclosing function, or the name the claims are assigned to, says they are unverified."""
        fn = self.ctx.function
        if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)) and _UNVERIFIED in words(fn.name):
            return True
        for parent in reversed(self.ctx.parents):
            if isinstance(parent, (ast.Assign, ast.AnnAssign)):
                targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
                return any(isinstance(t, ast.Name) and _UNVERIFIED in words(t.id) for t in targets)
            if isinstance(parent, ast.stmt):
                return False
        return False


def _names_id_token(expr: ast.AST) -> bool:
    if isinstance(expr, ast.Name):
        name = expr.id
    elif isinstance(expr, ast.Attribute):
        name = expr.attr
    elif isinstance(expr, ast.Subscript) and isinstance(expr.slice, ast.Constant) and isinstance(expr.slice.value, str):
        name = expr.slice.value
    elif isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "get" and expr.args \
            and isinstance(expr.args[0], ast.Constant) and isinstance(expr.args[0].value, str):
        name = expr.args[0].value
    else:
        return False
    w = words(name)
    return any(a == "id" and b == "token" for a, b in zip(w, w[1:]))
