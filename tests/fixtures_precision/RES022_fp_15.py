# From changedetection.io 0.60.10, changedetectionio/store/__init__.py:942 (also :871, one shutil.move):
# path checks and an rmtree of one directory: only an OSError naming the path can come out.
import os
import shutil
import time

from loguru import logger


def cleanup_temporary_watches(base, ttl_seconds=3600):
    now = time.time()
    for name in os.listdir(base):
        d = os.path.join(base, name)
        try:
            if os.path.isdir(d) and (now - os.path.getmtime(d)) > ttl_seconds:
                shutil.rmtree(d, ignore_errors=True)
                logger.debug(f"Cleaned orphaned temporary watch {name}")
        except Exception as e:
            logger.error(f"Failed cleaning temporary watch {d}: {e}")
