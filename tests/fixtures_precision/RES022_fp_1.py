# From changedetection.io 0.60.10, changedetectionio/worker.py:674 (also flower 2.2.0, flower/events.py:228)
# The same handler logs the traceback on the next line: the error line is only the summary.
from loguru import logger


def process(worker_id, uuid, job):
    try:
        job()
    except Exception as e:
        logger.error(f"Worker {worker_id} unexpected error processing {uuid}: {e}")
        logger.exception(f"Worker {worker_id} full exception details:")


def capture(receiver, try_interval):
    try:
        receiver.capture()
    except Exception as e:
        logger.error("Failed to capture events: '%s', trying again in %s seconds.", e, try_interval)
        logger.debug(e, exc_info=True)
