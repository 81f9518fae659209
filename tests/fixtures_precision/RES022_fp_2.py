# From changedetection.io 0.60.10, changedetectionio/worker_pool.py:399 and :401
# Diagnostic lines about the queue's state while the caught error is reported (they do not report
# it), and a health probe failing inside that report (review tier: a human decides).
from loguru import logger


def queue_item(update_q, item, item_uuid):
    try:
        return update_q.put(item, block=True, timeout=5.0)
    except Exception as e:
        logger.critical(f"CRITICAL: Exception during queue operation for item {item_uuid}: {e}", exc_info=True)
        try:
            queue_size = update_q.qsize()
            logger.critical(f"CRITICAL: Queue health - size: {queue_size}")
        except Exception as health_e:
            logger.critical(f"CRITICAL: Queue health check failed: {health_e}")
        return False
