# From litellm 1.110.2, litellm/proxy/management_endpoints/ui_sso.py:4859 and
# litellm/proxy/management_endpoints/sso/litellm_http_client_sso.py:174.
# An OIDC id_token received directly from the provider's token endpoint over TLS (OIDC Core
# 3.1.3.7 allows TLS server validation in place of the signature check), here after the SSO
# library has already validated it.
import jwt


def app_roles_from_id_token(id_token: str) -> list:
    # signature is already verified by the SSO library
    decoded_token = jwt.decode(id_token, options={"verify_signature": False})
    return list(decoded_token.get("roles", []))
