# From changedetection.io 0.60.10, changedetectionio/worker_pool.py:369: a uuid read from a dict the
# body checked with isinstance: nothing there can fail in a way a traceback explains.
from loguru import logger


def queue_item_async_safe(update_q, item):
    item_uuid = "unknown"
    try:
        if hasattr(item, "item") and isinstance(item.item, dict):
            item_uuid = item.item.get("uuid", "unknown")
    except Exception as uuid_e:
        logger.critical(f"CRITICAL: Failed to extract UUID from queue item: {uuid_e}")
    return update_q, item_uuid
