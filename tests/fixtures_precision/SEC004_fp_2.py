# From celery 5.7.0, celery/beat.py:584 (and celery/worker/state.py:313).
# `shelve` used as the process's own local state file (the beat schedule), written and read only
# by this program: no trust boundary is crossed.
import shelve


class PersistentScheduler:
    persistence = shelve

    def __init__(self, schedule_filename: str) -> None:
        self.schedule_filename = schedule_filename

    def _open_schedule(self):
        return self.persistence.open(self.schedule_filename, writeback=True)
