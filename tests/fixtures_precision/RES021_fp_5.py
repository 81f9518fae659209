# From kombu 5.7.0, kombu/resource.py:189 (best-effort teardown before resizing the pool)
def resize(self, limit):
    try:
        self.force_close_all()
    except Exception:
        pass
    self.limit = limit
