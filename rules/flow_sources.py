"""Untrusted-input sources for `rules.flow.taint_sources`, declared as data.

Adding a framework is a data change here: a qualified name (as `ctx.qualname` spells it),
an attribute read on a request-like parameter, or a route decorator whose handler
parameters are request input.
"""
from __future__ import annotations

#: Qualified names whose value (attribute read, or any attribute/call below it) is request input.
#: Matched against `ctx.qualname(expr)`; `request.args.get("u")` resolves to
#: "flask.request.args.get()" which starts with "flask.request.args".
QUALNAME_SOURCES: dict[str, str] = {
    "flask.request.args": "Flask `request.args`",
    "flask.request.form": "Flask `request.form`",
    "flask.request.json": "Flask `request.json`",
    "flask.request.values": "Flask `request.values`",
    "flask.request.data": "Flask `request.data`",
    "flask.request.get_json": "Flask `request.get_json()`",
    "flask.request.get_data": "Flask `request.get_data()`",
    "flask.request.files": "Flask `request.files`",
    "flask.request.cookies": "Flask `request.cookies`",
    "flask.request.headers": "Flask `request.headers`",
    "quart.request.args": "Quart `request.args`",
    "quart.request.form": "Quart `request.form`",
    "sys.argv": "`sys.argv`",
}

#: Calls whose result is untrusted input (resolved callee qualname -> label).
CALL_SOURCES: dict[str, str] = {
    "builtins.input": "`input()`",
}

#: Attribute reads on a request object that is a handler parameter (Django views,
#: Starlette/FastAPI `Request`): attribute -> label. The parameter must be named in
#: REQUEST_PARAM_NAMES or be annotated with one of REQUEST_ANNOTATIONS.
REQUEST_ATTRIBUTES: dict[str, str] = {
    "GET": "Django `request.GET`",
    "POST": "Django `request.POST`",
    "body": "Django `request.body`",
    "COOKIES": "Django `request.COOKIES`",
    "query_params": "`request.query_params`",
    "path_params": "`request.path_params`",
}
REQUEST_PARAM_NAMES = frozenset({"request", "req"})
REQUEST_ANNOTATIONS = frozenset({
    "starlette.requests.Request",
    "fastapi.Request",
    "fastapi.requests.Request",
    "django.http.HttpRequest",
    "django.http.request.HttpRequest",
    "rest_framework.request.Request",
})

#: Route decorators whose handler parameters are request input: the decorator's callee
#: qualname ends with ".<verb>" and starts with one of these application/router types.
ROUTE_OWNERS = (
    "fastapi.FastAPI()",
    "fastapi.APIRouter()",
    "fastapi.routing.APIRouter()",
    "starlette.applications.Starlette()",
    "flask.Flask()",       # Flask view arguments are URL path variables
    "flask.Blueprint()",
    "quart.Quart()",
)
ROUTE_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "api_route", "route"})

#: Handler parameters that are framework objects, not input: excluded by annotation...
NON_INPUT_ANNOTATIONS = frozenset({
    "fastapi.Request", "starlette.requests.Request", "fastapi.requests.Request",
    "fastapi.Response", "fastapi.BackgroundTasks", "fastapi.WebSocket",
    "starlette.responses.Response", "starlette.websockets.WebSocket",
})
#: ...or by a default built from these (dependency injection).
NON_INPUT_DEFAULTS = frozenset({"fastapi.Depends", "fastapi.Security", "fastapi.params.Depends"})
