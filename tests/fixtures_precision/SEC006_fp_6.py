# From litellm 1.110.2, litellm/proxy/auth/auth_checks.py:4094,
# litellm/proxy/auth/auth_exception_handler.py:190 and
# litellm/proxy/management_endpoints/key_management_endpoints.py:4608.
# Sentinel labels for synthetic auth objects, not credentials: kebab-case/dunder words.
from dataclasses import dataclass


@dataclass
class UserAPIKeyAuth:
    token: str = ""
    key_name: str = ""


ui_session = UserAPIKeyAuth(token="ui-token", key_name="ui-token")
db_down = UserAPIKeyAuth(key_name="failed-to-connect-to-db", token="failed-to-connect-to-db")
anchor = UserAPIKeyAuth(token="__team_scope_auth_check__")
