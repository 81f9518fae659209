# From flask-security-too 5.9.2, flask_security/utils.py:1477.
# Have I Been Pwned's k-anonymity range API is defined on SHA-1 prefixes: the hash protects
# nothing, the protocol mandates it.
import hashlib
import urllib.request


def pwned(password: str) -> urllib.request.Request:
    sha1 = hashlib.sha1(password.encode("utf8")).hexdigest()
    return urllib.request.Request(url=f"https://api.pwnedpasswords.com/range/{sha1[:5].upper()}")
