# From celery 5.7.0, celery/backends/base.py:556 (pylint's own disable with a reason: the team decided it)
def call_errbacks(errbacks, request, exc):
    for errback in errbacks:
        try:
            errback(request, exc)
        except Exception:  # pylint: disable=broad-except
            # keep going: the other errbacks must still run
            continue
