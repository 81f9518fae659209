# From sentry-sdk 2.75.0, sentry_sdk/utils.py:1427.
# `token` is a random attribute name used to stash a value on a thread-local (a context-var
# shim), not a secret: nothing is protected by its unpredictability.
import random
import threading


class ContextVar:
    def __init__(self, default=None) -> None:
        self._default = default
        self._local = threading.local()
        self._original_local = threading.local()

    def get(self, default=None):
        return getattr(self._local, "value", default or self._default)

    def set(self, value):
        token = str(random.getrandbits(64))
        setattr(self._original_local, token, self.get())
        self._local.value = value
        return token
