# From litellm 1.110.2, litellm/proxy/auth/handle_jwt.py:315.
# Reading the unverified claims only to choose which validation path (issuer/key) to use next;
# the token is verified on that path. The function says so in its name.
import jwt

SUPPORTED_JWT_ALGORITHMS = ["RS256", "ES256"]


def get_unverified_claims(token: str):
    try:
        claims = jwt.decode(
            token,
            options={"verify_signature": False, "verify_aud": False},
            algorithms=SUPPORTED_JWT_ALGORITHMS,
        )
    except jwt.PyJWTError:
        return None
    return claims if isinstance(claims, dict) else None
