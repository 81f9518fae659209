# From django-allauth 65.21.1, allauth/account/app_settings.py:287.
# Rate-limit specifications keyed by action name ("5 per minute per user"), not passwords.
def rate_limits() -> dict:
    return {
        "change_password": "5/m/user",
        "reset_password": "20/m/ip,5/m/key",
        "login_failed": "10/m/ip,5/300s/key",
    }
