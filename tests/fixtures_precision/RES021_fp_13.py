# From sentry-sdk 2.75.0, sentry_sdk/integrations/quart.py:171 (also traces.py:409, tracing_utils.py:1223)
# Instrumentation must never break the host application: the transaction name is optional.
def set_transaction_name(scope, request, transaction_style):
    try:
        name_for_style = {"url": request.url_rule.rule, "endpoint": request.url_rule.endpoint}
        scope.set_transaction_name(name=name_for_style[transaction_style], source="route")
    except Exception:
        pass
