# From changedetection.io 0.60.10, changedetectionio/processors/image_ssim_diff/difference.py:156.
# The handler logs the message, then the traceback text on a line of its own, with `traceback`
# imported inside the handler: the traceback is logged.
from loguru import logger


def get_asset(watch, asset_name):
    try:
        return watch.get_asset(asset_name)
    except Exception as e:
        logger.error(f"Failed to get asset '{asset_name}': {e}")
        import traceback
        logger.error(traceback.format_exc())
        return None
