# From celery 5.7.0, celery/utils/serialization.py:132/164.
# A pickle round trip of an object this process holds, to test that it is picklable: the bytes
# never leave the process, nobody else can have written them.
import pickle


def get_pickleable_exception(exc):
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:  # the object is not picklable
        return None
    return exc
