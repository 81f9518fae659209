# From alembic 1.20.1, alembic/util/langhelpers.py:214 (also alembic/operations/base.py:185 and
# celery 5.7.0, celery/utils/functional.py:436).
# Code generation: the source is formatted from a function's own signature (inspect) and
# executed into a fresh namespace; no part of it comes from input.
import inspect


def create_proxy_method(fn, name: str):
    spec = inspect.signature(fn)
    args = str(spec)[1:-1]
    call_args = ", ".join(p for p in spec.parameters)
    func_text = f"def {name}({args}):\n    return _proxy.{fn.__name__}({call_args})\n"
    namespace: dict = {"_proxy": None}
    lcl: dict = {}
    exec(func_text, namespace, lcl)
    return lcl[name]
