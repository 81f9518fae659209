# From django-allauth 65.21.1, allauth/headless/constants.py:23 (and :20).
# Enum-like constants whose value is their own name in lower case: flow identifiers.
class Flow:
    PASSWORD_RESET_BY_CODE = "password_reset_by_code"
    PROVIDER_REDIRECT = "provider_redirect"
    PROVIDER_TOKEN = "provider_token"
