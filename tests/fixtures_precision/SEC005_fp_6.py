# From sqlalchemy-utils 0.43.0, sqlalchemy_utils/functions/render.py:39.
# A dev helper evaluating a developer-written expression, in the caller's frame, to render its SQL.
import inspect


def render_expression(expression, bind, stream=None):
    frame = inspect.currentframe().f_back
    local = dict(frame.f_locals)
    local["engine"] = bind
    exec(expression, frame.f_globals, local)
    return stream
